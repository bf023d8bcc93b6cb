"""Images with care: sizes made once in WebP and JPEG, one <picture> everywhere with width and
height, a lead image and a gallery with caption, credit and rights beside each image and in
the exports, sensitive images behind a notice, nothing of a draft served."""

import hashlib
import html
import io
import json
import os
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from PIL import Image

from archive.media import prepare_upload
from archive.models import Attachment
from portal import bags
from portal.publishing import Status
from portal.rights import Rights
from tests.archive.test_attachments import PREFIX, jpeg_with_gps, upload
from tests.conftest import document_form, make_document, make_event, make_person, make_place

pytestmark = pytest.mark.django_db

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def png(width=1600, height=1000, colour=(0, 90, 160, 255), mode="RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, (width, height), colour[: len(mode)]).save(buffer, "PNG")
    return buffer.getvalue()


def attach(item, name="photo.png", content=None, **fields) -> Attachment:
    defaults = {
        "alt_text": f"A photograph of {item}",
        "caption": f"Caption of {name}",
        "credit": f"Credit of {name}",
        "rights": Rights.CC_BY,
    }
    attachment = Attachment(item=item, **{**defaults, **fields})
    # Files are stored by their bytes: each name gets its own colour, so its own files.
    colour = tuple(hashlib.sha256(f"{item.pk}{name}".encode()).digest()[:3]) + (255,)
    attachment.store(prepare_upload(SimpleUploadedFile(name, content or png(colour=colour))))
    attachment.save()
    return attachment


def pictures_in(page: str) -> list[str]:
    return re.findall(r"<picture>.*?</picture>", page, re.S)


def json_ld(page: str, kind: str) -> dict:
    return next(data for data in map(json.loads, JSON_LD.findall(page)) if data["@type"] == kind)


# Sizes made once -----------------------------------------------------------------------------


def test_an_upload_gets_webp_and_jpeg_at_three_widths_and_a_tiny_blurred_stand_in(
    editor_client, media_root
):
    draft = make_document(status=Status.DRAFT)
    response = upload(editor_client, draft, "meeting.jpg", jpeg_with_gps(), alt_text="A meeting")
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    made = {}
    for name in ["thumbnail", "medium", "display", "thumbnail_jpeg", "medium_jpeg", "display_jpeg"]:
        with Image.open(getattr(attachment, name).path) as image:
            made[name] = (image.format, image.size)
    assert made == {
        "thumbnail": ("WEBP", (320, 200)),
        "medium": ("WEBP", (640, 400)),
        "display": ("WEBP", (1280, 800)),
        "thumbnail_jpeg": ("JPEG", (320, 200)),
        "medium_jpeg": ("JPEG", (640, 400)),
        "display_jpeg": ("JPEG", (1280, 800)),
    }
    with Image.open(attachment.blurred.path) as blurred:
        assert blurred.format == "JPEG" and blurred.size == (24, 15)
    assert attachment.missing_renditions == []


def test_a_transparent_png_falls_back_to_a_jpeg_on_white_not_black(media_root):
    attachment = attach(make_document(), content=png(400, 300, (0, 0, 0, 0), mode="RGBA"))
    with Image.open(attachment.display_jpeg.path) as fallback:
        assert fallback.convert("RGB").getpixel((10, 10)) == (255, 255, 255)


def test_a_small_image_is_never_enlarged(media_root):
    attachment = attach(make_document(), content=png(500, 250))
    with Image.open(attachment.display_jpeg.path) as display:
        assert display.size == (500, 250)
    page = Client().get(attachment.item.get_absolute_url()).content.decode()
    # Two sizes stored at 500 pixels: offered once.
    assert f"{attachment.medium_jpeg.url} 500w" in page
    assert attachment.display_jpeg.url + " 500w" not in page


# One <picture> everywhere ----------------------------------------------------------------------


def test_a_lead_image_heads_the_page_as_a_picture_with_webp_and_a_jpeg_fallback(client, media_root):
    document = make_document(title="A statement with photographs")
    lead = attach(document, "lead.png", role=Attachment.Role.LEAD, caption="The square")
    page = client.get(document.get_absolute_url()).content.decode()
    sizes = "(min-width: 42rem) 40rem, calc(100vw - 2rem)"
    assert (
        f'<picture><source type="image/webp" srcset="{lead.thumbnail.url} 320w, '
        f'{lead.medium.url} 640w, {lead.display.url} 1280w" sizes="{sizes}">'
        f'<img src="{lead.display_jpeg.url}" srcset="{lead.thumbnail_jpeg.url} 320w, '
        f'{lead.medium_jpeg.url} 640w, {lead.display_jpeg.url} 1280w" sizes="{sizes}" '
        f'width="1600" height="1000" alt="A photograph of {document}" loading="eager" '
        'fetchpriority="high"></picture>'
    ) in page
    # At the top: before the text as issued, and not again in the gallery.
    assert page.index("<picture>") < page.index("Text as issued")
    assert len(pictures_in(page)) == 1 and "gallery-heading" not in page


def test_every_image_shows_its_caption_credit_and_rights_beside_it(client, media_root):
    event = make_event(name="The night of 20 January")
    attach(event, "lead.png", role=Attachment.Role.LEAD, caption="Lead caption")
    attach(event, "one.png", caption="First of the gallery", rights=Rights.CC_BY_NC)
    attach(event, "two.png", caption="Second of the gallery", credit="", rights=Rights.CC0)
    page = client.get(event.get_absolute_url()).content.decode()
    figures = re.findall(r"<figure.*?</figure>", page, re.S)
    assert len(figures) == 3
    texts = [html.unescape(" ".join(re.sub(r"<[^>]+>", " ", f).split())) for f in figures]
    assert texts == [
        "Lead caption Credit: Credit of lead.png Rights: CC BY 4.0",
        "First of the gallery Credit: Credit of one.png Rights: CC BY-NC 4.0",
        "Second of the gallery Rights: CC0 1.0 (no rights reserved)",
    ]
    assert f'<a href="{Rights.CC_BY_NC.value}" rel="license">' in figures[1]
    # The gallery is below the fold: its images load lazily, each with its width and height.
    for figure in figures[1:]:
        assert 'loading="lazy"' in figure and 'width="1600" height="1000"' in figure
        assert "fetchpriority" not in figure
    assert 'class="gallery-list"' in page


def test_every_img_on_pages_with_pictures_has_width_and_height(client, media_root):
    place = make_place(name="Martyrs' Lane", slug="martyrs-lane")
    make_event(places=[place])
    attach(place, "lead.png", role=Attachment.Role.LEAD)
    attach(place, "gallery.png")
    attach(place, "sensitive.png", sensitive=True)
    page = client.get(place.get_absolute_url()).content.decode()
    images = re.findall(r"<img [^>]*>", page)
    assert len(images) == 4  # the lead, the gallery's image, the sensitive one and its stand-in
    assert all(re.search(r'width="\d+" height="\d+"', image) for image in images), images


def test_a_persons_portrait_is_their_lead_image(client, media_root):
    person = make_person(name="Elchin Mammadov", slug="elchin-mammadov")
    marked_lead = attach(person, "marked.png", role=Attachment.Role.LEAD, caption="Marked lead")
    page = client.get(person.get_absolute_url()).content.decode()
    # Without a portrait, the image marked "lead image" heads the page.
    first = pictures_in(page)[0]
    assert marked_lead.display_jpeg.url in first and 'fetchpriority="high"' in first

    portrait = attach(person, "portrait.png", caption="The portrait")
    person.portrait = portrait
    person.save()
    page = client.get(person.get_absolute_url()).content.decode()
    first, *gallery = pictures_in(page)
    assert portrait.display_jpeg.url in first and 'fetchpriority="high"' in first
    assert "(min-width: 48em) 18rem" in first
    # The other image marked lead joins the gallery; the portrait is shown once.
    assert len(gallery) == 1 and marked_lead.display_jpeg.url in gallery[0]
    assert page.count(f'src="{portrait.display_jpeg.url}"') == 1


def test_a_picture_falls_back_to_webp_until_make_renditions_makes_the_jpegs(client, media_root):
    document = make_document()
    image = attach(document, role=Attachment.Role.LEAD)
    # As stored before JPEG fallbacks were made.
    Attachment.objects.filter(pk=image.pk).update(
        medium="", thumbnail_jpeg="", medium_jpeg="", display_jpeg="", blurred=""
    )
    image.refresh_from_db()
    page = client.get(document.get_absolute_url()).content.decode()
    assert (
        f'<picture><img src="{image.display.url}" srcset="{image.thumbnail.url} 320w, '
        f'{image.display.url} 1280w"'
    ) in page

    out = io.StringIO()
    call_command("make_renditions", "--dry-run", stdout=out)
    assert "Would make medium, thumbnail_jpeg, medium_jpeg, display_jpeg, blurred" in out.getvalue()
    assert "1 image(s) would get their missing display sizes." in out.getvalue()
    image.refresh_from_db()
    assert not image.display_jpeg

    out = io.StringIO()
    call_command("make_renditions", stdout=out)
    assert "1 image(s) got their missing display sizes." in out.getvalue()
    image.refresh_from_db()
    assert image.missing_renditions == []
    with Image.open(image.display_jpeg.path) as display:
        assert display.format == "JPEG" and display.size == (1280, 800)
    page = client.get(document.get_absolute_url()).content.decode()
    assert f'<img src="{image.display_jpeg.url}"' in page
    assert Client().get(image.medium_jpeg.url).status_code == 200

    out = io.StringIO()
    call_command("make_renditions", stdout=out)
    assert out.getvalue().strip() == "0 image(s) got their missing display sizes."


def test_make_renditions_reports_a_missing_original_and_goes_on(media_root):
    lost, kept = attach(make_document(), "lost.png"), attach(make_document(), "kept.png")
    for image in [lost, kept]:
        Attachment.objects.filter(pk=image.pk).update(display_jpeg="")
    os.remove(lost.file.path)
    out = io.StringIO()
    call_command("make_renditions", stdout=out)
    assert f"Skipped lost.png (attachment {lost.pk}): its stored file is missing." in out.getvalue()
    assert "1 image(s) got their missing display sizes. 1 could not be read" in out.getvalue()
    kept.refresh_from_db()
    assert kept.display_jpeg


# Sensitive images ----------------------------------------------------------------------------


def test_a_sensitive_image_is_behind_a_notice_and_a_blurred_stand_in(client, media_root):
    event = make_event()
    image = attach(
        event,
        "wounded.png",
        role=Attachment.Role.LEAD,
        sensitive=True,
        alt_text="A wounded man carried on a door",
    )
    page = client.get(event.get_absolute_url()).content.decode()
    disclosure = re.search(r'<details class="sensitive-image">.*?</details>', page, re.S).group()
    summary = re.search(r"<summary>.*?</summary>", disclosure, re.S).group()
    text = " ".join(re.sub(r"<[^>]+>", " ", summary).split())
    assert text == (
        "This image may be distressing. A wounded man carried on a door Show the image "
        "Hide the image"
    )
    # Closed, the summary shows only the stand-in, with no text alternative of its own.
    assert f'<img class="sensitive-preview" src="{image.blurred.url}" alt=""' in summary
    for stored in [image.thumbnail, image.medium, image.display, image.display_jpeg]:
        assert stored.url not in summary
    # The image itself is inside the disclosure, loaded only when opened: never eagerly, even
    # as the lead image.
    assert 'loading="lazy"' in disclosure and "fetchpriority" not in page
    assert image.display_jpeg.url in disclosure
    with Image.open(image.blurred.path) as blurred:
        assert blurred.width <= 24


def test_sensitive_images_stay_out_of_link_previews_and_json_ld_but_are_flagged_in_the_api(
    client, media_root
):
    document = make_document()
    attach(document, "hard.png", role=Attachment.Role.LEAD, sensitive=True)
    page = client.get(document.get_absolute_url()).content.decode()
    assert "image" not in json_ld(page, "NewsArticle")
    assert 'property="og:image"' not in page
    data = client.get(f"/api/documents/2010/{document.slug}/").json()
    assert [(image["role"], image["sensitive"]) for image in data["images"]] == [("lead", True)]


# Exports -------------------------------------------------------------------------------------


def test_json_ld_carries_each_images_licence_and_credit_the_lead_first(client, media_root):
    event = make_event(name="Remembrance")
    gallery = attach(event, "gallery.png", credit="Photo: R. Aliyev", rights=Rights.CC_BY_SA)
    lead = attach(event, "lead.png", role=Attachment.Role.LEAD, credit="Photo: A. Huseynov")
    page = client.get(event.get_absolute_url()).content.decode()
    images = json_ld(page, "Event")["image"]
    assert [
        (image["contentUrl"], image["license"], image["creditText"], image["width"])
        for image in images
    ] == [
        (f"http://testserver{lead.file.url}", Rights.CC_BY.value, "Photo: A. Huseynov", 1600),
        (f"http://testserver{gallery.file.url}", Rights.CC_BY_SA.value, "Photo: R. Aliyev", 1600),
    ]
    assert f'content="http://testserver{lead.display_jpeg.url}"' in page  # og:image

    document = make_document()
    only = attach(document, "only.png")
    page = client.get(document.get_absolute_url()).content.decode()
    image = json_ld(page, "NewsArticle")["image"]
    assert image["@type"] == "ImageObject" and image["license"] == Rights.CC_BY.value
    assert image["contentUrl"] == f"http://testserver{only.file.url}"


def test_the_api_gives_each_image_with_its_rights_credit_and_sizes(client, media_root):
    document = make_document()
    attach(document, "a.png", role=Attachment.Role.LEAD, caption="The lead")
    attach(document, "b.png", caption="In the gallery", rights=Rights.IN_COPYRIGHT)
    attach(document, "release.pdf", content=b"%PDF-1.4\n%%EOF\n", alt_text="", rights="")
    images = client.get(f"/api/documents/2010/{document.slug}/").json()["images"]
    assert [(i["role"], i["caption"], i["rights"], i["rights_label"]) for i in images] == [
        ("lead", "The lead", Rights.CC_BY.value, "CC BY 4.0"),
        ("gallery", "In the gallery", Rights.IN_COPYRIGHT.value, "In copyright"),
    ]
    assert images[0]["credit"] == "Credit of a.png" and images[0]["sensitive"] is False
    assert [(r["type"], r["width"]) for r in images[0]["renditions"]] == [
        ("image/webp", 320),
        ("image/webp", 640),
        ("image/webp", 1280),
        ("image/jpeg", 320),
        ("image/jpeg", 640),
        ("image/jpeg", 1280),
    ]
    assert all(r["url"].startswith("http://testserver/media/") for r in images[0]["renditions"])

    event = make_event(slug="with-images")
    attach(event, "c.png", credit="Photo: Sh. Mammadov")
    images = client.get("/api/events/with-images/").json()["images"]
    assert [(i["role"], i["credit"]) for i in images] == [("gallery", "Photo: Sh. Mammadov")]

    person = make_person(slug="with-portrait")
    person.portrait = attach(person, "portrait.png")
    person.save()
    attach(person, "other.png", caption="Another photo")
    data = client.get("/api/people/with-portrait/").json()
    assert [(i["role"], i["caption"]) for i in data["images"]] == [
        ("lead", "Caption of portrait.png"),
        ("gallery", "Another photo"),
    ]
    assert data["portrait"]["rights"] == Rights.CC_BY.value


def test_bags_carry_every_images_role_rights_flag_and_sizes(media_root, tmp_path):
    image = attach(make_document(), role=Attachment.Role.LEAD, sensitive=True)
    names = bags.media_files()
    for field in ["file", "thumbnail_jpeg", "medium", "medium_jpeg", "display_jpeg", "blurred"]:
        assert getattr(image, field).name in names
    bags.export_bag(tmp_path / "bag")
    records = json.loads((tmp_path / "bag" / "data" / "content.json").read_text())
    exported = next(r["fields"] for r in records if r["model"] == "archive.attachment")
    assert (exported["role"], exported["sensitive"], exported["rights"], exported["credit"]) == (
        "lead",
        True,
        Rights.CC_BY.value,
        "Credit of photo.png",
    )


# Nothing of a draft ------------------------------------------------------------------------------


def test_a_drafts_jpeg_and_blurred_sizes_are_not_served(media_root):
    draft = make_document(status=Status.DRAFT)
    image = attach(draft)
    for stored in [image.display_jpeg, image.medium_jpeg, image.medium, image.blurred]:
        assert Client().get(stored.url).status_code == 404
    draft.status = Status.PUBLISHED
    draft.save()
    response = Client().get(image.display_jpeg.url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert Client().get(image.blurred.url).status_code == 200


# The admin -----------------------------------------------------------------------------------


def _inline(attachments, **changes):
    data = {"TOTAL_FORMS": str(len(attachments)), "INITIAL_FORMS": str(len(attachments))}
    for index, attachment in enumerate(attachments):
        data.update(
            {
                f"{index}-id": str(attachment.pk),
                f"{index}-alt_text": attachment.alt_text,
                f"{index}-caption": attachment.caption,
                f"{index}-credit": attachment.credit,
                f"{index}-rights": attachment.rights,
                f"{index}-role": attachment.role,
                f"{index}-position": str(attachment.position),
            }
        )
        if attachment.sensitive:
            data[f"{index}-sensitive"] = "on"
    data.update(changes)
    return {f"{PREFIX}-{key}": value for key, value in data.items()}


def test_an_editor_marks_an_image_sensitive_and_moves_the_lead_in_the_admin(
    editor_client, media_root
):
    document = make_document(status=Status.DRAFT)
    first = attach(document, "first.png", role=Attachment.Role.LEAD)
    second = attach(document, "second.png")
    change_url = f"/admin/archive/document/{document.pk}/change/"
    change_page = editor_client.get(change_url).content.decode()
    assert f'name="{PREFIX}-0-sensitive"' in change_page
    assert f'name="{PREFIX}-0-role"' in change_page

    inline = _inline(
        [first, second], **{"0-role": "gallery", "1-role": "lead", "1-sensitive": "on"}
    )
    response = editor_client.post(change_url, document_form(document, **inline))
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.role, second.role, second.sensitive) == ("gallery", "lead", True)


def test_two_lead_images_or_a_pdf_as_lead_are_refused_with_a_message(editor_client, media_root):
    document = make_document(status=Status.DRAFT)
    first, second = attach(document, "first.png"), attach(document, "second.png")
    change_url = f"/admin/archive/document/{document.pk}/change/"
    inline = _inline([first, second], **{"0-role": "lead", "1-role": "lead"})
    response = editor_client.post(change_url, document_form(document, **inline))
    assert response.status_code == 200
    assert "A page has one lead image" in response.content.decode()
    assert not Attachment.objects.filter(role="lead").exists()

    pdf = attach(document, "release.pdf", content=b"%PDF-1.4\n%%EOF\n", alt_text="", rights="")
    inline = _inline([first, second, pdf], **{"2-role": "lead"})
    response = editor_client.post(change_url, document_form(document, **inline))
    assert response.status_code == 200
    assert "Only an image can be the lead image." in response.content.decode()


# Cost ----------------------------------------------------------------------------------------


def test_a_page_with_a_gallery_reads_a_constant_number_of_queries(
    client, media_root, django_assert_max_num_queries
):
    document = make_document(slug="with-gallery")
    attach(document, "lead.png", role=Attachment.Role.LEAD)
    with django_assert_max_num_queries(20) as small:
        assert client.get(document.get_absolute_url()).status_code == 200
    for index in range(4):
        attach(document, f"photo-{index}.png")
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(document.get_absolute_url()).content.decode()
    assert len(pictures_in(page)) == 5


# Valid HTML ----------------------------------------------------------------------------------


def test_pages_with_pictures_and_a_sensitive_image_are_valid_html(client, media_root, tmp_path):
    from tests.test_html_validity import _missing, nu_check

    missing = _missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"The HTML check cannot run in CI: {missing}")
        pytest.skip(f"HTML check skipped: {missing}")
    place = make_place(slug="square")
    event = make_event(slug="night", places=[place])
    document = make_document(slug="release")
    person = make_person(slug="remembered", event=event)
    for item in [place, event, document, person]:
        attach(item, "lead.png", role=Attachment.Role.LEAD)
        attach(item, "gallery.png")
        attach(item, "hard.png", sensitive=True)
        attach(item, "note.pdf", content=b"%PDF-1.4\n%%EOF\n", alt_text="", rights="")
    person.portrait = attach(person, "portrait.png")
    person.save()
    files = []
    paths = {item: item.get_absolute_url() for item in [place, event, document, person]}
    for prefix in ["", "/ru"]:
        for item, path in paths.items():
            response = client.get(prefix + path)
            assert response.status_code == 200
            # The person's portrait leads; the image marked lead joins the gallery.
            expected = 4 if item == person else 3
            assert response.content.decode().count("<picture>") == expected
            files.append(tmp_path / f"{item._meta.model_name}{prefix.replace('/', '-')}.html")
            files[-1].write_bytes(response.content)
    assert [f"{e['file']}:{e['line']}: {e['message']}" for e in nu_check(files)] == []
