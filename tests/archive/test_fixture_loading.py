"""The shipped fixtures load the way Django users load them: `loaddata fixtures/*.json` on an
empty database, in any order, as often as wanted; the README's example fixture loads, and
`dumpdata --natural-foreign --natural-primary` output goes back in."""

import itertools
import json
import re

import pytest
from django.core.management import call_command

from archive.models import Document, Organization, sha256_of_text
from memorials.models import Commemoration, Event, Figure, Person, Place
from tests.conftest import REPO

pytestmark = pytest.mark.django_db

FIXTURES = REPO / "fixtures"
SHIPPED = sorted(FIXTURES.glob("*.json"))  # as the shell expands fixtures/*.json
SEED_COUNTS = {
    Organization: 1,
    Document: 1,
    Place: 4,
    Event: 1,
    Figure: 6,
    Commemoration: 1,
}


def counts() -> dict:
    return {model: model.objects.count() for model in SEED_COUNTS}


def records(path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_shipped_fixtures():
    assert [path.name for path in SHIPPED] == ["organizations.json", "seed.json"]


@pytest.mark.parametrize("order", list(itertools.permutations(SHIPPED)), ids=str)
def test_loaddata_in_any_order_and_twice_on_an_empty_database(order):
    assert not any(counts().values())
    call_command("loaddata", *order, verbosity=0)
    assert counts() == SEED_COUNTS
    call_command("loaddata", *order, verbosity=0)
    assert counts() == SEED_COUNTS
    for path in order:  # and each file alone, once more
        call_command("loaddata", path, verbosity=0)
    assert counts() == SEED_COUNTS
    event = Event.objects.get(slug="black-january")
    assert list(event.places.values_list("slug", flat=True)) == ["baku"]
    assert event.documents.get().issuer.slug == "azerbaijan-mission-to-the-un"
    assert Document.objects.public().count() == 1


def test_every_record_is_named_by_natural_keys():
    for path in SHIPPED:
        for number, record in enumerate(records(path), start=1):
            assert "pk" not in record, (path.name, number)
            for name, value in record["fields"].items():
                assert not isinstance(value, int) or name == "value", (path.name, number, name)


def test_the_seed_names_only_records_before_it():
    """Each record's natural keys name records earlier in seed.json, so the file loads alone."""
    seen = set()
    for record in records(FIXTURES / "seed.json"):
        fields = record["fields"]
        for name in ["issuer", "parent", "event", "place", "organizer", "source"]:
            if fields.get(name):
                assert tuple(fields[name]) in seen, (record["model"], name, fields[name])
        for name in ["places", "documents"]:
            for key in fields.get(name, []):
                assert tuple(key) in seen, (record["model"], name, key)
        if record["model"] == "archive.document":
            seen.add((fields["issuer"][0], fields["issued_on"], fields["slug"]))
        seen.add((fields["slug"],) if "slug" in fields else ())


def test_the_seed_carries_its_issuer_as_the_authority_lists_it():
    authority = records(FIXTURES / "organizations.json")
    issuers = [r for r in records(FIXTURES / "seed.json") if r["model"] == "archive.organization"]
    assert issuers and all(issuer in authority for issuer in issuers)


def test_the_seed_document_matches_its_checksum():
    (document,) = [r for r in records(FIXTURES / "seed.json") if r["model"] == "archive.document"]
    assert sha256_of_text(document["fields"]["body"]) == document["fields"]["checksum"]


def test_load_initial_data_loads_the_seed_and_loaddata_adds_nothing_after_it():
    call_command("load_initial_data", verbosity=0)
    assert counts() == SEED_COUNTS
    call_command("loaddata", *SHIPPED, verbosity=0)
    assert counts() == SEED_COUNTS


def _readme_example() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Writing fixtures\n", 1)[1].split("\n## ", 1)[0]
    (example,) = re.findall(r"```json\n(.*?)```", section, re.S)
    return example


def test_the_readme_example_fixture_loads_after_the_seed(tmp_path):
    example = tmp_path / "example.json"
    example.write_text(_readme_example(), encoding="utf-8")
    (document,) = [r for r in records(example) if r["model"] == "archive.document"]
    assert sha256_of_text(document["fields"]["body"]) == document["fields"]["checksum"]
    call_command("loaddata", *SHIPPED, verbosity=0)
    call_command("loaddata", example, verbosity=0)
    call_command("loaddata", example, verbosity=0)
    event = Event.objects.get(slug="an-example-event")
    assert event.documents.get().slug == "an-example-statement"
    assert Person.objects.get(slug="an-example").event == event
    assert Document.objects.count() == 2 and Person.objects.count() == 1
    assert Document.objects.get(slug="an-example-statement").fixity_ok


def test_dumpdata_with_natural_keys_goes_back_in(tmp_path):
    call_command("loaddata", *SHIPPED, verbosity=0)
    dump = tmp_path / "dump.json"
    call_command(
        "dumpdata", "archive.organization", "archive.document", "memorials.place",
        "memorials.event", "memorials.person", "memorials.figure", "memorials.commemoration",
        natural_foreign=True, natural_primary=True, indent=2, output=str(dump), verbosity=0,
    )  # fmt: skip
    dumped = records(dump)
    assert len(dumped) == sum(SEED_COUNTS.values()) and not any("pk" in r for r in dumped)
    Commemoration.objects.all().delete()
    Figure.objects.all().delete()
    Event.objects.all().delete()
    Place.objects.filter(parent__isnull=False).delete()
    Place.objects.all().delete()
    Document.objects.all().delete()
    Organization.objects.all().delete()
    assert not any(counts().values())
    call_command("loaddata", dump, verbosity=0)
    call_command("loaddata", dump, verbosity=0)
    assert counts() == SEED_COUNTS
    assert Event.objects.get().documents.get().fixity_ok
