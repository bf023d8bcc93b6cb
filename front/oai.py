"""OAI-PMH 2.0 at /oai, so that libraries can harvest the archive's public documents.

Records are public documents in Dublin Core (oai_dc). Sets: ``kind:<kind>`` and
``event:<slug>``. Datestamps are the documents' last change, to the second, in UTC. Resumption
tokens are signed and carry the whole request, so the server keeps no state between pages.

A document withdrawn after it was public stays as a deleted record (deletedRecord
"persistent"): its header with status="deleted" and no metadata, dated by its withdrawal, so a
harvester asking for changes since then learns of it. Documents never public are not in the
repository at all.
"""

import datetime
import functools
import heapq
import re
import xml.etree.ElementTree as ET
from urllib.parse import quote

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import F, Min, Prefetch, Q
from django.http import HttpResponse
from django.http.request import split_domain_port
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from taggit.models import TaggedItem

from archive import iiif
from archive.models import Document
from memorials.models import Event
from portal import freshness
from portal.converters import parse_year
from portal.publishing import Status, public_q
from portal.xmltext import is_xml_safe, xml_safe

OAI = "http://www.openarchives.org/OAI/2.0/"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
for prefix, uri in [("", OAI), ("oai_dc", OAI_DC), ("dc", DC), ("xsi", XSI)]:
    ET.register_namespace(prefix, uri)

REPOSITORY_ID = "commemoration-portal"
METADATA_FORMATS = {
    "oai_dc": ("http://www.openarchives.org/OAI/2.0/oai_dc.xsd", OAI_DC),
}
VERB_ARGUMENTS = {  # verb: (required, optional, exclusive)
    "Identify": (set(), set(), None),
    "ListMetadataFormats": (set(), {"identifier"}, None),
    "ListSets": (set(), set(), "resumptionToken"),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set"}, "resumptionToken"),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set"}, "resumptionToken"),
    "GetRecord": ({"identifier", "metadataPrefix"}, set(), None),
}
TOKEN_SALT = "portal.oai.resumption"  # noqa: S105 -- a signing namespace, not a secret


class OAIError(Exception):
    def __init__(self, code: str, message: str):
        self.code, self.message = code, message
        super().__init__(message)


def page_size() -> int:
    return getattr(settings, "OAI_PAGE_SIZE", 100)


def identifier_of(document) -> str:
    return f"oai:{REPOSITORY_ID}:archive/{document.issued_on.year:04d}/{document.slug}"


def document_for(identifier: str):
    """The public or deleted (withdrawn) document an identifier names, or None."""
    prefix = f"oai:{REPOSITORY_ID}:archive/"
    local = identifier.removeprefix(prefix) if identifier.startswith(prefix) else ""
    year, _, slug = local.partition("/")
    year = parse_year(year)  # four ASCII digits, as in the addresses: never 0 or 10000
    if year is None or not slug:
        return None
    for documents, deleted in [(Document.objects.public(), False), (withdrawn_documents(), True)]:
        document = with_record_parts(documents).filter(issued_on__year=year, slug=slug).first()
        if document is not None:
            document.deleted = deleted
            return document
    return None


def withdrawn_documents():
    """The deleted records: documents withdrawn after they were public, each with its
    ``changed_at``, the moment of its withdrawal. Asked by their status first, which the
    database reads from its index: few documents are not published."""
    unpublished = [status for status in Status.values if status != Status.PUBLISHED]
    return (
        Document.objects.filter(status__in=unpublished)
        .withdrawn()
        .annotate(changed_at=F("withdrawn_at"))
    )


def datestamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_datestamp(value: str, *, end: bool) -> tuple[datetime.datetime, str]:
    """A from/until argument in either granularity, and which granularity it used."""
    for pattern, granularity in [("%Y-%m-%dT%H:%M:%SZ", "seconds"), ("%Y-%m-%d", "day")]:
        try:
            moment = datetime.datetime.strptime(value, pattern).replace(tzinfo=datetime.UTC)
        except ValueError:
            continue
        if granularity == "day" and end:
            moment += datetime.timedelta(days=1) - datetime.timedelta(microseconds=1)
        elif granularity == "seconds" and end:
            moment += datetime.timedelta(seconds=1) - datetime.timedelta(microseconds=1)
        return moment, granularity
    raise OAIError("badArgument", "A date is not YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ.")


