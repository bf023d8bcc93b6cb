"""Import plain-text documents like the seed press release, as missions and embassies write them.

The expected shape, top to bottom (blank lines between blocks are optional in the heading):

    Mission of Azerbaijan to the United Nations      <- issuer
    *Press Release No. 14/2008                       <- kind, optionally numbered (emphasis
    Special Issue*                                      marks are ignored); series, optional
    New York, 21 January 2008                        <- date, optionally after a place
    THE BLACK JANUARY: …                             <- title (one block of lines)

    Eighteen years have passed …                     <- body, kept verbatim

Kind lines and month names are read in English, Russian and Azerbaijani, in any case. An
all-numeric date that reads two ways (03/04/2012) is refused unless the caller gives the date
order: the portal never guesses a date. The language is recognised from the title and the text
unless the caller gives it; a text whose language is not clear is refused.

Parsing (``parse_document``) is pure and raises ``DocumentFormatError`` with the line at fault;
``import_sources`` writes, one transaction per file, and reports what it did. The same engine
serves the ``import_documents`` command and the admin's bulk import.
"""

import datetime
import json
import re
import unicodedata
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from portal import revisions
from portal.fixtures import Outcome
from portal.folding import fold, slug_of
from portal.publishing import Status

from .models import Document, Language, Organization, sha256_of_text

MAX_FILE_BYTES = 5 * 1024 * 1024
HEADING_LINES = 8  # a date further down than this is body text, not the heading
RECOGNISE = "recognise"  # as a language: recognise it from the text (so do None and "")

DATE_ORDER_HINT = (
    "give the date order (--day-first or --month-first; in the admin, the import's date order)"
)
LANGUAGE_HINT = "give the language (--language; in the admin, the language of the texts)"


def _label(text: str) -> str:
    """Heading words folded for matching: "MƏTBUAT AÇIQLAMASI", "Mətbuat açıqlaması" and
    "Metbuat aciqlamasi" are one; so are "Пресс-релиз" and "пресс релиз"."""
    return " ".join(re.findall(r"[a-z0-9]+", fold(unicodedata.normalize("NFC", text))))


def _spellings(table: dict) -> dict[str, object]:
    """{folded spelling: value} from {value: "spelling | spelling | …"}."""
    return {
        _label(spelling): value
        for value, spellings in table.items()
        for spelling in spellings.split("|")
    }


_MONTH_NAMES = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip
# English (full and abbreviated); Russian nominative, genitive and abbreviated; Azerbaijani in
# Latin and Cyrillic script. Folded, several coincide ("май", "may"; "июнь", "iyun").
_MONTHS = _spellings(
    {
        1: "January|Jan|январь|января|янв|yanvar|јанвар",
        2: "February|Feb|февраль|февраля|фев|февр|fevral|феврал",
        3: "March|Mar|март|марта|мар|mart",
        4: "April|Apr|апрель|апреля|апр|aprel|апрел",
        5: "May|май|мая|мај",
        6: "June|Jun|июнь|июня|июн|iyun|ијун",
        7: "July|Jul|июль|июля|июл|iyul|ијул",
        8: "August|Aug|август|августа|авг|avqust",
        9: "September|Sep|Sept|сентябрь|сентября|сен|сент|sentyabr|сентјабр",
        10: "October|Oct|октябрь|октября|окт|oktyabr|октјабр",
        11: "November|Nov|ноябрь|ноября|ноя|нояб|noyabr|нојабр",
        12: "December|Dec|декабрь|декабря|дек|dekabr|декабр",
    }
)
_WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_WEEKDAYS = _spellings(
    {
        0: "Monday|Mon|понедельник|пн|bazar ertəsi",
        1: "Tuesday|Tue|Tues|вторник|вт|çərşənbə axşamı",
        2: "Wednesday|Wed|среда|ср|çərşənbə",
        3: "Thursday|Thu|Thurs|четверг|чт|cümə axşamı",
        4: "Friday|Fri|пятница|пт|cümə",
        5: "Saturday|Sat|суббота|сб|şənbə",
        6: "Sunday|Sun|воскресенье|вс|bazar",
    }
)
# Dates are matched on the folded line ("19 января 2009 г." → "19 yanvarya 2009 g.").
_DAY = r"[\"'«]?(?P<day>\d{1,2})(?:st|nd|rd|th)?[\"'»]?"  # «19» января, 21st January
_MONTH = r"(?P<month>[a-z]+)\.?"
_YEAR = r"(?P<year>\d{4})"
# Russian "г.", "года"; Azerbaijani "-cü il", "il", "ildə" (all folded).
_YEAR_WORD = r"(?:\s*(?:g\.?|goda|god)|(?:\s*-\s*c[iu])?\s+il(?:de)?)?\.?"
_NAMED_DATES = [
    re.compile(rf"^{_DAY}\s+{_MONTH},?\s+{_YEAR}{_YEAR_WORD}$"),  # 21 January 2008
    re.compile(rf"^{_MONTH}\s+{_DAY},?\s+{_YEAR}\.?$"),  # January 21, 2008
]
_NUMERIC_DATE = re.compile(
    rf"^(?P<first>\d{{1,2}})(?P<sep>[./-])(?P<second>\d{{1,2}})(?P=sep){_YEAR}{_YEAR_WORD}$"
)  # 21.01.2008, 01/21/2008, 3-4-2012: which number is the day may be anyone's guess
_ISO_DATE = re.compile(
    rf"^{_YEAR}(?P<sep>[./-])(?P<month>\d{{1,2}})(?P=sep)(?P<day>\d{{1,2}}){_YEAR_WORD}$"
)  # 2008-01-21: year, month, day in every convention

