"""Media on object storage (issue 17, item 1): with S3_BUCKET, every uploaded file, display
size, IIIF tile and testimony photo is an object in a private bucket, read only through the
site's media views, which decide as for local files.

The bucket is real S3 over HTTP: moto's server (``moto[server]``), started once for the session
in this process on a free loopback port (``ThreadedMotoServer``), so ``make test`` and CI need
nothing started beforehand. Each test gets a bucket of its own.
"""

import hashlib
import io
import re
import subprocess
import sys

import bagit
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from PIL import Image

from archive.models import Attachment
from memorials.models import Testimony
from portal import bags
from portal import settings as portal_settings
from portal.publishing import Status
from portal.rights import Rights
from portal.storage import PrivateS3Storage
from tests.archive.test_iiif import form_errors, png, published, upload_scan
from tests.conftest import REPO, make_document, make_event, make_person
from tests.portal.test_bags import empty_the_instance, snapshot, stored_files
from tests.portal.test_settings import GOOD_KEY, clean_environment, start
from tests.servers import S3_KEYS, Bucket, new_bucket

pytestmark = pytest.mark.django_db

Testimony.__test__ = False  # a model, not a test class


def use_bucket(settings, bucket: Bucket) -> None:
    """Point Django's default storage at ``bucket``, configured as the settings configure it
    from S3_BUCKET, S3_ENDPOINT_URL, S3_REGION and the two keys."""
    storage = portal_settings.media_storage(
        bucket.name, bucket.endpoint, "us-east-1", S3_KEYS["access_key"], S3_KEYS["secret_key"]
    )
    settings.STORAGES = {**settings.STORAGES, "default": storage}


@pytest.fixture
def s3_media(s3_server, settings):
    """An empty bucket of its own, Django's default storage."""
    bucket = new_bucket(s3_server)
    use_bucket(settings, bucket)
    assert isinstance(default_storage, PrivateS3Storage)
    return bucket


def media_urls(html: str) -> set[str]:
    """Every /media/ address a page links or loads (src, srcset, href)."""
    urls = set()
    for attribute, value in re.findall(r'(src|srcset|href)="([^"]*)"', html):
        candidates = value.split(",") if attribute == "srcset" else [value]
        urls.update(c.split()[0] for c in candidates if c.strip().startswith("/media/"))
    return urls


