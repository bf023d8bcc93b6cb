"""What visitors and editors do, in a real browser."""

import re

import pytest
from django.contrib.auth.models import Group

from archive.models import Document
from memorials.models import Tribute
from portal import roles
from tests.conftest import SEED_FILE, SEED_TITLE

from .conftest import axe_violations, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

SEED_PATH = "/archive/2008/the-black-january-18th-anniversary-of-the-soviet-invasion-of-baky/"
PAGES = {
    "home": "/",
    "archive": "/archive/",
    "document": SEED_PATH,
    "event": "/events/black-january/",
    "people": "/people/",
    "search": "/search/?q=Baky",
    "calendar": "/calendar/",
}


@pytest.fixture
def published_seed(seed):
    return seed


def test_a_visitor_searches_reads_cites_switches_language_and_lights_a_candle(page, published_seed):
    page.goto("/")
    page.get_by_role("search").first.get_by_label("Search").fill("Baky")
    page.get_by_role("search").first.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=SEED_TITLE).click()
    assert page.get_by_role("heading", level=1).inner_text() == SEED_TITLE

    page.get_by_role("button", name="Copy the citation").click()
    page.get_by_text("Copied.").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("Permanent Mission of the Republic of Azerbaijan")
    assert SEED_TITLE in copied

    page.get_by_role("navigation", name="Language").get_by_role("link", name="Русский").click()
    assert page.url.endswith("/ru" + SEED_PATH)
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.get_by_role("heading", name="Текст в исходном виде").is_visible()

    page.get_by_role("navigation", name="Основное меню").get_by_role("link", name="События").click()
    page.get_by_role("link", name="Чёрный январь").first.click()
    assert page.url.endswith("/ru/events/black-january/")
    page.get_by_label("Свеча").check()
    page.get_by_role("button", name="Отправить").click()
    page.get_by_text("Спасибо.").wait_for()
    assert Tribute.objects.get().state == "approved"  # a candle counts at once


def test_an_editor_imports_publishes_and_finds_a_press_release(page, django_user_model, tmp_path):
    user = django_user_model.objects.create_user("desk", password="desk-password", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.PUBLISHERS))
    release = tmp_path / "release.txt"
    release.write_bytes(SEED_FILE.read_bytes())

    page.goto("/admin/")
    page.get_by_label("Username").fill("desk")
    page.get_by_label("Password").fill("desk-password")
    page.get_by_role("button", name="Log in").click()
    page.goto("/admin/archive/document/")
    page.get_by_role("link", name="Import files").click()
    page.get_by_label("Files").set_input_files(str(release))
    page.get_by_role("button", name="Check the files (dry run)").click()
    assert "would be created" in page.locator("#import-report").inner_text()
    page.get_by_role("button", name="Confirm the import").click()
    assert "created" in page.locator("#import-report").inner_text()

    document = Document.objects.get()
    page.goto("/admin/archive/document/")
    page.locator(f'input[name="_selected_action"][value="{document.pk}"]').check()
    page.locator('select[name="action"]').select_option("publish")
    page.get_by_role("button", name="Go").click()
    page.get_by_text("now “Published”").wait_for()

    visitor = page.context.browser.new_context(base_url=page.url.split("/admin")[0])
    public = visitor.new_page()
    public.goto("/archive/")
    public.get_by_role("link", name=SEED_TITLE).click()
    assert public.get_by_role("heading", level=1).inner_text() == SEED_TITLE
    visitor.close()


@pytest.mark.parametrize("language", ["en", "az", "ru"])
def test_the_main_pages_have_no_accessibility_violations(audit_page, published_seed, language):
    page = audit_page
    prefix = "" if language == "en" else f"/{language}"
    found = {}
    for name, path in PAGES.items():
        page.goto(prefix + path)
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator("h1").count() == 1, name
        violations = axe_violations(page)
        if violations:
            found[name] = violations
        screenshot(page, f"{name}-{language}-desktop")
        page.set_viewport_size({"width": 320, "height": 800})  # WCAG reflow: 320 CSS px
        screenshot(page, f"{name}-{language}-phone")
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= 320, f"{name} scrolls sideways at 320 px: {scroll_width}"
        page.set_viewport_size({"width": 1280, "height": 900})
    assert found == {}


def test_keyboard_users_skip_to_the_content_and_see_the_focus(page, published_seed):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert skip.evaluate("element => element === document.activeElement")
    assert skip.is_visible()
    outline = skip.evaluate("element => getComputedStyle(element).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    # Following the link is asynchronous in the browser: wait for it (up to the page's timeout).
    page.wait_for_function("() => location.hash === '#main'")
    assert re.search(r"#main$", page.url)


def test_the_accessibility_check_does_find_violations(audit_page):
    page = audit_page
    """The harness itself: a page with an unlabelled image and field must fail."""
    page.set_content('<html><body><img src="x.png"><input type="text"></body></html>')
    assert {v["id"] for v in axe_violations(page)} >= {"image-alt", "label", "html-has-lang"}
