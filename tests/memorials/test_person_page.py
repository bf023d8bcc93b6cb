"""A person's page: the portrait with its rights, dates and age as the source gives them with
the source cited in its own words, the documents that name the person, the family from both
sides; in the page, its JSON-LD and the API, public things only, in a constant number of
queries."""

import html
import json
import os
import re
from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from archive.media import prepare_upload
from archive.models import Attachment
from memorials.models import PersonRelation
from portal.publishing import Status
from portal.rights import Rights
from tests.archive.test_attachments import png
from tests.conftest import make_document, make_event, make_person, make_place

pytestmark = pytest.mark.django_db

SOURCE_TEXT = (
    "Among those killed on the night of 20 January was\n"
    "Elchin Mammadov, a student,   aged 19, born in March 1970."
)
WORDING = "Elchin Mammadov, a student, aged 19, born in March 1970"


def text_of(response) -> str:
    page = response.content.decode()
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", page).split()))


def attach_image(person, *, width=1600, height=1000, **fields) -> Attachment:
    defaults = {
        "alt_text": "Elchin Mammadov in a student's jacket, smiling",
        "caption": "Elchin Mammadov in 1989",
        "credit": "Family archive of the Mammadovs",
        "rights": Rights.CC_BY,
    }
    attachment = Attachment(item=person, **{**defaults, **fields})
    attachment.store(prepare_upload(SimpleUploadedFile("portrait.png", png(width, height))))
    attachment.save()
    return attachment


def make_relative(person, kind, *, recorded_on_relative=False, **fields):
    relative = make_person(**fields)
    if recorded_on_relative:
        PersonRelation.objects.create(person=relative, relative=person, kind=kind)
    else:
        PersonRelation.objects.create(person=person, relative=relative, kind=kind)
    return relative


@pytest.fixture
def remembered(media_root):
    """A public person with a portrait, a source, documents and family."""
    event = make_event(name="Black January", slug="black-january")
    source = make_document(title="List of the victims", body=SOURCE_TEXT, language="en")
    person = make_person(
        name="Elchin Mammadov",
        slug="elchin-mammadov",
        event=event,
        place=make_place(name="Baku", slug="baku"),
        birth_date="1970-03-01",
        birth_precision="month",
        death_date="1990-01-20",
        age=19,
        source=source,
        source_wording=WORDING,
    )
    person.portrait = attach_image(person)
    person.save()
    person.documents.add(
        source,
        make_document(title="A later statement", issued_on="2010-01-20"),
    )
    person.documents.add(make_document(title="A draft note", status=Status.DRAFT))
    make_relative(person, "parent", name="Rauf Mammadov", slug="rauf-mammadov")
    # Recorded on the mother's record: Elchin is her child.
    make_relative(
        person,
        "child",
        recorded_on_relative=True,
        name="Aysel Mammadova",
        slug="aysel-mammadova",
    )
    make_relative(person, "sibling", name="Hidden Sister", status=Status.DRAFT)
    return person


class ImageTags(HTMLParser):
    """The attributes of every <img> of a page."""

    def __init__(self, page):
        super().__init__()
        self.images = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append(dict(attrs))


def test_the_portrait_is_shown_in_responsive_sizes_with_its_credit_and_rights(client, remembered):
    page = client.get("/people/elchin-mammadov/").content.decode()
    alt = "Elchin Mammadov in a student's jacket, smiling"
    # Shown once, at the top: not again among the files.
    [portrait] = [image for image in ImageTags(page).images if image.get("alt") == alt]
    assert (portrait["width"], portrait["height"]) == ("1600", "1000")
    assert portrait["loading"] in {"eager", "lazy"} and portrait["sizes"]
    sizes = dict(
        reversed(candidate.split()) for candidate in portrait["srcset"].split(", ")
    )  # "320w" → its address
    assert {"320w", "1280w"} <= set(sizes)
    for address in [portrait["src"], *sizes.values()]:
        assert Client().get(address).status_code == 200, address
    assert "Elchin Mammadov in 1989" in page
    assert "Credit: Family archive of the Mammadovs" in page
    assert f'<a href="{Rights.CC_BY.value}" rel="license">CC BY 4.0</a>' in page


def test_the_portraits_files_are_not_served_once_the_person_is_not_public(remembered):
    remembered.status = Status.DRAFT
    remembered.save()
    for stored in [remembered.portrait.display, remembered.portrait.thumbnail]:
        assert Client().get(stored.url).status_code == 404


def test_dates_and_age_are_given_as_precisely_as_the_source_does_with_its_words(client, remembered):
    text = text_of(client.get("/people/elchin-mammadov/"))
    assert "Born March 1970 Died 20 January 1990 Age 19 Place Baku Event Black January" in text
    assert f"In the source's words: “{WORDING}”" in text
    assert "Source: List of the victims ," in text
    page = client.get("/people/elchin-mammadov/").content.decode()
    assert f'<a href="{remembered.source.get_absolute_url()}">List of the victims</a>' in page
    assert '<time datetime="1970-03">March 1970</time>' in page


def test_a_source_that_is_not_public_is_neither_cited_nor_quoted(client, remembered):
    remembered.source.status = Status.DRAFT
    remembered.source.save()
    text = text_of(client.get("/people/elchin-mammadov/"))
    assert "List of the victims" not in text
    assert "In the source's words" not in text and WORDING not in text


