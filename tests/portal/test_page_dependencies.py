"""An edit changes only the pages that show it (portal/freshness.py): pages depend on tags — the
items they show, what is attached to them, the lists of a model — and a save changes the tags
of what it touches, nothing for a draft."""

import datetime
import http.server
import json
import threading
import time

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import path
from django.utils import timezone

from memorials.models import Event, Tribute
from portal import freshness
from portal.publishing import Status
from tests.conftest import (
    make_document,
    make_event,
    make_person,
    make_place,
)

pytestmark = pytest.mark.django_db

EVENT_URL = "/events/black-january/"


@pytest.fixture
def visitor():
    """An anonymous visitor, apart from the editors' client."""
    return Client()


def warm(client, url):
    """Visit ``url`` until it comes from the cache (a page with a form first sets the cookie)."""
    for _ in range(2):
        client.get(url)
    return client.get(url)


def assert_cached_as_before(client, url, before, assert_num_queries):
    """The page comes from the cache — its version's query alone — unchanged, with the same
    ETag and Last-Modified, and a client holding it gets a 304."""
    with assert_num_queries(1):
        again = client.get(url)
    assert again.status_code == 200 and again.content == before.content, url
    assert (again["ETag"], again["Last-Modified"]) == (before["ETag"], before["Last-Modified"])
    with assert_num_queries(1):
        assert client.get(url, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 304


def test_a_draft_saved_changes_no_public_page(visitor, seed, django_assert_num_queries):
    pages = ["/", "/archive/", seed.get_absolute_url(), "/feeds/documents/", "/api/documents/"]
    pages += [EVENT_URL, "/events/", "/people/", "/places/", "/search/?q=January"]
    before = {url: warm(visitor, url) for url in pages}
    draft = make_document(title="A draft nobody sees", status=Status.DRAFT)
    draft.summary = "Edited again."
    draft.save()
    draft.status = Status.REVIEW
    draft.save()
    event = Event.objects.get(slug="black-january")
    event.documents.add(draft)  # a link to a draft shows nowhere
    make_person(name="A person in review", status=Status.REVIEW, event=event)
    for url in pages:
        assert_cached_as_before(visitor, url, before[url], django_assert_num_queries)


def test_editing_a_document_refreshes_the_pages_that_show_it_only(
    visitor, seed, django_assert_num_queries
):
    shown, other = make_document(title="Document A"), make_document(title="Document B")
    Event.objects.get(slug="black-january").documents.add(shown)
    assert "Document A" in warm(visitor, EVENT_URL).content.decode()
    other_page = warm(visitor, other.get_absolute_url())
    warm(visitor, shown.get_absolute_url())
    warm(visitor, "/archive/")

    shown.title = "Document A, as revised"
    shown.save()

    for url in [shown.get_absolute_url(), "/archive/", EVENT_URL]:
        assert "Document A, as revised" in visitor.get(url).content.decode(), url
    assert_cached_as_before(
        visitor, other.get_absolute_url(), other_page, django_assert_num_queries
    )


def test_approving_a_tribute_refreshes_its_event_page_only(
    visitor, seed, django_assert_num_queries
):
    event_page = warm(visitor, EVENT_URL)
    others = {url: warm(visitor, url) for url in ["/", "/archive/", seed.get_absolute_url()]}
    Client().post(EVENT_URL + "tributes/", {"kind": "message", "text": "We remember."})
    tribute = Tribute.objects.get()
    assert tribute.state == Tribute.State.PENDING
    # Waiting for moderation: nothing changed.
    with django_assert_num_queries(1):
        assert visitor.get(EVENT_URL, HTTP_IF_NONE_MATCH=event_page["ETag"]).status_code == 304

    tribute.state = Tribute.State.APPROVED
    tribute.save()

    page = visitor.get(EVENT_URL, HTTP_IF_NONE_MATCH=event_page["ETag"])
    assert page.status_code == 200 and "We remember." in page.content.decode()
    for url, before in others.items():
        assert_cached_as_before(visitor, url, before, django_assert_num_queries)


def test_an_update_of_many_moderated_rows_changes_what_shows_them(
    visitor, seed, django_assert_num_queries
):
    """``update()`` sends no signal: ``freshness.update`` records what a save would."""
    home = warm(visitor, "/")
    event_page = warm(visitor, EVENT_URL)
    Client().post(EVENT_URL + "tributes/", {"kind": "message", "text": "Never forgotten."})
    changed = freshness.update(Tribute.objects.all(), state=Tribute.State.APPROVED)
    assert changed == 1
    page = visitor.get(EVENT_URL, HTTP_IF_NONE_MATCH=event_page["ETag"])
    assert page.status_code == 200 and "Never forgotten." in page.content.decode()
    assert_cached_as_before(visitor, "/", home, django_assert_num_queries)


def test_a_scheduled_document_changes_the_pages_at_its_minute(
    visitor, seed, django_assert_num_queries
):
    # Ahead of the seed's changes, which were recorded at the real time.
    tomorrow = timezone.localtime() + datetime.timedelta(days=1)
    start = tomorrow.replace(hour=10, minute=0, second=0, microsecond=0)
    later = start + datetime.timedelta(minutes=7)  # the same day: pages change with the date
    with time_machine.travel(start, tick=False):
        unrelated = make_document(title="Already public")
        scheduled = make_document(title="Scheduled release", published_at=later)
        Event.objects.get(slug="black-january").documents.add(scheduled)
        pages = {url: warm(visitor, url) for url in ["/archive/", EVENT_URL]}
        unrelated_page = warm(visitor, unrelated.get_absolute_url())
        assert not any("Scheduled release" in page.content.decode() for page in pages.values())
        for url, before in pages.items():
            assert_cached_as_before(visitor, url, before, django_assert_num_queries)
    with time_machine.travel(later, tick=False):
        for url in pages:
            assert "Scheduled release" in visitor.get(url).content.decode(), url
        assert visitor.get(scheduled.get_absolute_url()).status_code == 200
        assert_cached_as_before(
            visitor, unrelated.get_absolute_url(), unrelated_page, django_assert_num_queries
        )


def test_linking_a_public_document_to_an_event_shows_on_both_pages(visitor, seed):
    document = make_document(title="Linked later")
    event_page = warm(visitor, EVENT_URL)
    document_page = warm(visitor, document.get_absolute_url())
    Event.objects.get(slug="black-january").documents.add(document)
    page = visitor.get(EVENT_URL, HTTP_IF_NONE_MATCH=event_page["ETag"])
    assert page.status_code == 200 and "Linked later" in page.content.decode()
    page = visitor.get(document.get_absolute_url(), HTTP_IF_NONE_MATCH=document_page["ETag"])
    assert page.status_code == 200 and "Black January" in page.content.decode()


def test_publishing_an_event_shows_its_people_on_their_places_page(visitor, seed):
    place = make_place(name="Quiet Square", slug="quiet-square")
    make_event(name="Already public event", places=[place])
    draft_event = make_event(name="Event to come", status=Status.DRAFT)
    make_person(name="Rauf Example", place=place, event=draft_event)
    place_url = place.get_absolute_url()
    assert "Rauf Example" not in warm(visitor, place_url).content.decode()
    draft_event.status = Status.PUBLISHED
    draft_event.save()
    assert "Rauf Example" in visitor.get(place_url).content.decode()
    draft_event.status = Status.WITHDRAWN
    draft_event.withdrawal_reason = "Published by mistake."
    draft_event.save()
    assert "Rauf Example" not in visitor.get(place_url).content.decode()


def test_moving_a_person_to_another_event_changes_both_event_pages(visitor, seed):
    first, second = make_event(name="First event"), make_event(name="Second event")
    person = make_person(name="Moved Person", event=first)
    assert "Moved Person" in warm(visitor, first.get_absolute_url()).content.decode()
    assert "Moved Person" not in warm(visitor, second.get_absolute_url()).content.decode()
    person.event = second
    person.save()
    assert "Moved Person" not in visitor.get(first.get_absolute_url()).content.decode()
    assert "Moved Person" in visitor.get(second.get_absolute_url()).content.decode()


def test_a_search_finds_a_word_just_written(visitor, seed):
    """The search page reads the search index, which derives from every model: any public
    change refreshes it."""
    url = "/search/?q=Zanzibarian"
    assert "The Zanzibarian statement" not in warm(visitor, url).content.decode()
    make_document(title="The Zanzibarian statement")
    assert "The Zanzibarian statement" in visitor.get(url).content.decode()


def test_deleting_a_public_document_takes_it_off_the_list(visitor, seed):
    document = make_document(title="Deleted soon")
    assert "Deleted soon" in warm(visitor, "/archive/").content.decode()
    document.delete()
    assert "Deleted soon" not in visitor.get("/archive/").content.decode()


def test_a_cdn_may_keep_public_pages_named_by_their_tags(visitor, seed, settings):
    settings.PAGE_CDN_SECONDS = 300
    first = warm(visitor, seed.get_absolute_url())
    for page in (first, visitor.get(seed.get_absolute_url())):
        assert page["CDN-Cache-Control"] == "max-age=300, stale-while-revalidate=60"
        assert page["Surrogate-Control"] == page["CDN-Cache-Control"]
        keys = page["Surrogate-Key"].split()
        assert f"archive.document:{seed.pk}" in keys and "*" in keys
        assert page["Cache-Tag"] == ",".join(keys)
        assert "no-cache" in page["Cache-Control"]  # browsers still ask each time
    # A page with a visitor's form is theirs alone: no CDN keeps it.
    event_page = warm(visitor, EVENT_URL)
    assert "private" in event_page["Cache-Control"]
    assert not event_page.has_header("Surrogate-Key")


def test_without_a_cdn_setting_pages_carry_no_cdn_headers(visitor, seed):
    page = warm(visitor, "/archive/")
    assert not page.has_header("Surrogate-Key") and not page.has_header("CDN-Cache-Control")


# --- The CDN purge webhook -------------------------------------------------------------------


class PurgeStub(http.server.BaseHTTPRequestHandler):
    received: list

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((self.path, self.headers.get("Authorization"), json.loads(body)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def purge_stub(settings):
    """A CDN's purge endpoint on loopback, recording what it is sent."""
    received = []
    handler = type("Handler", (PurgeStub,), {"received": received})
    server = http.server.HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.CDN_PURGE_URL = f"http://127.0.0.1:{server.server_port}/purge"
    settings.CDN_PURGE_TOKEN = "s3cret"
    yield received
    server.shutdown()
    server.server_close()


def test_the_cdn_is_told_the_tags_of_a_publish_a_change_and_a_withdrawal(
    purge_stub, seed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        document = make_document(title="Draft first", status=Status.DRAFT)
        document.summary = "Still a draft."
        document.save()
    assert purge_stub == []  # a draft changes no page

    document_tag = f"archive.document:{document.pk}"
    for count, change in enumerate(["publish", "edit", "withdraw"]):
        with django_capture_on_commit_callbacks(execute=True):
            if change == "publish":
                document.status = Status.PUBLISHED
            elif change == "edit":
                document.title = "Published, then edited"
            else:
                document.status = Status.WITHDRAWN
                document.withdrawal_reason = "A duplicate."
            document.save()
            assert len(purge_stub) == count  # told once the transaction commits
        assert len(purge_stub) == count + 1
        path, authorization, body = purge_stub[-1]
        assert (path, authorization) == ("/purge", "Bearer s3cret")
        assert {document_tag, "archive.document"} <= set(body["tags"]), change
        assert f"archive.document:{seed.pk}" not in body["tags"]
    assert len(purge_stub) == 3


def test_the_purge_waits_for_the_commit(purge_stub, seed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_document(title="Published now")
        assert purge_stub == []  # not yet committed: nothing said
    assert len(purge_stub) == 1


def test_a_cdn_that_does_not_answer_is_logged_not_an_error(
    settings, seed, caplog, django_capture_on_commit_callbacks
):
    with socket_closed() as port, django_capture_on_commit_callbacks(execute=True):
        settings.CDN_PURGE_URL = f"http://127.0.0.1:{port}/purge"
        document = make_document(title="Saved all the same")
    assert "The CDN purge" in caplog.text
    assert document.pk is not None


class socket_closed:
    """A loopback port nothing listens on."""

    def __enter__(self):
        import socket

        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        return self.socket.getsockname()[1]

    def __exit__(self, *exc):
        self.socket.close()


# --- No stampede -----------------------------------------------------------------------------

renders = []


@freshness.public_page
def slow_page(request):
    renders.append(1)
    time.sleep(0.3)
    return HttpResponse(f"rendering {len(renders)}")


urlpatterns = [path("slow/", slow_page)]


def _many_at_once(count: int) -> list:
    barrier = threading.Barrier(count)
    answers = [None] * count

    def visit(index):
        try:
            barrier.wait()
            answers[index] = Client().get("/slow/")
        finally:
            connection.close()

    threads = [threading.Thread(target=visit, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


@pytest.mark.urls(__name__)
@pytest.mark.django_db(transaction=True)
def test_a_page_out_of_date_asked_by_many_is_rendered_once():
    freshness.touch()  # a database where changes were recorded
    renders.clear()
    assert Client().get("/slow/").content == b"rendering 1"
    freshness.touch()  # out of date
    answers = _many_at_once(6)
    assert len(renders) == 2  # the first rendering, and one more for all six
    assert all(answer.status_code == 200 for answer in answers)
    assert {answer.content for answer in answers} <= {b"rendering 1", b"rendering 2"}
    assert Client().get("/slow/").content == b"rendering 2"  # kept


@pytest.mark.urls(__name__)
@pytest.mark.django_db(transaction=True)
def test_without_an_earlier_copy_the_others_wait_for_the_rendering():
    freshness.touch()  # a database where changes were recorded
    renders.clear()
    Client().get("/slow/")
    freshness.touch()
    request = RequestFactory().get("/slow/")
    cache.delete(freshness._stale_key(freshness._address(request), request, False))
    answers = _many_at_once(4)
    assert len(renders) == 2
    assert {answer.content for answer in answers} == {b"rendering 2"}
