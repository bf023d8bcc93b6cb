"""Registers of people as spreadsheets (CSV or XLSX): read every row, check every row, then write
all of them or none. The engine of ``import_people``, ``export_people`` and, through the kernel's
registry of file importers (``portal.fixtures.register_file_importer``), of the admin's bulk
import of .csv and .xlsx files.

The first row names the columns, in any order (case and spaces do not matter); only ``name`` is
required, and a column the file leaves out leaves that field of existing people as it is:

- ``slug``: the person's key (below); ``export_people`` writes it;
- ``name``; ``name_variants``: other spellings, separated by ``;``;
- ``birth_date``, ``death_date``: ``1990``, ``1990-01`` or ``1990-01-20``, kept at that
  precision (stored as the period's first day, as everywhere: ``portal.dates``);
- ``age``: a whole number, as a source gives it;
- ``place``: an existing place's slug, or its name or a recorded variant when only one place
  has it (an import never creates places);
- ``event``: an event's slug (``--event`` gives one to the rows without);
- ``biography``;
- ``source``: the document giving the name, by its address (``/archive/2008/<slug>/``, with or
  without a language prefix, or the full URL) or by its slug when no other document has it;
- ``source_wording``: the source's own words, which must appear in its text (``Person.clean``:
  spaces and line breaks may differ);
- ``status``: written by the export for editors, ignored by the import (publishing is
  ``--publish``; people already in the register keep their status).

Any other column refuses the file: a register brings people, never accounts, permissions or
fields it does not name.

**Who a row is.** A row names its person by its ``slug``. Without one, the key is made from the
name and the dates, transliterated: ``memmedov-elcin-1965-1990-01-20`` (born 1965, died
20 January 1990), ``…-1990-01-20`` (death date only), ``…-born-1965`` (birth date only), the
name alone without dates. The same key twice in one file is an error (give those rows slugs).
Importing the same file again finds every person by that key and reports them "unchanged";
to correct a person's name or dates, import a file with the ``slug`` column (as exported).

**All or nothing.** Every row is checked first — its values, the place, event and document it
names, then the model's full validation, as the admin's form would — and one bad row, reported
with its row number as a spreadsheet shows it (the header is row 1), means nothing from that
file is written. The rows are then saved one by one in one transaction (the search index, the
page cache and the first history record follow every save).

**Formulas.** A spreadsheet runs a cell that begins with ``=``, ``+``, ``-`` or ``@`` (or a tab
or a carriage return) as a formula. The export writes such a cell with an apostrophe in front,
the mark spreadsheets themselves use for "text", and so it does for a cell that begins with an
apostrophe; in an .xlsx file every cell is also stored as text, never as a formula. The import
removes one leading apostrophe from every cell, so exported files import back unchanged.
"""

import csv
import datetime
import functools
import io
import re
import urllib.parse
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import translation
from django.utils.translation import gettext

from archive.models import Document
from portal import dates, search
from portal.fixtures import Outcome, Row, admin_url
from portal.folding import fold, slug_of
from portal.publishing import EDITOR_STATUSES, Status, can_publish

from .anniversaries import Precision
from .models import Event, Person, Place

COLUMNS = (
    "slug",
    "name",
    "name_variants",
    "birth_date",
    "death_date",
    "age",
    "place",
    "event",
    "biography",
    "source",
    "source_wording",
    "status",
)
ENDINGS = (".csv", ".xlsx")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TEXT_MARK = "'"
VARIANT_SEPARATOR = ";"
# An .xlsx file is a zip archive: one that would unpack to more than this is refused unread.
MAX_XLSX_UNPACKED_BYTES = 256 * 1024 * 1024
# What a row's check and an unchanged row compare: the fields a register describes.
COMPARED_FIELDS = (
    "name",
    "name_variants",
    "birth_date",
    "birth_precision",
    "death_date",
    "death_precision",
    "age",
    "place_id",
    "event_id",
    "biography",
    "source_id",
    "source_wording",
    "status",
)
# Found by the lookups below, so known to exist: their full_clean check would be one query
# each per row. Everything else goes through the model's full validation.
LOOKED_UP_FIELDS = ["place", "event", "source", "portrait"]
LOOKUP_CHUNK = 2000

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


