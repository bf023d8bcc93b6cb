"""No address, parameter or stored text gives a server error or XML that does not parse.

Every URL pattern of the project is requested with hostile values in each of its captures, the
public views with hostile query parameters, and the XML outputs (feeds, sitemaps, OAI-PMH) are
read back by parsers after a control character got into a published title.
"""

import re
import xml.etree.ElementTree as ET
from urllib.parse import quote, urlencode

import feedparser
import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern

from archive.models import Document
from tests.conftest import make_commemoration, make_document, make_event, make_person

pytestmark = pytest.mark.django_db

# Values a visitor, a crawler or an attacker may put anywhere in an address. Each is written
# into the address percent-encoded (as UTF-8), the way a browser sends it.
HOSTILE = {
    "zero": "0",
    "four zeros": "0000",
    "negative": "-1",
    "five digits": "10000",
    "twenty digits": "9" * 20,
    "NUL": "\x00",
    "SOH": "\x01",
    "ESC": "\x1b",
    "text with ESC": "black\x1bjanuary",
    "bidi override": "\u202e",
    "non-ASCII digit": "\u00b2",
    "5,000 characters": "9" * 5000,
}
# Bytes that are not UTF-8 at all, already percent-encoded as they arrive on the wire.
RAW_HOSTILE = {"invalid UTF-8": "%ff%fe"}


def hostile_values():
    """(label, percent-encoded value) for every hostile value."""
    yield from ((label, quote(value, safe="")) for label, value in HOSTILE.items())
    yield from RAW_HOSTILE.items()


def anonymous():
    return Client(raise_request_exception=False)


def server_errors(client, requests):
    """The requests among ``requests`` ((method, path, data) triples) that answered >= 500.
    Each comes from its own address, so that no rate limit or lockout hides a view."""
    failures = []
    for number, (method, path, data) in enumerate(requests):
        address = f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}"
        response = getattr(client, method)(path, data or {}, REMOTE_ADDR=address)
        if response.status_code >= 500:
            error = getattr(response, "exc_info", None)
            failures.append(
                (method, path[:200], data, response.status_code, error and repr(error[1])[:300])
            )
    return failures


# Walking the resolver -----------------------------------------------------------------------

ROUTE_CAPTURE = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def _regex_parts(regex: str) -> list:
    """A regex pattern as literal text and captures, ``("capture", name or None)``.

    Only what the project's (and the admin's) patterns use is understood: anchors, escaped
    literals and groups. Anything else fails here, so that no pattern is skipped silently."""
    regex = regex.removeprefix("^").removesuffix("$")
    parts, index = [], 0
    while index < len(regex):
        char = regex[index]
        if char == "(":
            depth, end = 1, index + 1
            while depth:
                depth += {"(": 1, ")": -1}.get(regex[end], 0)
                end += 2 if regex[end] == "\\" else 1
            group = regex[index:end]
            named = re.match(r"\(\?P<(\w+)>", group)
            parts.append(("capture", named.group(1) if named else None))
            index = end
        elif char == "\\":
            parts.append(regex[index + 1])
            index += 2
        else:
            assert char not in "[]{}*+?|.$^", f"cannot fill the regex pattern {regex!r}"
            parts.append(char)
            index += 1
    return parts


def _pattern_parts(pattern) -> list:
    if isinstance(pattern, RoutePattern):
        route, parts, position = str(pattern), [], 0
        for match in ROUTE_CAPTURE.finditer(route):
            parts.append(route[position : match.start()])
            parts.append(("capture", match.group("name")))
            position = match.end()
        return [*parts, route[position:]]
    if isinstance(pattern, RegexPattern):
        return _regex_parts(pattern._regex)
    raise AssertionError(f"unknown kind of pattern: {pattern!r}")


