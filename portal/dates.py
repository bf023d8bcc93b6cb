"""Dates known to the day, the month or the year, as the kernel writes them.

A date known only to the month or the year is stored as its first day (2008-01-01 for
January 2008); the precision says how much of it is known, and nothing shows more: not the
text ("January 2008", never "1 January 2008"), not the machine-readable form ("2008-01" in
HTML's ``<time datetime>``, schema.org, the search index). The apps' own names for the
precisions (``memorials.anniversaries.Precision``) have these values.
"""

import datetime

from django.utils import formats

DAY = "day"
MONTH = "month"
YEAR = "year"


def iso_partial(value: datetime.date | None, precision: str) -> str:
    """The date in ISO 8601 to its precision: 1990-01-20, 2008-01 or 1918 (reduced
    precision, which HTML's ``datetime``, schema.org and Dublin Core accept)."""
    if value is None:
        return ""
    if precision == YEAR:
        return f"{value.year:04d}"
    if precision == MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


def format_partial(value: datetime.date | None, precision: str) -> str:
    """'20 January 1990', 'January 2008' or '1990', in the reader's language: the same as
    ``memorials.anniversaries.format_partial_date``, for the kernel's pages (search)."""
    if value is None:
        return ""
    if precision == YEAR:
        return str(value.year)
    if precision == MONTH:
        return formats.date_format(value, "YEAR_MONTH_FORMAT")
    return formats.date_format(value, "DATE_FORMAT")
