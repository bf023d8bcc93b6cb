"""Corrections to live items go through review: an editor's change of a published item waits,
apart from it, for a publisher to compare, preview and publish it or send it back."""

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from archive.models import Document
from portal import corrections
from portal.corrections import Correction, State
from portal.publishing import Status
from tests.conftest import document_form, make_document, make_event, make_person

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/archive/document/"
CORRECTIONS = "/admin/portal/correction/"


def visit(url):
    """The page as a visitor gets it: status, body and the headers a cache keys on."""
    response = Client().get(url)
    return (
        response.status_code,
        response.content.decode(),
        response["ETag"],
        response["Last-Modified"],
    )


@pytest.fixture
def live():
    return make_document(title="Live statement", summary="The live summary.")


def correct(client, document, **changes):
    return client.post(f"{CHANGELIST}{document.pk}/change/", document_form(document, **changes))


def test_an_editors_save_of_a_live_document_is_kept_as_a_correction(editor_client, editor, live):
    before = visit(live.get_absolute_url())
    page = editor_client.get(f"{CHANGELIST}{live.pk}/change/").content.decode()
    assert 'name="summary"' in page and "Save correction" in page
    assert "Submit correction for review" in page and "This item is public." in page

    response = correct(editor_client, live, summary="A corrected summary.")
    assert response.status_code == 302
    stored = Document.objects.get(pk=live.pk)
    assert stored.summary == "The live summary." and stored.updated_at == live.updated_at
    assert visit(live.get_absolute_url()) == before  # same page, same ETag and Last-Modified
    correction = Correction.objects.get()
    assert correction.item == live and correction.author == editor
    assert correction.state == State.DRAFT
    assert correction.values == {"summary": "A corrected summary."}
    # The editor continues the correction: the form shows its values.
    page = editor_client.get(f"{CHANGELIST}{live.pk}/change/").content.decode()
    assert "A corrected summary." in page and f"correction #{correction.pk}" in page


def test_the_status_and_publish_time_are_no_part_of_a_correction(editor_client, live):
    correct(editor_client, live, status="draft", published_at_0="2001-01-01", summary="New.")
    live.refresh_from_db()
    assert live.status == Status.PUBLISHED
    assert Correction.objects.get().values == {"summary": "New."}


def test_a_submitted_correction_waits_in_review_for_a_publisher(
    editor_client, editor, publisher, live
):
    response = correct(editor_client, live, summary="Corrected.", _submit_correction="1")
    assert response.status_code == 302
    correction = Correction.objects.get()
    assert correction.state == State.REVIEW and correction.submitted_at is not None
    assert list(corrections.in_review()) == [correction]
    editor_client.force_login(publisher)
    listing = editor_client.get(CORRECTIONS, {"state": "review"}).content.decode()
    assert "Live statement" in listing and "editor" in listing
    item_page = editor_client.get(f"{CHANGELIST}{live.pk}/change/").content.decode()
    assert f"Correction #{correction.pk} of this item is open" in item_page
    page = editor_client.get(f"{CORRECTIONS}{correction.pk}/change/").content.decode()
    changes = page.split('id="correction-changes"')[1]
    assert "Summary" in changes and "The live summary." in changes and "Corrected." in changes
    assert f"{live.get_absolute_url()}?correction={correction.pk}" in page
    assert "Publish correction" in page and "Send back" in page


def test_the_preview_shows_the_correction_to_staff_and_the_live_page_to_visitors(
    editor_client, publisher, live
):
    correct(editor_client, live, summary="Previewed summary.", _submit_correction="1")
    correction = Correction.objects.get()
    url = f"{live.get_absolute_url()}?correction={correction.pk}"
    editor_client.force_login(publisher)
    response = editor_client.get(url)
    html = response.content.decode()
    assert response.status_code == 200 and "Previewed summary." in html
    assert f"this page shows correction #{correction.pk}" in html
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in html
    for _attempt in range(2):  # the second from the page cache
        status, html, _etag, _modified = visit(url)
        assert status == 200 and "The live summary." in html
        assert "Previewed summary." not in html and "Preview" not in html
    assert "Previewed summary." not in editor_client.get(live.get_absolute_url()).content.decode()


def test_a_preview_of_an_event_correction_on_its_page(client, editor, publisher):
    event = make_event(name="Live event", description="Live description.")
    edited = type(event).objects.get(pk=event.pk)
    edited.description = "Corrected description."
    correction = corrections.save(edited, editor, submit=True)
    client.force_login(publisher)
    url = f"{event.get_absolute_url()}?correction={correction.pk}"
    assert "Corrected description." in client.get(url).content.decode()
    assert "Corrected description." not in Client().get(url).content.decode()


