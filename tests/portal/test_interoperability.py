"""Feeds, sitemaps, robots.txt and page metadata, read back with real client libraries."""

import xml.etree.ElementTree as ET

import extruct
import feedparser
import pytest
from lxml import etree

from memorials.models import Event, Person, Place
from portal.publishing import Status
from tests import schemas
from tests.conftest import (
    SEED_ISSUER,
    SEED_TITLE,
    make_commemoration,
    make_document,
    make_event,
    make_person,
)

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
SEED_URL = "/archive/2008/the-black-january-18th-anniversary-of-the-soviet-invasion-of-baky/"


def test_documents_feed(client, seed):
    seed.tags.add("Black January")
    make_document(title="Secret draft", status=Status.DRAFT)
    response = client.get("/feeds/documents/")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    assert feed.feed.title == "Commemoration portal: documents"
    (entry,) = feed.entries
    assert entry.title == SEED_TITLE
    assert entry.link == f"http://testserver{SEED_URL}"
    assert entry.author == SEED_ISSUER
    assert entry.published.startswith("2008-01-21")
    assert [tag.term for tag in entry.tags] == ["Black January"]
    assert entry.summary.startswith("Eighteen years have passed")


def test_commemorations_feed(client, seed):
    event = Event.objects.get(slug="black-january")
    make_commemoration(event=event, name="Vigil", date="2011-01-20")
    make_commemoration(event=event, name="Draft vigil", status=Status.DRAFT)
    feed = feedparser.parse(client.get("/feeds/commemorations/").content)
    assert not feed.bozo, feed.bozo_exception
    assert [entry.title for entry in feed.entries] == [
        "Vigil (20 January 2011)",
        "Memorial meeting at the Permanent Mission of Azerbaijan to the United Nations (January 2008)",
    ]
    assert feed.entries[1].link.endswith(
        "/events/black-january/#commemoration-memorial-meeting-new-york-2008"
    )
    assert len({entry.id for entry in feed.entries}) == 2


ATOM = "{http://www.w3.org/2005/Atom}"
FEEDS = ["/feeds/documents/", "/feeds/commemorations/"]


