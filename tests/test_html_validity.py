"""Every page type, in English, Azerbaijani and Russian, is valid HTML: the Nu HTML Checker
(vnu.jar, the W3C's checker, from npm) finds no error in any of them.

The checker starts slowly, so it runs once, over every page written to a folder. Locally,
without Java or vnu.jar, the test skips and says how to install them; in CI (``CI`` set) it
fails instead.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from memorials.models import Event, Place, Tribute
from tests.conftest import REPO, make_document, make_person

VNU = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
LANGUAGES = {"en": "", "az": "/az", "ru": "/ru"}
SEED_PATH = "/archive/2008/the-black-january-18th-anniversary-of-the-soviet-invasion-of-baky/"
# Every page type a visitor can reach, with the status it answers.
PAGES = {
    "home": ("/", 200),
    "archive": ("/archive/", 200),
    "archive-filtered": ("/archive/?year=2008&kind=press-release&language=en", 200),
    "archive-nothing": ("/archive/?kind=statement&language=en", 200),
    "document": (SEED_PATH, 200),
    "events": ("/events/", 200),
    "event": ("/events/black-january/", 200),
    "people": ("/people/", 200),
    "people-filtered": ("/people/?q=Ali&event=black-january", 200),
    "person": ("/people/ali-mammadov/", 200),
    "places": ("/places/", 200),
    "place": ("/places/baku/", 200),
    "calendar": ("/calendar/", 200),
    "search": ("/search/", 200),
    "search-results": ("/search/?q=Baku", 200),
    "search-nothing": ("/search/?q=nonexistentword", 200),
    "not-found": ("/no-such-page/", 404),
}
# A page with a known error, checked in the same run: proves the checker read the files and
# that its report is read right.
CONTROL = '<!doctype html><html lang="en"><title>t</title><h1>a</h1>\n<h3>b</h3></html>'


def _missing() -> str:
    if not shutil.which("java"):
        return "no Java: install it with `apt-get install default-jre-headless`"
    if not VNU.exists():
        return "no Nu HTML Checker (vnu.jar): run `npm ci` in the project folder"
    return ""


def nu_check(paths: list[Path]) -> list[dict]:
    """The checker's errors for these files, each with ``file``, ``line`` and ``message``."""
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", "--errors-only", "--stdout",
         *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=600,
    )  # fmt: skip
    assert result.stdout, result.stderr
    return [
        {
            "file": Path(message.get("url", "?")).name,
            "line": message.get("lastLine", message.get("firstLine", "?")),
            "message": f"{message['type']}: {message['message']}",
        }
        for message in json.loads(result.stdout)["messages"]
    ]


@pytest.fixture
def every_kind_of_content(seed):
    """The seed, and what it lacks for every part of every page to show: a person, a
    translation of the release, tags, an approved message."""
    event = Event.objects.get(slug="black-january")
    baku = Place.objects.get(slug="baku")
    make_person(
        name="Əli Məmmədov",
        name_language="az",
        name_en="Ali Mammadov",
        slug="ali-mammadov",
        name_variants="Али Мамедов",
        birth_date="1960-03-01",
        death_date="1990-01-20",
        place=baku,
        event=event,
        biography="A teacher.\n\nKilled on Baku's streets.",
    )
    seed.tags.add("Black January")
    make_document(
        title="ЧЁРНЫЙ ЯНВАРЬ", language="ru", translation_of=seed, issuer=seed.issuer,
        issued_on="2008-01-21", summary="The Russian text of the release.",
    )  # fmt: skip
    Tribute.objects.create(event=event, kind="message", text="We remember.", state="approved")
    Tribute.objects.create(event=event, kind="candle", state="approved")
    return seed


def test_every_page_type_in_every_language_is_valid_html(client, every_kind_of_content, tmp_path):
    missing = _missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"The HTML check cannot run in CI: {missing}")
        pytest.skip(f"HTML check skipped: {missing}")
    files = []
    for language, prefix in LANGUAGES.items():
        for name, (path, status) in PAGES.items():
            response = client.get(prefix + path)
            assert response.status_code == status, (language, path)
            assert response["Content-Type"].startswith("text/html")
            files.append(tmp_path / f"{language}-{name}.html")
            files[-1].write_bytes(response.content)
    control = tmp_path / "control.html"
    control.write_text(CONTROL)

    errors = nu_check([*files, control])

    assert [(e["file"], e["line"]) for e in errors if e["file"] == control.name] == [
        ("control.html", 2)
    ], errors
    found = [
        f"{e['file']}:{e['line']}: {e['message']}" for e in errors if e["file"] != control.name
    ]
    assert found == [], "\n".join(found)
