"""Visitors' candles and messages: protected; candles count at once, messages are moderated
and shown as plain text."""

import pytest

from memorials.models import Event, Tribute
from portal.publishing import Status
from tests.conftest import make_event, make_person

pytestmark = pytest.mark.django_db

EVENT_URL = "/events/black-january/"
POST_URL = EVENT_URL + "tributes/"


@pytest.fixture
def event(seed):
    return Event.objects.get(slug="black-january")


def test_a_candle_counts_at_once(client, event):
    assert "0 candles lit." in client.get(EVENT_URL).content.decode()
    response = client.post(POST_URL, {"kind": "candle", "name": "", "text": "ignored"}, follow=True)
    assert response.status_code == 200
    assert "Thank you. Your candle is lit." in response.content.decode()
    tribute = Tribute.objects.get()
    assert (tribute.event, tribute.kind, tribute.state, tribute.text) == (
        event,
        "candle",
        "approved",
        "",
    )
    assert "1 candle lit." in client.get(EVENT_URL).content.decode()


def test_a_message_waits_for_approval_then_shows(client, event, editor_client, editor):
    response = client.post(POST_URL, {"kind": "message", "text": "We remember."}, follow=True)
    assert "will appear here once an editor has approved it" in response.content.decode()
    tribute = Tribute.objects.get()
    assert (tribute.event, tribute.kind, tribute.state) == (event, "message", "pending")
    assert "We remember." not in client.get(EVENT_URL).content.decode()
    editor_client.post(
        "/admin/memorials/tribute/", {"action": "approve", "_selected_action": [tribute.pk]}
    )
    assert "We remember." in client.get(EVENT_URL).content.decode()


def test_a_message_is_shown_as_plain_text_once_approved(client, event):
    payload = '<script>alert(1)</script> <a href="https://spam.example">cheap</a>\nSecond line'
    client.post(POST_URL, {"kind": "message", "name": "<b>Aysel</b>", "text": payload})
    tribute = Tribute.objects.get()
    assert tribute.text == payload  # stored as written
    assert "Second line" not in client.get(EVENT_URL).content.decode()  # pending: not shown
    Tribute.objects.update(state=Tribute.State.APPROVED)
    html = client.get(EVENT_URL).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    assert '<a href="https://spam.example">' not in html
    assert "&lt;b&gt;Aysel&lt;/b&gt;" in html
    assert "<br>Second line" in html


def test_rejected_tributes_never_show(client, event):
    client.post(POST_URL, {"kind": "message", "text": "Rejected words"})
    Tribute.objects.update(state=Tribute.State.REJECTED)
    assert "Rejected words" not in client.get(EVENT_URL).content.decode()


@pytest.mark.parametrize(
    "data, error",
    [
        ({"kind": "message", "text": ""}, "Write a message, or choose to light a candle."),
        ({"kind": "message", "text": "x" * 1001}, "at most 1000 characters"),
        ({"kind": "wreath"}, "Select a valid choice"),
        ({"kind": "message", "text": "hi", "name": "n" * 101}, "at most 100 characters"),
    ],
)
def test_invalid_tributes_are_refused_with_a_message(client, event, data, error):
    response = client.post(POST_URL, data)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Tribute.objects.exists()


def test_the_honeypot_drops_bots_silently(client, event):
    response = client.post(
        POST_URL, {"kind": "message", "text": "Buy now", "website": "http://bot.example"}
    )
    assert response.status_code == 302
    assert not Tribute.objects.exists()


def test_csrf_is_required(event):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(POST_URL, {"kind": "candle"}).status_code == 403
    page = strict.get(EVENT_URL)
    token = page.cookies["csrftoken"].value
    assert (
        strict.post(POST_URL, {"kind": "candle", "csrfmiddlewaretoken": token}).status_code == 302
    )


def test_a_per_address_rate_limit_that_forged_headers_do_not_escape(client, event):
    for _ in range(5):
        assert (
            client.post(POST_URL, {"kind": "candle"}, REMOTE_ADDR="203.0.113.7").status_code == 302
        )
    blocked = client.post(
        POST_URL,
        {"kind": "candle"},
        REMOTE_ADDR="203.0.113.7",
        HTTP_X_FORWARDED_FOR="10.0.0.9",
    )
    assert blocked.status_code == 429
    assert "try again later" in blocked.content.decode()
    assert client.post(POST_URL, {"kind": "candle"}, REMOTE_ADDR="198.51.100.1").status_code == 302
    assert Tribute.objects.count() == 6
    assert "203.0.113.7" not in str(list(Tribute.objects.values_list("sender", flat=True)))


def test_tributes_for_a_person(client, event):
    person = make_person(name="Remembered", slug="remembered", event=event)
    assert client.post(f"/people/{person.slug}/tributes/", {"kind": "candle"}).status_code == 302
    assert Tribute.objects.get().person == person
    assert "1 candle lit." in client.get(person.get_absolute_url()).content.decode()


def test_no_tributes_for_drafts_or_with_get(client, db):
    draft = make_event(slug="draft", status=Status.DRAFT)
    assert client.post(f"/events/{draft.slug}/tributes/", {"kind": "candle"}).status_code == 404
    assert client.get("/events/draft/tributes/").status_code == 405
    assert not Tribute.objects.exists()


def test_bulk_reject_in_the_admin(admin_client, client, event):
    for text in ["one", "two"]:
        client.post(POST_URL, {"kind": "message", "text": text})
    ids = list(Tribute.objects.values_list("pk", flat=True))
    response = admin_client.post(
        "/admin/memorials/tribute/", {"action": "reject", "_selected_action": ids}, follow=True
    )
    assert "2 tributes rejected." in response.content.decode()
    assert set(Tribute.objects.values_list("state", flat=True)) == {"rejected"}
    assert admin_client.get("/admin/memorials/tribute/?state__exact=rejected").status_code == 200
