"""Screenshots of every public page type, at a phone's width (390×844) and a desktop's
(1366×900), in English, Azerbaijani and Russian, for people to look at: written to
$SCREENSHOTS_DIR, or var/screenshots/ (ignored by git), as <page>-<language>-<width>.png.

Each page must answer, have one h1 in its language, and keep to the screen's width (nothing
scrolls sideways); maps take their tiles from a stub on loopback."""

import os
from pathlib import Path

import pytest

from tests.conftest import REPO

from .test_map import tiles  # noqa: F401 -- the stub tile server, as a fixture

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = Path(os.environ.get("SCREENSHOTS_DIR", REPO / "var" / "screenshots"))
SEED_PATH = "/archive/2008/the-black-january-18th-anniversary-of-the-soviet-invasion-of-baky/"
PAGES = {
    "home": "/",
    "archive": "/archive/",
    "document": SEED_PATH,
    "event": "/events/black-january/",
    "person": "/people/example-person/",
    "people": "/people/",
    "places": "/places/",
    "place": "/places/baku/",
    "search": "/search/?q=Baku",
    "calendar": "/calendar/",
}
WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}
LANGUAGES = ["en", "az", "ru"]


def test_screenshots_of_every_page_type_in_three_languages_at_two_widths(
    browser,
    live_server,
    seed,
    example_person,
    tiles,  # noqa: F811
):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems, written = [], []
    for width_name, viewport in WIDTHS.items():
        context = browser.new_context(base_url=live_server.url, viewport=viewport)
        page = context.new_page()
        page.set_default_timeout(15_000)
        for language in LANGUAGES:
            prefix = "" if language == "en" else f"/{language}"
            for name, path in PAGES.items():
                label = f"{name}-{language}-{width_name}"
                response = page.goto(prefix + path)
                page.wait_for_load_state("networkidle")
                if response.status != 200:
                    problems.append(f"{label}: answered {response.status}")
                if page.locator("html").get_attribute("lang") != language:
                    problems.append(f"{label}: not in {language}")
                if page.locator("h1").count() != 1:
                    problems.append(f"{label}: not one h1")
                scroll_width = page.evaluate("document.documentElement.scrollWidth")
                if scroll_width > viewport["width"]:
                    problems.append(f"{label}: scrolls sideways ({scroll_width} px)")
                target = SCREENSHOTS / f"{label}.png"
                page.screenshot(path=str(target), full_page=True)
                written.append(target)
        context.close()
    assert problems == []
    assert len(written) == len(PAGES) * len(LANGUAGES) * len(WIDTHS)
    assert all(path.stat().st_size > 5_000 for path in written)