class RegisterError(Exception):
    """The file as a whole cannot be read: ``row`` is where (0 for the file itself)."""

    def __init__(self, reason: str, row: int = 0):
        super().__init__(reason)
        self.reason, self.row = reason, row


# Reading ------------------------------------------------------------------------------------


@dataclass
class Table:
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (row number in the spreadsheet, column → text)


def read_table(name: str, data: bytes) -> Table:
    """The file's header and its non-empty rows, every cell as text with one leading apostrophe
    removed (see the module's note on formulas)."""
    if name.lower().endswith(".xlsx"):
        records = _xlsx_records(data)
    elif name.lower().endswith(".csv"):
        records = _csv_records(data)
    else:
        raise RegisterError("a register is a .csv or an .xlsx file")
    try:
        header = next(records)
    except StopIteration:
        raise RegisterError("the file is empty: the first row must name the columns") from None
    columns = _columns(header)
    rows = []
    for number, record in enumerate(records, start=2):
        cells = [_unmarked(cell) for cell in record]
        if not any(cells):
            continue  # a blank row: spreadsheets keep them at the end
        values = {}
        for index, cell in enumerate(cells):
            column = columns[index] if index < len(columns) else ""
            if column:
                values[column] = cell
            elif cell:
                raise RegisterError(
                    f"a value in column {_column_letter(index)}, which row 1 does not name",
                    number,
                )
        rows.append((number, values))
    return Table([column for column in columns if column], rows)


def _csv_records(data: bytes):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise RegisterError(
            f"the file is not UTF-8 text (byte {error.start + 1}): save it as “CSV UTF-8”"
        ) from None
    first_line = text.split("\n", 1)[0]
    # Spreadsheets in many locales separate CSV columns with semicolons; the header tells.
    delimiter = next((mark for mark in [",", ";", "\t"] if mark in first_line), ",")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for record in reader:
            yield [cell.strip() for cell in record]
    except csv.Error as error:
        raise RegisterError(f"not a readable CSV file: {error}", reader.line_num) from None


def _xlsx_records(data: bytes):
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(entry.file_size for entry in archive.infolist())
        if unpacked > MAX_XLSX_UNPACKED_BYTES:
            raise RegisterError("the workbook is too large to read")
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError):
        raise RegisterError("not a readable .xlsx workbook") from None
    try:
        sheet = workbook.worksheets[0]
        records = sheet.iter_rows(values_only=True)
        while True:
            try:
                record = next(records)
            except StopIteration:
                return
            except Exception:  # noqa: BLE001 -- a damaged sheet fails deep in openpyxl
                raise RegisterError("the workbook's first sheet cannot be read") from None
            yield [_cell_text(value) for value in record]
    finally:
        workbook.close()


