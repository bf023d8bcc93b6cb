import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from archive import selectors
from archive.models import Document
from portal.publishing import Status
from tests.conftest import SEED_ISSUER, SEED_TITLE, make_document, make_organization

pytestmark = pytest.mark.django_db

ARCHIVE = "/archive/"
SEED_URL = "/archive/2008/the-black-january-18th-anniversary-of-the-soviet-invasion-of-baky/"


def test_document_page_shows_the_text_as_issued_in_paragraphs(client, seed):
    response = client.get(SEED_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>{SEED_TITLE}</h1>" in html
    assert html.count("<p>Eighteen years have passed") == 1
    # Seven paragraphs of the release, each its own <p>, in the text section.
    body = html.split('<div class="body" lang="en">')[1].split("</div>")[0]
    assert body.count("<p>") == 7
    assert "INVASION OF BAKY" in html and "the capital of Azerbaijan, Baku" in html
    assert "the “Black January”" in html
    assert SEED_ISSUER in html
    assert "21 January 2008" in html
    assert "Special Issue" in html
    assert seed.checksum in html
    assert seed.get_text_url() in html


def test_document_page_shows_tags_linked_to_the_filtered_archive(client, seed):
    seed.tags.add("Black January")
    html = client.get(SEED_URL).content.decode()
    assert '<a href="/archive/?tag=black-january">Black January</a>' in html


def test_text_download_is_the_stored_text_byte_for_byte(client, seed):
    response = client.get(SEED_URL.rstrip("/") + ".txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content == seed.body.encode("utf-8")
    assert response["X-Checksum-SHA256"] == seed.checksum


def test_drafts_answer_404_everywhere(client):
    draft = make_document(status=Status.DRAFT, title="Secret draft title")
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(draft.get_text_url()).status_code == 404
    assert "Secret draft title" not in client.get(ARCHIVE).content.decode()
    assert "Secret draft title" not in client.get("/").content.decode()


def test_a_document_under_the_wrong_year_is_not_found(client, seed):
    assert client.get(SEED_URL.replace("2008", "2009")).status_code == 404


def test_archive_lists_newest_first(client):
    make_document(title="Older release", issued_on="2001-01-01")
    make_document(title="Newer release", issued_on="2020-01-01")
    html = client.get(ARCHIVE).content.decode()
    assert html.index("Newer release") < html.index("Older release")
    assert "2 documents." in html


def test_archive_paginates(client):
    issuer = make_organization()
    for day in range(1, 26):
        make_document(
            issuer=issuer, title=f"Release of day {day:02d}", issued_on=f"2010-03-{day:02d}"
        )
    first = client.get(ARCHIVE).content.decode()
    assert "Release of day 25" in first and "Release of day 05" not in first
    assert "Page 1 of 2" in first
    second = client.get(ARCHIVE, {"page": 2}).content.decode()
    assert "Release of day 05" in second and "Release of day 25" not in second
    # A page past the end or not a number is answered, not an error.
    assert client.get(ARCHIVE, {"page": 99}).status_code == 200
    assert client.get(ARCHIVE, {"page": "x"}).status_code == 200


def test_pagination_links_keep_the_filters(client):
    issuer = make_organization(slug="busy")
    for day in range(1, 23):
        make_document(issuer=issuer, issued_on=f"2010-03-{day:02d}")
    html = client.get(ARCHIVE, {"issuer": "busy"}).content.decode()
    assert 'href="?issuer=busy&amp;page=2"' in html


@pytest.fixture
def varied_archive(seed):
    ministry = make_organization(name="Ministry of Examples", slug="ministry")
    make_document(
        title="Russian letter",
        kind="letter",
        language="ru",
        issuer=ministry,
        issued_on="2012-01-20",
    )
    make_document(
        title="Tagged speech", kind="speech", issued_on="2015-01-20", tags=["Remembrance"]
    )
    return seed


@pytest.mark.parametrize(
    "filters, expected",
    [
        ({"year": "2008"}, {SEED_TITLE}),
        ({"issuer": "ministry"}, {"Russian letter"}),
        ({"kind": "speech"}, {"Tagged speech"}),
        ({"language": "ru"}, {"Russian letter"}),
        ({"tag": "remembrance"}, {"Tagged speech"}),
        ({"year": "2012", "issuer": "ministry"}, {"Russian letter"}),
        ({"year": "2008", "issuer": "ministry"}, set()),
    ],
)
def test_archive_filters(client, varied_archive, filters, expected):
    response = client.get(ARCHIVE, filters)
    assert response.status_code == 200
    shown = {
        title
        for title in [SEED_TITLE, "Russian letter", "Tagged speech"]
        if title in response.content.decode()
    }
    assert shown == expected


@pytest.mark.parametrize(
    ("filters", "status"),
    [
        ({"year": "abc"}, 400),
        ({"year": "1850"}, 200),
        ({"issuer": "<script>"}, 400),
        ({"kind": "x" * 5000}, 400),
    ],
)
def test_unknown_filter_values_never_show_everything(client, varied_archive, filters, status):
    response = client.get(ARCHIVE, filters)
    assert response.status_code == status
    assert ">0 documents" in response.content.decode()
    assert "<script>" not in response.content.decode()


def test_filter_choices_come_from_public_documents_only(client, seed):
    make_document(
        status=Status.DRAFT, issuer=make_organization(name="Hidden issuer"), issued_on="1999-01-01"
    )
    html = client.get(ARCHIVE).content.decode()
    assert "Hidden issuer" not in html
    assert ">1999<" not in html
    assert ">2008<" in html


def test_filter_choices_offer_every_year_kind_and_language_of_public_documents(
    django_assert_num_queries,
):
    issuer = make_organization()
    for issued_on, kind, language in [
        ("1990-01-20", "press-release", "en"),
        ("1990-12-31", "letter", "en"),
        ("1991-01-01", "letter", "ru"),
        ("2008-01-21", "press-release", "az"),  # years between with no document
    ]:
        make_document(issuer=issuer, issued_on=issued_on, kind=kind, language=language)
    make_document(issuer=issuer, issued_on="2001-06-01", kind="speech", status=Status.DRAFT)
    scheduled = timezone.now() + datetime.timedelta(days=1)
    make_document(issuer=issuer, issued_on="2010-06-01", language="fr", published_at=scheduled)
    with django_assert_num_queries(4):  # years, kinds and languages, issuers, tags
        present = selectors.filter_choices()
    assert present["years"] == [2008, 1991, 1990]
    assert present["kinds"] == {"press-release", "letter"}
    assert present["languages"] == {"en", "ru", "az"}
    assert present["issuers"] == [(issuer.slug, issuer.name)]
    Document.objects.update(status=Status.DRAFT)
    assert selectors.filter_choices()["years"] == []


def test_user_text_is_escaped(client):
    document = make_document(title="<script>alert(1)</script>", body="<b>bold</b> & <i>x</i>")
    html = client.get(document.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;i&gt;x&lt;/i&gt;" in html


def test_home_shows_the_latest_documents(client, seed):
    response = client.get("/")
    assert response.status_code == 200
    assert SEED_TITLE in response.content.decode()


def test_healthz(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.content == b"ok\n"


def _fill(count):
    issuers = [make_organization() for _ in range(3)]
    for number in range(count):
        make_document(
            issuer=issuers[number % 3],
            issued_on=f"{2000 + number % 20}-01-20",
            tags=[f"tag {number % 4}", "shared"],
        )


@pytest.mark.parametrize("url", ["/", ARCHIVE, ARCHIVE + "?tag=shared&year=2001"])
def test_list_pages_use_a_constant_number_of_queries(client, django_assert_max_num_queries, url):
    _fill(3)
    with django_assert_max_num_queries(10) as small:
        client.get(url)
    _fill(40)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_document_page_uses_a_constant_number_of_queries(client, seed, django_assert_num_queries):
    """One for the content's version (conditional GET, page cache), then the document with its
    issuer, its tags, its attachments, its other languages and its public events."""
    seed.tags.add("one", "two", "three")
    with django_assert_num_queries(6):
        assert client.get(SEED_URL).status_code == 200


def test_a_filter_that_matches_nothing_finds_nothing_and_says_so(client, seed):
    for query, said in [
        ({"year": "1999"}, "year “1999”"),
        ({"kind": "letter"}, "kind “Letter”"),
        ({"issuer": "nope"}, "issuer “nope”"),
    ]:
        response = client.get(ARCHIVE, query)
        page = response.content.decode()
        assert response.status_code == 200
        assert SEED_TITLE not in page, query
        assert "No public document has:" in page and said in page, query
        api = client.get("/api/documents/", query).json()
        assert api["count"] == 0 and api["results"] == [], query


def test_a_malformed_filter_is_a_bad_request(client, seed):
    for query in [{"year": "abc"}, {"year": "19999"}, {"kind": "nonsense"}, {"tag": "a b"}]:
        response = client.get(ARCHIVE, query)
        assert response.status_code == 400, query
        assert "These filters could not be read" in response.content.decode()
        api = client.get("/api/documents/", query)
        assert api.status_code == 400 and "error" in api.json(), query
