"""Every change is kept: who changed what and when, two versions compared, a version restored."""

import pytest

from portal.publishing import Status
from tests.conftest import document_form, make_document, make_event

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/archive/document/"


@pytest.fixture
def edited(editor_client):
    """A draft whose summary an editor changed twice through the admin."""
    document = make_document(status=Status.DRAFT, summary="First summary.")
    for summary in ["Second summary.", "Third summary."]:
        response = editor_client.post(
            f"{CHANGELIST}{document.pk}/change/", document_form(document, summary=summary)
        )
        assert response.status_code == 302
    return document


def test_the_history_records_who_changed_what_and_when(editor_client, edited):
    versions = list(edited.history.order_by("history_date"))
    assert [v.summary for v in versions] == ["First summary.", "Second summary.", "Third summary."]
    assert [v.history_user.username for v in versions[1:]] == ["editor", "editor"]
    html = editor_client.get(f"{CHANGELIST}{edited.pk}/history/").content.decode()
    assert "editor" in html and "Third summary." in html
    assert "Compare two versions" in html


def test_two_versions_compared_side_by_side(editor_client, edited):
    first, _second, third = edited.history.order_by("history_date")
    response = editor_client.get(
        f"{CHANGELIST}{edited.pk}/history/compare/",
        {"older": first.history_id, "newer": third.history_id},
    )
    html = response.content.decode()
    assert response.status_code == 200
    changes = html.split('id="version-changes"')[1]
    assert "Summary" in changes and "First summary." in changes and "Third summary." in changes
    assert "Title" not in changes  # only what changed


def test_a_version_is_restored_and_the_restore_is_itself_recorded(editor_client, edited):
    first = edited.history.earliest("history_date")
    url = f"{CHANGELIST}{edited.pk}/history/{first.history_id}/"
    page = editor_client.get(url)
    assert page.status_code == 200 and "First summary." in page.content.decode()
    response = editor_client.post(url, document_form(edited, summary="First summary."))
    assert response.status_code == 302
    edited.refresh_from_db()
    assert edited.summary == "First summary."
    assert edited.history.count() == 4


def test_an_editor_cannot_restore_over_a_published_item(editor_client, edited):
    first = edited.history.earliest("history_date")
    edited.refresh_from_db()
    edited.status = Status.PUBLISHED  # by a publisher
    edited.save()
    # The old version was a draft; the item is published now: restoring it is a publisher's call.
    response = editor_client.post(
        f"{CHANGELIST}{edited.pk}/history/{first.history_id}/",
        document_form(edited, status="draft", summary="First summary."),
    )
    assert response.status_code == 403
    edited.refresh_from_db()
    assert edited.status == Status.PUBLISHED and edited.summary == "Third summary."


def test_events_and_other_models_keep_history_too(publisher_client):
    event = make_event(status=Status.DRAFT)
    publisher_client.post(
        "/admin/memorials/event/", {"action": "publish", "_selected_action": [event.pk]}
    )
    statuses = list(event.history.order_by("history_date").values_list("status", flat=True))
    assert statuses == ["draft", "published"]
    assert event.history.latest("history_date").history_user.username == "publisher"
    for url in [
        "/admin/memorials/place/",
        "/admin/archive/organization/",
        "/admin/memorials/figure/",
    ]:
        assert publisher_client.get(url).status_code == 200
