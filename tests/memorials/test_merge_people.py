"""Two records of one person merged into one: everything moves to the record that stays, the
other's address leads there, and both histories are kept."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from archive.media import prepare_upload
from archive.models import Attachment
from memorials import models
from memorials.services import merge_people
from portal.models import OldAddress
from portal.publishing import Status
from tests.archive.test_attachments import png
from tests.conftest import make_document, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_records(media_root):
    survivor = make_person(name="Elchin Mammadov", slug="elchin-mammadov")
    duplicate = make_person(
        name="Elçin Məmmədov",
        slug="elcin-memmedov",
        name_variants="Эльчин Мамедов\nElchin Mammadov",
    )
    models.Tribute.objects.create(
        person=duplicate, kind="message", text="We remember you, Elchin.", state="approved"
    )
    models.Tribute.objects.create(person=duplicate, kind="candle", state="approved")
    models.Testimony.objects.create(
        person=duplicate, shown_name="A neighbour", email="n@example.org", text="He was kind."
    )
    models.CorrectionRequest.objects.create(
        person=duplicate, shown_name="A reader", email="r@example.org", text="Born in 1970."
    )
    father = make_person(name="Rauf Mammadov")
    sister = make_person(name="Leyla Mammadova")
    models.PersonRelation.objects.create(person=duplicate, relative=father, kind="parent")
    models.PersonRelation.objects.create(person=survivor, relative=sister, kind="sibling")
    models.PersonRelation.objects.create(person=sister, relative=duplicate, kind="sibling")
    models.PersonRelation.objects.create(person=duplicate, relative=survivor, kind="relative")
    document = make_document(title="Casualty list", body="Elçin Məmmədov, 19.")
    duplicate.documents.add(document)
    photo = Attachment(
        item=duplicate,
        alt_text="A young man",
        rights="https://creativecommons.org/licenses/by/4.0/",
    )
    photo.store(prepare_upload(SimpleUploadedFile("photo.png", png())))
    photo.save()
    duplicate.portrait = photo
    duplicate.save()
    return survivor, duplicate


def test_everything_moves_to_the_record_that_stays(two_records, publisher):
    survivor, duplicate = two_records
    duplicate_pk = duplicate.pk
    merge_people(survivor, duplicate, publisher)

    assert not models.Person.objects.filter(pk=duplicate_pk).exists()
    survivor.refresh_from_db()
    assert survivor.tributes.count() == 2  # the message and the candle
    assert models.Testimony.objects.get().person == survivor
    assert models.CorrectionRequest.objects.get().person == survivor
    relations = {
        (r.person.name, r.relative.name, r.kind)
        for r in models.PersonRelation.objects.select_related("person", "relative")
    }
    # No relation of the person to themselves, and the sister's once.
    assert relations == {
        ("Elchin Mammadov", "Rauf Mammadov", "parent"),
        ("Elchin Mammadov", "Leyla Mammadova", "sibling"),
    }
    assert [d.title for d in survivor.documents.all()] == ["Casualty list"]
    assert models.NameMention.objects.get(document__title="Casualty list").person == survivor
    assert Attachment.objects.get().item == survivor
    assert survivor.portrait.alt_text == "A young man"
    assert survivor.variants == ["Elçin Məmmədov", "Эльчин Мамедов"]


def test_the_old_address_leads_to_the_survivor_whose_page_shows_the_tributes(
    two_records, publisher, client
):
    survivor, duplicate = two_records
    OldAddress.objects.create(path="/people/elcin-older/", key=f"memorials.person:{duplicate.pk}")
    merge_people(survivor, duplicate, publisher)
    response = client.get("/people/elcin-memmedov/")
    assert response.status_code == 301 and response["Location"] == "/people/elchin-mammadov/"
    older = client.get("/people/elcin-older/")
    assert older.status_code == 301 and older["Location"] == "/people/elchin-mammadov/"
    page = client.get("/people/elchin-mammadov/").content.decode()
    assert "We remember you, Elchin." in page and "1 candle lit." in page
    assert "Leyla Mammadova" in page and "Rauf Mammadov" in page


def test_both_histories_are_kept_with_the_reason(two_records, publisher):
    survivor, duplicate = two_records
    duplicate_pk = duplicate.pk
    merge_people(survivor, duplicate, publisher)
    last = models.Person.history.filter(id=duplicate_pk).latest("history_date")
    assert last.history_type == "-"
    assert last.history_change_reason.startswith("Merged into Elchin Mammadov")
    assert last.history_user == publisher
    assert models.Person.history.filter(id=duplicate_pk).count() > 1  # its earlier versions too
    latest = models.Person.history.filter(id=survivor.pk).latest("history_date")
    assert latest.history_change_reason.startswith("Merged with Elçin Məmmədov")


def test_only_a_publisher_merges_a_public_person(two_records, editor):
    survivor, duplicate = two_records
    with pytest.raises(PermissionDenied):
        merge_people(survivor, duplicate, editor)
    assert models.Person.objects.filter(pk=duplicate.pk).exists()
    assert duplicate.tributes.count() == 2


def test_the_admin_action_asks_which_record_stays_then_merges(two_records, publisher_client):
    survivor, duplicate = two_records
    selected = {"action": "merge_two_people", "_selected_action": [survivor.pk, duplicate.pk]}
    confirmation = publisher_client.post("/admin/memorials/person/", selected)
    assert confirmation.status_code == 200
    page = confirmation.content.decode()
    assert "Choose the record that stays" in page and "/elcin-memmedov/" in page
    refused = publisher_client.post("/admin/memorials/person/", {**selected, "post": "yes"})
    assert "This field is required" in refused.content.decode()
    assert models.Person.objects.filter(pk=duplicate.pk).exists()
    done = publisher_client.post(
        "/admin/memorials/person/", {**selected, "post": "yes", "survivor": survivor.pk}
    )
    assert done.status_code == 302
    assert done["Location"] == f"/admin/memorials/person/{survivor.pk}/change/"
    assert not models.Person.objects.filter(pk=duplicate.pk).exists()


def test_an_editor_merges_drafts_but_not_public_people(two_records, editor_client):
    survivor, duplicate = two_records
    selected = {"action": "merge_two_people", "_selected_action": [survivor.pk, duplicate.pk]}
    response = editor_client.post(
        "/admin/memorials/person/",
        {**selected, "post": "yes", "survivor": survivor.pk},
        follow=True,
    )
    assert "Only a publisher may merge a person who is or was public." in response.content.decode()
    assert models.Person.objects.filter(pk=duplicate.pk).exists()

    first = make_person(name="Draft One", status=Status.DRAFT)
    second = make_person(name="Draft One", slug="draft-one-again", status=Status.DRAFT)
    editor_client.post(
        "/admin/memorials/person/",
        {
            "action": "merge_two_people",
            "_selected_action": [first.pk, second.pk],
            "post": "yes",
            "survivor": second.pk,
        },
    )
    assert list(models.Person.objects.filter(name="Draft One")) == [second]


def test_the_action_takes_exactly_two_people(two_records, publisher_client):
    survivor, _duplicate = two_records
    response = publisher_client.post(
        "/admin/memorials/person/",
        {"action": "merge_two_people", "_selected_action": [survivor.pk]},
        follow=True,
    )
    assert "Select exactly two records of one person to merge." in response.content.decode()
