from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from archive.models import Document
from memorials.models import Event, Person, Place

from .xmltext import xml_safe

# Sections of 2,000 addresses: each renders quickly even the first time after a change.
SECTION_SIZE = 2_000


class XMLSafeSitemap(Sitemap):
    """Addresses are percent-encoded by ``reverse``; ``xml_safe`` guards whatever else an
    item's address could hold, so a section always parses."""

    def location(self, item):
        return xml_safe(item.get_absolute_url())


class DocumentSitemap(XMLSafeSitemap):
    limit = SECTION_SIZE

    def items(self):
        return (
            Document.objects.public()
            .only("slug", "issued_on", "updated_at", "published_at")
            .order_by("pk")
        )

    def lastmod(self, document):
        return document.public_change_time


class EventSitemap(XMLSafeSitemap):
    def items(self):
        return Event.objects.public().order_by("pk")

    def lastmod(self, event):
        return event.updated_at


class PersonSitemap(XMLSafeSitemap):
    limit = SECTION_SIZE

    def items(self):
        return Person.objects.public().only("slug", "updated_at").order_by("pk")

    def lastmod(self, person):
        return person.updated_at


class PlaceSitemap(XMLSafeSitemap):
    def items(self):
        return Place.objects.order_by("pk")

    def lastmod(self, place):
        return place.updated_at


class PageSitemap(XMLSafeSitemap):
    """The site's own listing pages."""

    def items(self):
        return ["home", "archive:document-list", "memorials:event-list", "memorials:person-list",
                "memorials:place-list", "memorials:calendar"]  # fmt: skip

    def location(self, name):
        return xml_safe(reverse(name))


SITEMAPS = {
    "pages": PageSitemap,
    "documents": DocumentSitemap,
    "events": EventSitemap,
    "people": PersonSitemap,
    "places": PlaceSitemap,
}
