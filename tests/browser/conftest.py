"""Browser tests: a real Chromium (Debian's package) driven by Playwright, against the live
test server, with axe-core (from npm) injected into each page.

Locally, without Chromium or axe-core, these tests skip and say how to install them; in CI
(``CI`` set) a missing browser fails the run instead.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.db import connections

from memorials.models import Event
from tests.conftest import REPO, make_person

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPO / "screenshots"  # ignored by git: for people to look at


def _missing() -> str:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"no Chromium at {CHROMIUM}: install it with `apt-get install chromium`"
    if not AXE.exists():
        return "no axe-core: run `npm ci` in the project folder"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "no Playwright: run `make install`"
    return ""


@pytest.fixture
def browser(monkeypatch):
    """A Chromium for one test. Playwright's sync API runs an event loop in this thread
    while it lives, so it must not outlive the test: later tests' database calls would be
    taken for async code. The test's own ORM calls are synchronous: allowed, for it only."""
    missing = _missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"Browser tests cannot run in CI: {missing}")
        pytest.skip(f"Browser tests skipped: {missing}")
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        yield browser
        # The test's own ORM calls ran while Playwright's event loop was up, which gives them
        # a connection of their own: left open, it would block dropping the test database.
        connections.close_all()
        browser.close()


def _page(browser, live_server, **options):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, **options
    )
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


@pytest.fixture
def page(browser, live_server):
    """A page as visitors get it: the site's Content Security Policy applies."""
    context, page = _page(browser, live_server)
    yield page
    context.close()


@pytest.fixture
def audit_page(browser, live_server):
    """A page into which axe-core can be injected: the policy forbids inline scripts, so
    this context alone bypasses it."""
    context, page = _page(browser, live_server, bypass_csp=True)
    yield page
    context.close()


def axe_violations(page) -> list[dict]:
    """WCAG 2.1 A and AA violations axe-core finds on the page as it is now."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """() => axe.run(document, {runOnly: {type: "tag",
            values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})"""
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"][:3]]}
        for v in result["violations"]
    ]


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def example_person(seed):
    """A person of the seed's event, for pages that show one: synthetic, the seed names no
    one."""
    return make_person(
        name="Example Person",
        slug="example-person",
        event=Event.objects.get(slug="black-january"),
        birth_date="1960-05-04",
        death_date="1990-01-20",
        age=29,
        biography="A person made up for this test.",
    )
