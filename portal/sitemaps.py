"""What every sitemap section shares: addresses that always parse as XML, sections small
enough to render quickly even the first time after a change, and no empty section. Each app's
sections live beside its models (archive/sitemaps.py, memorials/sitemaps.py); the index is the
front's."""

import datetime

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import x_robots_tag
from django.contrib.sites.shortcuts import get_current_site
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import http_date

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

    def entries(self, items) -> list[tuple[str, datetime.date | None]]:
        """Each item's address and when it last changed (None if unknown). A section of
        thousands overrides it to read values, not model instances, and to build addresses
        without resolving each (``section``)."""
        lastmod = getattr(self, "lastmod", None)
        return [(self.location(item), lastmod(item) if lastmod else None) for item in items]

    def page_of_items(self, number: int):
        """The items of page ``number``, without counting the section first (the index does)."""
        items = self.items()
        start = (number - 1) * self.limit
        return items[start : start + self.limit]


def _w3c_date(moment) -> str:
    if isinstance(moment, datetime.datetime):
        moment = timezone.localtime(moment) if timezone.is_aware(moment) else moment
        return moment.date().isoformat()
    return moment.isoformat()


@x_robots_tag
def section(request, sitemaps, section):
    """One section of the sitemap (``?p=`` its page), written out directly: Django's view
    renders a template node per address and resolves each, several times slower for a section
    of thousands. The same XML, the same 404s and the Last-Modified of its newest item."""
    if section not in sitemaps:
        raise Http404(f"No sitemap available for section: {section!r}")
    site = sitemaps[section]
    site = site() if callable(site) else site
    number = request.GET.get("p", "1")
    if not (number.isascii() and number.isdigit() and len(number) <= 6) or int(number) == 0:
        raise Http404(f"No page {number!r}")
    entries = site.entries(site.page_of_items(int(number)))
    if not entries:
        raise Http404(f"Page {number} empty")
    base = f"{site.get_protocol(request.scheme)}://{site.get_domain(get_current_site(request))}"
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    ]
    for path, lastmod in entries:
        changed = f"<lastmod>{_w3c_date(lastmod)}</lastmod>" if lastmod else ""
        lines.append(f"<url><loc>{escape(base + path)}</loc>{changed}</url>")
    lines.append("</urlset>\n")
    response = HttpResponse("\n".join(lines), content_type="application/xml")
    times = [lastmod for _path, lastmod in entries]
    if all(isinstance(moment, datetime.datetime) for moment in times):
        response["Last-Modified"] = http_date(max(times).timestamp())
    return response


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