def test_publishing_a_correction_changes_the_public_page_and_records_history(
    editor_client, publisher, live
):
    correct(editor_client, live, summary="Published correction.", _submit_correction="1")
    correction = Correction.objects.get()
    _status, _html, etag, _modified = visit(live.get_absolute_url())
    editor_client.force_login(publisher)
    response = editor_client.post(f"{CORRECTIONS}{correction.pk}/change/", {"action": "publish"})
    assert response.status_code == 302
    status, html, new_etag, _modified = visit(live.get_absolute_url())
    assert status == 200 and "Published correction." in html and new_etag != etag
    live.refresh_from_db()
    assert live.summary == "Published correction." and live.status == Status.PUBLISHED
    latest = live.history.latest("history_date")
    assert latest.summary == "Published correction." and latest.history_user == publisher
    assert latest.history_change_reason == f"Correction #{correction.pk}"
    correction.refresh_from_db()
    assert correction.state == State.PUBLISHED and correction.decided_by == publisher
    assert correction.decided_at is not None
    assert not corrections.in_review().exists()


def test_sending_back_takes_a_comment_that_the_editor_sees(editor_client, editor, publisher, live):
    correct(editor_client, live, summary="Needs work.", _submit_correction="1")
    correction = Correction.objects.get()
    editor_client.force_login(publisher)
    url = f"{CORRECTIONS}{correction.pk}/change/"
    refused = editor_client.post(url, {"action": "send_back", "comment": "  "})
    assert refused.status_code == 400 and "a comment is required" in refused.content.decode()
    correction.refresh_from_db()
    assert correction.state == State.REVIEW
    assert editor_client.post(url, {"action": "send_back", "comment": "Cite <the> source."})
    correction.refresh_from_db()
    assert correction.state == State.SENT_BACK and correction.decided_by == publisher
    assert list(corrections.sent_back_to(editor)) == [correction]
    editor_client.force_login(editor)
    form = editor_client.get(f"{CHANGELIST}{live.pk}/change/").content.decode()
    assert "Sent back by publisher:" in form and "Cite &lt;the&gt; source." in form
    assert "Cite &lt;the&gt; source." in editor_client.get(url).content.decode()
    # Submitted again, it is in review again.
    correct(editor_client, live, summary="Worked on.", _submit_correction="1")
    correction.refresh_from_db()
    assert correction.state == State.REVIEW and correction.values == {"summary": "Worked on."}


def test_an_editor_cannot_publish_or_send_back_a_correction(editor_client, live):
    correct(editor_client, live, summary="Mine.", _submit_correction="1")
    correction = Correction.objects.get()
    url = f"{CORRECTIONS}{correction.pk}/change/"
    page = editor_client.get(url).content.decode()
    assert "Publish correction" not in page
    assert editor_client.post(url, {"action": "publish"}).status_code == 403
    response = editor_client.post(url, {"action": "send_back", "comment": "No."})
    assert response.status_code == 403
    correction.refresh_from_db()
    live.refresh_from_db()
    assert correction.state == State.REVIEW and live.summary == "The live summary."


def test_the_text_as_issued_and_its_checksum_never_change(editor_client, publisher, live):
    body, checksum = live.body, live.checksum
    page = editor_client.get(f"{CHANGELIST}{live.pk}/change/").content.decode()
    assert 'name="body"' not in page  # read-only in the correction's form
    correct(editor_client, live, body="A rewritten text.", summary="S.", _submit_correction="1")
    correction = Correction.objects.get()
    assert "body" not in correction.values
    # Even a correction stored with a text is applied without it.
    Correction.objects.filter(pk=correction.pk).update(
        values={**correction.values, "body": "Forged.", "checksum": "0" * 64}
    )
    editor_client.force_login(publisher)
    editor_client.post(f"{CORRECTIONS}{correction.pk}/change/", {"action": "publish"})
    live.refresh_from_db()
    assert (live.body, live.checksum, live.summary) == (body, checksum, "S.")
    assert live.fixity_ok


def test_a_correction_carries_translations(editor_client, publisher, live):
    correct(editor_client, live, summary="The live summary.", summary_in_az="Xülasə.")
    correction = Correction.objects.get()
    assert correction.values == {"translated_texts": {"summary": {"az": "Xülasə."}}}
    corrections.submit(correction)
    editor_client.force_login(publisher)
    editor_client.post(f"{CORRECTIONS}{correction.pk}/change/", {"action": "publish"})
    live.refresh_from_db()
    assert live.translated("summary", "az") == "Xülasə."


