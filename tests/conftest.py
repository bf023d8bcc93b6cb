"""Shared fixtures: named users, the seed, and small factories."""

import datetime
import itertools
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.core.cache.backends.db import BaseDatabaseCache
from django.core.management import call_command
from django.utils import translation

from archive.models import Document, Organization
from portal import content, roles, search
from portal.publishing import Status

REPO = Path(__file__).resolve().parent.parent
SEED_FILE = REPO / "fixtures" / "sources" / "press-release-2008-01-21-black-january.txt"
SEED_TITLE = "THE BLACK JANUARY: 18th ANNIVERSARY OF THE SOVIET INVASION OF BAKY"
SEED_ISSUER = "Permanent Mission of the Republic of Azerbaijan to the United Nations"

_numbers = itertools.count(1)

# The inlines of the admin's change forms (attachments, a document's events), posted empty.
EMPTY_INLINES = {
    f"{prefix}-{count}": "0"
    for prefix in ["archive-attachment-content_type-object_id", "Event_documents", "relations"]
    for count in ["TOTAL_FORMS", "INITIAL_FORMS"]
}
_DATE_FIELDS = {"issued_on", "start_date", "end_date", "date", "birth_date", "death_date"}


def _with_dates(fields: dict) -> dict:
    """ISO strings to dates for date fields, as forms and the importer give them."""
    return {
        name: datetime.date.fromisoformat(value)
        if name in _DATE_FIELDS and isinstance(value, str)
        else value
        for name, value in fields.items()
    }


def document_form(document, **changes) -> dict:
    """The admin change form of ``document`` as a browser would post it back, with changes."""
    return {
        "title": document.title,
        "slug": document.slug,
        "kind": document.kind,
        "issuer": document.issuer.pk,
        "issued_on": document.issued_on.isoformat(),
        "status": document.status,
        "body": document.body,
        "language": document.language,
        "tags": "",
        **EMPTY_INLINES,
        **changes,
    }


_DATABASE_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences"}


@pytest.fixture(autouse=True)
def empty_cache(request):
    """Each test starts with empty caches — every alias: pages in "default", rate-limit counts
    and login lockouts in "limits" — with nothing left over from another test. A cache kept in
    the database (the limits without Redis) lives in the test database, so it is emptied for
    tests that use the database; no other test can reach it."""
    uses_database = request.node.get_closest_marker("django_db") or (
        _DATABASE_FIXTURES & set(request.fixturenames)
    )
    for backend in caches.all():
        if isinstance(backend, BaseDatabaseCache):
            if not uses_database:
                continue
            request.getfixturevalue("db")  # opens the test database, as the test will
        backend.clear()


@pytest.fixture(autouse=True)
def english_between_tests():
    """A request in /az/ or /ru/ leaves its language active in the thread; each test starts,
    and computes URLs, in English."""
    translation.activate("en")
    yield
    translation.activate("en")


LONG_AGO = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


@pytest.fixture(scope="session")
def s3_server():
    """The address of a real S3 server (moto's) on loopback, started once for the session in
    this process, so that `make test` and CI need nothing started beforehand."""
    from tests.servers import start_s3_server

    server, address = start_s3_server()
    yield address
    server.stop()


@pytest.fixture
def seed(db):
    """The portal's seed content, loaded the way `make run` loads it."""
    call_command("load_initial_data", verbosity=0)
    # The fixtures were published on 2026-11-25; tests of anniversaries travel to earlier
    # dates, when the seed must already be public.
    for model in content.models(publishable=True):
        model.objects.filter(status=Status.PUBLISHED).update(published_at=LONG_AGO)
    search.rebuild()
    return Document.objects.get(
        slug="the-black-january-18th-anniversary-of-the-soviet-invasion-of-baky"
    )


def _staff_in(django_user_model, username, group):
    user = django_user_model.objects.create_user(
        username, password=f"{username}-pass", is_staff=True
    )
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def media_root(settings, tmp_path):
    """A fresh, empty media folder for this test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def editor(django_user_model):
    """A member of the Editors group: writes, submits for review, cannot publish."""
    return _staff_in(django_user_model, "editor", roles.EDITORS)


@pytest.fixture
def publisher(django_user_model):
    """A member of the Publishers group: also publishes, schedules and withdraws."""
    return _staff_in(django_user_model, "publisher", roles.PUBLISHERS)


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def publisher_client(client, publisher):
    client.force_login(publisher)
    return client


@pytest.fixture
def outsider(django_user_model):
    """A logged-in user who is not staff."""
    return django_user_model.objects.create_user("outsider", password="outsider-pass")


def make_organization(**fields) -> Organization:
    number = next(_numbers)
    defaults = {"name": f"Organization {number}", "slug": f"organization-{number}"}
    return Organization.objects.create(**_with_dates({**defaults, **fields}))


def make_document(**fields) -> Document:
    number = next(_numbers)
    tags = fields.pop("tags", [])
    defaults = {
        "kind": Document.Kind.STATEMENT,
        "title": f"Statement number {number}",
        "slug": f"statement-{number}",
        "issued_on": "2010-05-01",
        "body": f"Text of statement {number}.\n\nSecond paragraph.",
        "status": Status.PUBLISHED,
    }
    if "issuer" not in fields:
        fields["issuer"] = make_organization()
    document = Document.objects.create(**_with_dates({**defaults, **fields}))
    if tags:
        document.tags.add(*tags)
    document.refresh_from_db()
    return document


def make_place(**fields):
    from memorials.models import Place

    number = next(_numbers)
    return Place.objects.create(**{"name": f"Place {number}", "slug": f"place-{number}", **fields})


def make_event(**fields):
    from memorials.models import Event

    number = next(_numbers)
    places = fields.pop("places", [])
    documents = fields.pop("documents", [])
    defaults = {
        "name": f"Event {number}",
        "slug": f"event-{number}",
        "start_date": "1990-01-20",
        "status": Status.PUBLISHED,
    }
    event = Event.objects.create(**_with_dates({**defaults, **fields}))
    event.places.set(places)
    event.documents.set(documents)
    event.refresh_from_db()
    return event


def make_person(**fields):
    from memorials.models import Person

    number = next(_numbers)
    defaults = {"name": f"Person {number}", "slug": f"person-{number}", "status": Status.PUBLISHED}
    return Person.objects.create(**_with_dates({**defaults, **fields}))


def make_commemoration(**fields):
    from memorials.models import Commemoration

    number = next(_numbers)
    documents = fields.pop("documents", [])
    defaults = {
        "name": f"Commemoration {number}",
        "slug": f"commemoration-{number}",
        "date": "2010-01-20",
        "status": Status.PUBLISHED,
    }
    commemoration = Commemoration.objects.create(**_with_dates({**defaults, **fields}))
    commemoration.documents.set(documents)
    return commemoration


def make_figure(**fields):
    from memorials.models import Figure

    if "source" not in fields:
        fields["source"] = make_document(body="In all 42 people were counted.")
    if "event" not in fields:
        fields["event"] = make_event()
    defaults = {"measure": Figure.Measure.KILLED, "value": 42, "wording": "42 people"}
    return Figure.objects.create(**{**defaults, **fields})
