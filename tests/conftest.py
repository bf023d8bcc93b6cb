"""Shared fixtures: named users, the seed, and small factories."""

import itertools
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command

from archive.models import Document, Organization
from portal.publishing import Status

REPO = Path(__file__).resolve().parent.parent
SEED_FILE = REPO / "fixtures" / "sources" / "press-release-2008-01-21-black-january.txt"
SEED_TITLE = "THE BLACK JANUARY: 18th ANNIVERSARY OF THE SOVIET INVASION OF BAKY"
SEED_ISSUER = "Permanent Mission of the Republic of Azerbaijan to the United Nations"

_numbers = itertools.count(1)


@pytest.fixture
def seed(db):
    """The portal's seed content, loaded the way `make run` loads it."""
    call_command("load_initial_data", verbosity=0)
    return Document.objects.get(
        slug="the-black-january-18th-anniversary-of-the-soviet-invasion-of-baky"
    )


@pytest.fixture
def editor(django_user_model):
    """A staff member who curates the archive (no superuser powers)."""
    user = django_user_model.objects.create_user("editor", password="editor-pass", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["archive", "taggit"])
    )
    return user


@pytest.fixture
def outsider(django_user_model):
    """A logged-in user who is not staff."""
    return django_user_model.objects.create_user("outsider", password="outsider-pass")


def make_organization(**fields) -> Organization:
    number = next(_numbers)
    defaults = {"name": f"Organization {number}", "slug": f"organization-{number}"}
    return Organization.objects.create(**{**defaults, **fields})


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
    document = Document.objects.create(**{**defaults, **fields})
    if tags:
        document.tags.add(*tags)
    document.refresh_from_db()
    return document
