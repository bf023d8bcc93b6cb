"""OAI-PMH 2.0, harvested from the live test server with Sickle, a real OAI-PMH client."""

import datetime
import re

import pytest
import requests
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from lxml import etree
from sickle import Sickle
from sickle.iterator import OAIResponseIterator
from sickle.oaiexceptions import (
    BadArgument,
    BadResumptionToken,
    BadVerb,
    CannotDisseminateFormat,
    IdDoesNotExist,
    NoRecordsMatch,
)

from archive.models import Document
from front.oai import datestamp
from portal import freshness
from portal.publishing import Status
from tests import schemas
from tests.conftest import SEED_TITLE, make_document, make_organization

SEED_ID = "oai:commemoration-portal:archive/2008/the-black-january-18th-anniversary-of-the-soviet-invasion-of-baky"


@pytest.fixture
def harvester(live_server, transactional_db, settings):
    settings.OAI_PAGE_SIZE = 10
    call_command("load_initial_data", verbosity=0)
    return Sickle(f"{live_server.url}/oai", max_retries=0)


def _many(count):
    issuer = make_organization()
    for number in range(count):
        make_document(
            issuer=issuer,
            title=f"Statement {number:02d}",
            issued_on=f"2011-01-{number % 28 + 1:02d}",
        )


def test_identify(harvester):
    identify = harvester.Identify()
    assert identify.repositoryName == "Commemoration portal"
    assert identify.protocolVersion == "2.0"
    assert identify.deletedRecord == "persistent"  # withdrawn documents stay as deleted
    assert identify.granularity == "YYYY-MM-DDThh:mm:ssZ"
    assert identify.baseURL.endswith("/oai")


def test_list_metadata_formats(harvester):
    (format_,) = list(harvester.ListMetadataFormats())
    assert format_.metadataPrefix == "oai_dc"
    assert [f.metadataPrefix for f in harvester.ListMetadataFormats(identifier=SEED_ID)] == [
        "oai_dc"
    ]
    with pytest.raises(IdDoesNotExist):
        list(harvester.ListMetadataFormats(identifier="oai:commemoration-portal:archive/1999/none"))


def test_list_sets(harvester):
    specs = {s.setSpec: s.setName for s in harvester.ListSets()}
    assert specs == {
        "kind": "Documents by kind",
        "event": "Documents by event",
        "kind:press-release": "Kind: Press release",
        "event:black-january": "Event: Black January",
    }


def test_get_record_in_dublin_core(harvester):
    record = harvester.GetRecord(identifier=SEED_ID, metadataPrefix="oai_dc")
    assert record.header.identifier == SEED_ID
    assert record.header.setSpecs == ["kind:press-release", "event:black-january"]
    assert record.metadata["title"] == [SEED_TITLE]
    assert record.metadata["creator"] == [
        "Permanent Mission of the Republic of Azerbaijan to the United Nations"
    ]
    assert record.metadata["date"] == ["2008-01-21"]
    assert record.metadata["language"] == ["en"]
    assert record.metadata["identifier"][0].endswith(
        "/archive/2008/the-black-january-18th-anniversary-of-the-soviet-invasion-of-baky/"
    )
    assert record.metadata["coverage"] == ["Black January"]


def test_tags_are_subjects(harvester):
    Document.objects.get().tags.add("Memory", "Baku")
    _many(3)
    record = harvester.GetRecord(identifier=SEED_ID, metadataPrefix="oai_dc")
    assert record.metadata["subject"] == ["Baku", "Memory"]
    records = {r.header.identifier: r for r in harvester.ListRecords(metadataPrefix="oai_dc")}
    assert records[SEED_ID].metadata["subject"] == ["Baku", "Memory"]
    assert sum("subject" in r.metadata for r in records.values()) == 1


def test_a_harvester_pulls_the_whole_archive_with_resumption_tokens(harvester):
    _many(24)
    make_document(title="Draft", status=Status.DRAFT)
    records = list(harvester.ListRecords(metadataPrefix="oai_dc"))
    assert len(records) == 25  # three pages of ten
    assert len({record.header.identifier for record in records}) == 25
    assert "Draft" not in {record.metadata["title"][0] for record in records}
    identifiers = list(harvester.ListIdentifiers(metadataPrefix="oai_dc"))
    assert {h.identifier for h in identifiers} == {r.header.identifier for r in records}


