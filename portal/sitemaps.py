"""What every sitemap section shares: addresses that always parse as XML, and sections small
enough to render quickly even the first time after a change. Each app's sections live beside
its models (archive/sitemaps.py, memorials/sitemaps.py); the index is the front's."""

from django.contrib.sitemaps import Sitemap

from .xmltext import xml_safe

# Sections of 2,000 addresses: each renders quickly even the first time after a change.
SECTION_SIZE = 2_000


class XMLSafeSitemap(Sitemap):
    """Addresses are percent-encoded by ``reverse``; ``xml_safe`` guards whatever else an
    item's address could hold, so a section always parses."""

    def location(self, item):
        return xml_safe(item.get_absolute_url())