# What a record needs of its documents and their issuers, and nothing else (a hundred records
# a page: not the text, which can be long, nor what would only be read and converted); of their
# events, only the public ones, as plain lists (a related manager per document costs more than
# the rest of its record).
RECORD_FIELDS = [
    *["title", "slug", "kind", "language", "issued_on", "summary", "issuer__name"],
    *["updated_at", "published_at", "withdrawn_at"],  # the record's datestamp
]


def with_record_parts(documents):
    public_events = Event.objects.public().only("id", "slug", "name")
    documents = documents.select_related("issuer").only(*RECORD_FIELDS)
    # Whether it has a scan, whose IIIF manifest its record names (in the same query).
    return iiif.with_scan_flag(documents).prefetch_related(
        Prefetch("events", queryset=public_events, to_attr="public_events")
    )


def set_specs(document) -> list[str]:
    return [f"kind:{document.kind}", *[f"event:{event.slug}" for event in document.public_events]]


def check_arguments(params: dict) -> str:
    verb = params.get("verb")
    if verb not in VERB_ARGUMENTS:
        raise OAIError(
            "badVerb", "The verb is missing." if not verb else "The verb is not an OAI-PMH verb."
        )
    required, optional, exclusive = VERB_ARGUMENTS[verb]
    given = set(params) - {"verb"}
    if exclusive and exclusive in given:
        if given != {exclusive}:
            raise OAIError("badArgument", f"{exclusive} must be the only argument.")
        return verb
    unknown = given - required - optional
    if unknown:
        raise OAIError("badArgument", f"Illegal argument(s): {', '.join(sorted(unknown))}.")
    missing = required - given
    if missing:
        raise OAIError("badArgument", f"Missing argument(s): {', '.join(sorted(missing))}.")
    return verb


# The syntax the protocol's schema gives each argument (OAI-PMH.xsd, requestType): a value
# outside it is an illegal argument, and is never echoed in <request>.
_PREFIX_CHARACTER = r"[A-Za-z0-9\-_.!~*'()]"
METADATA_PREFIX = re.compile(f"{_PREFIX_CHARACTER}+")
SET_SPEC = re.compile(f"{_PREFIX_CHARACTER}+(?::{_PREFIX_CHARACTER}+)*")


def _uri_reference() -> re.Pattern:
    """RFC 3986's URI-reference, without IP literals (no identifier here needs one)."""
    unreserved, pct, sub = r"[A-Za-z0-9\-._~]", r"%[0-9A-Fa-f]{2}", r"[!$&'()*+,;=]"
    pchar = f"(?:{unreserved}|{pct}|{sub}|[:@])"
    segment, segment_nz = f"{pchar}*", f"{pchar}+"
    segment_nz_nc = f"(?:{unreserved}|{pct}|{sub}|@)+"
    authority = f"(?:(?:{unreserved}|{pct}|{sub}|:)*@)?(?:{unreserved}|{pct}|{sub})*(?::[0-9]*)?"
    path_abempty = f"(?:/{segment})*"
    path_absolute = f"/(?:{segment_nz}{path_abempty})?"
    tail = f"(?:\\?(?:{pchar}|[/?])*)?(?:#(?:{pchar}|[/?])*)?"
    hier_part = f"(?://{authority}{path_abempty}|{path_absolute}|{segment_nz}{path_abempty}|)"
    relative_part = (
        f"(?://{authority}{path_abempty}|{path_absolute}|{segment_nz_nc}{path_abempty}|)"
    )
    scheme = r"[A-Za-z][A-Za-z0-9+\-.]*"
    return re.compile(f"{scheme}:{hier_part}{tail}|{relative_part}{tail}")


