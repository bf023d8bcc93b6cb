"""The archive's reads: what pages, the API and the front ask of documents. Views stay thin;
the slow ones are remembered for the content's version (``freshness.remember``)."""

import datetime

from django.db.models import Exists, OuterRef
from taggit.models import Tag

from portal import freshness

from .models import Document, Organization


def public_documents():
    return Document.objects.public()


def latest_documents(count: int):
    return public_documents().with_related()[:count]


def filter_choices() -> dict:
    """The values the archive's filters offer: only those some public document has. Each is
    asked in the way the database answers from an index, not by reading every document."""

    def compute():
        unordered = public_documents().order_by()
        issued_on = unordered.values_list("issued_on", flat=True).distinct()
        issuers = Organization.objects.filter(Exists(unordered.filter(issuer=OuterRef("pk"))))
        tags = Tag.objects.filter(Exists(unordered.filter(tags=OuterRef("pk"))))
        kinds_and_languages = set(unordered.values_list("kind", "language").distinct())
        return {
            "years": sorted({day.year for day in issued_on}, reverse=True),
            "issuers": list(issuers.order_by("name").values_list("slug", "name")),
            "kinds": {kind for kind, _ in kinds_and_languages},
            "languages": {language for _, language in kinds_and_languages},
            "tags": list(tags.order_by("name").values_list("slug", "name")),
        }

    return freshness.remember("archive filter choices", compute)


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