def url_templates():
    """Every URL pattern of the project as a list of literal parts and captures, once per
    interface language where the pattern sits under the language prefix."""

    def walk(resolver, prefixes):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver) and isinstance(entry.pattern, LocalePrefixPattern):
                # English at the root, the other languages under /az/, /ru/.
                for code, _name in settings.LANGUAGES:
                    prefix = "" if code == settings.LANGUAGE_CODE else f"{code}/"
                    yield from walk(entry, [*prefixes, [prefix]])
            elif isinstance(entry, URLResolver):
                yield from walk(entry, [*prefixes, _pattern_parts(entry.pattern)])
            else:
                assert isinstance(entry, URLPattern)
                yield (
                    entry,
                    [part for parts in prefixes for part in parts] + _pattern_parts(entry.pattern),
                )

    return list(walk(get_resolver(), []))


def fill(parts, values: dict, default: str) -> str:
    """The address with each capture given its value from ``values`` (by name or position),
    else ``default``."""
    path, position = "/", 0
    for part in parts:
        if isinstance(part, tuple):
            path += values.get(part[1] or position, default)
            position += 1
        else:
            path += part
    return path


def plausible_values(seed) -> dict:
    """Values that lead a capture to something that exists, so that a hostile value in one
    capture is met with the others valid and the view gets as far as it can."""
    document_type = ContentType.objects.get_for_model(Document)
    return {
        "year": str(seed.issued_on.year),
        "slug": seed.slug,
        "format": "bib",
        "section": "documents",
        "path": "attachments/missing.png",  # (media has one capture: never used)
        "app_label": "archive",
        "content_type_id": str(document_type.pk),
        "object_id": str(seed.pk),
        "url": "archive/",
        # The history view's unnamed captures: an object and one of its history records.
        0: str(seed.pk),
        1: "1",
    }


def hostile_requests(templates, good: dict):
    """For each pattern: every capture hostile at once, and each capture hostile alone with
    the others plausible. A pattern with no capture is requested as it is."""
    for _pattern, parts in templates:
        captures = [
            part[1] if part[1] is not None else index
            for index, part in enumerate(p for p in parts if isinstance(p, tuple))
        ]
        if not captures:
            yield ("get", fill(parts, {}, ""), None)
            continue
        for _label, value in hostile_values():
            yield ("get", fill(parts, {}, value), None)
            if len(captures) > 1:
                for capture in captures:
                    others = {name: quote(good.get(name, "1"), safe="") for name in captures}
                    yield ("get", fill(parts, {**others, capture: value}, ""), None)


def test_the_walk_covers_every_pattern_and_language():
    templates = url_templates()
    names = {pattern.name for pattern, _parts in templates}
    assert {"document", "document-text", "document-citation", "api-document", "oai"} <= names
    assert {"attachment-file", "sitemap-section", "login", "view_on_site"} <= names
    paths = {fill(parts, {}, "X") for _pattern, parts in templates}
    assert {"/archive/X/X/", "/az/archive/X/X/", "/ru/people/X/", "/admin/login/"} <= paths
    assert "/archive/X/X/cite.X" in paths


def test_no_address_gives_a_server_error(seed):
    templates = url_templates()
    good = plausible_values(seed)
    requests = list(hostile_requests(templates, good))
    assert len(requests) > len(templates) * 2
    assert server_errors(anonymous(), requests) == []


def admin_templates(*, history: bool):
    """The admin's patterns with a capture; its revision-history views apart (below)."""
    return [
        (pattern, parts)
        for pattern, parts in url_templates()
        if parts
        and parts[0] == "admin/"
        and any(isinstance(part, tuple) for part in parts)
        and (pattern.name or "").endswith("_history") == history
    ]


@pytest.fixture
def superuser_client(django_user_model):
    client = anonymous()
    client.force_login(django_user_model.objects.create_superuser("root", password="x"))
    return client


