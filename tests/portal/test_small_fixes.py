"""Small things visitors and editors found (issue 14 item 8, issue 18 item 6): each fails
without its fix."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from archive.models import Document
from memorials.models import Event, Tribute
from portal.publishing import Status
from tests.conftest import SEED_FILE, make_document, make_event

pytestmark = pytest.mark.django_db

EVENT_URL = "/events/black-january/"


# 1. A document's page links to the public events it belongs to.


def test_a_document_page_links_to_its_public_events_only(client, seed):
    event = Event.objects.get(slug="black-january")
    draft = make_event(name="A draft event", status=Status.DRAFT, documents=[seed])
    html = client.get(seed.get_absolute_url()).content.decode()
    assert f'<a href="{event.get_absolute_url()}">{event.name}</a>' in html
    assert draft.name not in html and draft.get_absolute_url() not in html


def test_a_document_of_no_event_shows_no_events_heading(client, db):
    document = make_document()
    assert "events-heading" not in client.get(document.get_absolute_url()).content.decode()


# 2. A candle counts at once; a message waits for an editor.


def test_a_candle_counts_at_once_on_the_cached_page_and_a_message_waits(seed):
    visitor = Client()
    visitor.get(EVENT_URL)  # receives a CSRF cookie
    etag = visitor.get(EVENT_URL)["ETag"]  # cached for this visitor
    assert "0 candles lit." in visitor.get(EVENT_URL).content.decode()

    Client().post(EVENT_URL + "tributes/", {"kind": "message", "text": "We remember."})
    assert Tribute.objects.get().state == Tribute.State.PENDING
    assert visitor.get(EVENT_URL, HTTP_IF_NONE_MATCH=etag).status_code == 304  # no change

    thanked = Client().post(EVENT_URL + "tributes/", {"kind": "candle"}, follow=True)
    assert "Your candle is lit." in thanked.content.decode()
    assert Tribute.objects.get(kind="candle").state == Tribute.State.APPROVED
    page = visitor.get(EVENT_URL, HTTP_IF_NONE_MATCH=etag)
    assert page.status_code == 200 and "1 candle lit." in page.content.decode()
    assert "We remember." not in page.content.decode()


# 3. The admin names a document's linked events.


def test_the_admin_shows_a_documents_linked_events_by_name(publisher_client, seed):
    html = publisher_client.get(f"/admin/archive/document/{seed.pk}/change/").content.decode()
    assert "Event_documents object" not in html
    assert re.search(r'<td class="original">\s*<p>\s*Black January\s*</p>', html)
    assert str(Event.documents.through.objects.get(document=seed)) == "Black January"
    link = seed.commemorations.through.objects.get(document=seed)
    assert str(link) == str(link.commemoration)


# 4. An issuer's place reads true: the city is where it issues, the country is whose it is.


def test_the_issuers_city_and_country_are_not_joined_as_one_place(client, seed):
    html = client.get(seed.get_absolute_url()).content.decode()
    assert "New York, Azerbaijan" not in html
    assert "<dt>Place of issue</dt><dd>New York</dd>" in html
    assert "<dt>Issuer’s country</dt><dd>Azerbaijan</dd>" in html


# 7. A right password without staff status is told so; a wrong one is not.


def test_a_non_staff_user_with_the_right_password_is_told_the_account_is_not_staff(
    client, django_user_model
):
    django_user_model.objects.create_user("visitor", password="right-pass")
    login = "/admin/login/?next=/admin/"
    right = client.post(login, {"username": "visitor", "password": "right-pass"})
    assert "is not a staff account" in right.content.decode()
    wrong = client.post(login, {"username": "visitor", "password": "wrong-pass"})
    assert "is not a staff account" not in wrong.content.decode()
    assert "Please enter the correct username and password" in wrong.content.decode()


def test_the_not_staff_message_is_still_throttled(client, django_user_model, settings):
    django_user_model.objects.create_user("visitor", password="right-pass")
    login = "/admin/login/?next=/admin/"
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        client.post(login, {"username": "visitor", "password": "wrong-pass"})
    locked = client.post(login, {"username": "visitor", "password": "right-pass"})
    assert "Too many failed attempts" in locked.content.decode()
    assert "is not a staff account" not in locked.content.decode()


# 8. The bulk import's report links to what it wrote and names the files it skipped.


def test_the_import_report_links_to_what_it_created_and_names_skipped_files(publisher_client):
    url = "/admin/archive/document/import/"
    files = [
        SimpleUploadedFile("release.txt", SEED_FILE.read_bytes()),
        SimpleUploadedFile(
            "organizations.json", (SEED_FILE.parents[1] / "organizations.json").read_bytes()
        ),
        SimpleUploadedFile("empty.txt", b""),
        SimpleUploadedFile("scan.pdf", b"%PDF-1.4 ..."),
    ]
    dry_run = publisher_client.post(url, {"files": files, "language": "en"})
    html = dry_run.content.decode()
    assert dry_run.status_code == 200 and 'id="import-report"' in html
    assert "empty.txt" in html and "the file is empty" in html
    assert "scan.pdf" in html and "neither a .txt nor a .json file" in html
    assert (
        "/admin/archive/document/" not in html.split('id="import-report"')[1].split("</table>")[0]
    )

    done = publisher_client.post(url, {"token": dry_run.context["token"], "confirm": "1"})
    document = Document.objects.get()
    report = done.content.decode().split('id="import-report"')[1].split("</table>")[0]
    assert f'href="/admin/archive/document/{document.pk}/change/"' in report
    issuer = document.issuer
    assert (
        f'<a href="/admin/archive/organization/{issuer.pk}/change/">organization “{issuer}”</a>'
        in report
    )
    assert report.count("<td>skipped</td>") == 2


# 9. Hand-typed admin addresses are never a server error.


@pytest.mark.parametrize(
    "url",
    [
        "/admin/archive/document/?year=" + "9" * 20,
        "/admin/archive/document/?year=²",
        "/admin/archive/document/?year=0",
        "/admin/archive/document/?issued_on__year=" + "9" * 20,
        "/admin/archive/document/?issued_on__year=2008&issued_on__month=13",
        "/admin/memorials/event/?start_date__year=" + "9" * 20,
        "/admin/memorials/tribute/?created_at__year=" + "9" * 20,
        "/admin/memorials/figure/add/?event=abc",
        "/admin/memorials/figure/add/?event=" + "9" * 20,
        "/admin/memorials/figure/add/?source=-1&event=1.5",
        "/admin/memorials/event/add/?places=1,abc",
        "/admin/archive/document/add/?issuer=x",
    ],
)
def test_hand_typed_admin_addresses_are_no_server_error(publisher_client, seed, url):
    assert publisher_client.get(url).status_code < 500


def test_a_year_that_is_no_year_matches_no_document(publisher_client, seed):
    for year in ["9" * 20, "0", "²"]:
        response = publisher_client.get("/admin/archive/document/", {"year": year})
        assert response.context["cl"].result_count == 0
    response = publisher_client.get("/admin/archive/document/", {"year": "2008"})
    assert response.context["cl"].result_count == 1


def test_a_valid_initial_value_is_still_used(publisher_client, seed):
    event = Event.objects.get(slug="black-january")
    html = publisher_client.get(f"/admin/memorials/figure/add/?event={event.pk}").content.decode()
    assert f'<option value="{event.pk}" selected>' in html