def _cell_text(value) -> str:
    """A workbook's cell as the text a CSV file would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()  # a date typed as a date: known to the day
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _unmarked(cell: str) -> str:
    return cell[1:] if cell.startswith(TEXT_MARK) else cell


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _columns(header: list[str]) -> list[str]:
    columns = [cell.strip().lower().replace(" ", "_") for cell in header]
    unknown = [column for column in columns if column and column not in COLUMNS]
    if unknown:
        raise RegisterError(
            f"unknown column(s): {', '.join(unknown)}. A register's columns are "
            f"{', '.join(COLUMNS)}",
            1,
        )
    named = [column for column in columns if column]
    repeated = sorted({column for column in named if named.count(column) > 1})
    if repeated:
        raise RegisterError(f"the column(s) {', '.join(repeated)} appear more than once", 1)
    if "name" not in named:
        raise RegisterError("row 1 must name the columns, and a register needs “name”", 1)
    return columns


# Values -------------------------------------------------------------------------------------


def parse_partial_date(text: str) -> tuple[datetime.date, str]:
    """``1990`` → (1990-01-01, year), ``1990-01`` → (1990-01-01, month), ``1990-01-20`` →
    (1990-01-20, day); ValueError with a sentence for anything else."""
    match = _PARTIAL_DATE.match(text)
    if match is None:
        raise ValueError(f"“{text}” is not a date: write 1990, 1990-01 or 1990-01-20")
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        value = datetime.date(year, month or 1, day or 1)
    except ValueError:
        raise ValueError(f"“{text}” is not a date in the calendar") from None
    precision = Precision.DAY if day else Precision.MONTH if month else Precision.YEAR
    return value, precision


def derived_slug(name: str, birth: str, death: str) -> str:
    """The key of a row without a slug: the name and the dates as written (``birth``,
    ``death``: ISO at their precision, or "")."""
    if birth and death:
        suffix = f"-{birth}-{death}"
    elif death:
        suffix = f"-{death}"
    elif birth:
        suffix = f"-born-{birth}"
    else:
        suffix = ""
    max_length = Person._meta.get_field("slug").max_length
    base = slug_of(name)[: max_length - len(suffix)].strip("-")
    return f"{base}{suffix}" if base else ""


def _language_prefixes() -> str:
    return "|".join(re.escape(code) for code, _name in settings.LANGUAGES)


def document_address(value: str) -> tuple[int | None, str] | None:
    """(year, slug) from a document's address or URL, (None, slug) from a bare slug, None for
    anything else."""
    if re.fullmatch(r"[-a-zA-Z0-9_]+", value):
        return None, value
    path = urllib.parse.urlsplit(value).path if "://" in value else value
    match = re.fullmatch(
        rf"(?:/(?:{_language_prefixes()}))?/archive/(\d{{4}})/([-a-zA-Z0-9_]+)(?:/|\.txt)?",
        path,
    )
    if match is None:
        return None
    return int(match.group(1)), match.group(2)


def _chunks(values: list[str]):
    for start in range(0, len(values), LOOKUP_CHUNK):
        yield values[start : start + LOOKUP_CHUNK]


class Lookups:
    """What the rows name, read in a few queries for the whole file, never one per row."""

    def __init__(self, rows: list[dict[str, str]], keys: list[str], default_event: str):
        event_slugs = sorted({row.get("event") or default_event for row in rows} - {""})
        self.events = {
            event.slug: event
            for chunk in _chunks(event_slugs)
            for event in Event.objects.filter(slug__in=chunk)
        }
        self._places_by_slug, self._places_by_name = {}, {}
        if any(row.get("place") for row in rows):
            for place in Place.objects.only("pk", "slug", "name", "name_variants"):
                self._places_by_slug[place.slug] = place
                for spelling in {_folded(name) for name in [place.name, *place.variants]}:
                    self._places_by_name.setdefault(spelling, []).append(place)
        addresses = [document_address(row.get("source", "")) for row in rows]
        document_slugs = sorted({address[1] for address in addresses if address})
        self._documents: dict[str, list[Document]] = {}
        for chunk in _chunks(document_slugs):
            found = Document.objects.filter(slug__in=chunk).only("pk", "slug", "issued_on", "body")
            for document in found:
                self._documents.setdefault(document.slug, []).append(document)
        self.people = {
            person.slug: person
            for chunk in _chunks(sorted(set(keys)))
            # Their source and portrait too: the model's validation reads them.
            for person in Person.objects.filter(slug__in=chunk).select_related("source", "portrait")
        }

    def event(self, slug: str) -> Event:
        try:
            return self.events[slug]
        except KeyError:
            raise ValueError(f"there is no event “{slug}” (give an event's slug)") from None

    def place(self, value: str) -> Place:
        if value in self._places_by_slug:
            return self._places_by_slug[value]
        found = self._places_by_name.get(_folded(value), [])
        if len(found) == 1:
            return found[0]
        if found:
            slugs = ", ".join(sorted(place.slug for place in found))
            raise ValueError(f"several places are called “{value}”: give its slug ({slugs})")
        raise ValueError(
            f"there is no place “{value}”: give an existing place's slug or name "
            "(an import does not create places)"
        )

    def document(self, value: str) -> Document:
        address = document_address(value)
        if address is None:
            raise ValueError(
                f"“{value}” is not a document's address: give it as /archive/<year>/<slug>/ "
                "or the document's slug"
            )
        year, slug = address
        found = [
            document
            for document in self._documents.get(slug, [])
            if year is None or document.issued_on.year == year
        ]
        if len(found) == 1:
            return found[0]
        if found:
            addresses = ", ".join(sorted(_address_of(document) for document in found))
            raise ValueError(f"several documents have the slug “{slug}”: give one of {addresses}")
        raise ValueError(f"there is no document “{value}”")


@functools.lru_cache(maxsize=4096)  # a register names the same few places again and again
def _folded(text: str) -> str:
    return " ".join(fold(text).split())


def _address_of(document: Document) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return document.get_absolute_url()


# Checking and writing ------------------------------------------------------------------------


@dataclass
class Checked:
    number: int
    outcome: Outcome
    person: Person | None = None
    reason: str = ""
    problems: list[str] = field(default_factory=list)


def import_register(
    name: str,
    data: bytes,
    *,
    user=None,
    dry_run: bool = False,
    publish: bool = False,
    default_event: str = "",
) -> list[Row]:
    """Import one register file, all or nothing; one report row per spreadsheet row.

    ``user`` is who imports from the admin (None: the operator, from the command line): they
    need the permission to add or change people, and only a publisher may ``publish`` or
    change a published person. ``default_event``: the slug of the event of rows without one."""
    if publish and user is not None and not can_publish(user, Person):
        reason = gettext("only a publisher may publish people: import them as drafts")
        return [Row(name, "", Outcome.FAILED, reason=reason)]
    if default_event and not Event.objects.filter(slug=default_event).exists():
        return [
            Row(
                name,
                "",
                Outcome.FAILED,
                reason=gettext("there is no event “%(slug)s”") % {"slug": default_event},
            )
        ]
    try:
        table = read_table(name, data)
    except RegisterError as error:
        place = row_place(error.row) if error.row else ""
        return [Row(name, place, Outcome.FAILED, reason=error.reason)]
    if not table.rows:
        return [
            Row(
                name,
                "",
                Outcome.SKIPPED,
                reason=gettext("the file names no people: nothing to import"),
            )
        ]
    checked = check_rows(table, user=user, publish=publish, default_event=default_event)
    failed = any(entry.outcome == Outcome.FAILED for entry in checked)
    if not failed and not dry_run:
        failed = not _write(name, checked)
    if failed:
        for entry in checked:
            if entry.outcome != Outcome.FAILED:
                entry.outcome = Outcome.SKIPPED
                entry.reason = gettext("not imported, because of the errors in this file")
    rows = []
    for entry in checked:
        person = entry.person
        shown = person.name if person is not None else ""
        link = ""
        if person is not None and person.pk is not None and not failed:
            link = admin_url(person)
        rows.append(Row(name, row_place(entry.number), entry.outcome, shown, entry.reason, link))
    return rows


def row_place(number: int) -> str:
    """Where in the file a report's line is: "row 12"."""
    return gettext("row %(number)s") % {"number": number}


