"""Every record has a first revision, each revision keeps the item's links and inlines, a
restored version keeps the publication state, and a deleted item's history leads nowhere
forbidden (issue 18)."""

import io
import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from archive.media import prepare_upload
from archive.models import Attachment, Document, Organization
from memorials.models import Event
from portal import content
from portal.publishing import Status
from tests.conftest import REPO, SEED_FILE, document_form, make_document, make_event

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/archive/document/"


def revised_models():
    return [model for model in content.models() if getattr(model, "history", None) is not None]


def versions(item):
    return list(item.history.order_by("history_date", "history_id"))


def compare(client, item, older, newer):
    opts = item._meta
    response = client.get(
        f"/admin/{opts.app_label}/{opts.model_name}/{item.pk}/history/compare/",
        {"older": older.history_id, "newer": newer.history_id},
    )
    assert response.status_code == 200
    return response.content.decode()


def relation_rows(html) -> str:
    if 'id="relation-changes"' not in html:
        return ""
    return unescape(html.split('id="relation-changes"')[1].split("</table>")[0])


# First revisions ------------------------------------------------------------------------------


def test_loaddata_gives_every_loaded_item_one_first_revision(publisher_client):
    call_command("loaddata", str(REPO / "fixtures" / "seed.json"), verbosity=0)
    loaded = 0
    for model in revised_models():
        for item in model.objects.all():
            (first,) = versions(item)
            assert first.history_type == "+"
            assert first.history_change_reason == "Loaded from fixtures/seed.json"
            opts = model._meta
            url = f"/admin/{opts.app_label}/{opts.model_name}/{item.pk}/history/compare/"
            assert publisher_client.get(url).status_code == 200
            loaded += 1
    assert loaded == 14  # the seed's organization, document, event, commemoration, places…
    # Its relations were recorded once they were loaded too, so the first edit compares
    # against the item as it was: only what the edit changed.
    event = Event.objects.get(slug="black-january")
    (first,) = versions(event)
    assert sorted(first.related) == ["attachments", "documents", "figures", "places", "tags"]
    assert list(first.related["places"].values()) == ["Baku"]
    assert len(first.related["figures"]) == event.figures.count() > 0
    document = Document.objects.get()
    response = publisher_client.post(
        f"{CHANGELIST}{document.pk}/change/",
        {
            **document_form(document, summary="A new summary."),
            "Event_documents-TOTAL_FORMS": "1",
            "Event_documents-INITIAL_FORMS": "1",
            "Event_documents-0-id": document.events.through.objects.get().pk,
            "Event_documents-0-document": document.pk,
            "Event_documents-0-event": event.pk,
        },
    )
    assert response.status_code == 302
    html = compare(publisher_client, document, *versions(document))
    changes = html.split('id="version-changes"')[1].split("</table>")[0]
    assert "Summary" in changes and "A new summary." in changes
    assert relation_rows(html) == ""  # its linked event and tags did not change
    # Loading the same file again changes nothing, so it adds no revision.
    call_command("loaddata", str(REPO / "fixtures" / "seed.json"), verbosity=0)
    assert len(versions(Event.objects.get(slug="black-january"))) == 1


def test_the_seed_loader_gives_a_first_revision_and_a_dry_run_none(db):
    call_command("load_initial_data", "--dry-run", verbosity=0, stdout=io.StringIO())
    assert not Event.history.exists()
    call_command("load_initial_data", verbosity=0, stdout=io.StringIO())
    event = Event.objects.get(slug="black-january")
    (first,) = versions(event)
    assert first.history_change_reason == "Loaded from fixtures/seed.json"
    assert list(first.related["documents"].values()) == [str(Document.objects.get())]


def test_a_bag_import_gives_each_record_a_first_revision(seed, tmp_path, settings):
    from tests.portal.test_bags import empty_the_instance

    seed.tags.add("Black January")
    call_command("export_archive", str(tmp_path / "bag"), stdout=io.StringIO())
    empty_the_instance(settings, tmp_path)
    call_command("import_archive", str(tmp_path / "bag"), stdout=io.StringIO())
    for model in revised_models():
        for item in model.objects.all():
            latest = versions(item)[-1]
            assert latest.history_type == "+"
            assert latest.history_change_reason == "Imported from the bag bag"
    document = Document.objects.get()
    assert list(versions(document)[-1].related["tags"].values()) == ["Black January"]


