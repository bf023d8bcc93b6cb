"""The archive's reads: what pages, the API and the front ask of documents. Views stay thin;
the slow ones are remembered for the content's version (``freshness.remember``)."""

import datetime

from django.db import connections
from django.db.models import DateField, Exists, OuterRef
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncYear
from taggit.models import Tag

from portal import freshness

from .models import Document, Language, Organization


def public_documents():
    return Document.objects.public()


def latest_documents(count: int):
    return public_documents().with_related()[:count]


def filter_choices() -> dict:
    """The values the archive's filters offer: only those some public document has. Each is
    asked in the way the database answers from an index, not by reading every document."""

    def compute():
        unordered = public_documents().order_by()
        issuers = Organization.objects.filter(Exists(unordered.filter(issuer=OuterRef("pk"))))
        tags = Tag.objects.filter(Exists(unordered.filter(tags=OuterRef("pk"))))
        return {
            **present_years_kinds_and_languages(unordered),
            "issuers": list(issuers.order_by("name").values_list("slug", "name")),
            "tags": list(tags.order_by("name").values_list("slug", "name")),
        }

    return freshness.remember("archive filter choices", compute)


def present_years_kinds_and_languages(documents) -> dict:
    """The years, kinds and languages of ``documents``.

    A ``DISTINCT`` would read every entry of an index, and PostgreSQL has no skip scan: a year
    is found by one seek each (``present_years``), and a kind or language by asking whether
    any document has it, all in one query."""
    asked = {f"kind_{kind}": documents.filter(kind=kind) for kind in Document.Kind.values}
    asked |= {f"language_{code}": documents.filter(language=code) for code in Language.values}
    exists = {name: Exists(subquery) for name, subquery in asked.items()}
    # Asked of any one document (unordered: ordering would sort them all first); none if
    # there is none.
    answers = next(iter(documents.annotate(**exists).values(*exists)[:1]), {})
    return {
        "years": present_years(documents),
        "kinds": {kind for kind in Document.Kind.values if answers.get(f"kind_{kind}")},
        "languages": {code for code in Language.values if answers.get(f"language_{code}")},
    }


def present_years(documents) -> list[int]:
    """The years ``documents`` were issued in, newest first: the newest date, then the newest
    before the start of its year, and so on, one index seek per year (a recursive query)."""
    newest = documents.order_by("-issued_on").values("issued_on")[:1]
    start_of_year = TruncYear(RawSQL("years.issued_on", (), output_field=DateField()))
    older = documents.filter(issued_on__lt=start_of_year).order_by("-issued_on")
    newest_sql, newest_params = newest.query.sql_with_params()
    older_sql, older_params = older.values("issued_on")[:1].query.sql_with_params()
    query = (
        f"WITH RECURSIVE years(issued_on) AS (SELECT ({newest_sql}) "  # noqa: S608 - Django's SQL, values bound
        f"UNION ALL SELECT ({older_sql}) FROM years WHERE years.issued_on IS NOT NULL) "
        "SELECT issued_on FROM years WHERE issued_on IS NOT NULL"
    )
    with connections[documents.db].cursor() as cursor:
        cursor.execute(query, (*newest_params, *older_params))
        # A date on PostgreSQL, its ISO text on SQLite (the recursive column has no type).
        return [datetime.date.fromisoformat(str(day)).year for (day,) in cursor.fetchall()]


def issued_on_this_day(today: datetime.date):
    """Public documents issued on today's month and day in an earlier year."""
    documents = public_documents()
    since = freshness.remember("earliest document year", documents.earliest_year)
    return documents.issued_on_this_day(today, since or today.year).select_related("issuer")


def public_events_of(document):
    """The public events a document belongs to. Memorials define the relation (their
    ``Event.documents``, whose reverse is ``document.events``); the archive reads it without
    importing them, and without them there is none."""
    events = getattr(document, "events", None)
    return list(events.public()) if events is not None else []


def visible_document(user, year: int, slug: str):
    """A public document, or any document for an editor previewing it; None if neither."""
    documents = Document.objects.visible_to(user).with_related()
    return documents.filter(issued_on__year=year, slug=slug).first()


def withdrawn_document(year: int, slug: str):
    """A document withdrawn after it was public, for its tombstone; None otherwise."""
    documents = Document.objects.withdrawn().select_related("issuer")
    return documents.filter(issued_on__year=year, slug=slug).first()