URI_REFERENCE = _uri_reference()
# What XML Schema's anyURI escapes before reading a value as a URI (XLink's rule): characters
# outside ASCII, controls, space and <>"{}|\^`.
_TO_ESCAPE = re.compile(r'[^\x21-\x7e]|[<>"{}|\\^`]')


def is_uri(value: str) -> bool:
    """Whether ``value`` is an anyURI, the type an identifier has in the protocol's schema."""
    escaped = _TO_ESCAPE.sub(lambda match: quote(match[0], safe=""), value)
    return bool(value) and URI_REFERENCE.fullmatch(escaped) is not None


def check_values(arguments: dict) -> None:
    """Each argument's value has the syntax the protocol gives it, else badArgument."""
    if not all(is_xml_safe(value) for value in arguments.values()):
        # Not echoed in <request> (it would not be XML), and no identifier, set or date
        # holds such a character.
        raise OAIError("badArgument", "An argument holds a character XML cannot carry.")
    syntax = [
        ("metadataPrefix", METADATA_PREFIX.fullmatch, "a metadata prefix"),
        ("set", SET_SPEC.fullmatch, "a set spec"),
        ("identifier", is_uri, "a URI"),
    ]
    for name, legal, what in syntax:
        if name in arguments and not legal(arguments[name]):
            raise OAIError("badArgument", f"The {name} argument is not {what}.")
    for name in ["from", "until"]:
        if name in arguments:
            parse_datestamp(arguments[name], end=name == "until")


def _element(parent, tag, text=None, **attributes):
    """ElementTree writes any character as it is: what XML cannot carry is dropped here, so
    that a control character in a stored title leaves the response well formed."""
    element = ET.SubElement(
        parent, tag, {key: xml_safe(value) for key, value in attributes.items()}
    )
    if text is not None:
        element.text = xml_safe(text)
    return element


def _header(parent, document):
    deleted = getattr(document, "deleted", False)
    header = _element(parent, f"{{{OAI}}}header", **({"status": "deleted"} if deleted else {}))
    _element(header, f"{{{OAI}}}identifier", identifier_of(document))
    moment = document.withdrawn_at if deleted else document.public_change_time
    _element(header, f"{{{OAI}}}datestamp", datestamp(moment))
    for spec in set_specs(document):
        _element(header, f"{{{OAI}}}setSpec", spec)


@functools.cache
def kind_labels() -> dict[str, str]:
    """The kinds' names in English, the language of this endpoint, as plain strings:
    get_kind_display() resolves a lazy translation for every record."""
    with translation.override("en"):
        return {value: str(label) for value, label in Document.Kind.choices}


def document_addresses(request):
    """Each document's absolute address, for a page of records: written after one resolved
    (``Document.address_writer``), not resolved for each."""
    site = request.build_absolute_uri("/").removesuffix("/")
    path = Document.address_writer()
    return lambda document: site + path(document.issued_on, document.slug)


def _record(parent, document, request, tags, address):
    record = _element(parent, f"{{{OAI}}}record")
    _header(record, document)
    if getattr(document, "deleted", False):
        return  # a deleted record is its header alone
    metadata = _element(record, f"{{{OAI}}}metadata")
    dc = _element(
        metadata,
        f"{{{OAI_DC}}}dc",
        **{f"{{{XSI}}}schemaLocation": f"{OAI_DC} http://www.openarchives.org/OAI/2.0/oai_dc.xsd"},
    )
    values = [
        ("title", document.title),
        ("creator", document.issuer.name),
        ("publisher", document.issuer.name),
        ("date", document.issued_on.isoformat()),
        ("type", "Text"),
        ("type", kind_labels().get(document.kind, document.kind)),
        ("format", "text/plain"),
        ("language", document.language),
        ("identifier", address(document)),
        # The scan of the original, as a IIIF manifest (a related resource, not the text).
        ("relation", document.has_scan and request.build_absolute_uri(iiif.manifest_url(document))),
        ("description", document.summary),
        *[("subject", name) for name in tags.get(document.pk, [])],
        *[("coverage", event.name) for event in document.public_events],
    ]
    for name, value in values:
        if value:
            _element(dc, f"{{{DC}}}{name}", value)