_KINDS = _spellings(
    {
        Document.Kind.PRESS_RELEASE: (
            "Press Release|News Release|Пресс-релиз|Информационное сообщение"
            "|Mətbuat açıqlaması|Press-reliz"
        ),
        Document.Kind.STATEMENT: (
            "Statement|Press Statement|Заявление|Заявление для прессы|Заявление для печати"
            "|Bəyanat|Mətbuat bəyanatı"
        ),
        Document.Kind.LETTER: "Letter|Письмо|Məktub",
        Document.Kind.SPEECH: "Speech|Выступление|Речь|Çıxış|Nitq",
        Document.Kind.REPORT: "Report|Доклад|Отчёт|Hesabat",
        Document.Kind.ARTICLE: "Article|Статья|Məqalə",
    }
)
KIND_EXAMPLES = (
    "'Press Release', 'Statement', 'Letter', 'Speech', 'Report' or 'Article', in English, "
    "Russian ('Пресс-релиз', 'Заявление', …) or Azerbaijani ('Mətbuat açıqlaması', 'Bəyanat', "
    "…), optionally with a number: 'Press Release No. 14/2010'"
)
# The number after a kind: "No. 14/2010", "No: 022/08", "#5", "№ 12", "Nr. 3", "N° 7".
_NUMBER_MARK = r"(?:(?:No|Nr|N[°º]|N)\b\.?|№|#)\s*[.:]?\s*"
_NUMBER = r"(?P<number>[^\s\d]{0,6}\d\S*)"
_NUMBERED_KIND = re.compile(rf"^(?P<kind>.*?)[\s,]*{_NUMBER_MARK}{_NUMBER}$", re.IGNORECASE)
_BARE_NUMBERED_KIND = re.compile(r"^(?P<kind>.*?)\s+(?P<number>\d\S*)$")
_NUMBER_LINE = re.compile(rf"^{_NUMBER_MARK}{_NUMBER}$", re.IGNORECASE)
# A dateline's place: "New York", "Bakı", "Нью-Йорк", "Washington, D.C.", "Rio de Janeiro".
_PLACE = re.compile(r"^[^\W\d_]+(?:[\s.,'’()-]+[^\W\d_]+)*[.)]?$")
_DATELINE_SEPARATOR = re.compile(r"\s*,\s*|\s+[-–—]\s+")


class DocumentFormatError(ValueError):
    def __init__(self, reason: str, line: int | None = None):
        self.reason = reason
        self.line = line
        super().__init__(f"line {line}: {reason}" if line else reason)


class DateOrderNeeded(DocumentFormatError):
    """An all-numeric date that reads two ways, and no date order given."""


@dataclass(frozen=True)
class ParsedDocument:
    issuer_name: str
    kind: str
    series: str
    issued_on: datetime.date
    title: str
    body: str
    reference_number: str = ""  # from the kind line: "Press Release No. 14/2010" → "14/2010"
    dateline: str = ""  # the place before the date: "New York, 19 January 2009" → "New York"
    language: str = ""  # given by the caller or recognised from the title and text
    language_recognised: bool = False

    @property
    def checksum(self) -> str:
        return sha256_of_text(self.body)


