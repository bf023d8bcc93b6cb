"""The editorial workflow end to end, as issue 5's "done when" tells it."""

import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from archive.models import Document
from memorials.models import Tribute
from portal import bags
from tests.conftest import EMPTY_INLINES, SEED_FILE, SEED_TITLE

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@time_machine.travel("2026-11-25 10:00Z", tick=False)
def test_from_upload_to_public_page_to_bag(editor, publisher, media_root, tmp_path, settings):
    editors_desk, publishers_desk, visitor = logged_in(editor), logged_in(publisher), Client()

    # An editor imports a text press release, reads the dry run, confirms.
    upload = SimpleUploadedFile("release.txt", SEED_FILE.read_bytes())
    dry_run = editors_desk.post(
        "/admin/archive/document/import/", {"files": [upload], "language": "en"}
    )
    assert "would be created" in dry_run.content.decode()
    editors_desk.post(
        "/admin/archive/document/import/", {"token": dry_run.context["token"], "confirm": "1"}
    )
    document = Document.objects.get()

    # ... and submits it for review.
    editors_desk.post(
        "/admin/archive/document/",
        {"action": "submit_for_review", "_selected_action": [document.pk]},
    )
    document.refresh_from_db()
    assert document.status == "review"

    # A publisher schedules it for the next morning.
    form = (
        editors_desk.get(f"/admin/archive/document/{document.pk}/change/").context["adminform"].form
    )
    data = {
        name: value
        for name, value in form.initial.items()
        if name in form.fields and value is not None
    }
    data.update(
        issuer=document.issuer.pk,
        tags="",
        status="published",
        published_at_0="2026-11-26",
        published_at_1="08:00:00",
        **EMPTY_INLINES,
    )
    response = publishers_desk.post(f"/admin/archive/document/{document.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert visitor.get(document.get_absolute_url()).status_code == 404

    # It appears on the public site at that time.
    with time_machine.travel("2026-11-26 08:00Z", tick=False):
        page = visitor.get(document.get_absolute_url())
        assert page.status_code == 200 and SEED_TITLE in page.content.decode()
        assert SEED_TITLE in visitor.get("/search/", {"q": "Baky"}).content.decode()

    # The whole archive exports to a bag and restores into an empty instance, identical.
    before = {m._meta.label: list(m._base_manager.values()) for m in bags.content_models()}
    call_command("export_archive", str(tmp_path / "bag"), stdout=io.StringIO())
    Document.objects.all().delete()
    document.issuer.delete()
    call_command("import_archive", str(tmp_path / "bag"), stdout=io.StringIO())
    after = {m._meta.label: list(m._base_manager.values()) for m in bags.content_models()}
    assert after == before


def test_a_visitors_tribute_waits_for_approval(seed, editor):
    event_url = "/events/black-january/"
    visitor = Client()
    visitor.post(f"{event_url}tributes/", {"kind": "message", "text": "We remember.", "name": ""})
    tribute = Tribute.objects.get()
    assert tribute.state == "pending"
    assert "We remember." not in visitor.get(event_url).content.decode()
    logged_in(editor).post(
        "/admin/memorials/tribute/", {"action": "approve", "_selected_action": [tribute.pk]}
    )
    assert "We remember." in visitor.get(event_url).content.decode()
