"""The admin home shows each person what waits for them (issue 18, item 4): publishers what is
in review, what visitors sent and what is scheduled next; editors their drafts and what was
sent back to them."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.formats import date_format

from memorials import models as memorials
from portal import roles, work_queue
from portal.publishing import Status
from tests.conftest import make_commemoration, make_document, make_event, make_person

pytestmark = pytest.mark.django_db

HOME = "/admin/"
NOW = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def second_editor(django_user_model):
    user = django_user_model.objects.create_user(
        "second", password="second-pass", is_staff=True, first_name="Sara", last_name="Second"
    )
    user.groups.add(Group.objects.get(name=roles.EDITORS))
    return user


def created_by(item, user, when):
    """As if ``user`` had added ``item`` through the admin at ``when``."""
    item.history.filter(history_type="+").update(history_user=user, history_date=when)
    return item


def save_as(item, user, when, reason="", **changes):
    """Save ``item`` as ``user`` at ``when``, as the admin would, with a change reason."""
    for name, value in changes.items():
        setattr(item, name, value)
    item._history_user = user
    if reason:
        item._change_reason = reason
    with time_machine.travel(when, tick=False):
        item.save()
    return item


def section(html: str, key: str) -> str:
    """The part of the home page that is one section of the queue ("" if it is not shown)."""
    found = re.search(rf'<section class="module"[^>]*id="queue-{key}">(.*?)</section>', html, re.S)
    return found.group(1) if found else ""


def shown(when, zone="UTC") -> str:
    return date_format(when.astimezone(ZoneInfo(zone)), "DATETIME_FORMAT")


def home(client, user) -> str:
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def submitted(editor, publisher, title="Statement on the anniversary"):
    """A document an editor added and submitted for review; a publisher then fixed a typo
    while it waited, which does not make them its submitter."""
    document = created_by(
        make_document(status=Status.DRAFT, title=title), editor, NOW - datetime.timedelta(days=3)
    )
    save_as(document, editor, NOW - datetime.timedelta(days=2), status=Status.REVIEW)
    save_as(document, publisher, NOW - datetime.timedelta(days=1), summary="Typo fixed.")
    return document


def test_a_publisher_sees_what_an_editor_submitted_with_their_name_and_time(
    client, editor, publisher, settings
):
    settings.TIME_ZONE = "Asia/Baku"
    editor.first_name, editor.last_name = "Elnur", "Editor"
    editor.save()
    document = submitted(editor, publisher)
    make_document(title="Already public")
    make_event(name="Event in review", status=Status.REVIEW)

    html = home(client, publisher)
    review = section(html, "review")
    assert "Waiting for review" in review
    row = re.search(r"<tr>\s*<td><a[^>]*>Statement on the anniversary.*?</tr>", review, re.S)
    assert row is not None
    submitted_at = NOW - datetime.timedelta(days=2)
    assert "Elnur Editor" in row.group(0)
    assert shown(submitted_at, "Asia/Baku") in row.group(0)
    assert shown(submitted_at, "Asia/Baku").endswith("+04")  # the time says its zone
    assert f'datetime="{submitted_at.astimezone(ZoneInfo("Asia/Baku")).isoformat()}"' in row.group(
        0
    )
    assert f'href="/admin/archive/document/{document.pk}/change/"' in row.group(0)
    assert "Event in review" in review

    # The count links to the documents' changelist filtered to those in review: exactly it.
    link = re.search(r'<a href="([^"]+)">Documents: 1</a>', review)
    assert link is not None and link.group(1) == "/admin/archive/document/?publication=review"
    changelist = client.get(link.group(1).replace("&amp;", "&")).content.decode()
    assert "Statement on the anniversary" in changelist
    assert "Already public" not in changelist
    assert re.search(r'<a href="/admin/memorials/event/\?publication=review">Events: 1</a>', review)


def test_moderation_counts_link_to_exactly_the_waiting_tributes_and_testimonies(client, publisher):
    event = make_event()
    for name in ["Waiting Aynur", "Waiting Bahram"]:
        memorials.Tribute.objects.create(
            event=event, kind="message", name=name, text="We remember."
        )
    memorials.Tribute.objects.create(
        event=event, kind="candle", name="Approved Chingiz", state="approved"
    )
    memorials.Testimony.objects.create(
        event=event, shown_name="Waiting Dilara", email="d@example.org", text="I was there."
    )
    memorials.Testimony.objects.create(
        event=event,
        shown_name="Rejected Elchin",
        email="e@example.org",
        text="Spam.",
        state="rejected",
    )

    html = home(client, publisher)
    moderation = section(html, "moderation")
    assert "Waiting for moderation" in moderation
    assert (
        "Message from Waiting Aynur" in moderation and "Testimony from Waiting Dilara" in moderation
    )
    assert "Approved Chingiz" not in moderation and "Rejected Elchin" not in moderation

    tributes = re.search(r'<a href="([^"]+)">Tributes: 2</a>', moderation).group(1)
    listed = client.get(tributes).content.decode()
    assert "Waiting Aynur" in listed and "Waiting Bahram" in listed
    assert "Approved Chingiz" not in listed
    assert "2 tributes" in listed or "2 results" in listed

    testimonies = re.search(r'<a href="([^"]+)">Testimonies: 1</a>', moderation).group(1)
    listed = client.get(testimonies).content.decode()
    assert "Waiting Dilara" in listed and "Rejected Elchin" not in listed
    assert "Correction requests" not in moderation  # none waits


def test_scheduled_items_are_listed_soonest_first_across_models(client, publisher):
    make_document(title="Scheduled third", published_at=NOW + datetime.timedelta(days=30))
    make_event(name="Scheduled first", published_at=NOW + datetime.timedelta(hours=2))
    make_commemoration(
        name="Scheduled second", event=make_event(), published_at=NOW + datetime.timedelta(days=2)
    )
    make_document(title="Public yesterday", published_at=NOW - datetime.timedelta(days=1))
    make_person(name="Only a draft", status=Status.DRAFT)

    scheduled = section(home(client, publisher), "scheduled")
    titles = re.findall(r'<a href="/admin/[^"]+/change/">([^<]+)</a>', scheduled)
    # (Documents and commemorations are named with their dates.)
    assert [title.split(" (")[0] for title in titles] == [
        "Scheduled first",
        "Scheduled second",
        "Scheduled third",
    ]
    assert shown(NOW + datetime.timedelta(hours=2)) in scheduled
    assert '<a href="/admin/archive/document/?publication=scheduled">Documents: 1</a>' in scheduled


def test_an_editor_sees_their_drafts_and_what_a_publisher_sent_back_with_the_reason(
    client, editor, second_editor, publisher
):
    publisher.first_name, publisher.last_name = "Parvin", "Publisher"
    publisher.save()
    mine = created_by(
        make_person(name="My draft person", status=Status.DRAFT),
        editor,
        NOW - datetime.timedelta(days=5),
    )
    created_by(
        make_person(name="Someone else's draft", status=Status.DRAFT),
        second_editor,
        NOW - datetime.timedelta(days=5),
    )
    returned = submitted(editor, publisher, title="Statement sent back")
    save_as(
        returned,
        publisher,
        NOW - datetime.timedelta(hours=3),
        reason="Check the date of the second paragraph.",
        status=Status.DRAFT,
    )
    # Taken back by the editor themselves: not sent back.
    withdrawn_by_me = submitted(editor, publisher, title="Statement I took back")
    save_as(withdrawn_by_me, editor, NOW - datetime.timedelta(hours=1), status=Status.DRAFT)
    # Submitted by another editor, sent back to them.
    theirs = submitted(second_editor, publisher, title="Their statement")
    save_as(theirs, publisher, NOW - datetime.timedelta(hours=2), status=Status.DRAFT)

    html = home(client, editor)
    drafts = section(html, "drafts")
    assert "Your drafts" in drafts
    assert f'href="/admin/memorials/person/{mine.pk}/change/">My draft person' in drafts
    assert "Someone else" not in drafts
    assert "Statement sent back" in drafts  # created by the editor, and a draft again

    sent_back = section(html, "sent-back")
    assert "Sent back to you" in sent_back
    row = re.search(r"<tr>\s*<td><a[^>]*>Statement sent back.*?</tr>", sent_back, re.S).group(0)
    assert "Parvin Publisher" in row
    assert "Check the date of the second paragraph." in row
    assert shown(NOW - datetime.timedelta(hours=3)) in row
    assert "Statement I took back" not in sent_back
    assert "Their statement" not in sent_back

    # The other editor sees theirs, sent back by the publisher.
    assert "Their statement" in section(home(client, second_editor), "sent-back")


def test_an_editor_does_not_see_the_publishers_sections(client, editor, publisher):
    submitted(editor, publisher)
    make_document(title="Scheduled later", published_at=NOW + datetime.timedelta(days=1))
    memorials.Tribute.objects.create(event=make_event(), kind="candle", name="Waiting Farid")

    html = home(client, editor)
    assert section(html, "review") == "" and "Waiting for review" not in html
    assert section(html, "scheduled") == "" and "Scheduled later" not in html
    # Editors moderate what visitors send too (portal/roles.py): that waits for them.
    assert "Candle from Waiting Farid" in section(html, "moderation")

    publisher_html = home(client, publisher)
    assert "Statement on the anniversary" in section(publisher_html, "review")
    assert "Scheduled later" in section(publisher_html, "scheduled")


def test_nothing_waiting_is_said_so(client, publisher):
    html = home(client, publisher)
    assert "Nothing waits for you." in html
    assert 'id="queue-' not in html


def test_the_queue_escapes_what_people_typed(client, editor, publisher):
    submitted(editor, publisher, title="<script>alert(1)</script> statement")
    html = home(client, publisher)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; statement" in section(html, "review")


def test_outsiders_and_visitors_do_not_see_the_admin(client, outsider, editor, publisher):
    submitted(editor, publisher)
    response = client.get(HOME)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(outsider)
    response = client.get(HOME)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_section_added_by_registration_joins_the_queue(client, publisher, monkeypatch):
    monkeypatch.setattr(work_queue, "_sections", list(work_queue._sections))

    @work_queue.register_section
    def corrections(desk):
        return work_queue.Section(
            "corrections",
            "Corrections in review",
            entries=[work_queue.Entry("Document", "A corrected statement", "/admin/")],
        )

    html = home(client, publisher)
    assert "Corrections in review" in section(html, "corrections")
    assert "A corrected statement" in html
    assert "Nothing waits for you." not in html


def test_who_decided_on_a_tribute_and_when_is_shown_in_the_admin(client, publisher):
    tribute = memorials.Tribute.objects.create(
        event=make_event(), kind="candle", name="Waiting Gunel"
    )
    client.force_login(publisher)
    response = client.post(
        "/admin/memorials/tribute/",
        {"action": "approve", "_selected_action": [tribute.pk]},
    )
    assert response.status_code == 302
    tribute.refresh_from_db()
    assert tribute.decided_by == publisher and tribute.decided_at == NOW
    page = client.get(f"/admin/memorials/tribute/{tribute.pk}/change/").content.decode()
    assert "Decided by" in page and "publisher" in page
    assert shown(NOW) in page
    assert "Candle from Waiting Gunel" not in section(home(client, publisher), "moderation")


def _fill(editor, publisher, count):
    """``count`` of everything the queue shows, across models."""
    event = make_event()
    for number in range(count):
        submitted(editor, publisher, title=f"In review {number}")
        make_event(name=f"Event in review {number}", status=Status.REVIEW)
        make_document(title=f"Scheduled {number}", published_at=NOW + datetime.timedelta(days=1))
        make_person(name=f"Scheduled person {number}", published_at=NOW + datetime.timedelta(1))
        created_by(make_person(name=f"Draft {number}", status=Status.DRAFT), editor, NOW)
        returned = submitted(editor, publisher, title=f"Returned {number}")
        save_as(returned, publisher, NOW, reason="Fix it.", status=Status.DRAFT)
        memorials.Tribute.objects.create(event=event, kind="candle", name=f"Candle {number}")
        memorials.Testimony.objects.create(
            event=event, shown_name=f"T{number}", email="t@example.org", text="."
        )


@pytest.mark.parametrize("role", ["editor", "publisher"])
def test_the_home_page_costs_the_same_queries_however_much_waits(
    client, editor, publisher, role, django_assert_max_num_queries
):
    user = {"editor": editor, "publisher": publisher}[role]
    _fill(editor, publisher, 1)
    client.force_login(user)
    with CaptureQueriesContext(connection) as few:
        assert client.get(HOME).status_code == 200
    _fill(editor, publisher, 25)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(HOME).content.decode()
    if role == "publisher":
        assert "Documents: 26" in section(html, "review")
        assert len(re.findall(r"<tr>", section(html, "review"))) == 1 + work_queue.LIMIT
    else:
        assert len(re.findall(r"<tr>", section(html, "sent-back"))) == 1 + work_queue.LIMIT


def test_corrections_of_live_items_wait_for_publishers_and_return_to_their_author(
    client, editor, publisher
):
    from portal import corrections

    event = make_event(name="Live event", description="Live description.")
    edited = type(event).objects.get(pk=event.pk)
    edited.description = "Corrected description."
    correction = corrections.save(edited, editor, submit=True)
    waiting = section(home(client, publisher), "corrections-review")
    assert f"Correction #{correction.pk}: Live event" in waiting
    assert f"/admin/portal/correction/{correction.pk}/change/" in waiting
    assert "/admin/portal/correction/?state__exact=review" in waiting
    assert section(home(client, editor), "corrections-review") == ""  # editors do not publish

    corrections.send_back(correction, publisher, "Cite the <source>.")
    returned = section(home(client, editor), "corrections-sent-back")
    assert f"Correction #{correction.pk}: Live event" in returned
    assert "Cite the &lt;source&gt;." in returned
    assert section(home(client, publisher), "corrections-review") == ""


def test_a_publisher_sends_items_in_review_back_with_a_comment_the_editor_reads(
    client, editor, publisher
):
    document = submitted(editor, publisher)
    client.force_login(publisher)
    changelist = "/admin/archive/document/"
    chosen = {"action": "return_to_draft", "_selected_action": [document.pk]}
    asked = client.post(changelist, chosen)
    assert asked.status_code == 200 and "What should the editor change?" in asked.content.decode()
    refused = client.post(changelist, {**chosen, "post": "yes", "comment": " "})
    assert "Say what the editor should change." in refused.content.decode()
    document.refresh_from_db()
    assert document.status == Status.REVIEW
    client.post(changelist, {**chosen, "post": "yes", "comment": "Cite the <source>."})
    document.refresh_from_db()
    assert document.status == Status.DRAFT
    assert document.history.latest("history_date").history_change_reason == "Cite the <source>."
    returned = section(home(client, editor), "sent-back")
    assert "Statement on the anniversary" in returned and "Cite the &lt;source&gt;." in returned
    # An editor taking their own item back to draft is asked nothing.
    save_as(document, editor, NOW, status=Status.REVIEW)
    client.force_login(editor)
    client.post(changelist, chosen)
    document.refresh_from_db()
    assert document.status == Status.DRAFT