def test_the_admins_bulk_import_gives_a_first_revision(editor_client, publisher_client):
    url = "/admin/archive/document/import/"
    # A text: the document says which file it came from, its issuer the authority file.
    uploads = [SimpleUploadedFile("release.txt", SEED_FILE.read_bytes())]
    dry_run = editor_client.post(url, {"files": uploads, "language": "en"})
    editor_client.post(url, {"token": dry_run.context["token"], "confirm": "1"})
    (first,) = versions(Document.objects.get())
    assert first.history_change_reason == "Imported from release.txt"
    (issuer,) = versions(Organization.objects.get())
    assert issuer.history_change_reason == "Loaded from organizations.json"
    # A fixture: the event's first revision holds the links the fixture gave it.
    seed = (REPO / "fixtures" / "seed.json").read_bytes()
    uploads = [SimpleUploadedFile("seed.json", seed)]
    dry_run = publisher_client.post(url, {"files": uploads, "language": "en"})
    publisher_client.post(url, {"token": dry_run.context["token"], "confirm": "1"})
    (first,) = versions(Event.objects.get(slug="black-january"))
    assert first.history_change_reason == "Imported from seed.json"
    assert list(first.related["places"].values()) == ["Baku"]
    assert len(first.related["documents"]) == 1


def test_create_first_revisions_gives_one_to_items_without_history(db):
    document = make_document()
    document.history.all().delete()
    Organization.history.all().delete()
    out = io.StringIO()
    call_command("create_first_revisions", "--dry-run", stdout=out)
    assert "2 items would get a first revision" in out.getvalue()
    assert not document.history.exists()
    call_command("create_first_revisions", stdout=io.StringIO())
    (first,) = versions(document)
    assert first.history_change_reason == "First revision of an item that had none"
    call_command("create_first_revisions", stdout=out)
    assert "0 items got a first revision" in out.getvalue()
    assert len(versions(document)) == 1


# Links and inlines in the history ---------------------------------------------------------------


def test_an_admin_edit_of_tags_and_linked_events_shows_in_the_comparison(publisher_client):
    document = make_document()
    event = make_event(name="Khojaly")
    change = f"{CHANGELIST}{document.pk}/change/"
    assert publisher_client.post(change, document_form(document, tags="alpha")).status_code == 302
    posted = {
        **document_form(document, tags="beta, gamma"),
        "Event_documents-TOTAL_FORMS": "1",
        "Event_documents-0-event": event.pk,
    }
    assert publisher_client.post(change, posted).status_code == 302
    rows = relation_rows(compare(publisher_client, document, *versions(document)[-2:]))
    assert re.search(r"Tags</th><td>added beta, gamma; removed alpha</td>", rows)
    assert re.search(r"Linked events</th><td>added Khojaly</td>", rows)
    history = publisher_client.get(f"{CHANGELIST}{document.pk}/history/").content.decode()
    assert "added beta, gamma; removed alpha" in history and "added Khojaly" in history


