"""The admin's bulk import: upload, read the dry run, confirm; bad files write nothing."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from archive.models import Document, Organization
from memorials.models import Event
from tests.conftest import REPO, SEED_FILE, SEED_TITLE

pytestmark = pytest.mark.django_db

URL = "/admin/archive/document/import/"
FIXTURES = REPO / "fixtures"


def upload(client, *files, language="en"):
    uploads = [SimpleUploadedFile(name, content) for name, content in files]
    return client.post(URL, {"files": uploads, "language": language})


def report(response) -> str:
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="import-report"' in html, html[:3000]
    return html.split('id="import-report"')[1].split("</table>")[0]


def confirm(client, response):
    return client.post(URL, {"token": response.context["token"], "confirm": "1"})


def fixture(name) -> bytes:
    return (FIXTURES / name).read_bytes()


def seed_document() -> list[dict]:
    """The seed's document record, alone, as a fixture."""
    return [r for r in json.loads(fixture("seed.json")) if r["model"] == "archive.document"]


def test_an_editor_imports_a_press_release_after_a_dry_run(editor_client, editor):
    assert "Import files" in editor_client.get("/admin/archive/document/").content.decode()
    dry_run = upload(editor_client, ("release.txt", SEED_FILE.read_bytes()))
    rows = report(dry_run)
    assert "would be created" in rows and SEED_TITLE in rows and "2008-01-21" in rows
    assert "Nothing has been written yet." in dry_run.content.decode()
    assert not Document.objects.exists()

    done = confirm(editor_client, dry_run)
    assert "created" in report(done)
    document = Document.objects.get()
    assert document.title == SEED_TITLE and document.status == "draft"
    assert document.history.get().history_user == editor
    # The same file again is recognised by its checksum.
    again = report(upload(editor_client, ("release.txt", SEED_FILE.read_bytes())))
    assert "would be unchanged" in again


def test_a_malformed_text_is_refused_with_its_line_and_nothing_is_written(editor_client):
    response = upload(
        editor_client,
        ("good.txt", SEED_FILE.read_bytes()),
        ("bad.txt", b"Some Mission\nPress Release\nNo date here\n\nBody."),
    )
    rows = report(response)
    assert "bad.txt" in rows and "error" in rows and "line" in rows
    assert "would be created" in rows  # the good file is still shown
    assert not Document.objects.exists()


def test_a_publisher_imports_fixtures_and_sees_created_updated_unchanged(publisher_client):
    files = [
        ("organizations.json", fixture("organizations.json")),
        ("seed.json", fixture("seed.json")),
    ]
    rows = report(upload(publisher_client, *files))
    assert "would be created" in rows and "error" not in rows
    assert not Organization.objects.exists()
    confirm(publisher_client, upload(publisher_client, *files))
    assert Document.objects.public().count() == 1
    assert Event.objects.get(slug="black-january").documents.count() == 1
    seed = Document.objects.get()
    assert seed.history.exists()  # saved normally, not raw

    assert "would be updated" not in report(upload(publisher_client, *files))
    changed = seed_document()
    changed[0]["fields"]["summary"] = "An editorial summary."
    rows = report(
        upload(publisher_client, ("documents.json", json.dumps(changed, indent=2).encode()))
    )
    assert "would be updated" in rows and "line 2, object 1" in rows


@pytest.mark.parametrize(
    "content, message",
    [
        (b'[{"model": "archive.organization", "fields": {', "not valid JSON"),
        (b'{"model": "archive.organization"}', "a fixture is a JSON list of objects"),
        (b"\xff\xfe[", "not UTF-8"),
        (
            b'[{"model": "archive.nothing", "fields": {}}]',
            "Invalid model identifier",
        ),
    ],
)
def test_malformed_fixtures_are_refused_with_a_clear_message(publisher_client, content, message):
    rows = report(upload(publisher_client, ("broken.json", content)))
    assert message in rows
    assert 'name="confirm"' not in rows


def test_a_fixture_is_all_or_nothing_and_names_the_bad_object(publisher_client):
    objects = json.loads(fixture("organizations.json"))[:1] + [
        {"model": "archive.organization", "fields": {"name": "No slug", "slug": "", "kind": "ngo"}}
    ]
    text = json.dumps(objects, indent=2).encode()
    response = upload(publisher_client, ("orgs.json", text))
    rows = report(response)
    assert "would be skipped" in rows and "because of the errors in this file" in rows
    assert "object 2" in rows and "slug" in rows and "error" in rows
    assert "There is nothing to import" in response.content.decode()
    assert not Organization.objects.exists()


def test_what_an_upload_may_not_do(editor_client, seed):
    user = {"model": "auth.user", "fields": {"username": "intruder", "is_superuser": True}}
    published = seed_document()
    published[0]["fields"]["slug"] = "another-copy"
    altered = seed_document()
    altered[0]["fields"].update(status="draft", slug="altered", body="Altered text.")
    cases = [
        ([user], "auth.user cannot be imported here"),
        (published, "only a publisher can import a published item"),
        (altered, "The text does not match its checksum"),
    ]
    for objects, message in cases:
        rows = report(upload(editor_client, ("x.json", json.dumps(objects).encode())))
        assert message in rows
    assert Document.objects.count() == 1
    from django.contrib.auth.models import User

    assert not User.objects.filter(username="intruder").exists()


def test_an_expired_confirmation_writes_nothing(editor_client):
    response = editor_client.post(URL, {"token": "forged", "confirm": "1"}, follow=True)
    assert "That import has expired" in response.content.decode()
    assert not Document.objects.exists()


def test_visitors_and_staff_without_add_permission_cannot_import(client, django_user_model):
    assert client.get(URL).status_code == 302
    staff = django_user_model.objects.create_user("viewer", is_staff=True)
    client.force_login(staff)
    assert client.get(URL).status_code == 403


RUSSIAN_RELEASE = """Постоянное представительство Азербайджанской Республики при ООН
ПРЕСС-РЕЛИЗ № 14/2010
03/04/2012

ЗАЯВЛЕНИЕ О ГОДОВЩИНЕ

Текст заявления на русском языке и его второй абзац.
"""


def test_the_admin_reads_the_language_and_asks_for_the_date_order(editor_client):
    upload_file = SimpleUploadedFile("ru.txt", RUSSIAN_RELEASE.encode())
    refused = editor_client.post(URL, {"files": [upload_file], "language": ""})
    text = report(refused)
    assert "reads two ways, 3 April 2012 or 4 March 2012" in text
    assert "the import&#x27;s date order" in text

    upload_file = SimpleUploadedFile("ru.txt", RUSSIAN_RELEASE.encode())
    dry_run = editor_client.post(URL, {"files": [upload_file], "language": "", "date_order": "day"})
    assert "would be created" in report(dry_run)
    confirm(editor_client, dry_run)
    document = Document.objects.get()
    assert (document.language, document.issued_on.isoformat()) == ("ru", "2012-04-03")
    assert document.reference_number == "14/2010"