def test_records_saved_in_the_same_instant_are_each_harvested_once(harvester):
    """A bulk import gives many records one change time: pages continue by key as well."""
    _many(24)
    same_instant = datetime.datetime(2026, 11, 20, 12, tzinfo=datetime.UTC)
    Document.objects.update(updated_at=same_instant, published_at=same_instant)
    records = list(harvester.ListRecords(metadataPrefix="oai_dc"))
    assert len(records) == 25 and len({r.header.identifier for r in records}) == 25


def test_a_record_changed_during_a_harvest_is_sent_again_later(harvester, live_server):
    _many(24)
    pages = harvester.ListIdentifiers(metadataPrefix="oai_dc")
    first_page = [next(pages).identifier for _ in range(10)]
    changed = Document.objects.get(title="Statement 00")
    changed.summary = "Changed while a harvest was under way."
    changed.save()
    rest = [header.identifier for header in pages]
    assert first_page[1].endswith(changed.slug)  # sent on the first page…
    assert rest[-1].endswith(changed.slug)  # …and again at the end, as changed
    assert len(set(first_page + rest)) == 25


def test_resumption_tokens_carry_size_and_cursor(harvester, live_server):
    _many(24)
    first = requests.get(
        f"{live_server.url}/oai",
        {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"},
        timeout=10,
    ).text
    assert 'completeListSize="25"' in first and 'cursor="0"' in first


def test_a_resumed_page_counts_nothing_again(harvester, live_server):
    """The list's size is counted for its first page and carried in the token: a resumed page
    reads its own records only, and the last one still says where the list ends."""
    _many(24)
    first = requests.get(
        f"{live_server.url}/oai",
        {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"},
        timeout=10,
    ).text
    token = re.search(r"<resumptionToken[^>]*>([^<]+)<", first)[1]
    asked = {"verb": "ListIdentifiers", "resumptionToken": token}
    freshness.touch()  # cold: nothing remembered from the first page
    with CaptureQueriesContext(connection) as queries:
        second = Client().get("/oai", asked).content.decode()
    assert 'completeListSize="25"' in second and 'cursor="10"' in second
    assert queries.captured_queries
    assert not [query for query in queries.captured_queries if "COUNT(" in query["sql"]]
    token = re.search(r"<resumptionToken[^>]*>([^<]+)<", second)[1]
    last = requests.get(f"{live_server.url}/oai", {**asked, "resumptionToken": token}, timeout=10)
    assert re.search(r'<resumptionToken completeListSize="25" cursor="20"\s*/>', last.text)


def test_sets_and_dates_select(harvester):
    _many(3)
    in_set = list(harvester.ListIdentifiers(metadataPrefix="oai_dc", set="event:black-january"))
    assert [h.identifier for h in in_set] == [SEED_ID]
    assert len(list(harvester.ListIdentifiers(metadataPrefix="oai_dc", set="kind:statement"))) == 3
    assert len(list(harvester.ListIdentifiers(metadataPrefix="oai_dc", set="kind"))) == 4
    may_2020 = datetime.datetime(2020, 5, 1, 12, tzinfo=datetime.UTC)
    Document.objects.filter(title="Statement 00").update(updated_at=may_2020, published_at=may_2020)
    (old,) = harvester.ListIdentifiers(metadataPrefix="oai_dc", until="2020-05-01")
    assert old.datestamp == "2020-05-01T12:00:00Z"
    assert (
        len(
            list(
                harvester.ListIdentifiers(
                    metadataPrefix="oai_dc", **{"from": "2020-05-01T12:00:01Z"}
                )
            )
        )
        == 3
    )
    with pytest.raises(NoRecordsMatch):
        list(harvester.ListIdentifiers(metadataPrefix="oai_dc", until="2000-01-01"))


@pytest.mark.parametrize(
    "arguments, error",
    [
        ({"verb": "Nonsense"}, BadVerb),
        ({"verb": "ListRecords"}, BadArgument),
        ({"verb": "ListRecords", "metadataPrefix": "marc21"}, CannotDisseminateFormat),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "yesterday"}, BadArgument),
        (
            {
                "verb": "ListRecords",
                "metadataPrefix": "oai_dc",
                "from": "2010-01-01",
                "until": "2009-01-01",
            },
            BadArgument,
        ),
        (
            {
                "verb": "ListRecords",
                "metadataPrefix": "oai_dc",
                "from": "2010-01-01",
                "until": "2011-01-01T00:00:00Z",
            },
            BadArgument,
        ),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "event:atlantis"}, BadArgument),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "surprise": "1"}, BadArgument),
        ({"verb": "ListRecords", "resumptionToken": "forged"}, BadResumptionToken),
        ({"verb": "ListRecords", "resumptionToken": "x", "metadataPrefix": "oai_dc"}, BadArgument),
        (
            {"verb": "GetRecord", "identifier": "oai:elsewhere:1", "metadataPrefix": "oai_dc"},
            IdDoesNotExist,
        ),
        ({"verb": "GetRecord", "identifier": SEED_ID}, BadArgument),
        ({"verb": "Identify", "extra": "x"}, BadArgument),
    ],
)
def test_protocol_errors(harvester, arguments, error):
    with pytest.raises(error):
        # Sickle reads the response and raises the protocol's error, for any verb.
        OAIResponseIterator(harvester, dict(arguments))


