"""What machines and assistive technology read of a page: Dublin Core on every public page, read
back with extruct; the language of titles and names that are not in the page's language; a
description in the reader's language; robots.txt read with the standard library's parser."""

import re
import urllib.robotparser

import extruct
import pytest

from memorials.models import Event, Place
from tests.conftest import SEED_TITLE, make_person

pytestmark = pytest.mark.django_db

SEED_URL = "/archive/2008/the-black-january-18th-anniversary-of-the-soviet-invasion-of-baky/"
# The DCMI Type Vocabulary (https://www.dublincore.org/specifications/dublin-core/dcmi-type-vocabulary/).
DCMI_TYPES = {
    "Collection", "Dataset", "Event", "Image", "InteractiveResource", "MovingImage",
    "PhysicalObject", "Service", "Software", "Sound", "StillImage", "Text",
}  # fmt: skip
# Every public page type, and what it is in that vocabulary.
PAGES = {
    "/": "Collection",
    "/archive/": "Collection",
    "/archive/?year=2008": "Collection",
    SEED_URL: "Text",
    "/events/": "Collection",
    "/events/black-january/": "Event",
    "/people/": "Collection",
    "/people/ali-mammadov/": "Text",
    "/places/": "Collection",
    "/places/baku/": "Text",
    "/calendar/": "Collection",
    "/search/?q=Baku": "InteractiveResource",
}
# A list page's Dublin Core title in each language: the page's own heading.
LIST_TITLES = {
    "/archive/": {"en": "Archive", "az": "Arxiv", "ru": "Архив"},
    "/events/": {"en": "Events", "az": "Hadisələr", "ru": "События"},
    "/people/": {"en": "People", "az": "İnsanlar", "ru": "Люди"},
    "/places/": {"en": "Places", "az": "Yerlər", "ru": "Места"},
    "/calendar/": {"en": "Calendar", "az": "Təqvim", "ru": "Календарь"},
}


@pytest.fixture
def content(seed):
    make_person(
        name="Ali Mammadov",
        slug="ali-mammadov",
        event=Event.objects.get(slug="black-january"),
        place=Place.objects.get(slug="baku"),
    )
    return seed


