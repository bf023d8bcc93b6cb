"""The scan of the original, zoomable, in a real browser (issue 16, item 2): OpenSeadragon opens
the page's IIIF image service and loads its static tiles from the site itself, under the
site's Content Security Policy; the page stays accessible; narrow screens stack the scan under
the text."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from archive import iiif
from archive.media import prepare_upload
from archive.models import Attachment
from portal.publishing import Status
from tests.conftest import make_document

from .conftest import axe_violations, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

TILE = re.compile(r"/media/iiif/[0-9a-f]{64}/[^/]+/[^/]+/0/default\.jpg$")


def scan_image(width=2400, height=1600) -> bytes:
    """A large page with lines of "text", so that zooming in asks for the finest tiles."""
    image = Image.new("RGB", (width, height), (245, 240, 228))
    draw = ImageDraw.Draw(image)
    for y in range(80, height - 80, 40):
        draw.rectangle((100, y, width - 100 - (y * 7) % 400, y + 14), fill=(40, 40, 40))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def scanned_document(media_root):
    document = make_document(status=Status.DRAFT, title="A release with its scan")
    attachment = Attachment(
        item=document,
        role=Attachment.Role.SCAN,
        alt_text="The release as printed, on the Mission's letterhead",
        credit="Archive of the Mission",
        rights="https://creativecommons.org/licenses/by/4.0/",
    )
    attachment.store(prepare_upload(SimpleUploadedFile("release.png", scan_image())))
    attachment.save()
    iiif.make_scan_pages(attachment)
    document.status = Status.PUBLISHED
    document.save()
    return document


def test_the_scan_opens_zoomable_with_tiles_from_the_site_itself(
    page, live_server, scanned_document
):
    requests, errors, failed = [], [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("response", lambda response: response.status >= 400 and failed.append(response.url))
    # A failed load is in ``failed``, with its address; every other error is one here.
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and not message.text.startswith("Failed to load resource")
            and errors.append(message.text)
        ),
    )
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(scanned_document.get_absolute_url())
    viewer = page.get_by_role("region", name="Scan of the original, zoomable")
    viewer.locator(".scan-viewer-open").or_(page.locator(".scan-viewer-open")).first.wait_for()
    page.wait_for_function("document.querySelector('.scan-canvas canvas') !== null")
    # The images shown without JavaScript give way to the viewer, named after the page.
    assert page.locator(".scan-pages").is_hidden()
    canvas = page.get_by_role(
        "application", name="The release as printed, on the Mission's letterhead"
    )
    assert canvas.is_visible()

    page.wait_for_function(
        "performance.getEntriesByType('resource')"
        ".some(entry => /\\/0\\/default\\.jpg$/.test(entry.name))"
    )
    shown = {url for url in requests if TILE.search(url)}
    page.get_by_role("button", name="Zoom in").click()
    page.get_by_role("button", name="Zoom in").click()
    page.get_by_role("button", name="Zoom in").click()
    page.wait_for_function(
        "performance.getEntriesByType('resource')"
        ".filter(entry => /\\/\\d+,\\d+,\\d+,\\d+\\/512,512\\/0\\/default\\.jpg$/.test(entry.name))"
        ".length > 0"
    )
    zoomed = {url for url in requests if TILE.search(url)}
    assert zoomed > shown  # zooming in asked for finer tiles

    # Everything came from the site itself: the script, the description, the tiles.
    assert requests and all(url.startswith(live_server.url) for url in requests), requests
    assert any(url.endswith("/info.json") for url in requests)
    assert any(url.endswith("/vendor/openseadragon/openseadragon.min.js") for url in requests)
    assert errors == []  # no script refused by the Content Security Policy, no script error
    # Nothing failed to load but the favicon, which the site has none of.
    assert [url for url in failed if not url.endswith("/favicon.ico")] == []
    screenshot(page, "scan-viewer")


def test_the_page_with_its_scan_is_accessible_and_stacks_on_narrow_screens(
    audit_page, browser, live_server, scanned_document
):
    audit_page.goto(scanned_document.get_absolute_url())
    audit_page.locator(".scan-viewer-open").wait_for()
    assert axe_violations(audit_page) == []

    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    narrow = context.new_page()
    narrow.goto(scanned_document.get_absolute_url())
    narrow.locator(".scan-viewer-open").wait_for()
    text = narrow.locator(".text-as-issued").bounding_box()
    scan = narrow.locator(".scan").bounding_box()
    assert scan["y"] >= text["y"] + text["height"]  # the text first, the scan under it
    assert scan["width"] <= 390
    screenshot(narrow, "scan-viewer-narrow")
    context.close()


def test_without_javascript_the_scan_is_an_image_with_a_link_to_the_manifest(
    browser, live_server, scanned_document
):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto(scanned_document.get_absolute_url())
    image = page.get_by_role("img", name="The release as printed, on the Mission's letterhead")
    assert image.is_visible()
    assert page.evaluate("document.querySelector('.scan-pages img').naturalWidth") == 1200
    assert page.get_by_role("link", name="IIIF manifest").is_visible()
    assert page.get_by_role("button", name="Zoom in").is_hidden()
    context.close()