def test_a_repeated_verb_or_argument_and_post(live_server, transactional_db):
    response = requests.get(f"{live_server.url}/oai?verb=Identify&verb=Identify", timeout=10)
    assert 'code="badVerb"' in response.text
    response = requests.get(f"{live_server.url}/oai?verb=Identify&x=1&x=1", timeout=10)
    assert 'code="badArgument"' in response.text
    posted = requests.post(f"{live_server.url}/oai", data={"verb": "Identify"}, timeout=10)
    assert posted.status_code == 200 and "<repositoryName>" in posted.text


def test_a_first_page_asked_again_is_kept_but_dated_anew_and_a_publish_shows_at_once(client, db):
    """The first page of a harvest is kept for the content's version: asked again, it costs
    one query (the version), its responseDate is the time of asking, and a publish shows."""
    make_document(title="Statement before")
    first_page = {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}
    start = timezone.now()
    with time_machine.travel(start + datetime.timedelta(minutes=1), tick=False):
        before = client.get("/oai", first_page).content.decode()
    with time_machine.travel(start + datetime.timedelta(minutes=2), tick=False):
        with CaptureQueriesContext(connection) as queries:
            again = client.get("/oai", first_page).content.decode()
        queries_again = len(queries)  # read now: the next request empties the log
        published = make_document(title="Statement published between two harvests")
        after = client.get("/oai", first_page).content.decode()
    assert queries_again == 1
    asked_at = [
        re.search(r"<responseDate>(.*?)</responseDate>", page)[1] for page in [before, again]
    ]
    assert asked_at == [datestamp(start + datetime.timedelta(minutes=m)) for m in (1, 2)]
    assert re.sub(r"<responseDate>.*?</responseDate>", "", before) == re.sub(
        r"<responseDate>.*?</responseDate>", "", again
    )
    assert published.slug not in again and published.slug in after


