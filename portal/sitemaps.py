"""What every sitemap section shares: addresses that always parse as XML, sections small
enough to render quickly even the first time after a change, and no empty section. Each app's
sections live beside its models (archive/sitemaps.py, memorials/sitemaps.py); the index is the
front's."""

from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.db.models import QuerySet

from .xmltext import xml_safe

# Sections of 2,000 addresses: each renders quickly even the first time after a change.
SECTION_SIZE = 2_000


class XMLSafeSitemap(Sitemap):
    """Addresses are percent-encoded by ``reverse``; ``xml_safe`` guards whatever else an
    item's address could hold, so a section always parses. A section without items has no
    page at all (its address answers 404): the sitemap schema refuses an empty urlset."""

    def location(self, item):
        return xml_safe(item.get_absolute_url())

    @property
    def paginator(self):
        return Paginator(self._items(), self.limit, allow_empty_first_page=False)

    def has_items(self) -> bool:
        items = self.items()
        return items.exists() if isinstance(items, QuerySet) else bool(items)


class Sections(dict):
    """The sitemap sections by name, as Django's sitemap views take them, holding only the
    sections that have items: the index lists no empty section, and an empty section's address
    answers 404 ("No sitemap available for section")."""

    @staticmethod
    def _has_items(site) -> bool:
        return (site() if callable(site) else site).has_items()

    def items(self):
        return [(name, site) for name, site in super().items() if self._has_items(site)]

    def values(self):
        return [site for _name, site in self.items()]

    def __contains__(self, name):
        return super().__contains__(name) and self._has_items(self[name])
