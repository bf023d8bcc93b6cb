"""Suggestions to editors: a document in which one of a person's recorded spellings occurs as a
phrase, found when either is saved, linked in one click, never shown to visitors."""

import re

import pytest

from archive.models import Document
from memorials import mentions
from memorials.models import NameMention, Person
from portal.models import NameWord
from portal.publishing import Status
from tests.conftest import make_document, make_person

pytestmark = pytest.mark.django_db

CHANGE_FORM_INLINES = {
    f"{prefix}-{count}": value
    for prefix in ["archive-attachment-content_type-object_id", "relations"]
    for count, value in [("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0")]
}


def mentioned(person) -> set[str]:
    return set(NameMention.objects.filter(person=person).values_list("document__title", flat=True))


def test_saving_a_person_finds_the_documents_that_spell_their_name(db):
    make_document(title="Russian list", body="Среди погибших — Эльчин Мамедов, студент.")
    make_document(title="English list", body="Among the dead: Elchin Mammadov, a student.")
    make_document(title="Draft list", body="ELCHIN MAMMADOV (1970–1990)", status=Status.DRAFT)
    make_document(title="Words apart", body="Elchin went home; Mammadov stayed.")
    make_document(title="Longer word", body="Elchin Mammadova, his sister, was not there.")
    person = make_person(name="Elchin Mammadov", name_variants="Эльчин Мамедов")
    assert mentioned(person) == {"Russian list", "English list", "Draft list"}
    spelled = dict(person.mentions.values_list("document__title", "spelling"))
    assert spelled["Russian list"] == "Эльчин Мамедов"
    assert spelled["English list"] == "Elchin Mammadov"


def test_saving_a_document_finds_the_people_it_names(db):
    named = make_person(name="Aysel Huseynova", status=Status.DRAFT)
    public = make_person(name="Rauf Aliyev", name_az="Rauf Əliyev")
    make_person(name="Nobody Here")
    document = make_document(body="Rauf Əliyev and Aysel Huseynova were wounded.")
    assert set(document.mentions.values_list("person__name", flat=True)) == {
        "Aysel Huseynova",
        "Rauf Aliyev",
    }
    assert public.mentions.get().spelling == "Rauf Əliyev"
    # A new text is searched again: what it no longer says is no longer suggested.
    document.body = "Aysel Huseynova was wounded."
    document.save()
    assert set(document.mentions.values_list("person", flat=True)) == {named.pk}


def test_a_changed_name_replaces_the_suggestions(db):
    make_document(title="Old name", body="Named: Tofiq Rzayev.")
    make_document(title="New name", body="Named: Tofig Rzayev.")
    person = make_person(name="Tofiq Rzayev")
    assert mentioned(person) == {"Old name"}
    person.name = "Tofig Rzayev"
    person.save()
    assert mentioned(person) == {"New name"}


def test_a_person_save_reads_only_the_documents_the_index_matches(db, monkeypatch):
    for number in range(15):
        make_document(title=f"Unrelated {number}", body=f"Nothing here about anyone, {number}.")
    make_document(title="The one", body="The list names Samir Guliyev.")
    make_document(title="A draft", status=Status.DRAFT, body="No names.")
    read = []
    segments = mentions._segments
    monkeypatch.setattr(mentions, "_segments", lambda doc: read.append(doc.title) or segments(doc))
    person = make_person(name="Samir Guliyev")
    # The match from the full-text index, and the one document the index does not hold.
    assert sorted(read) == ["A draft", "The one"]
    assert mentioned(person) == {"The one"}


def test_a_document_save_reads_only_people_with_a_word_of_the_text(db, monkeypatch):
    people = [
        make_person(name=f"Name{number} Surname{number}", status=Status.DRAFT)
        for number in range(12)
    ]
    # Their names' words, as the search index records them for released people.
    NameWord.objects.bulk_create(
        NameWord(
            model="memorials.person", object_id=person.pk, word=word, spelling=word, sound=word
        )
        for person in people
        for word in re.findall(r"[a-z0-9]+", person.name.lower())
    )
    read = []
    spellings = mentions.spellings_of
    monkeypatch.setattr(
        mentions, "spellings_of", lambda person: read.append(person.name) or spellings(person)
    )
    unrecorded = make_person(name="Not Indexed", status=Status.DRAFT)
    read.clear()
    document = make_document(body="Name3 Surname3 and Not Indexed were there; Surname5 too.")
    assert sorted(read) == ["Name3 Surname3", "Name5 Surname5", "Not Indexed"]
    assert set(document.mentions.values_list("person", flat=True)) == {people[3].pk, unrecorded.pk}


def test_suggestions_are_linked_in_one_click_and_only_then_shown(publisher_client, client):
    document = make_document(title="Casualty list", body="Among them Vugar Hasanov, 24.")
    person = make_person(name="Vugar Hasanov", slug="vugar-hasanov")
    assert "Casualty list" not in client.get("/people/vugar-hasanov/").content.decode()

    change_url = f"/admin/memorials/person/{person.pk}/change/"
    page = publisher_client.get(change_url).content.decode()
    assert "Casualty list" in page and "“Vugar Hasanov”" in page
    assert f'<button type="submit" name="_link_document" value="{document.pk}"' in page

    form = {
        "name": person.name,
        "slug": person.slug,
        "name_language": "en",
        "status": person.status,
        "published_at_0": person.published_at.strftime("%Y-%m-%d"),
        "published_at_1": person.published_at.strftime("%H:%M:%S"),
        "birth_precision": "day",
        "death_precision": "day",
        "_edit_token": person.updated_at.isoformat(),
        "_link_document": str(document.pk),
        **CHANGE_FORM_INLINES,
    }
    response = publisher_client.post(change_url, form)
    assert response.status_code == 302 and response["Location"] == change_url
    assert list(person.documents.all()) == [document]
    page = publisher_client.get(change_url).content.decode()
    assert "is linked to Vugar Hasanov" in page
    assert 'name="_link_document"' not in page  # linked: no longer a suggestion
    assert "Casualty list" in client.get("/people/vugar-hasanov/").content.decode()


def test_an_editor_who_may_not_change_a_public_person_sees_suggestions_without_link(
    editor_client,
):
    make_document(title="Casualty list", body="Among them Vugar Hasanov, 24.")
    person = make_person(name="Vugar Hasanov")
    page = editor_client.get(f"/admin/memorials/person/{person.pk}/change/").content.decode()
    assert "Casualty list" in page and 'name="_link_document"' not in page


def test_a_document_deleted_takes_its_suggestions_with_it(db):
    document = make_document(body="Named: Leyla Karimova.")
    person = make_person(name="Leyla Karimova")
    assert person.mentions.count() == 1
    Document.objects.filter(pk=document.pk).delete()
    assert not Person.objects.get(pk=person.pk).mentions.exists()
