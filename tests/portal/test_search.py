"""Site-wide search, on whichever engine the suite runs against (SQLite FTS5 or PostgreSQL)."""

import re
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from memorials.models import Event, Place
from portal.models import SearchEntry
from portal.publishing import Status
from tests.conftest import SEED_TITLE, make_document, make_event, make_organization, make_person

pytestmark = pytest.mark.django_db


def results(client, **params):
    response = client.get("/search/", params)
    assert response.status_code == 200
    html = response.content.decode()
    return re.findall(r'<h3><a href="[^"]*">([^<]*)</a></h3>', html), html


def test_the_engine_is_the_databases_own():
    # The suite runs on both; this records which one a run exercised.
    assert connection.vendor in {"sqlite", "postgresql"}
    assert SearchEntry.objects.count() == 0


@pytest.mark.parametrize(
    "query", ["Baku", "baky", "Bakı", "BAKI", "Баку", "black january", "Black January"]
)
def test_any_spelling_finds_the_release_and_the_event(client, seed, query):
    titles, _html = results(client, q=query)
    assert SEED_TITLE in titles
    assert "Black January" in titles


def test_karabakh_in_any_script(client, seed):
    for query in ["Karabakh", "Qarabağ", "Карабах"]:
        titles, _html = results(client, q=query)
        assert SEED_TITLE in titles, query  # the release mentions Karabakh
        assert "Karabakh" not in titles, query  # nothing public names the place yet


def test_a_persons_recorded_variants_count(client, seed):
    make_person(name="Ali Aliyev", name_variants="Əli Əliyev\nАли Алиев")
    for query in ["Али Алиев", "Əli Əliyev", "ali aliyev", "Aliyev"]:
        titles, _html = results(client, q=query)
        assert "Ali Aliyev" in titles, query


def test_phrases_alternatives_and_exclusions(client, seed):
    make_document(title="Other statement", body="A statement about Karabakh only.")
    assert results(client, q='"ten thousands of Soviet troops"')[0] == [SEED_TITLE]
    assert results(client, q='"troops ten thousands"')[0] == []
    assert set(results(client, q="statement or anniversary")[0]) >= {SEED_TITLE, "Other statement"}
    excluded = results(client, q="karabakh -soviet")[0]
    assert "Other statement" in excluded and SEED_TITLE not in excluded


def test_results_show_kind_date_and_a_highlighted_snippet(client, seed):
    _titles, html = results(client, q="Bakı")
    assert 'Document · <time datetime="2008-01-21">21 January 2008</time>' in html
    assert "<mark>Baku</mark>" in html  # the original spelling, highlighted
    assert 'Event · <time datetime="1990-01-20">20 January 1990</time>' in html


def test_snippets_are_escaped(client, db):
    make_document(title="Markup", body="Before <script>alert('x')</script> the word memorial here.")
    _titles, html = results(client, q="memorial")
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "<mark>memorial</mark>" in html


HOSTILE = [
    '"', "'", "*", "-", "--", "NEAR(", "AND (", "(((", ")", "a AND (b", 'black"january',
    "x" * 10_000, "\x01\x1b[31m", "", "   ", "OR", "or or or", "-black", "NOT", "baku*",
    "^baku", "col:baku", "folded_title:baku", "'; DROP TABLE portal_searchentry; --", "\\", "%",
    "<script>alert(1)</script>", "🕯️", "a|b & !c", "baku <-> black", ":*",
]  # fmt: skip


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_input_is_harmless(client, seed, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)" not in html
    assert SearchEntry.objects.count() > 0  # nothing was dropped


def test_a_nul_byte_in_the_query_is_a_bad_request(client, seed):
    response = client.get("/search/", {"q": "\x00\x01\x1b[31m"})
    assert response.status_code == 400  # portal/hostile.py, before anything reads it


def test_an_empty_query_is_a_friendly_page(client, seed):
    _titles, html = results(client, q="")
    assert "Type a word, a name" in html
    _titles, html = results(client, q="***")
    assert "has no word to search for" in html


def test_nothing_found(client, seed):
    _titles, html = results(client, q="zzzxxyy")
    assert "0 results" in html and "Nothing found" in html