def strict_atom(content: bytes):
    """What RFC 4287 asks that feedparser lets pass: the feed and every entry name an author
    (``atom:author`` with ``atom:name``), and a summary is of a declared type that its content
    is. Returns the parsed feed."""
    root = etree.fromstring(content)
    problems = []
    for element in [root, *root.iterfind(f"{ATOM}entry")]:
        names = [name.text for name in element.iterfind(f"{ATOM}author/{ATOM}name")]
        if not names or not all(name and name.strip() for name in names):
            problems.append(f"{element.findtext(f'{ATOM}id')}: no author name")
    for summary in root.iterfind(f"{ATOM}entry/{ATOM}summary"):
        if summary.get("type", "text") != "text" or len(summary):
            problems.append(f"summary of type {summary.get('type')!r}: the summaries are text")
    assert problems == []
    feed = feedparser.parse(content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    return feed


@pytest.mark.parametrize("url", FEEDS)
def test_every_feed_and_entry_has_an_author_and_text_summaries(client, seed, url):
    event = make_event(name="Khojaly", slug="khojaly")
    make_commemoration(event=event, name="Vigil", description="Candles & <flowers> at 5 < 6")
    make_document(title="A & B", summary="AT&T <b>not bold</b> & 5 < 6", issuer=seed.issuer)
    feed = strict_atom(client.get(url).content)
    assert feed.feed.author == "Commemoration portal"
    assert len(feed.entries) == 2
    for entry in feed.entries:
        assert entry.summary_detail.type == "text/plain"
    # Read as text, the markup-like characters are the text's own, not markup to run.
    literal = (
        "AT&T <b>not bold</b> & 5 < 6" if "documents" in url else "Candles & <flowers> at 5 < 6"
    )
    assert any(entry.summary.endswith(literal) for entry in feed.entries)


def _locations(client, url):
    root = ET.fromstring(client.get(url).content)
    return {
        element.findtext(f"{SITEMAP}loc"): element.findtext(f"{SITEMAP}lastmod") for element in root
    }


def test_sitemap_lists_every_public_page_with_its_last_change(client, seed):
    make_document(title="Secret draft", slug="secret-draft", status=Status.DRAFT)
    make_person(name="Hidden", slug="hidden", status=Status.DRAFT)
    make_person(name="Listed", slug="listed")
    sections = _locations(client, "/sitemap.xml")
    assert "http://testserver/sitemap-documents.xml" in sections
    pages = {}
    for section in sections:
        pages.update(_locations(client, section.removeprefix("http://testserver")))
    assert pages[f"http://testserver{SEED_URL}"] == seed.updated_at.date().isoformat()
    for path in ["/", "/archive/", "/events/", "/events/black-january/", "/people/", "/people/listed/",
                 "/places/", "/places/baku/", "/calendar/"]:  # fmt: skip
        assert f"http://testserver{path}" in pages, path
    assert not any("secret-draft" in url or "hidden" in url for url in pages)
    assert len(pages) == 6 + 1 + 1 + 1 + Place.objects.public().count()


def _valid_sitemap(client, url, schema):
    response = client.get(url)
    assert response.status_code == 200, url
    assert schemas.errors(schema, response.content) == [], response.content.decode()
    return ET.fromstring(response.content)


def test_every_sitemap_file_is_valid_and_no_section_is_empty(client, seed, settings):
    """The index lists only sections with pages; a section without any answers 404, never an
    empty urlset (which the schema refuses: a urlset holds at least one url)."""
    make_person(name="Hidden", slug="hidden", status=Status.DRAFT)  # people: nothing public
    index = _valid_sitemap(client, "/sitemap.xml", schemas.sitemap_index())
    sections = [element.findtext(f"{SITEMAP}loc") for element in index]
    assert sections == [f"http://testserver/sitemap-{name}.xml"
                        for name in ["pages", "documents", "events", "places"]]  # fmt: skip
    for section in sections:
        root = _valid_sitemap(client, section.removeprefix("http://testserver"), schemas.sitemap())
        assert len(root) >= 1
    assert client.get("/sitemap-people.xml").status_code == 404
    assert client.get("/sitemap-people.xml?p=1").status_code == 404
    make_person(name="Listed", slug="listed")
    index = _valid_sitemap(client, "/sitemap.xml", schemas.sitemap_index())
    assert "http://testserver/sitemap-people.xml" in {e.findtext(f"{SITEMAP}loc") for e in index}
    _valid_sitemap(client, "/sitemap-people.xml", schemas.sitemap())


def test_an_empty_archive_has_a_valid_sitemap(client, db):
    index = _valid_sitemap(client, "/sitemap.xml", schemas.sitemap_index())
    assert [e.findtext(f"{SITEMAP}loc") for e in index] == ["http://testserver/sitemap-pages.xml"]
    _valid_sitemap(client, "/sitemap-pages.xml", schemas.sitemap())
    for name in ["documents", "events", "people", "places"]:
        assert client.get(f"/sitemap-{name}.xml").status_code == 404, name


def test_robots_txt(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


def metadata(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return extruct.extract(
        response.content.decode(),
        base_url=f"http://testserver{path}",
        syntaxes=["json-ld", "dublincore", "opengraph"],
        uniform=True,
    )


def _dublin_core(data):
    """Dublin Core elements by term, as extruct resolves them (name "DC.title" → term "title")."""
    elements = data["dublincore"][0]["elements"]
    return {
        element["URI"].rsplit("/", 1)[1]: element["content"]
        for element in elements
        if element["name"].startswith("DC.")
    }


def _opengraph(data):
    return data["opengraph"][0]


def test_document_metadata(client, seed):
    seed.tags.add("Black January")
    data = metadata(client, SEED_URL)
    (json_ld,) = data["json-ld"]
    assert json_ld["@type"] == "NewsArticle"
    assert json_ld["name"] == SEED_TITLE
    assert json_ld["datePublished"] == "2008-01-21"
    assert json_ld["author"]["name"] == SEED_ISSUER
    assert json_ld["inLanguage"] == "en"
    assert json_ld["encoding"]["sha256"] == seed.checksum
    assert json_ld["keywords"] == "Black January"
    dublin_core = _dublin_core(data)
    assert dublin_core["title"] == SEED_TITLE
    assert dublin_core["creator"] == SEED_ISSUER
    assert dublin_core["date"] == "2008-01-21"
    assert dublin_core["language"] == "en"
    assert dublin_core["identifier"] == f"http://testserver{SEED_URL}"
    opengraph = _opengraph(data)
    assert opengraph["og:title"] == SEED_TITLE
    assert opengraph["@type"] == "article"  # extruct's uniform form of og:type
    assert opengraph["og:url"] == f"http://testserver{SEED_URL}"
    assert opengraph["article:published_time"] == "2008-01-21"
    html = client.get(SEED_URL).content.decode()
    assert f'<link rel="canonical" href="http://testserver{SEED_URL}">' in html


def test_a_report_is_described_as_a_report(client, db):
    report = make_document(kind="report", title="A report")
    (json_ld,) = metadata(client, report.get_absolute_url())["json-ld"]
    assert json_ld["@type"] == "Report"


def test_event_metadata(client, seed):
    data = metadata(client, "/events/black-january/")
    (json_ld,) = data["json-ld"]
    assert json_ld["@type"] == "Event"
    assert json_ld["name"] == "Black January"
    assert json_ld["startDate"] == "1990-01-20"
    assert json_ld["location"][0]["name"] == "Baku"
    assert json_ld["location"][0]["alternateName"] == ["Baky", "Bakı", "Баку"]
    assert _dublin_core(data)["coverage"] == "Baku"
    assert _opengraph(data)["og:title"] == "Black January"


def test_place_metadata(client, seed):
    data = metadata(client, "/places/baku/")
    (json_ld,) = data["json-ld"]
    assert json_ld["@type"] == "Place"
    assert json_ld["alternateName"] == ["Baky", "Bakı", "Баку"]
    assert json_ld["containedInPlace"]["name"] == "Azerbaijan"


def test_person_metadata_with_partial_dates(client, seed):
    person = make_person(
        name="Ali Aliyev",
        name_variants="Əli Əliyev",
        birth_date="1960-01-01",
        birth_precision="year",
        death_date="1990-01-20",
        event=Event.objects.get(slug="black-january"),
    )
    (json_ld,) = metadata(client, person.get_absolute_url())["json-ld"]
    assert json_ld == {
        "@context": "https://schema.org",
        "@type": "Person",
        "name": "Ali Aliyev",
        "url": f"http://testserver{person.get_absolute_url()}",
        "alternateName": ["Əli Əliyev"],
        "birthDate": "1960",
        "deathDate": "1990-01-20",
    }
    assert Person.objects.count() == 1


def test_json_ld_cannot_be_broken_out_of(client, db):
    document = make_document(title='</script><script>alert("x")</script>')
    html = client.get(document.get_absolute_url()).content.decode()
    assert "<script>alert" not in html
    (json_ld,) = metadata(client, document.get_absolute_url())["json-ld"]
    assert json_ld["name"] == '</script><script>alert("x")</script>'


@pytest.mark.parametrize("path", ["/", "/archive/", "/events/", "/people/", "/calendar/"])
def test_every_page_has_a_canonical_link_and_opengraph(client, seed, path):
    data = metadata(client, path)
    assert _opengraph(data)["og:url"] == f"http://testserver{path}"
    assert (
        f'<link rel="canonical" href="http://testserver{path}">'
        in client.get(path).content.decode()
    )
