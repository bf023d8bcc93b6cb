"""Draft → in review → published (now or later) → withdrawn, and who may do what."""

import datetime

import feedparser
import pytest
import time_machine
from django.contrib.auth.models import Group
from django.test import Client
from lxml import etree

from archive.models import Document
from memorials.models import Event
from portal import roles
from portal.publishing import Status
from tests.conftest import document_form, make_document, make_event, make_organization

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/archive/document/"
NOW = "2026-11-25 12:00Z"


def public_surfaces(document) -> dict[str, bool]:
    """Where a visitor can find ``document``, surface by surface."""
    client = Client()  # a visitor, whoever else is logged in
    feed = feedparser.parse(client.get("/feeds/documents/").content)
    return {
        "page": client.get(document.get_absolute_url()).status_code == 200,
        "text": client.get(document.get_text_url()).status_code == 200,
        "list": document.title in client.get("/archive/").content.decode(),
        "search": document.title in client.get("/search/", {"q": "zeitplan"}).content.decode(),
        "feed": any(entry.title == document.title for entry in feed.entries),
        "sitemap": document.slug in client.get("/sitemap-documents.xml").content.decode(),
        "api": document.slug in client.get("/api/documents/").content.decode(),
        "oai": any(
            _harvested(client, verb, document) for verb in ["ListIdentifiers", "ListRecords"]
        ),
    }


def _harvested(client, verb, document) -> bool:
    """Whether OAI-PMH gives ``document`` as a record (a withdrawn one is a deleted record:
    its header alone, which says it is gone)."""
    response = client.get("/oai", {"verb": verb, "metadataPrefix": "oai_dc"})
    headers = etree.fromstring(response.content).iter(
        "{http://www.openarchives.org/OAI/2.0/}header"
    )
    return any(
        header.get("status") != "deleted" and document.slug in etree.tostring(header).decode()
        for header in headers
    )


# The roles -------------------------------------------------------------------------------------


def test_migrate_creates_both_roles_with_their_permissions():
    editors = Group.objects.get(name=roles.EDITORS)
    publishers = Group.objects.get(name=roles.PUBLISHERS)
    editor_codenames = set(editors.permissions.values_list("codename", flat=True))
    publisher_codenames = set(publishers.permissions.values_list("codename", flat=True))
    assert {"add_document", "change_document", "change_event", "change_tribute"} <= editor_codenames
    assert not {c for c in editor_codenames if c.startswith("publish_")}
    assert "delete_document" not in editor_codenames
    assert {
        "publish_document",
        "publish_event",
        "publish_person",
        "publish_commemoration",
        "delete_document",
    } <= publisher_codenames


def test_setup_roles_command_restores_a_removed_permission(capsys):
    from django.core.management import call_command

    editors = Group.objects.get(name=roles.EDITORS)
    editors.permissions.clear()
    call_command("setup_roles", "--dry-run")
    assert editors.permissions.count() == 0
    call_command("setup_roles")
    assert editors.permissions.filter(codename="change_document").exists()
    assert "Editors:" in capsys.readouterr().out


def test_visitors_cannot_reach_the_workflow(client):
    draft = make_document(status=Status.DRAFT)
    response = client.post(CHANGELIST, {"action": "publish", "_selected_action": [draft.pk]})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


# Editors --------------------------------------------------------------------------------------


def test_an_editor_is_offered_only_draft_and_review(editor_client):
    html = editor_client.get(CHANGELIST + "add/").content.decode()
    assert 'value="draft"' in html and 'value="review"' in html
    assert 'value="published"' not in html and 'value="withdrawn"' not in html
    # The publish time is a publisher's decision: shown, not editable.
    assert 'name="published_at_0"' not in html