def test_drafts_are_never_indexed_or_shown(client, db):
    draft = make_document(title="Draft release", body="secretword", status=Status.DRAFT)
    assert not SearchEntry.objects.filter(title="Draft release").exists()
    assert results(client, q="secretword")[0] == []
    draft.status = Status.PUBLISHED
    draft.save()
    assert results(client, q="secretword")[0] == ["Draft release"]
    draft.status = Status.DRAFT
    draft.save()
    assert results(client, q="secretword")[0] == []
    draft.status = Status.PUBLISHED
    draft.save()
    draft.delete()
    assert results(client, q="secretword")[0] == []


def test_commemorations_and_people_follow_their_events_publication(client, seed):
    event = Event.objects.get(slug="black-january")
    meeting = "Memorial meeting at the Permanent Mission of Azerbaijan to the United Nations"
    assert meeting in results(client, q="diaspora")[0]
    event.status = Status.DRAFT
    event.save()
    assert meeting not in results(client, q="diaspora")[0]
    assert "Black January" not in results(client, q="black january")[0]


def test_the_index_follows_edits_tags_places_and_issuer_names(client, seed):
    seed.tags.add("Remembrance day")
    assert SEED_TITLE in results(client, q="black", tag="remembrance-day")[0]
    seed.issuer.name = "Renamed Mission"
    seed.issuer.save()
    _titles, html = results(client, q="baky")
    assert "Renamed Mission" in html
    event = make_event(name="Gathering", slug="gathering")
    event.places.add(Place.objects.get(slug="new-york"))
    assert "Gathering" in results(client, q='"new york"')[0]


def test_facets_count_and_combine_with_the_query(client, seed):
    ministry = make_organization(name="Ministry of Examples", slug="ministry")
    make_document(
        title="Russian letter about Baku",
        language="ru",
        issuer=ministry,
        issued_on="2012-01-20",
        tags=["Letters"],
    )
    _titles, html = results(client, q="baku")
    assert re.search(r">Documents</a> <span class=\"count\">\(2\)", html)
    assert re.search(r">Ministry of Examples</a> <span class=\"count\">\(1\)", html)
    assert re.search(r">Russian</a> <span class=\"count\">\(1\)", html)
    assert re.search(r">2012</a> <span class=\"count\">\(1\)", html)
    titles, html = results(client, q="baku", language="ru")
    assert titles == ["Russian letter about Baku"]
    assert results(client, q="baku", kind="place")[0] == ["Baku"]
    assert results(client, q="baku", year="2008")[0] == [SEED_TITLE]
    assert results(client, q="baku", issuer="ministry")[0] == ["Russian letter about Baku"]
    assert results(client, q="baku", tag="letters")[0] == ["Russian letter about Baku"]
    assert results(client, q="baku", kind="nonsense")[1].count("<h3>") == 4  # ignored filter


def test_pagination(client, db):
    issuer = make_organization()
    for number in range(25):
        make_document(
            issuer=issuer, title=f"Memorial statement {number:02d}", body="A memorial text."
        )
    titles, html = results(client, q="memorial")
    assert len(titles) == 20 and "Page 1 of 2" in html
    assert 'href="?q=memorial&amp;page=2"' in html
    assert len(results(client, q="memorial", page=2)[0]) == 5


def test_past_the_bound_a_search_ranks_the_newest_matches_and_estimates_the_rest(
    client, db, settings, django_assert_max_num_queries
):
    settings.SEARCH_RANKED_MATCHES = 10
    issuer = make_organization()
    for number in range(30):
        make_document(issuer=issuer, title=f"Vigil statement {number:02d}", body="A vigil.")
        make_document(issuer=issuer, title=f"Letter {number:02d}", body="Nothing here.")
    with django_assert_max_num_queries(12):
        titles, html = results(client, q="vigil")
    # 30 of 60 entries match; the newest 10 are ranked and counted, the total estimated from
    # how densely they fill their range of entries (10 of the newest 21).
    estimate = re.search(r"About (\d+) results for “vigil”", html)
    assert estimate and 27 <= int(estimate[1]) <= 33
    assert "The best matches among the newest 10 are shown" in html
    assert sorted(titles) == [f"Vigil statement {number:02d}" for number in range(20, 30)]
    assert re.search(r">Documents</a> <span class=\"count\">\(10\)", html)
    # A filter that leaves fewer matches than the bound counts them exactly.
    titles, html = results(client, q="vigil statement 07")
    assert titles[0] == "Vigil statement 07" and "About" not in html
    # Within the bound nothing changes: an exact count, every match ranked.
    settings.SEARCH_RANKED_MATCHES = 1000
    cache.clear()  # the page of that search is kept, as every page is
    titles, html = results(client, q="vigil")
    assert "30 results for “vigil”" in html and "About" not in html