def image_bytes(width=900, height=600) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (90, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def uploaded(client, document, name, content, **fields):
    response = upload_scan(client, document, name, content, **fields)
    assert response.status_code == 302, form_errors(response)
    return Attachment.objects.filter(object_id=document.pk).latest("pk")


# Uploads go to the bucket ----------------------------------------------------------------------


def test_an_upload_its_display_sizes_and_a_scans_tiles_are_objects_in_the_bucket(
    s3_media, publisher_client, media_root
):
    document = make_document(status=Status.DRAFT)
    photo = uploaded(publisher_client, document, "square.jpg", image_bytes(), role="gallery")
    scan = uploaded(publisher_client, document, "release.png", png(1300, 900), role="scan")

    keys = s3_media.keys()
    stem = f"attachments/{photo.checksum[:2]}/{photo.checksum}"
    for name in ["file", "thumbnail", "medium", "display", "display_jpeg", "thumbnail_jpeg"]:
        assert getattr(photo, name).name in keys, name
    assert {f"{stem}.jpg", f"{stem}-display.webp", f"{stem}-display.jpg"} <= keys
    assert s3_media.read(photo.file.name) == photo.file.open("rb").read()
    assert hashlib.sha256(s3_media.read(photo.file.name)).hexdigest() == photo.checksum
    # The scan's image service: info.json, the whole image, tiles.
    (page,) = scan.pages.all()
    service = {key for key in keys if key.startswith(f"iiif/{page.identifier}/")}
    assert f"iiif/{page.identifier}/info.json" in service
    assert f"iiif/{page.identifier}/full/max/0/default.jpg" in service
    assert f"iiif/{page.identifier}/512,0,512,512/512,512/0/default.jpg" in service
    assert len(service) >= 9
    # Nothing was written to the local folder.
    assert not media_root.exists() or not any(media_root.rglob("*"))


def test_a_public_pages_images_and_tiles_answer_from_the_bucket_through_the_site(
    s3_media, publisher_client
):
    document = make_document(status=Status.DRAFT)
    photo = uploaded(publisher_client, document, "square.jpg", image_bytes(), role="gallery")
    scan = uploaded(publisher_client, document, "release.png", png(1300, 900), role="scan")
    published(document)
    visitor = Client()
    html = visitor.get(document.get_absolute_url()).content.decode()

    urls = media_urls(html)
    assert photo.display.url in urls and photo.display_jpeg.url in urls
    assert all(url.startswith("/media/") for url in urls)  # the bucket's address is never shown
    assert s3_media.endpoint not in html
    for url in urls:
        answer = visitor.get(url)
        assert answer.status_code == 200, url
        body = b"".join(answer.streaming_content)
        assert body == s3_media.read(url.removeprefix("/media/")), url
        assert answer["Content-Length"] == str(len(body))
        assert "immutable" in answer["Cache-Control"] and answer["X-Content-Type-Options"]
    webp = visitor.get(photo.display.url)
    assert webp["Content-Type"] == "image/webp"
    # The original, as a download under its own name; the scan's tiles, open to IIIF viewers.
    original = visitor.get(photo.file.url)
    assert original.status_code == 200 and original["Content-Type"] == "image/jpeg"
    page = scan.pages.get()
    tile = visitor.get(f"/media/iiif/{page.identifier}/512,0,512,512/512,512/0/default.jpg")
    assert tile.status_code == 200 and tile["Access-Control-Allow-Origin"] == "*"
    with Image.open(io.BytesIO(b"".join(tile.streaming_content))) as image:
        assert image.size == (512, 512)
    info = visitor.get(f"/media/iiif/{page.identifier}/info.json")
    assert info.status_code == 200 and b'"width": 1300' in info.content
    assert (
        visitor.get(f"/media/iiif/{page.identifier}/9,9,9,9/9,9/0/default.jpg").status_code == 404
    )


def test_a_drafts_files_are_404_at_the_site_and_the_bucket_refuses_unsigned_reads(
    s3_media, editor_client
):
    document = make_document(status=Status.DRAFT)
    photo = uploaded(editor_client, document, "square.jpg", image_bytes(), role="gallery")
    visitor = Client()
    for field in ["file", "display", "display_jpeg", "thumbnail"]:
        assert visitor.get(getattr(photo, field).url).status_code == 404, field
    # An editor previewing sees it, uncached.
    preview = editor_client.get(photo.display.url)
    assert preview.status_code == 200 and "no-store" in preview["Cache-Control"]

    # The object is in the bucket, but nobody reads it there without the keys.
    assert photo.display.name in s3_media.keys()
    assert s3_media.unsigned_get(photo.display.name) == 403
    assert s3_media.unsigned_get(photo.file.name) == 403
    # (The server does serve a public-read object to anyone: the refusals are the bucket's.)
    s3_media.client.put_object(Bucket=s3_media.name, Key="open.txt", Body=b"x", ACL="public-read")
    assert s3_media.unsigned_get("open.txt") == 200
    # Once the document is public, its files answer at the site, still not at the bucket.
    published(document)
    assert visitor.get(photo.display.url).status_code == 200
    assert s3_media.unsigned_get(photo.display.name) == 403
    # A file nothing points to is 404, and so is one a record names but the bucket lost.
    assert visitor.get("/media/attachments/00/nothing.webp").status_code == 404
    s3_media.client.delete_object(Bucket=s3_media.name, Key=photo.display.name)
    assert visitor.get(photo.display.url).status_code == 404


def test_a_testimony_photo_is_stored_in_the_bucket_and_shown_only_once_approved(s3_media):
    event = make_event()
    person = make_person(name="Remembered Person", slug="remembered", event=event)
    visitor = Client()
    response = visitor.post(
        f"{person.get_absolute_url()}testimonies/",
        {
            "shown_name": "Aysel",
            "relation": "daughter",
            "email": "aysel@example.org",
            "text": "He walked me to school every morning.",
            "photo": SimpleUploadedFile("album.jpg", image_bytes(800, 600), "image/jpeg"),
            "photo_description": "My father on the boulevard, 1989",
            "photo_consent": "on",
            "photo_rights": Rights.CC_BY.value,
        },
    )
    assert response.status_code == 302
    testimony = Testimony.objects.get()
    assert {testimony.photo.name, testimony.photo_display.name} <= s3_media.keys()
    photo_url = f"/testimonies/{testimony.pk}/photo/"
    assert visitor.get(photo_url).status_code == 404  # pending
    Testimony.objects.update(state=Testimony.State.APPROVED)
    shown = visitor.get(photo_url)
    assert shown.status_code == 200 and shown["Content-Type"] == "image/webp"
    assert b"".join(shown.streaming_content) == s3_media.read(testimony.photo_display.name)
    assert s3_media.unsigned_get(testimony.photo_display.name) == 403


def test_same_bytes_are_stored_once_and_a_taken_name_is_never_overwritten(s3_media, editor_client):
    first = uploaded(editor_client, make_document(status=Status.DRAFT), "a.jpg", image_bytes())
    keys = s3_media.keys()
    second = uploaded(editor_client, make_document(status=Status.DRAFT), "b.jpg", image_bytes())
    assert second.file.name == first.file.name and second.display.name == first.display.name
    assert s3_media.keys() == keys
    # Any other name keeps local semantics: a second file under a taken name gets its own.
    taken = default_storage.save("testimonies/photo.jpg", ContentFile(b"first"))
    other = default_storage.save("testimonies/photo.jpg", ContentFile(b"second"))
    assert taken == "testimonies/photo.jpg" and other != taken
    assert (s3_media.read(taken), s3_media.read(other)) == (b"first", b"second")


# Bags and backups ------------------------------------------------------------------------------


def test_a_bag_round_trips_from_a_bucket_to_a_local_folder_and_back(
    s3_media, s3_server, publisher_client, seed, settings, tmp_path
):
    photo = uploaded(publisher_client, seed, "square.jpg", image_bytes(), role="gallery")
    uploaded(
        publisher_client, seed, "release.pdf", b"%PDF-1.4\n%%EOF\n", alt_text="", role="gallery"
    )
    records, in_bucket = snapshot(), s3_media.checksums()
    files = bags.media_files()
    assert set(files) <= set(in_bucket) and photo.display.name in files

    # From the bucket into a bag, and into a site whose media are a local folder.
    call_command("export_archive", str(tmp_path / "from-s3"), stdout=io.StringIO())
    assert bagit.Bag(str(tmp_path / "from-s3")).is_valid()
    empty_the_instance(settings, tmp_path)  # MEDIA_ROOT: a fresh folder
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    call_command("import_archive", str(tmp_path / "from-s3"), stdout=io.StringIO())
    assert snapshot() == records
    local = stored_files(settings.MEDIA_ROOT)
    assert local == {name: in_bucket[name] for name in files}
    assert Client().get(photo.display.url).status_code == 200

    # And back: from the local folder into a bag, and into a site on a new, empty bucket.
    call_command("export_archive", str(tmp_path / "from-local"), stdout=io.StringIO())
    empty_the_instance(settings, tmp_path)
    fresh = new_bucket(s3_server)
    use_bucket(settings, fresh)
    call_command("import_archive", str(tmp_path / "from-local"), stdout=io.StringIO())
    assert snapshot() == records
    assert fresh.checksums() == local
    served = Client().get(photo.display.url)
    assert b"".join(served.streaming_content) == fresh.read(photo.display.name)


@pytest.mark.django_db(transaction=True)  # as tests/portal/test_backup.py: committed rows
def test_the_database_backup_works_beside_a_bucket_and_says_where_the_files_are(
    s3_media, tmp_path, settings
):
    make_document()
    out = io.StringIO()
    call_command("backup_database", str(tmp_path / "backup"), stdout=out)
    assert (tmp_path / "backup").stat().st_size > 0
    assert f"bucket {s3_media.name}" in out.getvalue()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    out = io.StringIO()
    call_command("backup_database", str(tmp_path / "local-backup"), stdout=out)
    assert str(settings.MEDIA_ROOT) in out.getvalue()


# Settings ------------------------------------------------------------------------------------


def production(**env) -> subprocess.CompletedProcess:
    """``manage.py check --deploy`` in a fresh interpreter, in production mode with ``env``."""
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=clean_environment(SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="portal.example", **env),
        capture_output=True,
        text=True,
        timeout=120,
    )


