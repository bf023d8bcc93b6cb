"""Scans, PDFs and photos attached in the admin: checked, cleaned, sized once, served safely."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from archive.models import Attachment
from portal.publishing import Status
from tests.conftest import document_form, make_document, make_event, make_person

pytestmark = pytest.mark.django_db

PREFIX = "archive-attachment-content_type-object_id"
GPS_IFD = 0x8825


def jpeg_with_gps(width=1600, height=1000) -> bytes:
    image = Image.new("RGB", (width, height), (180, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"  # Make
    exif[0x0132] = "2008:01:21 10:00:00"  # DateTime
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (40.0, 45.0, 0.0), 3: "W", 4: (73.0, 58.0, 0.0)})
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def png(width=40, height=30) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (0, 90, 160)).save(buffer, "PNG")
    return buffer.getvalue()


def png_bomb(width=100_000, height=100_000) -> bytes:
    """A few hundred bytes that claim ten billion pixels: a decompression bomb."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


@pytest.fixture
def draft(db):
    return make_document(status=Status.DRAFT, title="Draft with files")


def upload(client, document, name, content, **fields):
    """Post the document's change form with one new attachment, as the admin inline does."""
    attachment = {
        "TOTAL_FORMS": "1",
        "0-file": SimpleUploadedFile(name, content),
        "0-alt_text": fields.get("alt_text", ""),
        "0-caption": fields.get("caption", ""),
        "0-credit": "",
        # Images need a rights statement, as they need alt text (a default for the others).
        "0-rights": fields.get("rights", "https://creativecommons.org/licenses/by/4.0/"),
        "0-position": "0",
    }
    data = document_form(
        document, **{f"{PREFIX}-{key}": value for key, value in attachment.items()}
    )
    return client.post(f"/admin/archive/document/{document.pk}/change/", data)


def errors_of(response) -> str:
    assert response.status_code == 200, "the form should have been refused"
    return " ".join(
        str(error)
        for inline in response.context["inline_admin_formsets"]
        for error in inline.formset.errors
    )


def test_a_photo_is_stored_without_exif_with_display_sizes_made_once(
    editor_client, draft, media_root
):
    response = upload(
        editor_client,
        draft,
        "meeting.jpg",
        jpeg_with_gps(),
        alt_text="People at a memorial meeting",
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.item == draft
    assert attachment.kind == "image" and attachment.original_name == "meeting.jpg"
    assert (attachment.width, attachment.height) == (1600, 1000)
    assert (
        attachment.file.name == f"attachments/{attachment.checksum[:2]}/{attachment.checksum}.jpg"
    )
    stored = Image.open(attachment.file.path)
    assert stored.format == "JPEG"
    assert not stored.getexif() and not stored.getexif().get_ifd(GPS_IFD)
    assert b"Camera maker" not in attachment.file.read()
    sizes = {
        name: Image.open(getattr(attachment, name).path).size for name in ["thumbnail", "display"]
    }
    assert sizes == {"thumbnail": (320, 200), "display": (1280, 800)}


def test_an_image_without_alt_text_is_refused(editor_client, draft, media_root):
    errors = errors_of(upload(editor_client, draft, "photo.png", png()))
    assert "Describe the image" in errors
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("scan.gif", b"GIF89a...", "only JPEG, PNG and WebP images, PDF and plain-text"),
        ("program.exe", b"MZ\x90\x00", "only JPEG, PNG and WebP images, PDF and plain-text"),
        ("photo.jpg", png(), "is not a JPEG image, as its name says"),
        ("photo.png", b"<html><script>alert(1)</script></html>", "is not a readable PNG image"),
        ("release.pdf", b"Just some text, not a PDF.", "is not a PDF, as its name says"),
        ("release.txt", b"\xff\xfe\x00\x00binary", "is not UTF-8 plain text"),
        ("bomb.png", png_bomb(), "more than 50,000,000 pixels"),
    ],
)
def test_files_that_are_not_what_they_say_are_refused(
    editor_client, draft, media_root, name, content, message
):
    errors = errors_of(upload(editor_client, draft, name, content, alt_text="Alt"))
    assert message in errors
    assert not Attachment.objects.exists()
    assert not any(media_root.rglob("*.*")) if media_root.exists() else True


def test_the_size_and_pixel_limits_come_from_settings(editor_client, draft, media_root, settings):
    settings.MEDIA_MAX_UPLOAD_BYTES = 1000
    errors = errors_of(upload(editor_client, draft, "long.txt", b"x" * 1001))
    assert "is larger than 1000" in errors
    settings.MEDIA_MAX_UPLOAD_BYTES = 10_000_000
    settings.MEDIA_MAX_IMAGE_PIXELS = 1000
    errors = errors_of(upload(editor_client, draft, "photo.png", png(40, 30), alt_text="A"))
    assert "more than 1,000 pixels" in errors
    assert not Attachment.objects.exists()


def test_a_public_image_is_shown_with_its_alt_text_and_cached_for_a_year(
    publisher_client, media_root
):
    document = make_document(status=Status.DRAFT)
    upload(publisher_client, document, "meeting.jpg", jpeg_with_gps(), alt_text="The meeting")
    document.status = Status.PUBLISHED
    document.save()
    attachment = Attachment.objects.get()
    visitor = Client()
    html = visitor.get(document.get_absolute_url()).content.decode()
    # A <picture>: WebP sizes, and the JPEG fallback as the <img> (tests/archive/test_pictures.py).
    assert f'<source type="image/webp" srcset="/media/{attachment.thumbnail.name} 320w' in html
    assert f'<img src="/media/{attachment.display_jpeg.name}"' in html
    assert 'alt="The meeting"' in html
    response = visitor.get(f"/media/{attachment.display.name}")
    assert response.status_code == 200 and response["Content-Type"] == "image/webp"
    assert (
        "max-age=31536000" in response["Cache-Control"] and "immutable" in response["Cache-Control"]
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" not in response.get("Content-Disposition", "")


def test_a_pdf_is_served_as_a_download_never_sniffed(publisher_client, media_root):
    document = make_document(status=Status.DRAFT)
    upload(publisher_client, document, "release.pdf", b"%PDF-1.4\n%%EOF\n", caption="Scan")
    document.status = Status.PUBLISHED
    document.save()
    attachment = Attachment.objects.get()
    assert attachment.kind == "pdf" and not attachment.thumbnail
    response = Client().get(attachment.file.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="release.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"%PDF-1.4\n%%EOF\n"


def test_files_of_unpublished_items_are_not_served_to_visitors(editor_client, draft, media_root):
    upload(editor_client, draft, "note.txt", "Ünïcode text".encode(), caption="A note")
    attachment = Attachment.objects.get()
    assert Client().get(attachment.file.url).status_code == 404
    preview = editor_client.get(attachment.file.url)
    assert preview.status_code == 200 and "no-store" in preview["Cache-Control"]
    assert Client().get("/media/attachments/00/nothing.txt").status_code == 404


def test_events_and_people_take_attachments_too(publisher_client, media_root):
    for item in [make_event(), make_person()]:
        change_page = publisher_client.get(
            f"/admin/memorials/{item._meta.model_name}/{item.pk}/change/"
        ).content.decode()
        assert f"{PREFIX}-TOTAL_FORMS" in change_page
        attachment = Attachment(item=item, alt_text="x", caption=f"Photo of {item}")
        from archive.media import prepare_upload

        attachment.store(prepare_upload(SimpleUploadedFile("p.png", png())))
        attachment.save()
        html = Client().get(item.get_absolute_url()).content.decode()
        assert f"Photo of {item}" in html