def test_publishing_over_a_changed_live_item_takes_confirmation(
    editor_client, publisher_client, editor, live
):
    edited = Document.objects.get(pk=live.pk)
    edited.summary = "The editor's summary."
    correction = corrections.save(edited, editor, submit=True)
    changed = Document.objects.get(pk=live.pk)
    changed.summary = "A publisher's summary meanwhile."
    changed.save()
    url = f"{CORRECTIONS}{correction.pk}/change/"
    page = publisher_client.get(url).content.decode()
    assert "changed after this correction was started" in page and "changed live since" in page
    refused = publisher_client.post(url, {"action": "publish"})
    assert refused.status_code == 409
    live.refresh_from_db()
    assert live.summary == "A publisher's summary meanwhile."
    assert publisher_client.post(url, {"action": "publish", "confirm": "yes"}).status_code == 302
    live.refresh_from_db()
    assert live.summary == "The editor's summary."


def test_a_publisher_may_save_a_change_as_a_correction_for_review(publisher_client, live):
    page = publisher_client.get(f"{CHANGELIST}{live.pk}/change/").content.decode()
    assert 'name="_save"' in page and "Save as correction for review" in page
    response = correct(publisher_client, live, summary="For review.", _save_as_correction="1")
    correction = Correction.objects.get()
    assert response.status_code == 302 and response.url == f"{CORRECTIONS}{correction.pk}/change/"
    assert correction.state == State.REVIEW and correction.values == {"summary": "For review."}
    live.refresh_from_db()
    assert live.summary == "The live summary."
    # Their normal save stays as it was: live at once.
    assert correct(publisher_client, live, summary="Direct.").status_code == 302
    live.refresh_from_db()
    assert live.summary == "Direct."


def test_an_item_has_at_most_one_open_correction(editor_client, editor, live):
    correct(editor_client, live, summary="First.")
    correct(editor_client, live, summary="Second.")
    assert Correction.objects.get().values == {"summary": "Second."}
    first = Correction.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Correction.objects.create(content_type=first.content_type, object_id=live.pk)
    corrections.discard(first)
    correct(editor_client, live, summary="After the discarded one.")
    assert Correction.objects.open().get().values == {"summary": "After the discarded one."}


def test_an_editor_saving_an_outdated_correction_form_is_told(editor_client, editor, live):
    html = editor_client.get(f"{CHANGELIST}{live.pk}/change/").content.decode()
    token = html.split('name="_edit_token" value="')[1].split('"')[0]
    assert token == "correction:new"
    edited = Document.objects.get(pk=live.pk)
    edited.summary = "A colleague's."
    corrections.save(edited, editor)
    refused = correct(editor_client, live, summary="Mine.", _edit_token=token)
    assert refused.status_code == 200
    assert "Someone else saved this item after you opened it" in refused.content.decode()
    assert Correction.objects.get().values == {"summary": "A colleague's."}


def test_a_correction_of_a_deleted_or_unknown_item_is_a_clear_answer(publisher_client, editor):
    live = make_document()
    edited = Document.objects.get(pk=live.pk)
    edited.title = "Renamed"
    correction = corrections.save(edited, editor, submit=True)
    assert publisher_client.get(f"{CORRECTIONS}999999/change/").status_code == 404
    live.delete()
    page = publisher_client.get(f"{CORRECTIONS}{correction.pk}/change/")
    assert page.status_code == 200 and "deleted since" in page.content.decode()
    response = publisher_client.post(f"{CORRECTIONS}{correction.pk}/change/", {"action": "publish"})
    assert response.status_code == 409


def test_the_correction_pages_take_a_bounded_number_of_queries(
    publisher_client, editor, django_assert_max_num_queries
):
    def add_corrections(count):
        for _number in range(count):
            document = make_document()
            edited = Document.objects.get(pk=document.pk)
            edited.summary = "Corrected."
            edited.issuer = make_document().issuer
            corrections.save(edited, editor, submit=True)

    add_corrections(2)
    event = make_event()
    edited = type(event).objects.get(pk=event.pk)
    edited.description = "Corrected."
    corrections.save(edited, editor, submit=True)
    with django_assert_max_num_queries(14):
        assert publisher_client.get(CORRECTIONS).status_code == 200
    add_corrections(8)
    with django_assert_max_num_queries(14):
        listing = publisher_client.get(CORRECTIONS)
    assert listing.content.decode().count("Correction #") >= 11
    correction = Correction.objects.filter(state=State.REVIEW).first()
    with django_assert_max_num_queries(16):
        assert publisher_client.get(f"{CORRECTIONS}{correction.pk}/change/").status_code == 200
    with django_assert_max_num_queries(6):
        assert len([c.item for c in corrections.in_review()]) == 11


def test_events_and_people_take_corrections_in_their_forms_too(editor_client):
    event = make_event()
    person = make_person(event=event)
    for url, field in [
        (f"/admin/memorials/event/{event.pk}/change/", "description"),
        (f"/admin/memorials/person/{person.pk}/change/", "biography"),
    ]:
        page = editor_client.get(url).content.decode()
        assert "Save correction" in page and f'name="{field}"' in page
        assert 'name="_link_document"' not in page and 'name="status"' not in page
