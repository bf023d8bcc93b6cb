"""The calendar feed (RFC 5545), built with the icalendar library."""

import datetime
import functools
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation
from icalendar import Calendar
from icalendar import Event as CalendarEntry

from .anniversaries import Precision, anniversary_in_year

# UIDs must not change with the host name a calendar was fetched from.
UID_DOMAIN = "commemoration-portal"


def _stamp(moment):
    return moment or timezone.now()


def anniversary_entry(event, base_url: str) -> CalendarEntry | None:
    """A yearly all-day entry from the first anniversary on; None for a date not known to the day
    (a recurring entry would have to invent the day)."""
    if event.date_precision != Precision.DAY:
        return None
    first = anniversary_in_year(event.start_date, event.date_precision, event.start_date.year + 1)
    entry = CalendarEntry()
    entry.add("uid", f"anniversary-{event.slug}@{UID_DOMAIN}")
    entry.add("summary", f"Anniversary of {event.name} ({event.dates_display})")
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
    entry.add("description", f"{event.name} began on {event.dates_display}. {url}")
    return entry


def commemoration_entry(commemoration, base_url: str) -> CalendarEntry:
    """An all-day entry; a date known only to the month or year spans that month or year."""
    first, last = commemoration.period
    entry = CalendarEntry()
    entry.add("uid", f"commemoration-{commemoration.slug}@{UID_DOMAIN}")
    entry.add("summary", commemoration.name)
    entry.add("dtstart", first)
    entry.add("dtend", last + datetime.timedelta(days=1))
    entry.add("dtstamp", _stamp(commemoration.updated_at))
    entry.add("transp", "TRANSPARENT")
    location = ", ".join(
        filter(None, [commemoration.venue, getattr(commemoration.place, "name", "")])
    )
    if location:
        entry.add("location", location)
    url = base_url + commemoration.event.get_absolute_url()
    entry.add("url", url)
    lines = [f"{commemoration.get_kind_display()} for {commemoration.event.name}."]
    if commemoration.date_precision != Precision.DAY:
        lines.append(
            f"Date known to the {commemoration.date_precision}: {commemoration.date_display}."
        )
    if commemoration.date_note:
        lines.append(commemoration.date_note)
    lines.append(url)
    entry.add("description", " ".join(lines))
    return entry


def build_calendar(events, commemorations, base_url: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Commemoration portal//Anniversaries and commemorations//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Commemoration portal")
    language = translation.get_language()
    entries = {}  # each entry's key: what it is made of, to the last save of each part
    for event in events:
        parts = ["anniversary", base_url, language, _saved(event)]
        entries[_entry_key(parts)] = functools.partial(anniversary_entry, event, base_url)
    for commemoration in commemorations:
        parts = ["commemoration", base_url, language, _saved(commemoration)]
        parts += [_saved(commemoration.event), _saved(commemoration.place)]
        entries[_entry_key(parts)] = functools.partial(commemoration_entry, commemoration, base_url)
    # Writing thousands of entries takes seconds, and an entry changes only when a part of it
    # is saved: each is kept as written, under a key that a save of any of its parts changes.
    written = cache.get_many(entries)
    missing = {}
    for key, build in entries.items():
        if key not in written:
            entry = build()
            missing[key] = entry.to_ical() if entry is not None else b""
    cache.set_many(missing, settings.PAGE_CACHE_SECONDS)
    written |= missing
    # The library writes a calendar's properties, then its entries, then its end.
    end = b"END:VCALENDAR\r\n"
    head = calendar.to_ical().removesuffix(end)
    return head + b"".join(written[key] for key in entries) + end


def _saved(instance) -> str:
    if instance is None:
        return ""
    return f"{instance._meta.label}:{instance.pk}:{instance.updated_at.isoformat()}"


def _entry_key(parts) -> str:
    return "ics-entry:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()