def _strip_emphasis(line: str) -> str:
    return line.strip().strip("*_").strip()


def _spoken(date: datetime.date) -> str:
    return f"{date.day} {_MONTH_NAMES[date.month - 1]} {date.year}"


def _real_date(text: str, year: int, month: int, day: int) -> datetime.date:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise DocumentFormatError(f"{text!r} is not a real date") from None


def _numeric_date(
    text: str, first: int, second: int, year: int, day_first: bool, month_first: bool
) -> datetime.date:
    """A day and a month in an order the numbers or the caller make certain, never a guess."""
    if day_first and second > 12:
        raise DocumentFormatError(
            f"{text!r} cannot be read day first, the date order given: there is no month {second}"
        )
    if month_first and first > 12:
        raise DocumentFormatError(
            f"{text!r} cannot be read month first, the date order given: there is no month {first}"
        )
    if day_first or first > 12 or first == second:
        return _real_date(text, year, second, first)
    if month_first or second > 12:
        return _real_date(text, year, first, second)
    readings = (datetime.date(year, second, first), datetime.date(year, first, second))
    raise DateOrderNeeded(
        f"{text!r} reads two ways, {_spoken(readings[0])} or {_spoken(readings[1])}, and the "
        f"portal never guesses a date: {DATE_ORDER_HINT}"
    )


def parse_date(
    line: str, *, day_first: bool = False, month_first: bool = False
) -> datetime.date | None:
    """A date in one of the common forms, or None. Raises for a date-shaped line that is no date,
    or an all-numeric one that reads two ways when no order is given."""
    if day_first and month_first:
        raise ValueError("day_first and month_first exclude each other")
    text = _strip_emphasis(line)
    folded = " ".join(fold(unicodedata.normalize("NFC", text)).split())
    folded = re.sub(r"[‐‑‒–—−]", "-", folded)
    for pattern in _NAMED_DATES:
        match = pattern.match(folded)
        if match:
            month = _MONTHS.get(match["month"])
            if month is None:
                return None
            return _real_date(text, int(match["year"]), month, int(match["day"]))
    if match := _ISO_DATE.match(folded):
        return _real_date(text, int(match["year"]), int(match["month"]), int(match["day"]))
    if match := _NUMERIC_DATE.match(folded):
        first, second = int(match["first"]), int(match["second"])
        return _numeric_date(text, first, second, int(match["year"]), day_first, month_first)
    return None


def parse_kind(line: str) -> tuple[str, str] | None:
    """(kind, reference number or '') for a kind line, possibly numbered; else None."""
    text = _strip_emphasis(line).rstrip(":").strip()
    if _label(text) in _KINDS:
        return _KINDS[_label(text)], ""
    for pattern in (_NUMBERED_KIND, _BARE_NUMBERED_KIND):
        match = pattern.match(text)
        if match and _label(match["kind"]) in _KINDS and _number_of(match):
            return _KINDS[_label(match["kind"])], _number_of(match)
    return None


def _number_of(match: re.Match) -> str:
    """The reference number a kind line gives, without trailing punctuation; '' if too long."""
    number = match["number"].rstrip(".,;:")
    max_length = Document._meta.get_field("reference_number").max_length
    return number if len(number) <= max_length else ""


@dataclass(frozen=True)
class DateLine:
    issued_on: datetime.date
    place: str = ""
    kind: str = ""  # "Press Release, 19 January 2009": the kind on the date line
    reference_number: str = ""


def parse_date_line(
    line: str, *, day_first: bool = False, month_first: bool = False
) -> DateLine | None:
    """The heading's date line: a date, optionally after a place ("New York, 19 January 2009"),
    a weekday ("Monday, 19 January 2009", checked against the date) or both; or None."""
    text = _strip_emphasis(line)
    issued_on = parse_date(text, day_first=day_first, month_first=month_first)
    if issued_on:
        return DateLine(issued_on)
    for separator in _DATELINE_SEPARATOR.finditer(text):
        issued_on = parse_date(
            text[separator.end() :], day_first=day_first, month_first=month_first
        )
        if issued_on:
            return _before_the_date(text, text[: separator.start()], issued_on)
    return None


