"""The calendar feed (RFC 5545), built with the icalendar library.

A calendar is written in the language of its address (/calendar.ics, /az/calendar.ics,
/ru/calendar.ics): its name, every entry's summary and description, dates and kinds, and names
of events and places as recorded in that language (else the original), with links to the pages
in that language. Summaries and descriptions carry the LANGUAGE parameter.
"""

import datetime
import functools

from django.core.cache import caches
from django.utils import timezone, translation
from django.utils.translation import gettext
from icalendar import Calendar
from icalendar import Event as CalendarEntry

from .anniversaries import Precision, anniversary_in_year

# UIDs must not change with the host name a calendar was fetched from.
UID_DOMAIN = "commemoration-portal"


def _stamp(moment):
    return moment or timezone.now()


def _in_reader_language() -> dict:
    """The LANGUAGE parameter (RFC 5545, 3.2.10) of text written in the reader's language."""
    return {"LANGUAGE": translation.get_language()}


def anniversary_entry(event, base_url: str) -> CalendarEntry | None:
    """A yearly all-day entry from the first anniversary on; None for a date not known to the day
    (a recurring entry would have to invent the day)."""
    if event.date_precision != Precision.DAY:
        return None
    first = anniversary_in_year(event.start_date, event.date_precision, event.start_date.year + 1)
    entry = CalendarEntry()
    entry.add("uid", f"anniversary-{event.slug}@{UID_DOMAIN}")
    name = event.local_name
    summary = gettext("Anniversary of %(event)s (%(dates)s)")
    entry.add(
        "summary",
        summary % {"event": name, "dates": event.dates_display},
        parameters=_in_reader_language(),
    )
    entry.add("dtstart", first.date)
    entry.add("dtend", first.date + datetime.timedelta(days=1))
    if (event.start_date.month, event.start_date.day) == (2, 29):
        # The last day of February: the 29th in leap years, the 28th in common years.
        entry.add("rrule", {"freq": "yearly", "bymonth": 2, "bymonthday": -1})
    else:
        entry.add("rrule", {"freq": "yearly"})
    entry.add("dtstamp", _stamp(event.updated_at))
    entry.add("transp", "TRANSPARENT")
    url = base_url + event.get_absolute_url()
    entry.add("url", url)
    began = gettext("%(event)s began on %(dates)s.") % {"event": name, "dates": event.dates_display}
    entry.add("description", f"{began} {url}", parameters=_in_reader_language())
    return entry


def commemoration_entry(commemoration, base_url: str) -> CalendarEntry:
    """An all-day entry; a date known only to the month or year spans that month or year."""
    first, last = commemoration.period
    entry = CalendarEntry()
    entry.add("uid", f"commemoration-{commemoration.slug}@{UID_DOMAIN}")
    # The name in the reader's language where one is recorded, else the original in its own.
    name, name_language = commemoration.name_for()
    entry.add("summary", name, parameters={"LANGUAGE": name_language})
    entry.add("dtstart", first)
    entry.add("dtend", last + datetime.timedelta(days=1))
    entry.add("dtstamp", _stamp(commemoration.updated_at))
    entry.add("transp", "TRANSPARENT")
    location = ", ".join(
        filter(None, [commemoration.venue, getattr(commemoration.place, "local_name", "")])
    )
    if location:
        entry.add("location", location)
    url = base_url + commemoration.event.get_absolute_url()
    entry.add("url", url)
    lines = [
        gettext("%(kind)s for %(event)s.")
        % {"kind": commemoration.get_kind_display(), "event": commemoration.event.local_name}
    ]
    known_to = {
        Precision.MONTH: gettext("Date known to the month: %(date)s."),
        Precision.YEAR: gettext("Date known to the year: %(date)s."),
    }
    if commemoration.date_precision in known_to:
        lines.append(known_to[commemoration.date_precision] % {"date": commemoration.date_display})
    if commemoration.date_note:
        lines.append(commemoration.date_note)
    lines.append(url)
    entry.add("description", " ".join(lines), parameters=_in_reader_language())
    return entry


def build_calendar(events, commemorations, base_url: str) -> bytes:
    """The calendar of ``events`` (their anniversaries) and ``commemorations``, querysets.

    Writing thousands of entries takes seconds, and an entry changes only when a part of it
    is saved: they are kept as written, together, each under a key that a save of any of its
    parts changes. Kept together, they take one cache entry, not thousands, and an entry whose
    item changed or left the calendar is dropped at the next writing. The keys are read first,
    from the items' keys and times alone; only the items whose entries are not kept are read
    whole, so a calendar after a change reads what changed, not every item."""
    calendar = Calendar()
    calendar.add("prodid", "-//Commemoration portal//Anniversaries and commemorations//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", gettext("Commemoration portal"))
    calendar.add("x-wr-caldesc", gettext("Anniversaries and commemorations"))
    keys = {}  # each entry's key: what it is made of, to the last save of each part
    for pk, saved in events.values_list("pk", "updated_at"):
        keys[("anniversary", _saved("memorials.Event", pk, saved))] = ("event", pk)
    parts = commemorations.values_list(
        "pk", "updated_at", "event", "event__updated_at", "place", "place__updated_at"
    )
    for pk, saved, event, event_saved, place, place_saved in parts:
        key = (
            "commemoration",
            _saved("memorials.Commemoration", pk, saved),
            _saved("memorials.Event", event, event_saved),
            _saved("memorials.Place", place, place_saved),
        )
        keys[key] = ("commemoration", pk)
    kept_as = f"ics-entries:{base_url}:{translation.get_language()}"
    cache = caches["kept"]  # in Redis or the database: a restart does not write them all again
    kept = cache.get(kept_as, {})
    missing = {key: item for key, item in keys.items() if key not in kept}
    if missing:
        wanted = {kind: [pk for item_kind, pk in missing.values() if item_kind == kind]
                  for kind in ("event", "commemoration")}  # fmt: skip
        items = {
            ("event", item.pk): functools.partial(anniversary_entry, item, base_url)
            for item in events.filter(pk__in=wanted["event"])
        }
        items |= {
            ("commemoration", item.pk): functools.partial(commemoration_entry, item, base_url)
            for item in commemorations.filter(pk__in=wanted["commemoration"])
        }
        # (An item that left the calendar between the two reads is left out.)
        written_now = {key: _write(items[item]) for key, item in missing.items() if item in items}
        kept = {**kept, **written_now}
    written = {key: kept[key] for key in keys if key in kept}
    if missing or len(written) != len(kept):  # entries written anew, or dropped
        cache.set(kept_as, written, None)  # keyed by save times: never out of date
    # The library writes a calendar's properties, then its entries, then its end.
    end = b"END:VCALENDAR\r\n"
    head = calendar.to_ical().removesuffix(end)
    return head + b"".join(written.values()) + end


def _write(build) -> bytes:
    entry = build()
    return entry.to_ical() if entry is not None else b""


def _saved(label: str, pk, saved) -> str:
    """A part of an entry's key: the item and its last save ("" for no item)."""
    if pk is None:
        return ""
    return f"{label}:{pk}:{saved.isoformat()}"