def test_public_documents_and_public_relatives_from_both_sides_are_listed(client, remembered):
    response = client.get("/people/elchin-mammadov/")
    text = text_of(response)
    documents = text.split("Documents that name this person")[1]
    assert "List of the victims" in documents and "A later statement" in documents
    assert "A draft note" not in text
    assert "Family Parent Aysel Mammadova Parent Rauf Mammadov" in text
    assert "Hidden Sister" not in text
    page = response.content.decode()
    assert '<a href="/people/rauf-mammadov/">' in page
    # The parent's page names him as a child, though the relation was recorded on this record.
    parent = text_of(client.get("/people/rauf-mammadov/"))
    assert "Family Child Elchin Mammadov" in parent
    mother = text_of(client.get("/people/aysel-mammadova/"))
    assert "Family Child Elchin Mammadov" in mother


def test_the_json_ld_and_the_api_carry_the_portrait_with_its_licence_and_credit(client, remembered):
    page = client.get("/people/elchin-mammadov/").content.decode()
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    person = next(data for data in map(json.loads, blocks) if data.get("@type") == "Person")
    image = person["image"]
    assert image["@type"] == "ImageObject"
    assert image["license"] == Rights.CC_BY.value
    assert image["creditText"] == "Family archive of the Mammadovs"
    assert image["contentUrl"] == f"http://testserver{remembered.portrait.file.url}"
    assert person["birthDate"] == "1970-03"

    data = client.get("/api/people/elchin-mammadov/").json()
    assert data["portrait"]["rights"] == Rights.CC_BY.value
    assert data["portrait"]["rights_label"] == "CC BY 4.0"
    assert data["portrait"]["credit"] == "Family archive of the Mammadovs"
    assert data["portrait"]["alt_text"].startswith("Elchin Mammadov in a student")
    assert (data["birth_date"], data["birth_precision"], data["age"]) == ("1970-03-01", "month", 19)
    assert data["source"]["wording"] == WORDING
    assert sorted(document["title"] for document in data["documents"]) == [
        "A later statement",
        "List of the victims",
    ]
    assert sorted((r["relation"], r["name"]) for r in data["relatives"]) == [
        ("parent", "Aysel Mammadova"),
        ("parent", "Rauf Mammadov"),
    ]
    names = [item["name"] for item in client.get("/api/people/").json()["results"]]
    assert "Elchin Mammadov" in names and "Hidden Sister" not in names
    assert client.get("/api/people/hidden-sister/").status_code == 404


def test_the_page_reads_a_constant_number_of_queries(
    client, remembered, django_assert_max_num_queries
):
    plain = make_person(name="Plain Person", slug="plain-person")
    with django_assert_max_num_queries(25) as small:
        assert client.get("/people/plain-person/").status_code == 200
    for index in range(4):
        make_relative(remembered, "relative", name=f"Cousin {index}")
        remembered.documents.add(make_document(title=f"Statement {index}"))
    assert plain.pk
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get("/people/elchin-mammadov/")
    assert "Cousin 3" in text_of(response) and "Statement 3" in text_of(response)


def test_the_source_wording_must_appear_in_the_source_whatever_its_spacing(remembered):
    remembered.source_wording = "Elchin   Mammadov,\na student"
    remembered.full_clean()  # the same words, spaced and broken differently
    remembered.source_wording = "Elchin Mammadov, a teacher"
    with pytest.raises(ValidationError) as refused:
        remembered.full_clean()
    assert "do not appear in the source" in str(refused.value.message_dict["source_wording"])
    remembered.source = None
    remembered.source_wording = "Elchin Mammadov"
    with pytest.raises(ValidationError) as refused:
        remembered.full_clean()
    assert "source" in refused.value.message_dict


def test_the_portrait_must_be_one_of_the_persons_own_images(remembered):
    other = make_person(name="Someone else")
    remembered.portrait = attach_image(other)
    with pytest.raises(ValidationError) as refused:
        remembered.full_clean()
    assert "own images" in str(refused.value.message_dict["portrait"])
    pdf = Attachment(item=remembered, caption="Scan")
    pdf.store(prepare_upload(SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n%%EOF\n")))
    pdf.save()
    remembered.portrait = pdf
    with pytest.raises(ValidationError):
        remembered.full_clean()


def test_the_admin_offers_only_the_persons_own_images_as_portrait(publisher_client, remembered):
    other = attach_image(make_person(name="Someone else"), caption="Not this one")
    form = publisher_client.get(f"/admin/memorials/person/{remembered.pk}/change/").context[
        "adminform"
    ]
    choices = list(form.form.fields["portrait"].queryset)
    assert choices == [remembered.portrait] and other not in choices


def test_an_image_needs_a_rights_statement_in_the_admin(editor_client, media_root):
    from tests.archive.test_attachments import errors_of, upload

    draft = make_document(status=Status.DRAFT)
    response = upload(editor_client, draft, "photo.png", png(), alt_text="A flag", rights="")
    assert "Say who may reuse the image" in errors_of(response)
    assert not Attachment.objects.exists()


def test_the_full_page_is_valid_html_in_every_language(client, remembered, tmp_path):
    from tests.test_html_validity import _missing, nu_check

    missing = _missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"The HTML check cannot run in CI: {missing}")
        pytest.skip(f"HTML check skipped: {missing}")
    files = []
    for prefix in ["", "/az", "/ru"]:
        response = client.get(f"{prefix}/people/elchin-mammadov/")
        assert response.status_code == 200
        files.append(tmp_path / f"person{prefix.replace('/', '-')}.html")
        files[-1].write_bytes(response.content)
    assert [f"{e['file']}:{e['line']}: {e['message']}" for e in nu_check(files)] == []
