"""The anniversary engine: plain functions over a date and how precisely it is known.

An event known to the day has an anniversary on a day; one known only to the month has its
anniversary in a month, and one known only to the year in a year — the engine never invents a
day it was not given. An event of 29 February is observed on 28 February in common years.
Anniversaries start at the first (the event's own year is not an anniversary).
"""

import calendar
import datetime
import re
from dataclasses import dataclass

from django.db import models
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Precision(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")


MILESTONE_EVERY = 5


# Azerbaijani ordinal suffixes follow the vowel of the number's last spoken word: 18-ci
# (səkkiz), 30-cu (otuz), 6-cı (altı), 3-cü (üç), 100-cü (yüz), 1000-ci (min).
_AZ_UNITS = {1: "ci", 2: "ci", 3: "cü", 4: "cü", 5: "ci", 6: "cı", 7: "ci", 8: "ci", 9: "cu"}
_AZ_TENS = {1: "cu", 2: "ci", 3: "cu", 4: "cı", 5: "ci", 6: "cı", 7: "ci", 8: "ci", 9: "cı"}


def ordinal(number: int, language: str = "en") -> str:
    """The ordinal as written in ``language``: 18th, 18-ci, 18-я (Russian, for годовщина)."""
    if language == "az":
        if number % 10:
            suffix = _AZ_UNITS[number % 10]
        elif number % 100:
            suffix = _AZ_TENS[number % 100 // 10]
        else:
            suffix = "cü" if number % 1000 else "ci"
        return f"{number}-{suffix}"
    if language == "ru":
        return f"{number}-я"
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def az_ablative(number: int, written: str | None = None) -> str:
    """The number with the Azerbaijani ablative ending, by the same vowel harmony as the
    ordinal: 130-dan (otuz), 20-dən (iyirmi)."""
    back = ordinal(number, "az").endswith(("cı", "cu"))
    return f"{written or number}-{'dan' if back else 'dən'}"


def is_milestone(number: int) -> bool:
    """Every fifth anniversary: the 5th, 10th, 15th, …"""
    return number > 0 and number % MILESTONE_EVERY == 0


def observed_date(original: datetime.date, year: int) -> datetime.date:
    """The day in ``year`` on which a day-precise date is remembered."""
    if original.month == 2 and original.day == 29 and not calendar.isleap(year):
        return datetime.date(year, 2, 28)
    return original.replace(year=year)


def format_partial_date(value: datetime.date | None, precision: str) -> str:
    """'20 January 1990', 'January 2008' or '1990', as precisely as the date is known, in
    the reader's language."""
    if value is None:
        return ""
    if precision == Precision.YEAR:
        return str(value.year)
    if precision == Precision.MONTH:
        return formats.date_format(value, "YEAR_MONTH_FORMAT")
    return formats.date_format(value, "DATE_FORMAT")


def period_of(value: datetime.date, precision: str) -> tuple[datetime.date, datetime.date]:
    """The first and last day a partial date may stand for."""
    if precision == Precision.YEAR:
        return datetime.date(value.year, 1, 1), datetime.date(value.year, 12, 31)
    if precision == Precision.MONTH:
        last = calendar.monthrange(value.year, value.month)[1]
        return value.replace(day=1), value.replace(day=last)
    return value, value


@dataclass(frozen=True)
class Anniversary:
    number: int
    date: datetime.date  # the observed day, or the first day of the month or year
    precision: str

    @property
    def label(self) -> str:
        return _("%(ordinal)s anniversary") % {
            "ordinal": ordinal(self.number, (get_language() or "en")[:2])
        }

    @property
    def is_milestone(self) -> bool:
        return is_milestone(self.number)

    @property
    def when(self) -> str:
        return format_partial_date(self.date, self.precision)

    @property
    def period(self) -> tuple[datetime.date, datetime.date]:
        return period_of(self.date, self.precision)


def anniversary_in_year(original: datetime.date, precision: str, year: int) -> Anniversary | None:
    """The anniversary that falls in ``year``, or None before the first one."""
    number = year - original.year
    if number < 1:
        return None
    if precision == Precision.DAY:
        day = observed_date(original, year)
    elif precision == Precision.MONTH:
        day = datetime.date(year, original.month, 1)
    else:
        day = datetime.date(year, 1, 1)
    return Anniversary(number, day, precision)


def nth_anniversary(original: datetime.date, precision: str, number: int) -> Anniversary | None:
    """The Nth anniversary (N ≥ 1)."""
    if number < 1:
        return None
    return anniversary_in_year(original, precision, original.year + number)


def anniversaries_between(
    original: datetime.date, precision: str, start: datetime.date, end: datetime.date
) -> list[Anniversary]:
    """Anniversaries whose day (or month, or year) lies at least partly within [start, end]."""
    found = []
    for year in range(start.year, end.year + 1):
        anniversary = anniversary_in_year(original, precision, year)
        if anniversary is None:
            continue
        first, last = anniversary.period
        if first <= end and last >= start:
            found.append(anniversary)
    return found


def next_anniversaries(
    original: datetime.date, precision: str, after: datetime.date, count: int = 1
) -> list[Anniversary]:
    """The next ``count`` anniversaries on or after ``after`` (a month or year still under way
    counts as upcoming)."""
    found = []
    year = max(after.year, original.year + 1)
    while len(found) < count:
        anniversary = anniversary_in_year(original, precision, year)
        if anniversary and anniversary.period[1] >= after:
            found.append(anniversary)
        year += 1
    return found


def falls_on(original: datetime.date, precision: str, day: datetime.date) -> Anniversary | None:
    """The anniversary on ``day`` ("on this day"): only for dates known to the day."""
    if precision != Precision.DAY:
        return None
    anniversary = anniversary_in_year(original, precision, day.year)
    if anniversary and anniversary.date == day:
        return anniversary
    return None


def nearest_anniversary(
    original: datetime.date, precision: str, on: datetime.date
) -> Anniversary | None:
    """The anniversary closest to ``on`` — what a document issued that day commemorates."""
    candidates = [
        anniversary_in_year(original, precision, year)
        for year in (on.year - 1, on.year, on.year + 1)
    ]
    candidates = [candidate for candidate in candidates if candidate]
    if not candidates:
        return None
    return min(candidates, key=lambda candidate: abs((candidate.date - on).days))


_UNITS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"]
_TEENS = [
    "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
    "seventeenth", "eighteenth", "nineteenth",
]  # fmt: skip
_TENS = ["twent", "thirt", "fort", "fift", "sixt", "sevent", "eight", "ninet"]
_TENS_CARDINAL = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_ORDINAL_WORDS = {word: number for number, word in enumerate(_UNITS, start=1)}
_ORDINAL_WORDS.update({word: number for number, word in enumerate(_TEENS, start=10)})
for _index, _stem in enumerate(_TENS):
    _tens = (_index + 2) * 10
    _ORDINAL_WORDS[f"{_stem}ieth"] = _tens
    for _unit, _word in enumerate(_UNITS, start=1):
        _ORDINAL_WORDS[f"{_TENS_CARDINAL[_index]}-{_word}"] = _tens + _unit
        _ORDINAL_WORDS[f"{_TENS_CARDINAL[_index]} {_word}"] = _tens + _unit
_ORDINAL_WORDS["hundredth"] = 100

_CLAIM_DIGITS = re.compile(r"\b(\d{1,3})\s*(?:st|nd|rd|th)\s+anniversary\b", re.IGNORECASE)
_CLAIM_WORDS = re.compile(
    r"\b("
    + "|".join(sorted(map(re.escape, _ORDINAL_WORDS), key=len, reverse=True))
    + r")\s+anniversary\b",
    re.IGNORECASE,
)


def claimed_anniversary(title: str) -> int | None:
    """The anniversary a title claims ("18th ANNIVERSARY", "Twentieth Anniversary"), if any."""
    match = _CLAIM_DIGITS.search(title)
    if match:
        return int(match[1])
    match = _CLAIM_WORDS.search(title)
    if match:
        return _ORDINAL_WORDS[match[1].lower()]
    return None