def _tag_names(documents) -> dict[int, list[str]]:
    """Each document's tag names, in one query. (Prefetching through the tag manager builds a
    queryset per document, a third of a page's time at a hundred records.)"""
    names = {}
    links = TaggedItem.objects.filter(
        content_type=ContentType.objects.get_for_model(Document),
        object_id__in=[document.pk for document in documents],
    )
    for object_id, name in links.order_by("tag__name").values_list("object_id", "tag__name"):
        names.setdefault(object_id, []).append(name)
    return names


def _selection(arguments: dict):
    """The public documents and the deleted records the arguments select, each ordered by
    change time and key: (public, deleted)."""
    select = _selector(arguments)
    public = Document.objects.public().with_public_change_time()
    return select(public), select(withdrawn_documents())


def _selector(arguments: dict):
    """What the dates and the set select, as a function of the documents to select from
    (the arguments are checked once, here)."""
    conditions, distinct = [], False
    if "from" in arguments or "until" in arguments:
        start = parse_datestamp(arguments["from"], end=False) if "from" in arguments else None
        end = parse_datestamp(arguments["until"], end=True) if "until" in arguments else None
        if start and end and start[1] != end[1]:
            raise OAIError("badArgument", "from and until must have the same granularity.")
        if start and end and start[0] > end[0]:
            raise OAIError("badArgument", "from is later than until.")
        if start:
            conditions.append(Q(changed_at__gte=start[0]))
        if end:
            conditions.append(Q(changed_at__lte=end[0]))
    spec = arguments.get("set")
    if spec:
        kind, _, value = spec.partition(":")
        if spec == "kind":
            pass  # every document has a kind
        elif spec == "event":
            conditions.append(public_q("events__"))
            distinct = True
        elif kind == "kind" and value in Document.Kind.values:
            conditions.append(Q(kind=value))
        elif kind == "event" and Event.objects.public().filter(slug=value).exists():
            conditions.append(Q(events__slug=value))
        else:
            raise OAIError("badArgument", f"No such set {spec!r}.")

    def select(documents):
        for condition in conditions:
            documents = documents.filter(condition)
        if distinct:
            documents = documents.distinct()
        return documents.order_by("changed_at", "pk")

    return select


def _page(public, deleted, after) -> tuple[list, bool]:
    """The next page of records after ``after`` (the last one sent: its change time, then its
    key), public and deleted in one order, and whether more follow. Each is read from its own
    index, where an offset would read every record before it; the two are merged here."""
    parts = []
    size = page_size()
    for documents, is_deleted in [(public, False), (deleted, True)]:
        if after:
            changed_at, pk = after
            documents = documents.filter(
                Q(changed_at__gt=changed_at) | Q(changed_at=changed_at, pk__gt=pk)
            )
        records = list(with_record_parts(documents)[: size + 1])
        for document in records:
            document.deleted = is_deleted
        parts.append(records)
    merged = list(heapq.merge(*parts, key=lambda document: (document.changed_at, document.pk)))
    return merged[:size], len(merged) > size


