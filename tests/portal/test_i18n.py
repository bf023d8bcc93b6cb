"""The interface in English, Azerbaijani and Russian."""

import re
from pathlib import Path

import polib
import pytest
import time_machine

from archive.models import Language
from tests.conftest import REPO, make_document

pytestmark = pytest.mark.django_db

LOCALE = REPO / "locale"
# Code whose strings reach visitors (the admin's are checked with the rest of the catalog).
PUBLIC_SOURCES = (
    "templates/base.html",
    "templates/front/",
    "templates/archive/",
    "templates/memorials/",
    "templates/includes/",
    "front/views.py",
    "archive/apps.py",
    "archive/iiif.py",
    "memorials/apps.py",
    "memorials/views.py",
    "memorials/timeline.py",
    "memorials/anniversaries.py",
    "memorials/tributes.py",
    "memorials/testimonies.py",
    "memorials/geo.py",
    "portal/rights.py",
    "portal/templatetags/",
)
# A placeholder as Python, str.format or HTML writes it: a translation keeps every one.
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[-#0 +]*\d*[sdrfX]|%[sd]|\{[a-z_]+\}|</?[a-z]+[^>]*>")
PUBLIC_PAGES = [
    "/",
    "/archive/",
    "/archive/2008/the-black-january-18th-anniversary-of-the-soviet-invasion-of-baky/",
    "/events/",
    "/events/black-january/",
    "/people/",
    "/places/",
    "/places/baku/",
    "/calendar/",
    "/search/?q=Baku",
]
# Interface words a reader of /az/ or /ru/ must never meet.
ENGLISH_INTERFACE = [
    "Skip to content",
    "Archive",
    "Events",
    "Calendar",
    "Search",
    "Tributes",
    "Reported figures",
    "Timeline",
    "Upcoming anniversaries",
    "Latest documents",
    "Text as issued",
    "Cite this",
    "anniversary",
    "Page ",
    "candle",
    "result",
    "City in",
]


def visible_text(response) -> str:
    """What a reader sees of the interface: the page without the document's own text."""
    html = response.content.decode()
    body = html.split("<body>", 1)[1]
    body = re.sub(r'<div class="body".*?</div>', "", body, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


@pytest.mark.parametrize("language", ["az", "ru"])
def test_every_visitor_facing_string_is_translated_and_compiled(language):
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    public = [
        entry
        for entry in po
        if any(path.startswith(PUBLIC_SOURCES) for path, _line in entry.occurrences)
    ]
    assert len(public) > 100
    untranslated = [entry.msgid for entry in public if not entry.translated()]
    assert untranslated == []
    # The compiled catalog is checked in, and holds what the .po says.
    mo = polib.mofile(str(LOCALE / language / "LC_MESSAGES" / "django.mo"))
    compiled = {entry.msgid: entry.msgstr for entry in mo}
    assert all(compiled.get(entry.msgid) == entry.msgstr for entry in public if entry.msgstr)


@pytest.mark.parametrize("language", ["az", "ru"])
def test_the_whole_catalog_is_translated_with_its_placeholders(language):
    """The admin too: every entry translated, none left fuzzy, each form of a plural filled,
    and no placeholder lost or invented (msgfmt checks only the entries marked
    python-format)."""
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    entries = [entry for entry in po if not entry.obsolete]
    assert [entry.msgid for entry in entries if not entry.translated()] == []
    plural_forms = {"az": 2, "ru": 3}[language]
    plurals = [entry for entry in entries if entry.msgid_plural]
    assert plurals and all(len(entry.msgstr_plural) == plural_forms for entry in plurals)
    changed = []
    for entry in entries:
        if "no-python-format" in entry.flags:
            continue  # its translation takes another placeholder on purpose
        expected = sorted(PLACEHOLDER.findall(entry.msgid))
        for text in entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]:
            if sorted(PLACEHOLDER.findall(text)) != expected:
                changed.append((entry.msgid, text))
    assert changed == []
    mo = polib.mofile(str(LOCALE / language / "LC_MESSAGES" / "django.mo"))
    assert len([entry for entry in mo if entry.msgid]) == len(entries)


def test_english_at_the_root_and_prefixes_for_the_others(client, seed):
    english = client.get("/events/black-january/")
    assert '<html lang="en">' in english.content.decode()
    assert "Reported figures" in visible_text(english)
    azerbaijani = client.get("/az/events/black-january/")
    assert '<html lang="az">' in azerbaijani.content.decode()
    assert "Mənbələrin verdiyi rəqəmlər" in visible_text(azerbaijani)
    russian = client.get("/ru/events/black-january/")
    assert '<html lang="ru">' in russian.content.decode()
    assert "Приводимые цифры" in visible_text(russian)
    assert client.get("/en/events/black-january/").status_code == 404  # English has no prefix


@pytest.mark.parametrize("language", ["az", "ru"])
@pytest.mark.parametrize("page", PUBLIC_PAGES)
def test_no_english_interface_string_in_azerbaijani_or_russian(client, seed, language, page):
    seed.tags.add("Black January")
    response = client.get(f"/{language}{page}")
    assert response.status_code == 200
    text = visible_text(response)
    # Content stays in its own language (the seed is English); the interface must not.
    for name in [seed.title, seed.issuer.name, "Special Issue", "Black January", "English"]:
        text = text.replace(name, "")
    text = re.sub(r"“[^”]*”", "", text)  # quoted sources
    text = re.sub(r"https?://\S+", "", text)  # addresses (a slug keeps the title's words)
    leftovers = [word for word in ENGLISH_INTERFACE if re.search(rf"\b{word}\b", text)]
    assert leftovers == [], text[:1500]


def test_the_language_switcher_keeps_the_reader_on_the_page(client, seed):
    html = client.get("/events/black-january/?tab=1").content.decode()
    switcher = html.split('class="languages"')[1].split("</nav>")[0]
    assert (
        'href="http://testserver/az/events/black-january/?tab=1" hreflang="az" lang="az"'
        in switcher
    )
    assert 'href="http://testserver/ru/events/black-january/?tab=1"' in switcher
    assert 'aria-current="true">English</a>' in switcher
    html = client.get("/ru/archive/").content.decode()
    assert 'href="http://testserver/archive/" hreflang="en"' in html


def test_hreflang_alternates_name_every_language(client, seed):
    html = client.get("/az/places/baku/").content.decode()
    for code, prefix in [("en", ""), ("az", "/az"), ("ru", "/ru")]:
        assert (
            f'<link rel="alternate" hreflang="{code}" href="http://testserver{prefix}/places/baku/">'
            in html
        )
    assert (
        '<link rel="alternate" hreflang="x-default" href="http://testserver/places/baku/">' in html
    )


@time_machine.travel("2026-11-25 12:00Z")
def test_dates_and_ordinals_in_the_readers_language(client, seed):
    assert "the 37th anniversary" in visible_text(client.get("/events/black-january/"))
    azerbaijani = visible_text(client.get("/az/events/black-january/"))
    assert "37-ci ildönümü" in azerbaijani and "20 Yanvar 1990" in azerbaijani
    assert "56 gün sonra" in azerbaijani
    russian = visible_text(client.get("/ru/events/black-january/"))
    assert "37-я годовщина" in russian and "20 января 1990" in russian
    assert "через 56 дней" in russian and "более 130" in russian
    assert "130-dan çox" in azerbaijani


@pytest.mark.parametrize(
    "number, azerbaijani",
    [
        (1, "1-ci"),
        (3, "3-cü"),
        (6, "6-cı"),
        (9, "9-cu"),
        (10, "10-cu"),
        (18, "18-ci"),
        (20, "20-ci"),
        (30, "30-cu"),
        (40, "40-cı"),
        (60, "60-cı"),
        (100, "100-cü"),
        (1000, "1000-ci"),
    ],
)
def test_azerbaijani_ordinals_follow_vowel_harmony(number, azerbaijani):
    from memorials.anniversaries import ordinal

    assert ordinal(number, "az") == azerbaijani


def test_search_results_lead_to_the_page_in_the_readers_language(client, seed):
    html = client.get("/ru/search/", {"q": "Baky"}).content.decode()
    assert 'href="/ru/archive/2008/the-black-january' in html


def test_translations_of_a_document_link_each_other_with_their_language(client, seed):
    translation = make_document(
        title="ЧЁРНЫЙ ЯНВАРЬ", language=Language.RUSSIAN, translation_of=seed, issuer=seed.issuer
    )
    original = client.get(seed.get_absolute_url()).content.decode()
    assert f'<a href="{translation.get_absolute_url()}" hreflang="ru">Russian</a>' in original
    assert '<span lang="ru">ЧЁРНЫЙ ЯНВАРЬ</span>' in original
    translated = client.get(translation.get_absolute_url()).content.decode()
    assert 'hreflang="en">English</a>' in translated
    assert '<div class="body" lang="ru">' in translated
    assert Path(LOCALE).is_dir()


def test_names_in_the_readers_language_or_visibly_the_original(client, seed):
    assert "<h1>Bakı</h1>" in client.get("/az/places/baku/").content.decode()
    assert "<h1>Баку</h1>" in client.get("/ru/places/baku/").content.decode()
    assert "<h1>Baku</h1>" in client.get("/places/baku/").content.decode()
    # The event's Azerbaijani name is recorded; a place's is not: its original shows, marked
    # as English.
    html = client.get("/az/events/black-january/").content.decode()
    assert "<h1>20 Yanvar faciəsi</h1>" in html
    assert "<title>20 Yanvar faciəsi · Anım portalı</title>" in html
    new_york = client.get("/az/places/new-york/").content.decode()
    assert (
        '<h1><span class="original-name" lang="en" title="Mənbələrdə qeyd olunduğu kimi ad">New York</span></h1>'
        in new_york
    )
    events = client.get("/ru/events/black-january/").content.decode()
    assert '<a href="/ru/places/baku/">Баку</a>' in events
