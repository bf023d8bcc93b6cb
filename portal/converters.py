"""Path converters for the site's addresses; importing this module registers them.

A year in an address is four ASCII digits, 0001–9999: every year a date can hold, and nothing
the database or ``datetime`` cannot take. ``0``, ``0000``, ``10000`` or twenty digits are
simply no address (404), never an OverflowError or ValueError. Years before 1000 are written
with leading zeros (``/archive/0800/…``), so that every stored document keeps an address.
"""

import re

from django.urls import register_converter

YEAR_PATTERN = re.compile(r"[0-9]{4}")


def parse_year(text: str) -> int | None:
    """The year written in ``text`` as four ASCII digits, or None."""
    if not YEAR_PATTERN.fullmatch(text):
        return None
    year = int(text)
    return year if year >= 1 else None


class YearConverter:
    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        year = parse_year(value)
        if year is None:
            raise ValueError(f"{value!r} is not a year")  # Django answers: no such address
        return year

    def to_url(self, value) -> str:
        year = int(value)
        if not 1 <= year <= 9999:
            raise ValueError(f"{value!r} is not a year")  # NoReverseMatch
        return f"{year:04d}"


class CitationFormatConverter:
    regex = "bib|ris|json"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(YearConverter, "year")
register_converter(CitationFormatConverter, "citation_format")
