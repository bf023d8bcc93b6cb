"""A sensitive image in a real browser: closed, the visitor sees a notice over a few blurred
pixels and the image itself is not even downloaded; the notice is reached and opened with the
keyboard, without JavaScript; axe finds nothing wrong either way."""

import pytest

from archive.models import Attachment
from tests.archive.test_pictures import attach
from tests.browser.conftest import axe_violations, screenshot
from tests.conftest import make_event

pytestmark = pytest.mark.django_db(transaction=True)

FULL_SIZES = [
    "thumbnail",
    "medium",
    "display",
    "thumbnail_jpeg",
    "medium_jpeg",
    "display_jpeg",
    "file",
]


def fetched(page) -> set[str]:
    """The paths of every resource the page has requested so far."""
    return set(
        page.evaluate(
            """() => performance.getEntriesByType("resource")
                .map(entry => new URL(entry.name).pathname)"""
        )
    )


def test_a_sensitive_image_is_revealed_only_by_the_visitors_choice(
    audit_page, live_server, media_root
):
    page = audit_page
    event = make_event(name="The night of 19 to 20 January", slug="the-night")
    hard = attach(
        event,
        "hard.png",
        role=Attachment.Role.LEAD,
        sensitive=True,
        alt_text="Bodies laid out in a hall, covered with sheets",
        caption="Baku, 20 January 1990",
    )
    attach(event, "square.png", caption="The square the next morning")

    page.goto("/events/the-night/")
    page.wait_for_load_state("load")
    notice = page.locator("details.sensitive-image summary")
    assert notice.inner_text().split("\n")[:1] == ["This image may be distressing."]
    assert "Bodies laid out in a hall" in notice.inner_text()
    # The notice is seen: on top of the blurred stand-in, not under it.
    assert page.evaluate(
        """() => { const notice = document.querySelector(".sensitive-notice");
                   const box = notice.getBoundingClientRect();
                   const top = document.elementFromPoint(box.x + box.width / 2, box.y + 5);
                   return notice.contains(top); }"""
    )
    assert page.get_by_text("Baku, 20 January 1990").is_visible()  # the caption stays
    requested = fetched(page)
    assert hard.blurred.url in requested
    assert not {getattr(hard, size).url for size in FULL_SIZES} & requested
    assert not page.locator("details.sensitive-image picture img").is_visible()
    assert axe_violations(page) == []
    screenshot(page, "sensitive-image-closed")

    # Reached with the keyboard alone, and opened with Enter.
    for _press in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.tagName") == "SUMMARY":
            break
    else:
        pytest.fail("the notice of the sensitive image cannot be reached with Tab")
    page.keyboard.press("Enter")
    image = page.locator("details.sensitive-image picture img")
    image.wait_for(state="visible")
    page.wait_for_function(
        """() => { const img = document.querySelector("details.sensitive-image picture img");
                   return img.complete && img.naturalWidth > 0; }"""
    )
    assert page.locator("details.sensitive-image").get_attribute("open") is not None
    assert image.get_attribute("alt") == "Bodies laid out in a hall, covered with sheets"
    assert {getattr(hard, size).url for size in FULL_SIZES} & fetched(page)
    assert page.get_by_text("Hide the image").is_visible()
    assert not page.locator(".sensitive-preview").is_visible()
    assert axe_violations(page) == []
    screenshot(page, "sensitive-image-open")

    # And closed again the same way.
    page.keyboard.press("Enter")
    assert page.locator("details.sensitive-image").get_attribute("open") is None
    assert page.get_by_text("Show the image").is_visible()