def test_a_resumed_page_is_never_kept(client, db, settings):
    settings.OAI_PAGE_SIZE = 1
    for _ in range(3):
        make_document()
    first = client.get("/oai", {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"})
    token = re.search(r"<resumptionToken[^>]*>(.+?)</resumptionToken>", first.content.decode())[1]
    resumed = {"verb": "ListIdentifiers", "resumptionToken": token}
    client.get("/oai", resumed)
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/oai", resumed).content.decode()
    assert len(queries) > 1 and 'cursor="1"' in again


# Every response, errors included, against the official schemas (tests/schemas/): OAI-PMH 2.0
# with oai_dc and the simple Dublin Core schema it imports, read offline.

OAI_NS = "{http://www.openarchives.org/OAI/2.0/}"


def _valid_response(client, query: str):
    """The response to ``query`` (a raw query string, so arguments may repeat), after checking
    it against the schemas; its root element."""
    response = client.get(f"/oai?{query}")
    assert response.status_code == 200
    assert schemas.errors(schemas.oai_pmh(), response.content) == [], response.content.decode()
    return etree.fromstring(response.content)


def _error_code(root):
    error = root.find(f"{OAI_NS}error")
    return None if error is None else error.get("code")


SUCCESSES = [
    "verb=Identify",
    "verb=ListMetadataFormats",
    f"verb=ListMetadataFormats&identifier={SEED_ID}",
    "verb=ListSets",
    "verb=ListIdentifiers&metadataPrefix=oai_dc",
    "verb=ListIdentifiers&metadataPrefix=oai_dc&set=event:black-january",
    "verb=ListIdentifiers&metadataPrefix=oai_dc&set=kind&from=2000-01-01&until=2100-01-01",
    "verb=ListRecords&metadataPrefix=oai_dc",
    "verb=ListRecords&metadataPrefix=oai_dc&set=kind:press-release",
    "verb=ListRecords&metadataPrefix=oai_dc&from=2000-01-01T00:00:00Z&until=2100-01-01T00:00:00Z",
    f"verb=GetRecord&metadataPrefix=oai_dc&identifier={SEED_ID}",
]


@pytest.mark.parametrize("query", SUCCESSES)
def test_every_verb_answers_valid_oai_pmh(client, seed, query):
    seed.tags.add("Memory & <history>")
    root = _valid_response(client, query)
    assert _error_code(root) is None
    request = root.find(f"{OAI_NS}request")
    assert request.text == "http://testserver/oai"
    expected = dict(pair.split("=", 1) for pair in query.split("&"))
    assert dict(request.attrib) == expected


def test_identify_names_a_valid_admin_address(client, db, settings):
    settings.OAI_ADMIN_EMAIL = ""  # the default: derived from the site's own host
    for host, expected in [
        ("portal.example.az", "webmaster@portal.example.az"),
        ("testserver", "webmaster@example.org"),  # no domain name to derive it from
        ("127.0.0.1", "webmaster@example.org"),
    ]:
        settings.ALLOWED_HOSTS = [host]
        response = client.get("/oai", {"verb": "Identify"}, HTTP_HOST=host)
        assert schemas.errors(schemas.oai_pmh(), response.content) == []
        assert etree.fromstring(response.content).findtext(f".//{OAI_NS}adminEmail") == expected
    settings.OAI_ADMIN_EMAIL = "archive@mission.example"
    response = client.get("/oai", {"verb": "Identify"}, HTTP_HOST="127.0.0.1")
    assert b"<adminEmail>archive@mission.example</adminEmail>" in response.content


def test_resumed_pages_and_the_last_empty_token_are_valid(client, seed, settings):
    settings.OAI_PAGE_SIZE = 1
    _many(2)
    for verb in ["ListIdentifiers", "ListRecords"]:
        root = _valid_response(client, f"verb={verb}&metadataPrefix=oai_dc")
        tokens = 0
        while (token := root.findtext(f".//{OAI_NS}resumptionToken")) is not None and token:
            tokens += 1
            root = _valid_response(client, f"verb={verb}&resumptionToken={token}")
            assert root.find(f"{OAI_NS}request").attrib == {"verb": verb, "resumptionToken": token}
        assert tokens == 2


ERRORS = [
    # badVerb: missing, unknown, repeated; the request element then holds the base URL only.
    ("", "badVerb"),
    ("verb=", "badVerb"),
    ("verb=Nonsense", "badVerb"),
    ("verb=Identify&verb=Identify", "badVerb"),
    ("verb=Identify&verb=ListSets", "badVerb"),
    ("verb=List%3CSets%3E", "badVerb"),
    ("verb=Identify%01", "badVerb"),
    # badArgument: illegal, missing, repeated or malformed arguments.
    ("verb=Identify&extra=x", "badArgument"),
    ("verb=Identify&metadataPrefix=oai_dc&metadataPrefix=oai_dc", "badArgument"),
    ("verb=ListMetadataFormats&identifier=a&identifier=b", "badArgument"),
    ("verb=ListSets&set=kind", "badArgument"),
    ("verb=ListSets&resumptionToken=x&extra=y", "badArgument"),
    ("verb=ListRecords", "badArgument"),
    ("verb=ListIdentifiers&set=kind", "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai_dc&from=yesterday", "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai_dc&from=2020-13-45", "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai_dc&until=2020-01-01T00:00:00", "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai_dc&from=2010-01-01&until=2009-01-01", "badArgument"),
    (
        "verb=ListRecords&metadataPrefix=oai_dc&from=2010-01-01&until=2011-01-01T00:00:00Z",
        "badArgument",
    ),
    ("verb=ListRecords&metadataPrefix=oai_dc&set=event:atlantis", "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai_dc&set=kind:%20x", "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai_dc&set=a::b", "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai%20dc", "badArgument"),
    ("verb=ListRecords&metadataPrefix=%3Coai_dc%3E", "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai_dc&surprise=1", "badArgument"),
    ("verb=ListRecords&resumptionToken=x&metadataPrefix=oai_dc", "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai_dc&set=kind&set=event", "badArgument"),
    ("verb=GetRecord&identifier=" + SEED_ID, "badArgument"),
    ("verb=GetRecord&metadataPrefix=oai_dc", "badArgument"),
    ("verb=GetRecord&metadataPrefix=oai_dc&identifier=a%25zz", "badArgument"),
    ("verb=GetRecord&metadataPrefix=oai_dc&identifier=a%23b%23c", "badArgument"),
    ("verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:x:%5By%5D", "badArgument"),
    ("verb=ListMetadataFormats&identifier=:x", "badArgument"),
    ("verb=GetRecord&metadataPrefix=oai_dc&identifier=%01", "badArgument"),
    ("verb=GetRecord&metadataPrefix=oai_dc&identifier=", "badArgument"),
    # The errors that keep the request's arguments, which are then all legal values.
    ("verb=ListSets&resumptionToken=anything", "badResumptionToken"),
    ("verb=ListRecords&resumptionToken=forged", "badResumptionToken"),
    ("verb=ListIdentifiers&resumptionToken=", "badResumptionToken"),
    ("verb=ListRecords&metadataPrefix=marc21", "cannotDisseminateFormat"),
    ("verb=ListIdentifiers&metadataPrefix=marc21&set=kind", "cannotDisseminateFormat"),
    (f"verb=GetRecord&metadataPrefix=marc21&identifier={SEED_ID}", "cannotDisseminateFormat"),
    ("verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:elsewhere:1", "idDoesNotExist"),
    (
        "verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:commemoration-portal:archive/0/x",
        "idDoesNotExist",
    ),
    ("verb=ListMetadataFormats&identifier=oai:commemoration-portal:x", "idDoesNotExist"),
    # Any URI is a legal identifier, echoed as given; XML Schema's anyURI escapes the rest.
    ("verb=GetRecord&metadataPrefix=oai_dc&identifier=a%20b%7Bc%7D%3Cd%3E", "idDoesNotExist"),
    ("verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:x:%C3%BC%C2%B2", "idDoesNotExist"),
    ("verb=ListRecords&metadataPrefix=oai_dc&until=2000-01-01", "noRecordsMatch"),
    ("verb=ListIdentifiers&metadataPrefix=oai_dc&set=kind:letter", "noRecordsMatch"),
]


@pytest.mark.parametrize("query, code", ERRORS)
def test_every_error_is_valid_oai_pmh(client, seed, query, code):
    root = _valid_response(client, query)
    assert _error_code(root) == code
    request = root.find(f"{OAI_NS}request")
    assert request.text == "http://testserver/oai"
    if code in {"badVerb", "badArgument"}:
        # "the repository must return the base URL of the protocol request only"
        assert dict(request.attrib) == {}
    else:
        from urllib.parse import parse_qsl

        assert dict(request.attrib) == dict(parse_qsl(query, keep_blank_values=True))


@pytest.mark.parametrize("method", ["get", "post"])
def test_errors_by_post_are_valid_too(client, seed, method):
    send = getattr(client, method)
    for data, code in [
        ({"verb": ["Identify", "Identify"]}, "badVerb"),
        ({"verb": "Identify", "x": ["1", "2"]}, "badArgument"),
        (
            {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "oai:x:y"},
            "idDoesNotExist",
        ),
    ]:
        response = send("/oai", data)
        assert schemas.errors(schemas.oai_pmh(), response.content) == []
        assert _error_code(etree.fromstring(response.content)) == code


# Deleted records: a document withdrawn after it was public stays in the repository as deleted.


def _withdrawn(document, moment):
    with time_machine.travel(moment, tick=False):
        document.status = Status.WITHDRAWN
        document.withdrawal_reason = "Replaced by a corrected release."
        document.save()
    return document


def _headers(root):
    return {
        header.findtext(f"{OAI_NS}identifier"): header for header in root.iter(f"{OAI_NS}header")
    }


def test_a_withdrawn_document_is_a_deleted_record_dated_by_its_withdrawal(client, seed):
    withdrawn_at = datetime.datetime(2026, 11, 26, 10, 30, tzinfo=datetime.UTC)
    _withdrawn(seed, withdrawn_at)
    seed.summary = "A later edit does not move the deletion."
    seed.save()
    make_document(title="Never public", status=Status.DRAFT)
    kept = make_document(title="Still public")
    for verb in ["ListIdentifiers", "ListRecords"]:
        root = _valid_response(client, f"verb={verb}&metadataPrefix=oai_dc")
        headers = _headers(root)
        assert set(headers) == {SEED_ID, f"oai:commemoration-portal:archive/2010/{kept.slug}"}
        deleted = headers[SEED_ID]
        assert deleted.get("status") == "deleted"
        assert deleted.findtext(f"{OAI_NS}datestamp") == "2026-11-26T10:30:00Z"
        assert headers[f"oai:commemoration-portal:archive/2010/{kept.slug}"].get("status") is None
        assert b"Never public" not in etree.tostring(root)
    records = _valid_response(client, "verb=ListRecords&metadataPrefix=oai_dc")
    (deleted_record,) = [
        record
        for record in records.iter(f"{OAI_NS}record")
        if record.find(f"{OAI_NS}header").get("status") == "deleted"
    ]
    assert deleted_record.find(f"{OAI_NS}metadata") is None
    assert SEED_TITLE.encode() not in etree.tostring(records)
    record = _valid_response(
        client, f"verb=GetRecord&metadataPrefix=oai_dc&identifier={SEED_ID}"
    ).find(f".//{OAI_NS}record")
    assert record.find(f"{OAI_NS}header").get("status") == "deleted"
    assert record.find(f"{OAI_NS}metadata") is None
    formats = _valid_response(client, f"verb=ListMetadataFormats&identifier={SEED_ID}")
    assert _error_code(formats) is None
    identify = _valid_response(client, "verb=Identify")
    assert identify.findtext(f".//{OAI_NS}deletedRecord") == "persistent"


def test_a_harvester_asking_since_the_withdrawal_learns_of_it(client, seed):
    _withdrawn(seed, datetime.datetime(2026, 11, 26, 10, 30, tzinfo=datetime.UTC))
    since = _valid_response(
        client, "verb=ListIdentifiers&metadataPrefix=oai_dc&from=2026-11-26T10:30:00Z"
    )
    assert _headers(since)[SEED_ID].get("status") == "deleted"
    in_set = _valid_response(
        client, "verb=ListIdentifiers&metadataPrefix=oai_dc&set=kind:press-release&from=2026-11-26"
    )
    assert list(_headers(in_set)) == [SEED_ID]
    after = _valid_response(
        client, "verb=ListIdentifiers&metadataPrefix=oai_dc&from=2026-11-26T10:30:01Z"
    )
    assert _error_code(after) == "noRecordsMatch"
    # Published again: a record like any other, no longer deleted.
    seed.status = Status.PUBLISHED
    seed.save()
    again = _valid_response(client, f"verb=GetRecord&metadataPrefix=oai_dc&identifier={SEED_ID}")
    assert again.find(f".//{OAI_NS}header").get("status") is None


def test_deleted_and_public_records_share_one_harvest_in_order(client, db, settings):
    settings.OAI_PAGE_SIZE = 2
    moments = [datetime.datetime(2026, 11, day, 12, tzinfo=datetime.UTC) for day in (20, 21, 22)]
    documents = []
    for moment in moments:
        with time_machine.travel(moment, tick=False):
            documents.append(make_document())
    _withdrawn(documents[0], datetime.datetime(2026, 11, 23, 12, tzinfo=datetime.UTC))
    _withdrawn(documents[1], datetime.datetime(2026, 11, 21, 18, tzinfo=datetime.UTC))
    root = _valid_response(client, "verb=ListIdentifiers&metadataPrefix=oai_dc")
    harvested = []
    while True:
        harvested += [
            (h.findtext(f"{OAI_NS}identifier").rsplit("/", 1)[1], h.get("status"))
            for h in root.iter(f"{OAI_NS}header")
        ]
        token = root.findtext(f".//{OAI_NS}resumptionToken")
        if not token:
            break
        root = _valid_response(client, f"verb=ListIdentifiers&resumptionToken={token}")
    assert harvested == [
        (documents[1].slug, "deleted"),  # 21 November, 18:00
        (documents[2].slug, None),  # 22 November
        (documents[0].slug, "deleted"),  # 23 November
    ]