def _before_the_date(text: str, prefix: str, issued_on: datetime.date) -> DateLine | None:
    parts = [part.strip() for part in prefix.rsplit(",", 1)]
    weekday = _WEEKDAYS.get(_label(parts[-1]))
    if weekday is not None:
        if weekday != issued_on.weekday():
            raise DocumentFormatError(
                f"{text!r}: {_spoken(issued_on)} was a {_WEEKDAY_NAMES[issued_on.weekday()]}, "
                f"not a {_WEEKDAY_NAMES[weekday]}"
            )
        prefix = parts[0] if len(parts) == 2 else ""
    if not prefix:
        return DateLine(issued_on)
    kind = parse_kind(prefix)
    if kind:
        return DateLine(issued_on, kind=kind[0], reference_number=kind[1])
    if len(prefix) <= 60 and len(prefix.split()) <= 6 and _PLACE.match(prefix):
        if prefix[0].isupper():
            return DateLine(issued_on, place=prefix.rstrip(","))
    return None


# Language recognition ---------------------------------------------------------------------------

_AZERBAIJANI_LATIN = set("əğışçöü")  # ı ş ç ğ ö ü are Turkish too; ə, q and x are not
_AZERBAIJANI_CYRILLIC = set("әғҹһјөүҝ")
_UKRAINIAN = set("іїєґ")
_ENGLISH_WORDS = set(
    "the of and to in a an is are was were be been has have had that this these those for on "
    "with as by at from it its their which who not or but will would".split()
)


def recognise_language(text: str) -> str:
    """The language of a text from its script, letters and common words: Cyrillic is Russian
    unless the Azerbaijani Cyrillic letters are frequent; Latin is English when English's common
    words are frequent (the, of, and …), else Azerbaijani when ə, or ı, ş, ğ … with q or x, are.
    Anything else (Turkish? French? Ukrainian? half Latin, half Cyrillic?) is refused: the
    caller gives the language, the importer never guesses it."""
    letters = [char for char in unicodedata.normalize("NFC", text).lower() if char.isalpha()]
    cyrillic = [char for char in letters if "\u0400" <= char <= "\u04ff"]
    latin = [char for char in letters if char.isascii() or "\u00c0" <= char <= "\u024f"]
    latin += [char for char in letters if char == "ə"]
    if not cyrillic and not latin:
        raise DocumentFormatError(
            "the language of the text cannot be recognised: it has no Latin or Cyrillic "
            f"letters; {LANGUAGE_HINT}"
        )
    if min(len(cyrillic), len(latin)) > 0.3 * (len(cyrillic) + len(latin)):
        raise DocumentFormatError(
            f"the text mixes Latin and Cyrillic script, so its language is not clear; "
            f"{LANGUAGE_HINT}"
        )

    def frequent(count: int, total: int, share: float) -> bool:
        return count >= 2 and count >= share * total

    if len(cyrillic) > len(latin):
        if frequent(sum(char in _AZERBAIJANI_CYRILLIC for char in cyrillic), len(cyrillic), 0.01):
            return Language.AZERBAIJANI
        if frequent(sum(char in _UKRAINIAN for char in cyrillic), len(cyrillic), 0.01):
            raise DocumentFormatError(
                f"the text has the letters і, ї, є or ґ, so it is not Russian; {LANGUAGE_HINT}"
            )
        return Language.RUSSIAN
    # ə is among Azerbaijani's commonest letters. A few are no proof (an English text may well
    # name "Heydər Əliyev"), nor is a common English word or two ("on" is Azerbaijani's ten).
    if frequent(latin.count("ə"), len(latin), 0.04):
        return Language.AZERBAIJANI
    words = re.findall(r"[^\W\d_]+", text.lower())
    if sum(word in _ENGLISH_WORDS for word in words) >= max(2, 0.08 * len(words)):
        return Language.ENGLISH
    if frequent(latin.count("ə"), len(latin), 0.01):
        return Language.AZERBAIJANI
    if frequent(sum(char in _AZERBAIJANI_LATIN for char in latin), len(latin), 0.03):
        # ı, ş, ğ, ç, ö and ü are Turkish as much as Azerbaijani; q and x are not Turkish.
        if frequent(latin.count("q") + latin.count("x"), len(latin), 0.005):
            return Language.AZERBAIJANI
        raise DocumentFormatError(
            "the text has the letters ı, ş, ğ, ç, ö or ü but not ə, q or x: is it Azerbaijani "
            f"or Turkish? {LANGUAGE_HINT}"
        )
    raise DocumentFormatError(
        f"the text is in Latin script but reads as neither English nor Azerbaijani; {LANGUAGE_HINT}"
    )


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