def test_rebuild_search_index(seed):
    SearchEntry.objects.all().delete()
    out = StringIO()
    call_command("rebuild_search_index", "--dry-run", stdout=out)
    assert "Dry run" in out.getvalue()
    assert SearchEntry.objects.count() == 0
    call_command("rebuild_search_index", stdout=out)
    assert "archive.Document: 1 indexed" in out.getvalue()
    kinds = sorted(SearchEntry.objects.values_list("kind", flat=True))
    # Baku (the event's), Azerbaijan (containing Baku), New York (the commemoration's); not
    # Karabakh, which nothing public names.
    assert kinds == ["commemoration", "document", "event", "place", "place", "place"]


def _documents(count):
    issuer = make_organization()
    for number in range(count):
        make_document(
            issuer=issuer,
            title=f"Baku statement {number}",
            body="Baku remembers.",
            tags=[f"t{number % 3}", "shared"],
        )


@pytest.mark.parametrize("params", [{"q": "baku"}, {"q": "Bakı", "tag": "shared"}, {"q": "-x"}])
def test_search_uses_a_constant_number_of_queries(
    client, seed, django_assert_max_num_queries, params
):
    _documents(3)
    with django_assert_max_num_queries(15) as small:
        client.get("/search/", params)
    _documents(40)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get("/search/", params).status_code == 200


def test_a_search_reads_only_the_spellings_it_was_typed_with(client, seed):
    """Widening a query to a name's other spellings looks up the words typed, not every name:
    the same queries with two hundred people recorded in several spellings as with none."""

    def queries_for(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        sql = " ".join(query["sql"] for query in captured)
        # Names are looked up among the spellings recorded at indexing, by the words typed;
        # no name table is read while searching.
        assert "memorials_person" not in sql and "memorials_place" not in sql
        return len(captured)

    make_person(name="Məmmədov Elçin", name_variants="Mamedov Elchin\nМамедов Эльчин")
    before = queries_for("/search/?q=Mamedov+Elchin")
    for number in range(200):
        make_person(
            name=f"Həsənov Rəşad {number}",
            name_variants=f"Hasanov Rashad {number}\nГасанов Рашад {number}",
        )
    cache.clear()
    assert queries_for("/search/?q=Mamedov+Elchin") == before
    titles, _html = results(client, q="Мамедов Эльчин")
    assert "Məmmədov Elçin" in titles


def test_a_common_name_widens_a_query_to_a_bounded_number_of_spellings(db):
    from portal.search.query import MAX_SPELLINGS, parse_query, variants_of

    for number in range(MAX_SPELLINGS + 20):
        make_person(
            name="Məmmədov Elçin", name_variants=f"Mamedov Elchin\nMemmedov Elchin {number}"
        )
    parsed = parse_query("Mamedov Elchin", variants_of("Mamedov Elchin"))
    assert len(parsed.terms) == 1
    assert ("mamedov", "elchin") in parsed.terms[0].phrases
    assert len(parsed.terms[0].phrases) == MAX_SPELLINGS


def _index_rows():
    from portal.models import NameSpelling, NameWord, SearchEntryTag

    entries = SearchEntry.objects.order_by("key").values_list(
        "key", "kind", "title", "url", "text", "date", "year", "issuer_name", "public_from"
    )
    tags = SearchEntryTag.objects.order_by("entry__key", "slug").values_list("entry__key", "slug")
    spellings = NameSpelling.objects.order_by("key", "phrase").values_list("key", "phrase")
    name_words = NameWord.objects.order_by("model", "object_id", "word").values_list(
        "model", "object_id", "word", "spelling", "sound"
    )
    return list(entries), list(tags), list(spellings), list(name_words)


def test_a_rebuild_writes_the_rows_that_indexing_each_save_wrote(
    seed, django_assert_max_num_queries
):
    issuer = make_organization()
    for number in range(7):
        make_document(issuer=issuer, title=f"Vigil {number}", tags=["vigil", f"t{number % 2}"])
    for number in range(5):
        make_person(name=f"Məmmədov Elçin {number}", name_variants=f"Mamedov Elchin {number}")
    saved_one_by_one = _index_rows()
    assert len(saved_one_by_one[0]) > 15 and saved_one_by_one[1] and saved_one_by_one[3]
    with django_assert_max_num_queries(60):  # chunks, not a query per item
        call_command("rebuild_search_index", stdout=StringIO())
    assert _index_rows() == saved_one_by_one