def _write(name: str, checked: list[Checked]) -> bool:
    """Save every created or updated person in one transaction; False (and nothing written)
    when the database refuses one, for instance a slug another editor took meanwhile."""
    saving = None
    try:
        with transaction.atomic(), search.deferred():
            for saving in checked:
                if saving.outcome in {Outcome.CREATED, Outcome.UPDATED}:
                    saving.person._change_reason = gettext(
                        "Imported from the register %(file)s"
                    ) % {"file": name}
                    saving.person.save()
    except DatabaseError as error:
        saving.outcome = Outcome.FAILED
        saving.reason = gettext("could not be saved: %(error)s") % {"error": error}
        return False
    return True


def check_rows(table: Table, *, user=None, publish=False, default_event="") -> list[Checked]:
    """Every row checked, nothing written: each with what saving it would do, or why not."""
    parsed = [(number, _parse(values)) for number, values in table.rows]
    keys = [values.key for _number, values in parsed if values.key]
    lookups = Lookups([values.cells for _n, values in parsed], keys, default_event)
    columns = set(table.columns)
    if default_event:
        columns.add("event")
    first_row_of: dict[str, int] = {}
    checked = []
    for number, values in parsed:
        entry = Checked(number, Outcome.FAILED, problems=list(values.problems))
        if values.key:
            if values.key in first_row_of:
                entry.problems.append(
                    gettext(
                        "row %(row)s is the same person (“%(slug)s”): give each person a slug "
                        "of their own in a “slug” column"
                    )
                    % {"row": first_row_of[values.key], "slug": values.key}
                )
            else:
                first_row_of[values.key] = number
        _check(entry, values, columns, lookups, user, publish, default_event)
        if entry.problems:
            entry.outcome, entry.reason = Outcome.FAILED, "; ".join(entry.problems)
        checked.append(entry)
    return checked