def _given_language(language: str | None) -> str:
    return "" if not language or language == RECOGNISE else language


def parse_document(
    text: str,
    *,
    day_first: bool = False,
    month_first: bool = False,
    language: str | None = None,
) -> ParsedDocument:
    """The parts of a text. ``day_first``/``month_first`` read an all-numeric date that reads two
    ways; ``language`` (a code) wins over recognising it from the text."""
    parsed = _parse_parts(text, day_first=day_first, month_first=month_first)
    return with_language(parsed, language)


def with_language(parsed: ParsedDocument, language: str | None) -> ParsedDocument:
    """The document with the language given, or (None, "" or ``RECOGNISE``) recognised."""
    given = _given_language(language)
    if given:
        return replace(parsed, language=given, language_recognised=False)
    recognised = recognise_language(f"{parsed.title}\n\n{parsed.body}")
    return replace(parsed, language=recognised, language_recognised=True)


def _parse_parts(text: str, *, day_first: bool, month_first: bool) -> ParsedDocument:
    """Everything but the language."""
    if day_first and month_first:
        raise ValueError("day_first and month_first exclude each other")
    lines = text.split("\n")
    numbered = [(number, line) for number, line in enumerate(lines, start=1) if line.strip()]
    if not numbered:
        raise DocumentFormatError("the file is empty")

    heading = numbered[:HEADING_LINES]
    date_position = date_line = None
    for position, (number, line) in enumerate(heading):
        try:
            date_line = parse_date_line(line, day_first=day_first, month_first=month_first)
        except DocumentFormatError as error:
            raise type(error)(error.reason, line=number) from None
        if date_line:
            date_position = position
            break
    if date_position is None:
        raise DocumentFormatError(
            "no recognisable date in the heading (expected a line such as '21 January 2008', "
            "'January 21, 2008', '21.01.2008', '2008-01-21', '21 января 2008 г.' or "
            "'21 yanvar 2008-ci il', optionally after a place: 'New York, 21 January 2008')"
        )

    issuer_name, kind, reference_number, series = "", None, "", []
    for _number, line in heading[:date_position]:
        label = _strip_emphasis(line)
        numbered_kind = parse_kind(label) if kind is None else None
        number_line = _NUMBER_LINE.match(label)
        if numbered_kind:
            kind, reference_number = numbered_kind[0], numbered_kind[1] or reference_number
        elif number_line and not reference_number and _number_of(number_line):
            reference_number = _number_of(number_line)  # "No. 14/2010" on a line of its own
        elif not issuer_name:
            issuer_name = label
        elif label:
            series.append(label)
    if kind is None and date_line.kind:  # "Press Release No. 9, 19 January 2009"
        kind, reference_number = date_line.kind, date_line.reference_number or reference_number
    date_line_number = heading[date_position][0]
    if not issuer_name:
        raise DocumentFormatError("no issuer line before the date", line=date_line_number)
    if kind is None:
        raise DocumentFormatError(
            f"no kind line before the date (expected one such as {KIND_EXAMPLES})",
            line=date_line_number,
        )

    # The title is the first block of lines after the date; the body is everything after it.
    index = date_line_number  # 0-based index of the line after the date
    while index < len(lines) and not lines[index].strip():
        index += 1
    if index == len(lines):
        raise DocumentFormatError(
            "no title after the date: a heading without a text is not a document",
            line=date_line_number,
        )
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
        raise DocumentFormatError(
            "no text after the title: a heading without a text is not a document (the title is "
            "the first block of lines after the date; the text follows it after a blank line)",
            line=title_start + 1,
        )
    body = "\n".join(body_lines)

    return ParsedDocument(
        issuer_name=issuer_name,
        kind=kind,
        series=" · ".join(series),
        issued_on=date_line.issued_on,
        title=title,
        body=body,
        reference_number=reference_number,
        dateline=date_line.place,
    )


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
            authority = Path(settings.PORTAL_ISSUER_AUTHORITY).name
            with revisions.loading(gettext("Loaded from %(file)s") % {"file": authority}):
                deserialized.save()
            return deserialized.object, f"added issuer {deserialized.object.name!r}"
    slug = _unique_slug(Organization.objects.all(), slug_of(name)[:90] or "organization")
    organization = Organization(name=name, slug=slug)
    organization._change_reason = gettext("Created for an imported text headed %(name)s") % {
        "name": name
    }
    organization.save()
    return organization, f"created new issuer {name!r}: complete its record in the admin"


