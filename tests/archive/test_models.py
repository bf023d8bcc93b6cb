import hashlib
import json

import pytest
from django.core import serializers
from django.db import IntegrityError, transaction

from archive.models import Document, Organization
from portal.publishing import Status
from tests.conftest import make_document, make_organization

pytestmark = pytest.mark.django_db


def test_checksum_is_sha256_of_the_utf8_text():
    document = make_document(body="Baky — “Black January”")
    assert document.checksum == hashlib.sha256("Baky — “Black January”".encode()).hexdigest()
    assert document.fixity_ok


def test_checksum_follows_the_text_on_every_save():
    document = make_document(body="first")
    document.body = "second"
    document.save(update_fields=["body"])
    document.refresh_from_db()
    assert document.checksum == hashlib.sha256(b"second").hexdigest()


def test_fixity_fails_when_text_changes_behind_the_models_back():
    document = make_document(body="as issued")
    Document.objects.filter(pk=document.pk).update(body="tampered")
    document.refresh_from_db()
    assert not document.fixity_ok


def test_public_excludes_drafts():
    published = make_document()
    make_document(status=Status.DRAFT)
    assert list(Document.objects.public()) == [published]


def test_slug_is_unique_within_a_year_but_may_repeat_across_years():
    issuer = make_organization()
    make_document(issuer=issuer, slug="annual-statement", issued_on="2010-01-20")
    make_document(issuer=issuer, slug="annual-statement", issued_on="2011-01-20")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_document(issuer=issuer, slug="annual-statement", issued_on="2010-12-31")


def test_natural_keys_round_trip():
    issuer = make_organization(slug="mission")
    document = make_document(issuer=issuer, slug="release", issued_on="2008-01-21")
    assert document.natural_key() == ("mission", "2008-01-21", "release")
    assert Document.objects.get_by_natural_key("mission", "2008-01-21", "release") == document
    assert Organization.objects.get_by_natural_key("mission") == issuer


def test_serialized_with_natural_keys_the_data_loads_into_an_empty_database():
    issuer = make_organization(slug="mission", name="The Mission")
    document = make_document(issuer=issuer, slug="release", body="Verbatim text.")
    dumped = serializers.serialize(
        "json",
        [issuer, document],
        use_natural_foreign_keys=True,
        use_natural_primary_keys=True,
    )
    assert '"pk"' not in dumped
    Document.objects.all().delete()
    Organization.objects.all().delete()
    for record in serializers.deserialize("json", dumped):
        record.save()
    restored = Document.objects.get()
    assert (restored.issuer.name, restored.body, restored.checksum) == (
        "The Mission",
        "Verbatim text.",
        document.checksum,
    )
    assert json.loads(dumped)[1]["fields"]["issuer"] == ["mission"]


def test_organization_names_include_variants():
    organization = make_organization(
        name="Permanent Mission", short_name="PM", name_variants="Mission\n\n  Another name  "
    )
    assert organization.all_names() == ["Permanent Mission", "PM", "Mission", "Another name"]
