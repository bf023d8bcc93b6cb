"""An event's timeline: the event, its documents and its commemorations, merged by date."""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext, ngettext

from .anniversaries import Precision, format_partial_date

# A dated item this close to an anniversary is labelled as that anniversary.
ANNIVERSARY_WINDOW_DAYS = 31


@dataclass(frozen=True)
class TimelineEntry:
    date: datetime.date
    precision: str
    kind: str  # "event", "document" or "commemoration"
    title: str
    url: str
    label: str
    detail: str = ""
    language: str = ""  # the title's

    @property
    def when(self) -> str:
        return format_partial_date(self.date, self.precision)


def anniversary_label(event, day: datetime.date) -> str:
    """'18th anniversary' near an anniversary; otherwise how long after the event."""
    if day < event.start_date:
        return gettext("before the event")
    anniversary = event.anniversary_near(day)
    if anniversary and abs((anniversary.date - day).days) <= ANNIVERSARY_WINDOW_DAYS:
        return anniversary.label
    start = event.start_date
    years = day.year - start.year - ((day.month, day.day) < (start.month, start.day))
    if years < 1:
        return gettext("within the first year")
    return ngettext("%(years)d year after", "%(years)d years after", years) % {"years": years}


def build_timeline(event, documents, commemorations) -> list[TimelineEntry]:
    entries = [
        TimelineEntry(
            date=event.start_date,
            precision=event.date_precision,
            kind="event",
            title=event.local_name,
            url=event.get_absolute_url(),
            label=gettext("the event"),
            language=event.name_for()[1],
        )
    ]
    entries += [
        TimelineEntry(
            date=document.issued_on,
            precision=Precision.DAY,
            kind="document",
            title=document.title,
            url=document.get_absolute_url(),
            label=anniversary_label(event, document.issued_on),
            detail=f"{document.get_kind_display()}, {document.issuer.name}",
            language=document.language,
        )
        for document in documents
    ]
    entries += [
        TimelineEntry(
            date=commemoration.date,
            precision=commemoration.date_precision,
            kind="commemoration",
            title=commemoration.local_name,
            url=f"#commemoration-{commemoration.slug}",
            label=anniversary_label(event, commemoration.date),
            detail=commemoration.get_kind_display(),
            language=commemoration.name_for()[1],
        )
        for commemoration in commemorations
    ]
    order = {"event": 0, "commemoration": 1, "document": 2}
    return sorted(entries, key=lambda entry: (entry.date, order[entry.kind], entry.title))