def test_no_address_in_the_admin_gives_a_server_error_to_a_superuser(seed, superuser_client):
    """The admin's pages behind the login, for a superuser: hostile object ids, app labels,
    content types. (Anonymous visitors were sent to the login page above.)"""
    requests = list(hostile_requests(admin_templates(history=False), plausible_values(seed)))
    assert len(requests) > 100
    assert server_errors(superuser_client, requests) == []


def test_no_address_in_the_admin_history_gives_a_server_error(seed, superuser_client):
    templates = admin_templates(history=True)
    assert {pattern.name for pattern, _parts in templates} >= {
        "archive_document_history",
        "archive_document_simple_history",
    }
    requests = list(hostile_requests(templates, plausible_values(seed)))
    assert server_errors(superuser_client, requests) == []


# Hostile query parameters -------------------------------------------------------------------

# The parameters the views read; "p" is the sitemap sections' page.
PARAMETERS = ["q", "event", "year", "kind", "issuer", "tag", "language", "page", "page_size",
              "verb", "identifier", "metadataPrefix", "from", "until", "set", "resumptionToken",
              "p"]  # fmt: skip


def public_views(seed):
    return ["/", "/archive/", "/az/archive/", "/search/", "/events/", "/people/", "/ru/people/",
            "/places/", "/calendar/", "/calendar.ics", "/api/documents/", "/api/events/", "/oai",
            "/feeds/documents/", "/feeds/commemorations/", "/sitemap.xml",
            "/sitemap-documents.xml", "/robots.txt",
            "/healthz", seed.get_absolute_url(), "/admin/login/"]  # fmt: skip


def test_no_query_parameter_gives_a_server_error(seed):
    requests = [
        ("get", f"{view}?{name}={value}", None)
        for view in public_views(seed)
        for name in PARAMETERS
        for _label, value in hostile_values()
    ]
    assert server_errors(anonymous(), requests) == []


def test_a_nul_byte_or_bytes_that_are_not_utf8_are_a_bad_request(seed):
    client = anonymous()
    for address in ["/people/?q=%00", "/people/?event=a%00b", "/archive/?q=%ff%fe",
                    "/media/attachments/a%00b.png", "/search/?q=caf%e9"]:  # fmt: skip
        assert client.get(address).status_code == 400, address
    # A session cookie holding a NUL byte (a quoted cookie may write it "\\000").
    forged = anonymous()
    forged.cookies["sessionid"] = "abcdefgh\x00ijklmnop"
    assert forged.get("/admin/").status_code == 400
    # Text that is merely unusual is not refused.
    assert client.get("/search/?q=%E2%80%AEBaku%1B").status_code == 200
    assert client.get(f"{seed.get_absolute_url()}?q=%C3%A9").status_code == 200


def test_years_outside_four_digits_are_not_found(seed):
    client = anonymous()
    slug = seed.slug
    for year in ["0", "0000", "10000", "9" * 20, "\u00b2\u00b2\u00b2\u00b2"]:
        for address in [f"/archive/{year}/{slug}/", f"/archive/{year}/{slug}.txt",
                        f"/archive/{year}/{slug}/cite.bib", f"/archive/{year}/{slug}/cite.ris",
                        f"/archive/{year}/{slug}/cite.json", f"/api/documents/{year}/{slug}/",
                        f"/az/archive/{year}/{slug}/"]:  # fmt: skip
            assert client.get(address).status_code == 404, address
    assert client.get(seed.get_absolute_url()).status_code == 200
    assert client.get(f"/api/documents/{seed.issued_on.year}/{slug}/").status_code == 200


def test_a_document_of_an_early_year_keeps_its_addresses():
    """Dates go back to year 1: such a document's year is written in four digits."""
    document = make_document(issued_on="0800-03-01", slug="early")
    assert document.get_absolute_url() == "/archive/0800/early/"
    client = anonymous()
    for address in [document.get_absolute_url(), document.get_text_url(),
                    "/archive/0800/early/cite.bib", "/api/documents/0800/early/"]:  # fmt: skip
        assert client.get(address).status_code == 200, address
    assert client.get("/archive/800/early/").status_code == 404


