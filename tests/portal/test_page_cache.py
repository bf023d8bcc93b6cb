"""The page cache (portal/freshness.py): fast for visitors, never stale after a change."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from memorials.models import Event, Tribute
from portal.publishing import Status
from tests.conftest import SEED_TITLE, document_form, make_document

pytestmark = pytest.mark.django_db

EVENT_URL = "/events/black-january/"


@pytest.fixture
def visitor():
    """An anonymous visitor, apart from the editors' client."""
    return Client()


def test_a_cached_page_costs_one_query_and_is_the_same_page(
    visitor, seed, django_assert_num_queries
):
    first = visitor.get("/archive/")
    with django_assert_num_queries(1):  # the content's version
        again = visitor.get("/archive/")
    assert again.status_code == 200 and again.content == first.content
    assert SEED_TITLE in again.content.decode()
    assert again["ETag"] == first["ETag"] and "no-cache" in again["Cache-Control"]
    # Answered before the rest of the middleware: what it added was kept with the page.
    for header in ["Content-Security-Policy", "X-Frame-Options", "Content-Language", "Vary"]:
        assert again[header] == first[header]


def test_a_save_in_the_admin_shows_at_once(visitor, seed, publisher_client):
    assert SEED_TITLE in visitor.get("/archive/").content.decode()
    etag = visitor.get(seed.get_absolute_url())["ETag"]
    form = document_form(seed, summary="A summary written after the page was cached.")
    assert (
        publisher_client.post(f"/admin/archive/document/{seed.pk}/change/", form).status_code == 302
    )
    page = visitor.get(seed.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert page.status_code == 200
    assert "A summary written after the page was cached." in page.content.decode()


def test_withdrawing_a_document_removes_it_from_every_cached_page(visitor, seed):
    pages = ["/", "/archive/", seed.get_absolute_url(), "/feeds/documents/", "/api/documents/"]
    assert all(SEED_TITLE in visitor.get(url).content.decode() for url in pages)
    seed.status = Status.WITHDRAWN
    seed.save()
    assert visitor.get(seed.get_absolute_url()).status_code == 410  # its tombstone
    assert not any(SEED_TITLE in visitor.get(url).content.decode() for url in pages[:2] + pages[3:])


def test_a_scheduled_document_appears_at_its_minute_on_a_cached_list(visitor, seed):
    later = datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC)
    with time_machine.travel("2026-11-25 12:00Z", tick=False):
        make_document(title="Scheduled release", published_at=later)
        assert "Scheduled release" not in visitor.get("/archive/").content.decode()
        assert "Scheduled release" not in visitor.get("/archive/").content.decode()
    with time_machine.travel(later, tick=False):
        assert "Scheduled release" in visitor.get("/archive/").content.decode()


def test_the_home_page_follows_the_date(visitor, seed):
    """On this day: a page cached on 19 January is not served on the 20th."""
    with time_machine.travel("2027-01-19 12:00Z", tick=False):
        assert "Nothing in the archive falls on this day." in visitor.get("/").content.decode()
    with time_machine.travel("2027-01-20 12:00Z", tick=False):
        page = visitor.get("/").content.decode()
        assert "Nothing in the archive falls on this day." not in page
        assert "37th anniversary" in page


def test_each_language_and_query_has_its_own_entry(visitor, seed):
    english = visitor.get("/archive/").content.decode()
    russian = visitor.get("/ru/archive/").content.decode()
    assert 'lang="en"' in english and 'lang="ru"' in russian
    make_document(title="Issued in 1999", issued_on="1999-05-01")
    in_1999 = visitor.get("/archive/?year=1999").content.decode()
    in_2008 = visitor.get("/archive/?year=2008").content.decode()
    assert "Issued in 1999" in in_1999 and SEED_TITLE not in in_1999
    assert SEED_TITLE in in_2008 and "Issued in 1999" not in in_2008


def test_editors_always_see_the_page_as_it_is(editor_client, visitor, seed):
    visitor.get("/archive/")
    draft = make_document(title="A draft only editors see", status=Status.DRAFT)
    # make_document saves, which changes the version anyway; prove editors skip the cache
    # even at an unchanged version.
    response = editor_client.get(draft.get_absolute_url())
    assert response.status_code == 200 and not response.has_header("ETag")
    assert "A draft only editors see" not in visitor.get("/archive/").content.decode()
    assert visitor.get(draft.get_absolute_url()).status_code == 404


def test_a_form_page_is_cached_for_each_visitor_with_their_own_token(seed):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    for client in (first, second):
        client.get(EVENT_URL)  # receives a CSRF cookie
    cached_first, cached_second = first.get(EVENT_URL), second.get(EVENT_URL)
    assert first.get(EVENT_URL).content == cached_first.content  # from the cache
    assert cached_first.content != cached_second.content  # a token each
    assert "private" in cached_first["Cache-Control"]
    token = cached_second.content.decode().split('name="csrfmiddlewaretoken" value="')[1][:64]
    posted = second.post(EVENT_URL + "tributes/", {"kind": "candle", "csrfmiddlewaretoken": token})
    assert posted.status_code == 302


def test_a_first_visit_is_rendered_not_cached(seed):
    """Without a CSRF cookie the page sets one: that response is never stored or validated."""
    response = Client().get(EVENT_URL)
    assert response.status_code == 200 and not response.has_header("ETag")
    assert "csrftoken" in response.cookies


def test_messages_waiting_for_moderation_change_nothing_approval_does(visitor, seed, editor_client):
    visitor.get(EVENT_URL)
    etag = visitor.get(EVENT_URL)["ETag"]
    Client().post(EVENT_URL + "tributes/", {"kind": "message", "text": "We remember."})
    assert visitor.get(EVENT_URL, HTTP_IF_NONE_MATCH=etag).status_code == 304
    tribute = Tribute.objects.get()
    editor_client.post(
        "/admin/memorials/tribute/", {"action": "approve", "_selected_action": [tribute.pk]}
    )
    page = visitor.get(EVENT_URL, HTTP_IF_NONE_MATCH=etag)
    assert page.status_code == 200 and "We remember." in page.content.decode()


def test_a_candle_changes_the_page_at_once(visitor, seed):
    visitor.get(EVENT_URL)
    etag = visitor.get(EVENT_URL)["ETag"]
    Client().post(EVENT_URL + "tributes/", {"kind": "candle"})
    page = visitor.get(EVENT_URL, HTTP_IF_NONE_MATCH=etag)
    assert page.status_code == 200 and "1 candle lit." in page.content.decode()


def test_after_posting_a_tribute_the_visitor_sees_the_thanks_not_a_cached_page(visitor, seed):
    visitor.get(EVENT_URL)
    visitor.get(EVENT_URL)
    response = visitor.post(EVENT_URL + "tributes/", {"kind": "candle"}, follow=True)
    assert "Thank you. Your candle is lit." in response.content.decode()
    assert "Your candle is lit." not in visitor.get(EVENT_URL).content.decode()


def test_renaming_an_event_reaches_the_cached_event_page(visitor, seed):
    visitor.get(EVENT_URL)
    assert "Black January" in visitor.get(EVENT_URL).content.decode()
    event = Event.objects.get(slug="black-january")
    event.name = "Black January (renamed)"
    event.save()
    assert "Black January (renamed)" in visitor.get(EVENT_URL).content.decode()


def test_the_page_cache_can_be_turned_off(settings, visitor, seed):
    settings.PAGE_CACHE_SECONDS = 0
    visitor.get("/archive/")
    with CaptureQueriesContext(connection) as queries:
        assert visitor.get("/archive/").status_code == 200
    assert len(queries) > 1  # rendered again