def _unique_slug(queryset, base: str) -> str:
    slug, suffix = base, 2
    while queryset.filter(slug=slug).exists():
        slug = f"{base}-{suffix}"
        suffix += 1
    return slug


def import_text(
    text: str,
    *,
    source: str,
    publish: bool = False,
    language: str | None = None,
    day_first: bool = False,
    month_first: bool = False,
) -> ImportResult:
    """Import one decoded text; the caller holds the transaction.

    ``language`` None, "" or ``RECOGNISE`` recognises it from the text; ``day_first`` or
    ``month_first`` reads an all-numeric date that reads two ways (else it is refused)."""
    # What only the caller can say (the date order, the language) is asked of a text new to the
    # archive; one already there is reported unchanged whatever its heading leaves open.
    try:
        parsed = _parse_parts(text, day_first=day_first, month_first=month_first)
    except DateOrderNeeded as needed:
        try:
            parsed = _parse_parts(text, day_first=True, month_first=False)  # the same text
        except DocumentFormatError:
            raise needed from None
        if not _archived(parsed):
            raise needed
    existing = _archived(parsed)
    if existing:
        return ImportResult(
            source, Outcome.UNCHANGED, document=existing, notes=_unchanged(parsed, existing)
        )
    parsed = with_language(parsed, language)
    issuer, note = resolve_issuer(parsed.issuer_name)
    notes = [note] if note else []
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
    provenance = f"Imported from the plain-text file {Path(source).name}."
    if parsed.dateline:
        # Document has no place field: the dateline is where this copy says it was issued.
        provenance += f" Dateline: {parsed.dateline}."
        notes.append(f"dateline {parsed.dateline!r} recorded in the provenance")
    if parsed.reference_number:
        notes.append(f"reference number {parsed.reference_number!r} taken from the kind line")
    if parsed.language_recognised:
        label = Language(parsed.language).label
        notes.append(f"language recognised from the text: {label} ({parsed.language})")
    same_year = Document.objects.filter(issued_on__year=parsed.issued_on.year)
    document = Document(
        kind=parsed.kind,
        title=parsed.title,
        slug=_unique_slug(same_year, slug_of(parsed.title)[:190] or "document"),
        issuer=issuer,
        issued_on=parsed.issued_on,
        series=parsed.series,
        reference_number=parsed.reference_number,
        language=parsed.language,
        body=parsed.body,
        provenance=provenance,
        status=Status.PUBLISHED if publish else Status.DRAFT,
    )
    document.full_clean()
    document._change_reason = gettext("Imported from %(file)s") % {"file": Path(source).name}
    document.save()
    return ImportResult(source, Outcome.CREATED, document=document, notes=notes)


def _archived(parsed: ParsedDocument) -> Document | None:
    """The document whose text this is, if the archive has it."""
    return Document.objects.filter(checksum=parsed.checksum).select_related("issuer").first()


def _unchanged(parsed: ParsedDocument, existing: Document) -> list[str]:
    """Notes on a text already in the archive: its record is never changed by an import, but a
    reference number the heading gives and the record lacks is worth an editor's look."""
    number = parsed.reference_number
    if not number or number == existing.reference_number:
        return []
    if existing.reference_number:
        return [
            f"the heading gives the reference number {number!r}, the archive's record "
            f"{existing.reference_number!r}: the record is left as it is"
        ]
    return [
        f"the heading gives the reference number {number!r}, the archive's record none: "
        f"an editor can add it"
    ]


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
    language: str | None = None,
    day_first: bool = False,
    month_first: bool = False,
) -> list[ImportResult]:
    """Import (name, bytes) pairs, each all or nothing; a dry run rolls everything back.

    ``language``: a code, or None, "" or ``RECOGNISE`` to recognise each text's language.
    ``day_first``/``month_first``: the order of an all-numeric date that reads two ways (at most
    one of them); without either such a date is refused, never guessed."""
    if day_first and month_first:
        raise ValueError("day_first and month_first exclude each other")
    results = []
    with transaction.atomic() if dry_run else nullcontext():
        for name, data in sources:
            try:
                with transaction.atomic():
                    result = import_text(
                        decode_text(data),
                        source=name,
                        publish=publish,
                        language=language,
                        day_first=day_first,
                        month_first=month_first,
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
