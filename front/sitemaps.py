"""The sitemap index: the site's own pages, and each app's sections that have pages."""

from django.urls import reverse

from archive.sitemaps import DocumentSitemap
from memorials.sitemaps import EventSitemap, PersonSitemap, PlaceSitemap
from portal.sitemaps import Sections, XMLSafeSitemap
from portal.xmltext import xml_safe


class PageSitemap(XMLSafeSitemap):
    """The site's own listing pages."""

    def items(self):
        return ["home", "archive:document-list", "memorials:event-list", "memorials:person-list",
                "memorials:place-list", "memorials:calendar"]  # fmt: skip

    def location(self, name):
        return xml_safe(reverse(name))


SITEMAPS = Sections(
    {
        "pages": PageSitemap,
        "documents": DocumentSitemap,
        "events": EventSitemap,
        "people": PersonSitemap,
        "places": PlaceSitemap,
    }
)