@dataclass
class Parsed:
    cells: dict[str, str]
    key: str = ""
    birth: tuple[datetime.date, str] | None = None
    death: tuple[datetime.date, str] | None = None
    age: int | None = None
    problems: list[str] = field(default_factory=list)


def _parse(cells: dict[str, str]) -> Parsed:
    """The row's own values, before anything is looked up."""
    values = Parsed(cells)
    name = cells.get("name", "")
    if not name:
        values.problems.append(gettext("the name is missing"))
    for column, attribute in [("birth_date", "birth"), ("death_date", "death")]:
        if cells.get(column):
            try:
                setattr(values, attribute, parse_partial_date(cells[column]))
            except ValueError as error:
                values.problems.append(f"{column}: {error}")
    if cells.get("age"):
        try:
            values.age = int(cells["age"])
        except ValueError:
            values.problems.append(
                gettext("age: “%(age)s” is not a whole number") % {"age": cells["age"]}
            )
    if cells.get("slug"):
        values.key = cells["slug"]
    elif name and not values.problems:
        birth = dates.iso_partial(*values.birth) if values.birth else ""
        death = dates.iso_partial(*values.death) if values.death else ""
        values.key = derived_slug(name, birth, death)
        if not values.key:
            values.problems.append(
                gettext("the name gives no slug: give the person one in a “slug” column")
            )
    return values


def _check(entry, values, columns, lookups, user, publish, default_event) -> None:
    """Fill ``entry`` with the person as the row would leave them, and its outcome."""
    cells = values.cells
    related = {}
    for column, lookup in [
        ("place", lookups.place),
        ("event", lookups.event),
        ("source", lookups.document),
    ]:
        value = cells.get(column) or (default_event if column == "event" else "")
        if value:
            try:
                related[column] = lookup(value)
            except ValueError as error:
                entry.problems.append(f"{column}: {error}")
        else:
            related[column] = None
    if entry.problems or not values.key:
        entry.person = Person(name=cells.get("name", ""))
        return

    existing = lookups.people.get(values.key)
    person = existing or Person(slug=values.key, status=Status.DRAFT)
    before = {name: getattr(person, name) for name in COMPARED_FIELDS} if existing else {}
    for column in ["name", "biography", "source_wording"]:
        if column in columns:
            setattr(person, column, cells.get(column, ""))
    if "name_variants" in columns:
        variants = cells.get("name_variants", "").split(VARIANT_SEPARATOR)
        person.name_variants = "\n".join(filter(None, (variant.strip() for variant in variants)))
    for column, value in [("birth", values.birth), ("death", values.death)]:
        if f"{column}_date" in columns:
            if value is None:
                setattr(person, f"{column}_date", None)
            else:
                setattr(person, f"{column}_date", value[0])
                setattr(person, f"{column}_precision", value[1])
    if "age" in columns:
        person.age = values.age
    for column, item in related.items():
        if column in columns:
            setattr(person, column, item)
    if publish and person.status != Status.PUBLISHED:
        person.status = Status.PUBLISHED
    entry.person = person

    try:
        person.full_clean(exclude=LOOKED_UP_FIELDS, validate_unique=False)
    except ValidationError as error:
        entry.problems.extend(
            f"{name}: {' '.join(messages)}" if name != "__all__" else " ".join(messages)
            for name, messages in error.message_dict.items()
        )
        return
    changed = not existing or any(getattr(person, name) != value for name, value in before.items())
    problem = _refused(user, existing, changed)
    if problem:
        entry.problems.append(problem)
        return
    if existing is None:
        entry.outcome = Outcome.CREATED
    else:
        entry.outcome = Outcome.UPDATED if changed else Outcome.UNCHANGED


