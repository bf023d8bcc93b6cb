"""Links never break: an old address leads to the item's new one (301), a withdrawn item's
address answers 410 Gone with a tombstone, and withdrawing asks for the public reason."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from archive.models import Document
from portal.models import OldAddress
from portal.publishing import Status
from tests.conftest import document_form, make_document, make_event, make_person, make_place

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/archive/document/"
LANGUAGES = ["", "/az", "/ru"]
REASON = "Issued by mistake: the mission replaced it with a corrected release."


def _renamed(item, **changes):
    for name, value in changes.items():
        setattr(item, name, value)
    item.save()
    return item


def _redirects(client, old: str, new: str) -> None:
    response = client.get(old)
    assert response.status_code == 301, (old, response.status_code)
    assert response["Location"] == new, old


# Old addresses ---------------------------------------------------------------------------------


def test_a_documents_old_slug_leads_to_its_new_address_in_every_language(client):
    document = make_document(slug="old-release", issued_on="2010-05-01")
    _renamed(document, slug="new-release")
    for prefix in LANGUAGES:
        _redirects(
            client, f"{prefix}/archive/2010/old-release/", f"{prefix}/archive/2010/new-release/"
        )
        _redirects(
            client,
            f"{prefix}/archive/2010/old-release.txt",
            f"{prefix}/archive/2010/new-release.txt",
        )
        for format_ in ["bib", "ris", "json"]:
            _redirects(
                client,
                f"{prefix}/archive/2010/old-release/cite.{format_}",
                f"{prefix}/archive/2010/new-release/cite.{format_}",
            )
    assert client.get("/ru/archive/2010/new-release/").status_code == 200
    assert client.get("/archive/2010/new-release.txt").status_code == 200


def test_a_new_year_of_issue_is_a_new_address_too(client):
    document = make_document(slug="dated-wrongly", issued_on="2010-05-01")
    _renamed(document, issued_on=datetime.date(2011, 5, 1))
    _redirects(client, "/archive/2010/dated-wrongly/", "/archive/2011/dated-wrongly/")
    _redirects(client, "/az/archive/2010/dated-wrongly.txt", "/az/archive/2011/dated-wrongly.txt")
    # The same year, another day: the address is the same, nothing is recorded.
    _renamed(document, issued_on=datetime.date(2011, 6, 1))
    assert OldAddress.objects.count() == 1


def test_events_people_and_places_keep_their_old_addresses(client):
    place = make_place(slug="old-square")
    event = make_event(slug="old-event", places=[place])
    person = make_person(slug="old-person", event=event)
    _renamed(event, slug="new-event")
    _renamed(person, slug="new-person")
    _renamed(place, slug="new-square")
    for prefix in LANGUAGES:
        _redirects(client, f"{prefix}/events/old-event/", f"{prefix}/events/new-event/")
        _redirects(client, f"{prefix}/people/old-person/", f"{prefix}/people/new-person/")
        _redirects(client, f"{prefix}/places/old-square/", f"{prefix}/places/new-square/")
        assert client.get(f"{prefix}/events/new-event/").status_code == 200


def test_every_old_address_leads_to_the_latest_and_a_query_is_kept(client):
    document = make_document(slug="first", issued_on="2010-05-01")
    _renamed(document, slug="second")
    _renamed(document, slug="third")
    _redirects(client, "/archive/2010/first/", "/archive/2010/third/")
    _redirects(client, "/archive/2010/second/?utm=x", "/archive/2010/third/?utm=x")
    # Back to an earlier slug: that address answers by itself again, the others lead to it.
    _renamed(document, slug="first")
    assert client.get("/archive/2010/first/").status_code == 200
    _redirects(client, "/archive/2010/third/", "/archive/2010/first/")
    assert not OldAddress.objects.filter(path="/archive/2010/first/").exists()


def test_an_address_taken_by_another_item_is_that_items(client):
    document = make_document(slug="shared", issued_on="2010-05-01", title="The first")
    _renamed(document, slug="moved")
    other = make_document(slug="shared", issued_on="2010-06-01", title="The second")
    response = client.get("/archive/2010/shared/")
    assert response.status_code == 200 and other.title in response.content.decode()


def test_a_drafts_new_address_is_never_revealed(client):
    document = make_document(slug="public-slug", issued_on="2010-05-01")
    _renamed(document, slug="secret-slug", status=Status.DRAFT)
    response = client.get("/archive/2010/public-slug/")
    assert response.status_code == 404
    assert "secret-slug" not in response.content.decode()
    draft = make_document(slug="draft-slug", status=Status.DRAFT)
    _renamed(draft, slug="draft-slug-2")
    assert client.get(f"/archive/{draft.issued_on.year}/draft-slug/").status_code == 404
    event = make_event(slug="event-before", status=Status.REVIEW)
    _renamed(event, slug="event-after")
    assert client.get("/events/event-before/").status_code == 404
    # A person public only with their event: not while the event is a draft.
    person = make_person(slug="person-before", event=event)
    _renamed(person, slug="person-after")
    assert client.get("/people/person-before/").status_code == 404


def test_only_404s_look_old_addresses_up(client):
    document = make_document(slug="looked-up", issued_on="2010-05-01")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(document.get_absolute_url()).status_code == 200
    assert not any("portal_oldaddress" in query["sql"] for query in queries.captured_queries)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/archive/2010/nothing-here/").status_code == 404
    assert sum("portal_oldaddress" in query["sql"] for query in queries.captured_queries) == 1
    assert client.post("/archive/2010/nothing-here/").status_code in (403, 404, 405)


def test_a_commemoration_has_no_address_of_its_own_to_keep(client):
    from tests.conftest import make_commemoration

    commemoration = make_commemoration(slug="vigil-before", event=make_event())
    _renamed(commemoration, slug="vigil-after")
    assert not OldAddress.objects.exists()


# Tombstones ------------------------------------------------------------------------------------


def _withdraw(item, reason=REASON):
    item.status = Status.WITHDRAWN
    item.withdrawal_reason = reason
    item.save()
    return item


def test_a_withdrawn_document_answers_410_with_its_tombstone(client):
    document = make_document(
        title="A release withdrawn",
        slug="withdrawn-release",
        issued_on="2010-05-01",
        body="The body nobody may read any more.",
    )
    _withdraw(document)
    document.refresh_from_db()
    assert document.withdrawn_at is not None
    address = document.get_absolute_url()
    for prefix in LANGUAGES:
        response = client.get(f"{prefix}{address}")
        assert response.status_code == 410
        html = response.content.decode()
        assert "A release withdrawn" in html and REASON in html
        assert document.issuer.name in html and 'datetime="2010-05-01"' in html
        assert "body nobody may read" not in html
        assert '<meta name="robots" content="noindex">' in html
    response = client.get("/archive/2010/withdrawn-release/")
    assert "Withdrawn on" in response.content.decode()
    for other in [document.get_text_url(), f"{address}cite.bib"]:
        response = client.get(other)
        assert response.status_code == 410
        assert b"body nobody may read" not in response.content


def test_browsers_ask_again_for_a_tombstone(client):
    """A 410 is kept as fresh for ever by browsers unless told otherwise: once the item is
    published again, a visitor who saw its tombstone must see it."""
    document = _withdraw(make_document(slug="gone-for-now"))
    for address in [document.get_absolute_url(), document.get_text_url()]:
        response = client.get(address)
        assert response.status_code == 410
        assert "no-cache" in response["Cache-Control"]


def test_the_tombstone_is_in_the_readers_language(client):
    document = _withdraw(make_document(slug="gone-in-every-language", issued_on="2010-05-01"))
    address = document.get_absolute_url()
    for prefix, words in [("", "Withdrawn on"), ("/az", "geri çəkilib"), ("/ru", "Отозвано")]:
        html = client.get(f"{prefix}{address}").content.decode()
        assert words in html and '<time datetime="20' in html and REASON in html


def test_withdrawn_events_and_their_people_and_withdrawn_people_answer_410(client):
    event = make_event(name="An event withdrawn", slug="event-withdrawn")
    person = make_person(name="A person of it", slug="person-of-it", event=event)
    alone = make_person(name="A person withdrawn", slug="person-withdrawn")
    _withdraw(event, reason="Merged into another event.")
    _withdraw(alone, reason="Recorded twice.")
    response = client.get("/events/event-withdrawn/")
    assert response.status_code == 410
    assert "An event withdrawn" in response.content.decode()
    assert "Merged into another event." in response.content.decode()
    response = client.get("/ru/people/person-of-it/")  # withdrawn with their event
    assert response.status_code == 410 and "Merged into another event." in response.content.decode()
    person.refresh_from_db()
    assert person.status == Status.PUBLISHED
    response = client.get("/people/person-withdrawn/")
    assert response.status_code == 410 and "Recorded twice." in response.content.decode()


def test_drafts_and_items_never_public_still_answer_404(client):
    draft = make_document(status=Status.DRAFT, slug="never-public")
    assert client.get(draft.get_absolute_url()).status_code == 404
    # Withdrawn before anyone saw it: no tombstone, which would show what was never public.
    _withdraw(draft)
    draft.refresh_from_db()
    assert draft.withdrawn_at is None
    assert client.get(draft.get_absolute_url()).status_code == 404
    later = datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC)
    scheduled = make_document(slug="scheduled-then-withdrawn", published_at=later)
    _withdraw(scheduled)
    assert client.get(scheduled.get_absolute_url()).status_code == 404
    # A person who was public with no event has a tombstone; one of a draft event never had.
    person = make_person(event=make_event(status=Status.DRAFT))
    _withdraw(person)
    assert client.get(person.get_absolute_url()).status_code == 404


def test_publishing_again_clears_the_withdrawal_and_a_draft_stays_withdrawn(client):
    document = _withdraw(make_document(slug="back-again"))
    document.status = Status.DRAFT
    document.save()
    document.refresh_from_db()
    assert document.withdrawn_at is not None  # taken back to work on: still gone for visitors
    assert client.get(document.get_absolute_url()).status_code == 410
    document.status = Status.PUBLISHED
    document.save()
    document.refresh_from_db()
    assert document.withdrawn_at is None
    assert client.get(document.get_absolute_url()).status_code == 200


def test_an_editor_previews_a_withdrawn_item_instead(editor_client):
    document = _withdraw(make_document(body="Still readable by editors."))
    response = editor_client.get(document.get_absolute_url())
    assert response.status_code == 200 and "Still readable by editors." in response.content.decode()


def test_the_old_address_of_a_withdrawn_item_is_404(client):
    document = make_document(slug="before-withdrawal", issued_on="2010-05-01")
    _renamed(document, slug="after-withdrawal")
    _withdraw(document)
    response = client.get("/archive/2010/before-withdrawal/")
    assert response.status_code == 404


def test_the_sitemap_leaves_a_withdrawn_item_out(client):
    kept = make_document(slug="kept-in-sitemap")
    gone = _withdraw(make_document(slug="gone-from-sitemap"))
    event = _withdraw(make_event(slug="event-gone-from-sitemap"))
    sitemap = client.get("/sitemap-documents.xml").content.decode()
    assert kept.slug in sitemap and gone.slug not in sitemap
    events = client.get("/sitemap-events.xml")
    assert event.slug not in events.content.decode()


# Withdrawing in the admin ----------------------------------------------------------------------


def test_a_withdrawn_item_needs_a_public_reason():
    document = make_document()
    document.status = Status.WITHDRAWN
    with pytest.raises(ValidationError) as refused:
        document.full_clean()
    assert "withdrawal_reason" in refused.value.message_dict
    document.withdrawal_reason = REASON
    document.full_clean()


def test_the_withdraw_action_asks_for_a_reason_and_refuses_without_one(publisher_client):
    document = make_document(title="To be withdrawn")
    chosen = {"action": "withdraw", "_selected_action": [document.pk]}
    page = publisher_client.post(CHANGELIST, chosen)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="withdrawal_reason"' in html and 'name="post" value="yes"' in html
    assert "To be withdrawn" in html
    document.refresh_from_db()
    assert document.status == Status.PUBLISHED  # asking is not withdrawing

    refused = publisher_client.post(CHANGELIST, {**chosen, "post": "yes", "withdrawal_reason": " "})
    assert refused.status_code == 200
    assert "Give the public reason for withdrawing" in refused.content.decode()
    document.refresh_from_db()
    assert document.status == Status.PUBLISHED

    done = publisher_client.post(
        CHANGELIST, {**chosen, "post": "yes", "withdrawal_reason": REASON}, follow=True
    )
    assert "1 document now “Withdrawn”." in done.content.decode()
    document.refresh_from_db()
    assert document.status == Status.WITHDRAWN
    assert document.withdrawal_reason == REASON and document.withdrawn_at is not None
    assert Client().get(document.get_absolute_url()).status_code == 410


def test_the_change_form_takes_a_reason_to_withdraw(publisher_client):
    document = make_document(title="Withdrawn in its form")
    change = f"{CHANGELIST}{document.pk}/change/"
    form = publisher_client.get(change).content.decode()
    assert 'name="withdrawal_reason"' in form
    refused = publisher_client.post(change, document_form(document, status="withdrawn"))
    assert refused.status_code == 200
    assert "Give the public reason for withdrawing" in refused.content.decode()
    document.refresh_from_db()
    assert document.status == Status.PUBLISHED
    accepted = publisher_client.post(
        change, document_form(document, status="withdrawn", withdrawal_reason=REASON)
    )
    assert accepted.status_code == 302
    document.refresh_from_db()
    assert document.status == Status.WITHDRAWN and document.withdrawal_reason == REASON


def test_an_events_form_has_the_reason_too(publisher_client):
    event = make_event()
    form = publisher_client.get(f"/admin/memorials/event/{event.pk}/change/").content.decode()
    assert 'name="withdrawal_reason"' in form


def test_a_document_saved_in_place_keeps_no_old_address():
    document = make_document(slug="unchanged")
    document.summary = "A summary."
    document.save()
    Document.objects.get(pk=document.pk).save(update_fields=["summary"])
    assert not OldAddress.objects.exists()


def test_the_tombstone_is_valid_html_in_every_language(client, tmp_path):
    import os

    from tests.test_html_validity import _missing, nu_check

    missing = _missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"The HTML check cannot run in CI: {missing}")
        pytest.skip(f"HTML check skipped: {missing}")
    document = _withdraw(
        make_document(slug="checked-tombstone", issued_on="2010-05-01"), reason="One.\n\nTwo."
    )
    event = _withdraw(make_event(slug="checked-event"))
    files = []
    for prefix in LANGUAGES:
        for name, address in [
            ("document", "/archive/2010/checked-tombstone/"),
            ("event", "/events/checked-event/"),
        ]:
            response = client.get(f"{prefix}{address}")
            assert response.status_code == 410
            files.append(tmp_path / f"{prefix.strip('/') or 'en'}-{name}.html")
            files[-1].write_bytes(response.content)
    assert document.withdrawn_at and event.withdrawn_at
    assert nu_check(files) == []