def test_an_attachment_added_shows_in_the_comparison(publisher_client, media_root):
    document = make_document()
    attachment = Attachment(item=document, caption="Scan of the release")
    attachment.store(prepare_upload(SimpleUploadedFile("release.pdf", b"%PDF-1.4\n%%EOF\n")))
    attachment.save()
    response = publisher_client.post(
        f"{CHANGELIST}{document.pk}/change/",
        {
            **document_form(document),
            "archive-attachment-content_type-object_id-TOTAL_FORMS": "1",
            "archive-attachment-content_type-object_id-INITIAL_FORMS": "1",
            "archive-attachment-content_type-object_id-0-id": attachment.pk,
            "archive-attachment-content_type-object_id-0-caption": "Scan, first page",
            "archive-attachment-content_type-object_id-0-role": attachment.role,
            "archive-attachment-content_type-object_id-0-rights": attachment.rights,
            "archive-attachment-content_type-object_id-0-position": attachment.position,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    first, *_middle, last = versions(document)
    rows = relation_rows(compare(publisher_client, document, first, last))
    assert "Attachments</th><td>added Scan, first page</td>" in rows


# Restoring keeps the publication state -----------------------------------------------------------


@pytest.fixture
def withdrawn(publisher_client):
    """A document published with a first summary, then changed, then withdrawn."""
    document = make_document(summary="First summary.")
    publisher_client.post(
        f"{CHANGELIST}{document.pk}/change/", document_form(document, summary="Second summary.")
    )
    document.refresh_from_db()
    document.status = Status.WITHDRAWN
    document.withdrawal_reason = "Replaced by a corrected release."
    document.save()
    return document


def test_restoring_a_published_version_keeps_a_withdrawn_item_withdrawn(
    publisher_client, withdrawn
):
    first = versions(withdrawn)[0]
    assert first.status == Status.PUBLISHED
    url = f"{CHANGELIST}{withdrawn.pk}/history/{first.history_id}/"
    page = publisher_client.get(url).content.decode()
    assert "the item's publication state stays as it is now (Withdrawn)" in page
    assert 'name="_take_version_state"' in page
    posted = document_form(withdrawn, summary="First summary.", status=Status.PUBLISHED)
    assert publisher_client.post(url, posted).status_code == 302
    withdrawn.refresh_from_db()
    assert withdrawn.summary == "First summary."
    assert withdrawn.status == Status.WITHDRAWN
    assert withdrawn.withdrawal_reason == "Replaced by a corrected release."
    assert withdrawn.withdrawn_at is not None
    assert Client().get(withdrawn.get_absolute_url()).status_code == 410  # a visitor's


def test_the_restore_page_speaks_the_editors_language(publisher_client, withdrawn):
    first = versions(withdrawn)[0]
    url = f"{CHANGELIST}{withdrawn.pk}/history/{first.history_id}/"
    publisher_client.cookies["django_language"] = "az"
    page = publisher_client.get(url).content.decode()
    crumbs = page.split('<div class="breadcrumbs">')[1].split("</div>")[0]
    assert ">Arxiv</a>" in crumbs and ">Sənədlər</a>" in crumbs
    assert "istorical" not in crumbs and ">Archive<" not in crumbs


def test_a_publisher_may_choose_to_restore_the_versions_state(publisher_client, withdrawn):
    first = versions(withdrawn)[0]
    url = f"{CHANGELIST}{withdrawn.pk}/history/{first.history_id}/"
    posted = {**document_form(withdrawn, summary="First summary."), "_take_version_state": "1"}
    assert publisher_client.post(url, posted).status_code == 302
    withdrawn.refresh_from_db()
    assert withdrawn.status == Status.PUBLISHED and withdrawn.withdrawn_at is None
    assert Client().get(withdrawn.get_absolute_url()).status_code == 200  # a visitor's


def test_an_editor_restores_texts_never_the_state(editor_client):
    document = make_document(status=Status.DRAFT, summary="Draft summary.")
    editor_client.post(
        f"{CHANGELIST}{document.pk}/change/",
        document_form(document, summary="Ready.", status=Status.REVIEW),
    )
    document.refresh_from_db()
    assert document.status == Status.REVIEW
    first = versions(document)[0]
    url = f"{CHANGELIST}{document.pk}/history/{first.history_id}/"
    page = editor_client.get(url).content.decode()
    assert "stays as it is now (In review)" in page
    assert "_take_version_state" not in page  # no choice for editors
    posted = {
        **document_form(document, summary="Draft summary.", status=Status.DRAFT),
        "_take_version_state": "1",
    }
    assert editor_client.post(url, posted).status_code == 302
    document.refresh_from_db()
    assert (document.summary, document.status) == ("Draft summary.", Status.REVIEW)


# A deleted item's history ----------------------------------------------------------------------


def links(html: str) -> list[str]:
    """The page's own addresses: every link, and every form's target."""
    found = re.findall(r'<a [^>]*href="([^"#]+)"', html) + re.findall(
        r'<form [^>]*action="([^"]+)"', html
    )
    return sorted({unescape(url) for url in found if url.startswith("/")})


@pytest.mark.parametrize("who", ["editor_client", "publisher_client"])
def test_a_deleted_items_history_offers_nothing_that_ends_in_403(request, who):
    user = request.getfixturevalue(who)
    document = make_document(status=Status.DRAFT, summary="First.", tags=["alpha"])
    document.summary = "Second."
    document.save()
    key = document.pk
    document.delete()
    history_url = f"{CHANGELIST}{key}/history/"
    history = user.get(history_url)
    assert history.status_code == 200
    html = history.content.decode()
    assert "Compare two versions" in html
    version = re.search(rf"{CHANGELIST}{key}/history/(\d+)/", html).group(0)
    pages = {history_url: html}
    for url in [version, f"{CHANGELIST}{key}/history/compare/"]:
        response = user.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content.decode()
    assert 'name="_save"' not in pages[version]  # nothing to restore into
    assert "can be read and compared, not restored" in pages[f"{CHANGELIST}{key}/history/compare/"]
    for page, page_html in pages.items():
        for url in links(page_html):
            if url.startswith(("/static/", "/media/")):
                continue
            status = user.get(url).status_code
            assert status != 403 and status < 500, (page, url, status)
    # A crafted restore is still refused, not a server error.
    assert user.post(version, document_form(make_document())).status_code == 403