def _list(verb, root, arguments, request):
    token = arguments.get("resumptionToken")
    offset, after = 0, None
    if token is not None:  # an empty token is a bad one, not a first page
        try:
            state = signing.loads(token, salt=TOKEN_SALT, max_age=60 * 60 * 24)
            arguments, offset = state["arguments"], int(state["offset"])
            after = datetime.datetime.fromisoformat(state["after"][0]), int(state["after"][1])
        except (signing.BadSignature, KeyError, TypeError, ValueError, IndexError):
            raise OAIError(
                "badResumptionToken", "The resumption token is invalid or expired."
            ) from None
    if arguments["metadataPrefix"] not in METADATA_FORMATS:
        raise OAIError("cannotDisseminateFormat", f"No format {arguments['metadataPrefix']!r}.")
    public, deleted = _selection(arguments)
    if token is None:
        selection = sorted(arguments.items())
        total = freshness.remember(
            f"oai count {selection}", lambda: public.count() + deleted.count()
        )
    else:
        # The size counted for the harvest's first page: counting again for every page would
        # read every record each time, and the protocol lets the size be an estimate.
        total = state.get("total", 0)
    if token is None and total == 0:
        raise OAIError("noRecordsMatch", "No records match.")
    page, more = _page(public, deleted, after)
    if token is not None and not page:
        raise OAIError("badResumptionToken", "The resumption token points past the end.")
    tags = _tag_names(page) if verb == "ListRecords" else {}
    address = document_addresses(request)
    container = _element(root, f"{{{OAI}}}{verb}")
    for document in page:
        if verb == "ListRecords":
            _record(container, document, request, tags, address)
        else:
            _header(container, document)
    following = offset + len(page)
    if token or more:
        last = page[-1]
        state = {
            "arguments": arguments,
            "offset": following,
            "after": [last.changed_at.isoformat(), last.pk],
            "total": max(total, following + more),
        }
        next_token = signing.dumps(state, salt=TOKEN_SALT) if more else ""
        _element(
            container,
            f"{{{OAI}}}resumptionToken",
            next_token,
            completeListSize=str(total),
            cursor=str(offset),
        )


def admin_email(request) -> str:
    """OAI_ADMIN_EMAIL or, left empty, the webmaster of the site's own host (RFC 2142's
    conventional mailbox) when that host is a domain name. The protocol's schema takes only an
    address whose domain has a dot, so a host such as ``localhost`` or an IP address gives the
    reserved ``webmaster@example.org`` instead: production sets OAI_ADMIN_EMAIL."""
    configured = getattr(settings, "OAI_ADMIN_EMAIL", "")
    if configured:
        return configured
    domain, _port = split_domain_port(request.get_host())
    address = f"webmaster@{domain}"
    try:
        validate_email(address)  # a domain name with a top-level domain: no IP, no localhost
    except ValidationError:
        return "webmaster@example.org"
    return address


def _respond(verb, root, arguments, request):
    if verb == "Identify":
        identify = _element(root, f"{{{OAI}}}Identify")
        moments = [
            Document.objects.public()
            .with_public_change_time()
            .aggregate(first=Min("changed_at"))["first"],
            withdrawn_documents().aggregate(first=Min("changed_at"))["first"],
        ]
        earliest = min(filter(None, moments), default=None)
        for name, value in [
            ("repositoryName", "Commemoration portal"),
            ("baseURL", request.build_absolute_uri("/oai")),
            ("protocolVersion", "2.0"),
            ("adminEmail", admin_email(request)),
            ("earliestDatestamp", datestamp(earliest or timezone.now())),
            ("deletedRecord", "persistent"),
            ("granularity", "YYYY-MM-DDThh:mm:ssZ"),
        ]:
            _element(identify, f"{{{OAI}}}{name}", value)
    elif verb == "ListMetadataFormats":
        if "identifier" in arguments and document_for(arguments["identifier"]) is None:
            raise OAIError("idDoesNotExist", f"No record {arguments['identifier']!r}.")
        formats = _element(root, f"{{{OAI}}}ListMetadataFormats")
        for prefix, (schema, namespace) in METADATA_FORMATS.items():
            entry = _element(formats, f"{{{OAI}}}metadataFormat")
            _element(entry, f"{{{OAI}}}metadataPrefix", prefix)
            _element(entry, f"{{{OAI}}}schema", schema)
            _element(entry, f"{{{OAI}}}metadataNamespace", namespace)
    elif verb == "ListSets":
        if "resumptionToken" in arguments:
            raise OAIError("badResumptionToken", "ListSets is never split; no token applies.")
        sets = _element(root, f"{{{OAI}}}ListSets")
        for spec, name in [("kind", "Documents by kind"), ("event", "Documents by event")]:
            entry = _element(sets, f"{{{OAI}}}set")
            _element(entry, f"{{{OAI}}}setSpec", spec)
            _element(entry, f"{{{OAI}}}setName", name)
        kinds = set(Document.objects.public().order_by().values_list("kind", flat=True).distinct())
        for value, label in Document.Kind.choices:
            if value in kinds:
                entry = _element(sets, f"{{{OAI}}}set")
                _element(entry, f"{{{OAI}}}setSpec", f"kind:{value}")
                _element(entry, f"{{{OAI}}}setName", f"Kind: {label}")
        for event in Event.objects.public().filter(public_q("documents__")).distinct():
            entry = _element(sets, f"{{{OAI}}}set")
            _element(entry, f"{{{OAI}}}setSpec", f"event:{event.slug}")
            _element(entry, f"{{{OAI}}}setName", f"Event: {event.name}")
    elif verb == "GetRecord":
        if arguments["metadataPrefix"] not in METADATA_FORMATS:
            raise OAIError("cannotDisseminateFormat", f"No format {arguments['metadataPrefix']!r}.")
        document = document_for(arguments["identifier"])
        if document is None:
            raise OAIError("idDoesNotExist", f"No record {arguments['identifier']!r}.")
        record = _element(root, f"{{{OAI}}}GetRecord")
        _record(record, document, request, _tag_names([document]), document_addresses(request))
    else:
        _list(verb, root, arguments, request)


# The response date is set as each response goes out: the rest of a response is the same for
# the same question and content, and is kept (``endpoint``).
RESPONSE_DATE_MARK = "{response-date}"


def response_body(request, source) -> bytes:
    """The response to the arguments in ``source``, with RESPONSE_DATE_MARK for its date."""
    root = ET.Element(
        f"{{{OAI}}}OAI-PMH",
        {f"{{{XSI}}}schemaLocation": f"{OAI} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"},
    )
    _element(root, f"{{{OAI}}}responseDate", RESPONSE_DATE_MARK)
    request_element = _element(root, f"{{{OAI}}}request", request.build_absolute_uri("/oai"))
    try:
        repeated = {key for key, values in source.lists() if len(values) > 1}
        if "verb" in repeated:
            raise OAIError("badVerb", "The verb is repeated.")
        if repeated:
            raise OAIError("badArgument", "An argument is repeated.")
        arguments = {key: value for key, value in source.items()}
        verb = check_arguments(arguments)
        check_values(arguments)
        for key, value in arguments.items():
            request_element.set(key, value)
        _respond(verb, root, {k: v for k, v in arguments.items() if k != "verb"}, request)
    except OAIError as error:
        if error.code in {"badVerb", "badArgument"}:
            # "the repository must return the base URL of the protocol request only"
            request_element.attrib.clear()
        _element(root, f"{{{OAI}}}error", error.message, code=error.code)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


@csrf_exempt  # harvesters POST without a session; the endpoint is read-only
@require_http_methods(["GET", "POST"])
def endpoint(request):
    source = request.POST if request.method == "POST" else request.GET
    if "resumptionToken" in source:
        # Every token is new (it is signed with its time), so a page after the first is asked
        # for once per harvest: keeping it would only fill the cache.
        body = response_body(request, source)
    else:
        # A harvest's first page, a record, Identify: asked again and again, kept for the
        # content's version like the public pages.
        question = urlencode(sorted(source.lists()), doseq=True)
        body = freshness.remember(
            f"oai {request.build_absolute_uri('/oai')}?{question}",
            lambda: response_body(request, source),
        )
    # The mark is the first text of the response, before anything taken from the content.
    body = body.replace(RESPONSE_DATE_MARK.encode(), datestamp(timezone.now()).encode(), 1)
    return HttpResponse(body, content_type="text/xml; charset=utf-8")