# OAI-PMH ------------------------------------------------------------------------------------

IDENTIFIER = "oai:commemoration-portal:archive/{year}/{slug}"


def oai_questions(seed):
    good_identifier = IDENTIFIER.format(year=seed.issued_on.year, slug=seed.slug)
    for label, value in HOSTILE.items():
        yield {"verb": value}
        yield {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": value}
        yield {"verb": "GetRecord", "metadataPrefix": value, "identifier": good_identifier}
        yield {
            "verb": "GetRecord",
            "metadataPrefix": "oai_dc",
            "identifier": IDENTIFIER.format(year=value, slug=seed.slug),
        }
        yield {
            "verb": "GetRecord",
            "metadataPrefix": "oai_dc",
            "identifier": IDENTIFIER.format(year=seed.issued_on.year, slug=value),
        }
        yield {"verb": "ListMetadataFormats", "identifier": value}
        yield {"verb": "ListSets", "resumptionToken": value}
        for verb in ["ListRecords", "ListIdentifiers"]:
            yield {"verb": verb, "metadataPrefix": value}
            for argument in ["from", "until", "set"]:
                yield {"verb": verb, "metadataPrefix": "oai_dc", argument: value}
            yield {"verb": verb, "resumptionToken": value}
        yield {"verb": "Identify", label: value}
        yield {"verb": "ListRecords", "metadataPrefix": "oai_dc", value: "1"}  # as a name
    for verb in ["ListRecords", "ListIdentifiers", "ListSets"]:
        yield {"verb": verb, "resumptionToken": ""}
    for day in ["0000-01-01", "0001-01-01", "9999-12-31", "9999-12-31T23:59:59Z"]:
        yield {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": day}
        yield {"verb": "ListRecords", "metadataPrefix": "oai_dc", "until": day}


def test_oai_answers_every_hostile_question_with_xml_that_parses(seed):
    client = anonymous()
    problems = []
    for arguments in oai_questions(seed):
        for method in ["get", "post"]:
            if method == "get":
                response = client.get("/oai", arguments)
            else:  # as harvesters post: a form, URL-encoded
                form = urlencode(arguments)
                response = client.post("/oai", form, "application/x-www-form-urlencoded")
            if method == "get" and "\x00" in "".join([*arguments, *arguments.values()]):
                # A NUL byte in the address is refused before the endpoint.
                assert response.status_code == 400
                continue
            try:
                root = ET.fromstring(response.content)
            except ET.ParseError as error:
                problems.append((method, arguments, response.status_code, str(error)))
                continue
            if response.status_code != 200 or root.find("{*}responseDate") is None:
                problems.append((method, arguments, response.status_code))
    assert problems == []


def oai_error(client, arguments):
    root = ET.fromstring(client.get("/oai", arguments).content)
    return root.find("{*}error").get("code"), root.find("{*}request").attrib


def test_oai_errors_for_hostile_identifiers_tokens_and_arguments(seed):
    client = anonymous()
    for year in ["0", "10000", "9" * 20, "\u00b2"]:
        identifier = IDENTIFIER.format(year=year, slug="x")
        code, _attributes = oai_error(
            client, {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": identifier}
        )
        assert code == "idDoesNotExist"
    for verb in ["ListRecords", "ListIdentifiers", "ListSets"]:
        assert oai_error(client, {"verb": verb, "resumptionToken": ""})[0] == "badResumptionToken"
    # Bytes that are not UTF-8 in a posted form are read as replacement characters.
    response = client.post(
        "/oai",
        "verb=GetRecord&metadataPrefix=oai_dc&identifier=%ff%fe",
        "application/x-www-form-urlencoded",
    )
    assert ET.fromstring(response.content).find("{*}error").get("code") == "idDoesNotExist"
    # A control character in an argument is never echoed in <request>.
    code, attributes = oai_error(
        client, {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "x\x1by"}
    )
    assert code == "badArgument"
    assert attributes == {}


# Stored text that XML cannot carry ----------------------------------------------------------


@pytest.fixture
def unruly_content(seed):
    """Published content whose text holds control characters, saved past the model's checks
    (the shell, an old import)."""
    event = make_event(name="Vigil\x0b night", slug="vigil-night")
    document = make_document(
        title="Statement\x0b on the \x1banniversary",
        summary="A summary\x01 with\x7f odd\ufffe characters",
        tags=["mourning\x1b"],
    )
    event.documents.add(document)
    make_commemoration(event=event, name="Meeting\x0c", description="Held\x08 in Baku")
    make_person(name="Name\x1b")
    return document


def test_a_control_character_in_a_title_keeps_the_feeds_readable(client, unruly_content):
    for address in ["/feeds/documents/", "/feeds/commemorations/"]:
        response = client.get(address)
        assert response.status_code == 200, address
        feed = feedparser.parse(response.content)
        assert not feed.bozo, (address, feed.get("bozo_exception"))
        assert feed.entries
    entries = feedparser.parse(client.get("/feeds/documents/").content).entries
    titles = [entry.title for entry in entries]
    assert "Statement on the anniversary" in titles


def test_a_control_character_in_a_title_keeps_oai_parseable(client, unruly_content):
    for arguments in [
        {"verb": "ListRecords", "metadataPrefix": "oai_dc"},
        {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"},
        {"verb": "ListSets"},
        {
            "verb": "GetRecord",
            "metadataPrefix": "oai_dc",
            "identifier": IDENTIFIER.format(
                year=unruly_content.issued_on.year, slug=unruly_content.slug
            ),
        },
    ]:
        response = client.get("/oai", arguments)
        assert response.status_code == 200
        root = ET.fromstring(response.content)
        assert root.find("{*}error") is None, arguments
    records = ET.fromstring(
        client.get("/oai", {"verb": "ListRecords", "metadataPrefix": "oai_dc"}).content
    )
    titles = [title.text for title in records.iter("{http://purl.org/dc/elements/1.1/}title")]
    assert "Statement on the anniversary" in titles


def test_sitemaps_still_parse(client, unruly_content):
    index = ET.fromstring(client.get("/sitemap.xml").content)
    sections = [location.text for location in index.findall(".//{*}loc")]
    assert len(sections) >= 5
    for section in sections:
        response = client.get(section.removeprefix("http://testserver"))
        assert response.status_code == 200, section
        assert ET.fromstring(response.content).findall("{*}url"), section


def test_pages_showing_control_characters_still_answer(client, unruly_content):
    for address in ["/", "/archive/", "/search/?q=statement", "/events/vigil-night/",
                    "/people/", "/calendar/", "/calendar.ics", "/api/documents/",
                    unruly_content.get_absolute_url()]:  # fmt: skip
        assert client.get(address).status_code == 200, address


def test_hostile_form_fields_are_no_server_error(seed):
    """What a form posts is read by the forms: a NUL byte or a control character is a
    message on the form (or a dropped post), never an error page."""
    event = make_event(slug="vigil")
    person = make_person(slug="someone")
    requests = []
    for _label, value in HOSTILE.items():
        for kind in ["candle", "message", value]:
            tribute = {"kind": kind, "name": value, "text": value, "website": ""}
            requests += [
                ("post", f"/events/{event.slug}/tributes/", tribute),
                ("post", f"/az/people/{person.slug}/tributes/", tribute),
            ]
        requests.append(("post", "/admin/login/", {"username": value, "password": value}))
        requests.append(("post", "/oai", {"verb": "GetRecord", "metadataPrefix": "oai_dc",
                                          "identifier": value}))  # fmt: skip
    client = anonymous()
    assert server_errors(client, requests) == []