def read(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    html = response.content.decode()
    data = extruct.extract(
        html, base_url=f"http://testserver{path}", syntaxes=["dublincore", "opengraph"]
    )
    elements = data["dublincore"][0]["elements"] if data["dublincore"] else []
    dublin_core = {}
    for element in elements:
        if element["name"].startswith("DC."):
            dublin_core.setdefault(element["name"][3:], []).append(element)
    return html, dublin_core, data["opengraph"]


def value(dublin_core, term) -> str:
    (element,) = dublin_core[term]
    return element["content"]


@pytest.mark.parametrize("prefix", ["", "/az", "/ru"])
@pytest.mark.parametrize("path, dcmi_type", PAGES.items())
def test_every_public_page_describes_itself_in_dublin_core(
    client, content, prefix, path, dcmi_type
):
    html, dublin_core, _og = read(client, prefix + path)
    assert '<link rel="schema.DC" href="http://purl.org/dc/elements/1.1/">' in html
    assert value(dublin_core, "type") == dcmi_type and dcmi_type in DCMI_TYPES
    assert value(dublin_core, "title")
    canonical = re.search(r'<link rel="canonical" href="([^"]+)">', html)[1]
    assert value(dublin_core, "identifier") == canonical
    assert canonical == f"http://testserver{prefix}{path.split('?')[0]}"
    language = prefix.strip("/") or "en"
    # A document's language is its own; every other page is in the reader's language.
    assert value(dublin_core, "language") == ("en" if path == SEED_URL else language)


@pytest.mark.parametrize("language", ["en", "az", "ru"])
@pytest.mark.parametrize("path", LIST_TITLES)
def test_list_pages_are_titled_in_the_readers_language(client, content, language, path):
    prefix = "" if language == "en" else f"/{language}"
    _html, dublin_core, _og = read(client, prefix + path)
    assert value(dublin_core, "title") == LIST_TITLES[path][language]
    assert value(dublin_core, "publisher") == {
        "en": "Commemoration portal", "az": "Anım portalı", "ru": "Мемориальный портал"
    }[language]  # fmt: skip


def test_the_error_page_describes_nothing(client, db):
    response = client.get("/ru/no-such-page/")
    assert response.status_code == 404
    assert 'name="DC.' not in response.content.decode()


def test_a_document_in_another_language_is_marked_with_its_language(client, content):
    russian, dublin_core, _og = read(client, f"/ru{SEED_URL}")
    assert f'<h1 lang="en">{SEED_TITLE}</h1>' in russian
    (title,) = dublin_core["title"]
    assert title["content"] == SEED_TITLE and title["lang"] == "en"
    # On the English page nothing needs marking: the title is in the page's language.
    english, dublin_core, _og = read(client, SEED_URL)
    assert f"<h1>{SEED_TITLE}</h1>" in english
    assert "lang" not in dublin_core["title"][0]


@pytest.mark.parametrize("language", ["az", "ru"])
def test_lists_mark_titles_and_quotations_in_another_language(client, content, language):
    archive = client.get(f"/{language}/archive/").content.decode()
    assert f'<h2 class="item-title" lang="en"><a href="/{language}{SEED_URL}">' in archive
    home = client.get(f"/{language}/").content.decode()
    assert f'<h3 class="item-title" lang="en"><a href="/{language}{SEED_URL}">' in home
    search = client.get(f"/{language}/search/", {"q": "Baky"}).content.decode()
    # The result is in English; the line of the portal's own words about it is not.
    assert re.search(
        rf'<article class="result" lang="en">\s*<h3><a href="/{language}{SEED_URL}">', search
    )
    assert f'<p class="meta" lang="{language}">' in search
    event = client.get(f"/{language}/events/black-january/").content.decode()
    # Figures are quoted in their source's words, and the source is named by its title.
    assert re.search(r'<span class="quotation" lang="en">“[^”]*130[^”]*”', event)
    assert f'lang="en">{SEED_TITLE}</a>' in event
    english = client.get("/archive/").content.decode()
    assert f'<h2 class="item-title"><a href="{SEED_URL}">' in english


def test_names_without_a_recorded_translation_are_marked_in_lists(client, content):
    # The seed names its event in Azerbaijani and Russian; without those names, the original
    # shows, marked with its language.
    assert ">20 Yanvar faciəsi</a>" in client.get("/az/events/").content.decode()
    event = Event.objects.get(slug="black-january")
    event.name_az = event.name_ru = ""
    event.save()
    events = client.get("/az/events/").content.decode()
    assert '<span class="original-name" lang="en"' in events
    page = client.get("/ru/events/black-january/").content.decode()
    timeline = page.split('<ol class="timeline">')[1].split("</ol>")[0]
    assert '<span class="original-name" lang="en"' in timeline


def test_descriptions_are_in_the_readers_language(client, content):
    _html, dublin_core, opengraph = read(client, f"/ru{SEED_URL}")
    description = value(dublin_core, "description")
    assert description.startswith("Пресс-релиз; издатель: ")
    assert description.endswith("дата: 21 января 2008 г.")
    assert dict(opengraph[0]["properties"])["og:description"] == description
    html, dublin_core, _og = read(client, "/az/places/baku/")
    assert value(dublin_core, "description") == "Bakı: şəhər; aid olduğu yer: Azerbaijan."
    assert '<meta name="description" content="Bakı: şəhər; aid olduğu yer: Azerbaijan.">' in html
    _html, dublin_core, _og = read(client, "/ru/people/ali-mammadov/")
    assert value(dublin_core, "description") == "Ali Mammadov. Событие: Чёрный январь."
    english = [
        value(read(client, path)[1], "description")
        for path in [SEED_URL, "/places/baku/", "/people/ali-mammadov/"]
    ]
    assert english == [
        f"Press release issued by {content.issuer.name} on 21 January 2008.",
        "Baku: city, part of Azerbaijan.",
        "Ali Mammadov, remembered with Black January.",
    ]


def test_robots_txt_keeps_crawlers_out_of_search_in_every_language(client, db):
    robots = urllib.robotparser.RobotFileParser()
    robots.parse(client.get("/robots.txt").content.decode().splitlines())
    for prefix in ["", "/az", "/ru"]:
        assert not robots.can_fetch("Crawler", f"http://testserver{prefix}/search/?q=Baku")
        assert robots.can_fetch("Crawler", f"http://testserver{prefix}/archive/")
    assert not robots.can_fetch("Crawler", "http://testserver/admin/")