S3_ENV = {
    "S3_BUCKET": "portal-media",
    "S3_ENDPOINT_URL": "https://s3.example.net",
    "S3_REGION": "eu-central-1",
    "AWS_ACCESS_KEY_ID": "an-access-key",
    "AWS_SECRET_ACCESS_KEY": "a-secret-key",
}


def test_production_with_a_bucket_starts_clean_and_keeps_media_private():
    result = production(**S3_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    storage = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup();"
            "from django.core.files.storage import default_storage as s;"
            "print(s.__class__.__name__, s.bucket_name, s.endpoint_url, s.region_name,"
            " s.default_acl, s.file_overwrite, s.url('attachments/ab/x y.jpg'))",
        ],
        cwd=REPO,
        env=clean_environment(
            DJANGO_SETTINGS_MODULE="portal.settings",
            SECRET_KEY=GOOD_KEY,
            ALLOWED_HOSTS="portal.example",
            **S3_ENV,
        ),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert storage.stdout.split() == [
        "PrivateS3Storage",
        "portal-media",
        "https://s3.example.net",
        "eu-central-1",
        "None",
        "False",
        "/media/attachments/ab/x%20y.jpg",
    ], storage.stderr


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"AWS_ACCESS_KEY_ID": ""}, "S3_BUCKET needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"),
        ({"AWS_SECRET_ACCESS_KEY": " "}, "S3_BUCKET needs AWS_ACCESS_KEY_ID"),
        ({"S3_ENDPOINT_URL": "s3.example.net"}, "S3_ENDPOINT_URL must be the http(s) address"),
        ({"S3_ENDPOINT_URL": "ftp://s3.example.net"}, "S3_ENDPOINT_URL must be"),
        ({"S3_ENDPOINT_URL": "https://key:secret@s3.example.net"}, "with no user, password"),
        ({"S3_ENDPOINT_URL": "http://127.0.0.1:port"}, "not 'http://127.0.0.1:port'"),
        ({"S3_BUCKET": "Portal_Media"}, "S3_BUCKET must be a bucket name"),
    ],
)
def test_production_refuses_a_bucket_without_keys_or_with_a_bad_address(changes, message):
    result = start(SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="portal.example", **{**S3_ENV, **changes})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr
