"""Import plain-text documents like the seed press release.

The expected shape, top to bottom (blank lines between blocks are optional in the heading):

    Mission of Azerbaijan to the United Nations      <- issuer
    *Press Release                                   <- kind (emphasis marks are ignored)
    Special Issue*                                   <- series, optional
    21 January 2008                                  <- date
    THE BLACK JANUARY: …                             <- title (one block of lines)

    Eighteen years have passed …                     <- body, kept verbatim

Parsing (``parse_document``) is pure and raises ``DocumentFormatError`` with the line at fault;
``import_sources`` writes, one transaction per file, and reports what it did. The same engine
serves the ``import_documents`` command and, later, the admin's bulk import.
"""

import calendar
import datetime
import enum
import json
import re
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from portal.folding import slug_of
from portal.publishing import Status

from .models import Document, Language, Organization, sha256_of_text

MAX_FILE_BYTES = 5 * 1024 * 1024
HEADING_LINES = 8  # a date further down than this is body text, not the heading

_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
_DATE_PATTERNS = [
    re.compile(rf"^{_DAY}\s+{_MONTH},?\s+{_YEAR}$", re.IGNORECASE),  # 21 January 2008
    re.compile(rf"^{_MONTH}\s+{_DAY},?\s+{_YEAR}$", re.IGNORECASE),  # January 21, 2008
    re.compile(r"^(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})$"),  # 21.01.2008
    re.compile(r"^(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})$"),  # 2008-01-21
]
_KINDS = {
    "press release": Document.Kind.PRESS_RELEASE,
    "news release": Document.Kind.PRESS_RELEASE,
    "statement": Document.Kind.STATEMENT,
    "press statement": Document.Kind.STATEMENT,
    "letter": Document.Kind.LETTER,
    "speech": Document.Kind.SPEECH,
    "report": Document.Kind.REPORT,
    "article": Document.Kind.ARTICLE,
}


class DocumentFormatError(ValueError):
    def __init__(self, reason: str, line: int | None = None):
        self.reason = reason
        self.line = line
        super().__init__(f"line {line}: {reason}" if line else reason)


@dataclass(frozen=True)
class ParsedDocument:
    issuer_name: str
    kind: str
    series: str
    issued_on: datetime.date
    title: str
    body: str

    @property
    def checksum(self) -> str:
        return sha256_of_text(self.body)


def _strip_emphasis(line: str) -> str:
    return line.strip().strip("*_").strip()


def parse_date(line: str) -> datetime.date | None:
    """A date in one of the common forms, or None. Raises for a date-shaped line that is no date."""
    text = _strip_emphasis(line)
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        month = match["month"]
        month_number = int(month) if month.isdigit() else _MONTHS.get(month.lower())
        if month_number is None:
            return None
        try:
            return datetime.date(int(match["year"]), month_number, int(match["day"]))
        except ValueError:
            raise DocumentFormatError(f"{text!r} is not a real date") from None
    return None


def size_problem(size: int) -> str:
    """Why a file of ``size`` bytes is refused unread, or ''."""
    if size > MAX_FILE_BYTES:
        return f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; is it a document?"
    return ""


def decode_text(data: bytes) -> str:
    """UTF-8 text (a BOM is dropped) with LF line ends, or DocumentFormatError."""
    if size_problem(len(data)):
        raise DocumentFormatError(size_problem(len(data)))
    if b"\x00" in data:
        raise DocumentFormatError("the file holds binary data, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DocumentFormatError(
            f"the file is not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start})"
        ) from None
    # Line ends are transport, not content: CRLF and CR become LF so a text has one checksum.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_document(text: str) -> ParsedDocument:
    lines = text.split("\n")
    numbered = [(number, line) for number, line in enumerate(lines, start=1) if line.strip()]
    if not numbered:
        raise DocumentFormatError("the file is empty")

    heading = numbered[:HEADING_LINES]
    date_position = issued_on = None
    for position, (_number, line) in enumerate(heading):
        issued_on = parse_date(line)
        if issued_on:
            date_position = position
            break
    if date_position is None:
        raise DocumentFormatError(
            "no recognisable date in the heading (expected a line such as '21 January 2008', "
            "'January 21, 2008', '21.01.2008' or '2008-01-21')"
        )

    issuer_name, kind, series = "", None, []
    for _number, line in heading[:date_position]:
        label = _strip_emphasis(line)
        if kind is None and label.lower() in _KINDS:
            kind = _KINDS[label.lower()]
        elif not issuer_name:
            issuer_name = label
        elif label:
            series.append(label)
    date_line = heading[date_position][0]
    if not issuer_name:
        raise DocumentFormatError("no issuer line before the date", line=date_line)
    if kind is None:
        raise DocumentFormatError(
            "no kind line before the date (expected one of: " + ", ".join(sorted(_KINDS)) + ")",
            line=date_line,
        )

    # The title is the first block of lines after the date; the body is everything after it.
    index = date_line  # 0-based index of the line after the date
    while index < len(lines) and not lines[index].strip():
        index += 1
    if index == len(lines):
        raise DocumentFormatError("no title after the date", line=date_line)
    title_start = index
    while index < len(lines) and lines[index].strip():
        index += 1
    title = " ".join(line.strip() for line in lines[title_start:index])

    body_lines = lines[index:]
    while body_lines and not body_lines[0].strip():
        body_lines.pop(0)
    while body_lines and not body_lines[-1].strip():
        body_lines.pop()
    if not body_lines:
        raise DocumentFormatError("no text after the title", line=title_start + 1)

    return ParsedDocument(
        issuer_name=issuer_name,
        kind=kind,
        series=" · ".join(series),
        issued_on=issued_on,
        title=title,
        body="\n".join(body_lines),
    )


class Outcome(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"  # fixtures only: a text is identified by its checksum, so never updated
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"  # fixtures only: a good object in a file with errors
    FAILED = "failed"


@dataclass
class ImportResult:
    source: str
    outcome: Outcome
    document: Document | None = None
    reason: str = ""
    notes: list[str] = field(default_factory=list)


def _fold(name: str) -> str:
    return " ".join(name.casefold().split())


def _authority_records() -> list[dict]:
    path = Path(settings.PORTAL_ISSUER_AUTHORITY)
    if not path.exists():
        return []
    records = json.loads(path.read_text(encoding="utf-8"))
    return [record for record in records if record.get("model") == "archive.organization"]


def resolve_issuer(name: str) -> tuple[Organization, str | None]:
    """The organization a heading names, and a note when it had to be created.

    Known organizations match by name, short name or any variant. An unknown one is taken from
    the issuer authority file (the organizations fixture) when it is listed there, so a release
    headed "Mission of Azerbaijan to the United Nations" gets the Mission's full record; otherwise
    a new organization is created under the heading's own name for the editors to complete.
    """
    wanted = _fold(name)
    for organization in Organization.objects.all():
        if wanted in {_fold(known) for known in organization.all_names()}:
            return organization, None
    for record in _authority_records():
        fields = record["fields"]
        names = [fields.get("name", ""), fields.get("short_name", "")]
        names += fields.get("name_variants", "").splitlines()
        if wanted in {_fold(known) for known in names if known.strip()}:
            (deserialized,) = serializers.deserialize("json", json.dumps([record]))
            deserialized.save()
            return deserialized.object, f"added issuer {deserialized.object.name!r}"
    slug = _unique_slug(Organization.objects.all(), slug_of(name)[:90] or "organization")
    organization = Organization.objects.create(name=name, slug=slug)
    return organization, f"created new issuer {name!r}: complete its record in the admin"


def _unique_slug(queryset, base: str) -> str:
    slug, suffix = base, 2
    while queryset.filter(slug=slug).exists():
        slug = f"{base}-{suffix}"
        suffix += 1
    return slug


def import_text(
    text: str, *, source: str, publish: bool = False, language: str = Language.ENGLISH
) -> ImportResult:
    """Import one decoded text; the caller holds the transaction."""
    parsed = parse_document(text)
    existing = Document.objects.filter(checksum=parsed.checksum).select_related("issuer").first()
    if existing:
        return ImportResult(source, Outcome.UNCHANGED, document=existing)
    issuer, note = resolve_issuer(parsed.issuer_name)
    namesake = Document.objects.filter(
        issuer=issuer, issued_on=parsed.issued_on, title=parsed.title
    ).first()
    if namesake is not None:
        # Same heading, other text: a corrected reissue or an altered copy. Which one is for an
        # editor to decide; a silent second document would be neither.
        raise DocumentFormatError(
            f"a document with the same title, date and issuer is already in the archive with "
            f"a different text ({namesake.get_absolute_url()}, no. {namesake.pk} in the admin): "
            f"if this is a corrected version, record the correction in that document's "
            f"editorial notes"
        )
    same_year = Document.objects.filter(issued_on__year=parsed.issued_on.year)
    document = Document(
        kind=parsed.kind,
        title=parsed.title,
        slug=_unique_slug(same_year, slug_of(parsed.title)[:190] or "document"),
        issuer=issuer,
        issued_on=parsed.issued_on,
        series=parsed.series,
        language=language,
        body=parsed.body,
        provenance=f"Imported from the plain-text file {Path(source).name}.",
        status=Status.PUBLISHED if publish else Status.DRAFT,
    )
    document.full_clean()
    document.save()
    return ImportResult(source, Outcome.CREATED, document=document, notes=[note] if note else [])


def collect_paths(paths: list[str]) -> list[tuple[str, Path | None, str]]:
    """(shown name, file, problem) for every file named or found in a named folder."""
    found = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() == ".txt")
            if not files:
                found.append((raw, None, "the folder holds no .txt files"))
            found.extend((str(file), file, "") for file in files)
        elif path.is_file():
            found.append((raw, path, ""))
        else:
            found.append((raw, None, "no such file or folder"))
    return found


def import_sources(
    sources: list[tuple[str, bytes]],
    *,
    dry_run: bool = False,
    publish: bool = False,
    language: str = Language.ENGLISH,
) -> list[ImportResult]:
    """Import (name, bytes) pairs, each all or nothing; a dry run rolls everything back."""
    results = []
    with transaction.atomic() if dry_run else nullcontext():
        for name, data in sources:
            try:
                with transaction.atomic():
                    result = import_text(
                        decode_text(data), source=name, publish=publish, language=language
                    )
            except DocumentFormatError as error:
                result = ImportResult(name, Outcome.FAILED, reason=str(error))
            except ValidationError as error:
                problems = "; ".join(
                    f"{field}: {' '.join(messages)}"
                    for field, messages in error.message_dict.items()
                )
                result = ImportResult(name, Outcome.FAILED, reason=f"not valid: {problems}")
            except IntegrityError as error:
                result = ImportResult(name, Outcome.FAILED, reason=f"could not be saved: {error}")
            results.append(result)
        if dry_run:
            transaction.set_rollback(True)
    return results
