import hashlib
import json

import pytest
from django.core.management import call_command

from archive.models import Document, Organization, sha256_of_text
from tests.conftest import REPO, SEED_FILE, SEED_ISSUER, SEED_TITLE

pytestmark = pytest.mark.django_db

# The seed's SHA-256 as received, recorded beside it (sha256sum's format): the repository
# carries its own proof, and needs nothing beside it.
RECORDED_CHECKSUMS = SEED_FILE.parent / "SHA256SUMS"


def seed_body() -> str:
    """The release's body as in the file: the lines after the title, blank lines trimmed."""
    lines = SEED_FILE.read_text(encoding="utf-8").split("\n")
    title_line = lines.index(SEED_TITLE)
    return "\n".join(lines[title_line + 1 :]).strip("\n")


def test_the_seed_file_is_byte_for_byte_as_received():
    recorded = dict(
        reversed(line.split(maxsplit=1))
        for line in RECORDED_CHECKSUMS.read_text(encoding="utf-8").splitlines()
    )
    assert recorded[SEED_FILE.name] == hashlib.sha256(SEED_FILE.read_bytes()).hexdigest()


def test_the_seed_document(seed):
    assert seed.title == SEED_TITLE
    assert seed.issuer.name == SEED_ISSUER
    assert "Mission of Azerbaijan to the United Nations" in seed.issuer.all_names()
    assert seed.issued_on.isoformat() == "2008-01-21"
    assert seed.kind == Document.Kind.PRESS_RELEASE
    assert seed.series == "Special Issue"
    assert seed.language == "en"
    assert seed.is_public


def test_the_seed_text_is_the_release_body_exactly(seed):
    assert seed.body == seed_body()
    assert seed.body.startswith("Eighteen years have passed since the Soviet regime")
    assert seed.body.endswith("independent, free and sovereign Azerbaijan.")
    assert "the “Black January”" in seed.body  # the issuer's own quotation marks
    assert "ten thousands of Soviet troops" in seed.body  # the issuer's own wording


def test_the_fixture_carries_a_checksum_that_matches_its_text(seed):
    records = json.loads((REPO / "fixtures" / "seed.json").read_text(encoding="utf-8"))
    (fields,) = [record["fields"] for record in records if record["model"] == "archive.document"]
    assert fields["checksum"] == sha256_of_text(fields["body"])
    assert seed.checksum == fields["checksum"]
    assert seed.fixity_ok


def test_loading_the_fixtures_twice_leaves_one_of_each(seed):
    call_command("load_initial_data", verbosity=0)
    assert Document.objects.count() == 1
    assert Organization.objects.count() == 1


def test_fixtures_have_no_fixed_primary_keys():
    for name in ["organizations.json", "seed.json"]:
        for record in json.loads((REPO / "fixtures" / name).read_text(encoding="utf-8")):
            assert "pk" not in record, name


def test_dry_run_writes_nothing(db):
    call_command("load_initial_data", "--dry-run", verbosity=0)
    assert not Document.objects.exists()
    assert not Organization.objects.exists()