def test_an_editor_cannot_publish_through_a_crafted_add_form(editor_client):
    issuer = make_organization()
    draft = Document(
        title="Crafted", slug="crafted", kind="statement", issued_on=datetime.date(2012, 1, 1)
    )
    draft.issuer = issuer
    response = editor_client.post(
        CHANGELIST + "add/", document_form(draft, status="published", body="Text.")
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Document.objects.filter(slug="crafted").exists()


def test_an_editor_cannot_publish_a_draft_through_a_crafted_change_form(editor_client):
    draft = make_document(status=Status.DRAFT)
    response = editor_client.post(
        f"{CHANGELIST}{draft.pk}/change/",
        document_form(
            draft, status="published", published_at_0="2026-01-01", published_at_1="0:00"
        ),
    )
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and draft.published_at is None


def test_an_editor_submits_for_review_but_the_publish_action_is_not_theirs(editor_client):
    draft = make_document(status=Status.DRAFT)
    actions = editor_client.get(CHANGELIST).content.decode()
    assert 'value="submit_for_review"' in actions and 'value="publish"' not in actions
    editor_client.post(CHANGELIST, {"action": "publish", "_selected_action": [draft.pk]})
    editor_client.post(CHANGELIST, {"action": "withdraw", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    response = editor_client.post(
        CHANGELIST, {"action": "submit_for_review", "_selected_action": [draft.pk]}, follow=True
    )
    assert "1 document now “In review”." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.REVIEW


def test_an_editor_cannot_change_or_withdraw_a_published_item(editor_client, seed):
    page = editor_client.get(f"{CHANGELIST}{seed.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    # Their save is kept as a correction for a publisher (tests/portal/test_corrections.py).
    response = editor_client.post(
        f"{CHANGELIST}{seed.pk}/change/", document_form(seed, status="draft", summary="Changed")
    )
    assert response.status_code == 302
    editor_client.post(CHANGELIST, {"action": "return_to_draft", "_selected_action": [seed.pk]})
    seed.refresh_from_db()
    assert seed.status == Status.PUBLISHED and seed.summary == ""


def test_an_editor_cannot_publish_an_event_either(editor_client):
    draft = make_event(status=Status.DRAFT)
    editor_client.post(
        "/admin/memorials/event/", {"action": "publish", "_selected_action": [draft.pk]}
    )
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


# Publishers and scheduled publishing ---------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_a_scheduled_document_is_public_nowhere_until_its_time(publisher_client):
    document = make_document(status=Status.REVIEW, title="Zeitplan statement", body="Zeitplan.")
    response = publisher_client.post(
        f"{CHANGELIST}{document.pk}/change/",
        document_form(
            document, status="published", published_at_0="2026-12-01", published_at_1="09:00:00"
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    document.refresh_from_db()
    assert document.is_scheduled
    assert not any(public_surfaces(document).values())
    listing = publisher_client.get(CHANGELIST, {"publication": "scheduled"}).content.decode()
    assert "Scheduled for" in listing and "Zeitplan statement" in listing

    with time_machine.travel("2026-12-01 08:59Z", tick=False):
        assert Client().get(document.get_absolute_url()).status_code == 404
    with time_machine.travel("2026-12-01 09:00Z", tick=False):
        assert public_surfaces(document) == dict.fromkeys(public_surfaces(document), True)


@time_machine.travel(NOW, tick=False)
def test_publishing_without_a_time_publishes_now(publisher_client):
    document = make_document(status=Status.REVIEW, title="Zeitplan now", body="Zeitplan.")
    publisher_client.post(CHANGELIST, {"action": "publish", "_selected_action": [document.pk]})
    document.refresh_from_db()
    assert document.status == Status.PUBLISHED
    assert document.published_at == datetime.datetime(2026, 11, 25, 12, tzinfo=datetime.UTC)
    assert all(public_surfaces(document).values())


def test_a_withdrawn_document_leaves_every_public_surface(publisher_client):
    document = make_document(title="Zeitplan withdrawn", body="Zeitplan.")
    assert all(public_surfaces(document).values())
    chosen = {"action": "withdraw", "_selected_action": [document.pk]}
    publisher_client.post(CHANGELIST, chosen)  # asks for the public reason first
    publisher_client.post(CHANGELIST, {**chosen, "post": "yes", "withdrawal_reason": "Replaced."})
    document.refresh_from_db()
    assert document.status == Status.WITHDRAWN
    assert not any(public_surfaces(document).values())


@time_machine.travel(NOW, tick=False)
def test_people_and_commemorations_wait_for_their_event(client):
    from tests.conftest import make_commemoration, make_person

    later = datetime.datetime(2027, 1, 1, tzinfo=datetime.UTC)
    event = make_event(name="Zeitplan event", published_at=later)
    person = make_person(name="Zeitplan person", event=event)
    make_commemoration(name="Zeitplan vigil", event=event)
    assert client.get(event.get_absolute_url()).status_code == 404
    results = client.get("/search/", {"q": "zeitplan"}).content.decode()
    assert "Zeitplan" not in results  # the person's entry names the event, so it waits too
    assert client.get(person.get_absolute_url()).status_code == 404  # remembered with its event
    with time_machine.travel(later, tick=False):
        assert "Zeitplan event" in client.get(person.get_absolute_url()).content.decode()
        results = client.get("/search/", {"q": "zeitplan"}).content.decode()
        assert all(
            name in results for name in ["Zeitplan event", "Zeitplan person", "Zeitplan vigil"]
        )
        assert Event.objects.public().filter(pk=event.pk).exists()


def test_two_editors_saving_the_same_item_do_not_overwrite_each_other(editor, django_user_model):
    draft = make_document(status=Status.DRAFT, summary="First.")
    colleague = django_user_model.objects.create_user("colleague", is_staff=True)
    colleague.groups.set(editor.groups.all())
    first, second = Client(), Client()
    first.force_login(editor)
    second.force_login(colleague)
    url = f"{CHANGELIST}{draft.pk}/change/"
    tokens = []
    for desk in [first, second]:
        html = desk.get(url).content.decode()
        tokens.append(html.split('name="_edit_token" value="')[1].split('"')[0])
    saved = first.post(url, document_form(draft, summary="Editor's.", _edit_token=tokens[0]))
    assert saved.status_code == 302
    refused = second.post(url, document_form(draft, summary="Colleague's.", _edit_token=tokens[1]))
    assert refused.status_code == 200
    assert "Someone else saved this item after you opened it" in refused.content.decode()
    draft.refresh_from_db()
    assert draft.summary == "Editor's."