def _refused(user, existing, changed) -> str:
    """Why ``user`` may not make this change ("" if they may); the operator (None) may."""
    if user is None or not changed:
        return ""
    if existing is None and not user.has_perm("memorials.add_person"):
        return "you may not add people"
    if existing is not None:
        if not user.has_perm("memorials.change_person"):
            return "you may not change people"
        if existing.stored_status not in EDITOR_STATUSES and not can_publish(user, Person):
            return "only a publisher can change a published or withdrawn person"
    return ""


def import_for_admin(name: str, data: bytes, *, user, dry_run: bool) -> list[Row]:
    """The admin's bulk import of a register: people come in as drafts (publishers publish
    them afterwards, from the list of people)."""
    return import_register(name, data, user=user, dry_run=dry_run)


# Writing files ------------------------------------------------------------------------------


def register_values(person: Person) -> list[str]:
    """One person's row, as the import reads it."""
    return [
        person.slug,
        person.name,
        f"{VARIANT_SEPARATOR} ".join(person.variants),
        dates.iso_partial(person.birth_date, person.birth_precision),
        dates.iso_partial(person.death_date, person.death_precision),
        "" if person.age is None else str(person.age),
        person.place.slug if person.place else "",
        person.event.slug if person.event else "",
        person.biography,
        _address_of(person.source) if person.source else "",
        person.source_wording,
        person.status,
    ]


def marked(cell: str) -> str:
    """The cell as written to a file: text that a spreadsheet would run as a formula (or that
    begins with the mark itself) gets an apostrophe in front."""
    return TEXT_MARK + cell if cell.startswith((*FORMULA_STARTS, TEXT_MARK)) else cell


def people_for_export(event: Event | None = None):
    people = Person.objects.select_related("place", "event", "source").order_by("name", "slug")
    return people.filter(event=event) if event is not None else people


def export_register(people, file_format: str) -> bytes:
    """The people as a register file, ``csv`` (UTF-8 with a byte order mark, which spreadsheets
    need to read it as UTF-8) or ``xlsx``: every draft and published person, with their status."""
    rows = [list(COLUMNS), *(register_values(person) for person in people)]
    if file_format == "csv":
        output = io.StringIO(newline="")
        writer = csv.writer(output)
        writer.writerows([[marked(cell) for cell in row] for row in rows])
        return output.getvalue().encode("utf-8-sig")
    if file_format == "xlsx":
        return _xlsx(rows)
    raise ValueError(f"unknown format {file_format!r}: csv or xlsx")


def _xlsx(rows: list[list[str]]) -> bytes:
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("People")
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=marked(value))
            cell.data_type = "s"  # text, never a formula, whatever it begins with
            cell.number_format = "@"  # and kept as text when an editor types in it
            cells.append(cell)
        sheet.append(cells)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
