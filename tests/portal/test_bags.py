"""export_archive writes a BagIt bag; import_archive restores it into an empty instance."""

import hashlib
import io
import json

import bagit
import pytest
from django.core import serializers
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from PIL import Image

from archive.media import prepare_upload
from archive.models import Attachment, Document
from memorials.models import Event, Tribute
from portal import bags
from portal.models import SearchEntry

pytestmark = pytest.mark.django_db(transaction=False)


def snapshot() -> dict:
    """Every content record, as the fixture serializer sees it, keyed by model."""
    return {
        model._meta.label_lower: json.loads(
            serializers.serialize(
                "json", model._base_manager.order_by("pk"), use_natural_foreign_keys=True
            )
        )
        for model in bags.content_models()
    }


def stored_files(media_root) -> dict[str, str]:
    return {
        str(path.relative_to(media_root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(media_root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def archive_content(seed, media_root):
    """The seed, with tags, a photo with its display sizes, a PDF and visitors' tributes."""
    seed.tags.add("Black January", "anniversary")
    event = Event.objects.get(slug="black-january")
    buffer = io.BytesIO()
    Image.new("RGB", (800, 500), (30, 60, 90)).save(buffer, "JPEG")
    for item, name, content, alt in [
        (event, "square.jpg", buffer.getvalue(), "A square in Baku"),
        (seed, "release.pdf", b"%PDF-1.4\n%%EOF\n", ""),
    ]:
        attachment = Attachment(item=item, alt_text=alt, caption=name)
        attachment.store(prepare_upload(SimpleUploadedFile(name, content)))
        attachment.save()
    Tribute.objects.create(event=event, kind="candle", state="approved")
    Tribute.objects.create(event=event, kind="message", text="We remember.", state="pending")
    return seed


def empty_the_instance(settings, tmp_path):
    """As a fresh installation would be: no content, no search entries, no stored files."""
    from memorials.models import Place

    Place.objects.update(parent=None)  # places protect their parents
    for model in reversed(bags.content_models()):
        model._base_manager.all().delete()
    SearchEntry.objects.all().delete()
    settings.MEDIA_ROOT = tmp_path / "fresh-media"


def test_the_archive_round_trips_through_a_bag(archive_content, media_root, tmp_path, settings):
    before, files_before = snapshot(), stored_files(media_root)
    # The photo, its six display sizes (WebP and JPEG) and blurred stand-in, the PDF.
    assert len(files_before) == 9

    out = io.StringIO()
    call_command("export_archive", str(tmp_path / "bag"), stdout=out)
    assert "BagIt" in out.getvalue()
    bag = bagit.Bag(str(tmp_path / "bag"))
    assert bag.is_valid() and set(bag.algorithms) == {"sha256", "sha512"}
    assert "data/content.json" in bag.payload_entries()

    empty_the_instance(settings, tmp_path)
    assert Document.objects.count() == 0
    call_command("import_archive", str(tmp_path / "bag"), stdout=io.StringIO())

    assert snapshot() == before
    assert stored_files(settings.MEDIA_ROOT) == files_before
    # The restored instance serves it all: pages, search, files.
    visitor = Client()
    assert visitor.get(archive_content.get_absolute_url()).status_code == 200
    assert "BLACK JANUARY" in visitor.get("/search/", {"q": "Baky"}).content.decode()
    photo = Attachment.objects.get(kind="image")
    assert visitor.get(photo.display.url).status_code == 200


def test_a_tampered_bag_is_refused_and_nothing_is_loaded(archive_content, tmp_path, settings):
    call_command("export_archive", str(tmp_path / "bag"), stdout=io.StringIO())
    content = tmp_path / "bag" / "data" / "content.json"
    content.write_text(content.read_text().replace("Baky", "Baku", 1))
    empty_the_instance(settings, tmp_path)
    with pytest.raises(CommandError, match="the bag is not valid.*content.json"):
        call_command("import_archive", str(tmp_path / "bag"))
    assert Document.objects.count() == 0


def test_import_refuses_a_non_empty_instance_and_a_folder_that_is_no_bag(archive_content, tmp_path):
    call_command("export_archive", str(tmp_path / "bag"), stdout=io.StringIO())
    with pytest.raises(CommandError, match="loads into an empty instance"):
        call_command("import_archive", str(tmp_path / "bag"))
    (tmp_path / "plain").mkdir()
    with pytest.raises(CommandError, match="not a bag"):
        call_command("import_archive", str(tmp_path / "plain"))
    assert Document.objects.count() == 1


def test_export_refuses_a_folder_in_use_and_dry_runs_write_nothing(
    archive_content, tmp_path, settings
):
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "notes.txt").write_text("mine")
    with pytest.raises(CommandError, match="is not empty"):
        call_command("export_archive", str(tmp_path / "used"))
    out = io.StringIO()
    call_command("export_archive", str(tmp_path / "dry"), "--dry-run", stdout=out)
    assert "archive.document: 1" in out.getvalue() and not (tmp_path / "dry").exists()

    call_command("export_archive", str(tmp_path / "bag"), stdout=io.StringIO())
    empty_the_instance(settings, tmp_path)
    out = io.StringIO()
    call_command("import_archive", str(tmp_path / "bag"), "--dry-run", stdout=out)
    assert "archive.document: 1" in out.getvalue() and "nothing was written" in out.getvalue()
    assert Document.objects.count() == 0
