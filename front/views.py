from django.db import connection
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone

from archive import selectors as archive_selectors
from memorials import selectors as memorials_selectors
from portal import freshness, search

LATEST_DOCUMENTS = 5
# The next anniversaries on the home page; the calendar, linked below them, has the rest.
UPCOMING_SHOWN = 10


@freshness.public_page
def home(request):
    """Composed from the apps' selectors: it leads with the anniversary that comes next and
    the days until it (counted from today: the page cache keeps a page for its day only), then
    what falls on this day, what comes after, and the latest documents."""
    today = timezone.localdate()
    lead = memorials_selectors.next_anniversary(today)
    context = {
        "today": today,
        "lead_event": lead[0] if lead else None,
        "lead_anniversary": lead[1] if lead else None,
        "days_to_lead": (lead[1].period[0] - today).days if lead else None,
        "on_this_day": memorials_selectors.on_this_day(today),
        "on_this_day_documents": archive_selectors.issued_on_this_day(today),
        "upcoming_anniversaries": memorials_selectors.upcoming_anniversaries(
            today, limit=UPCOMING_SHOWN
        ),
        "latest_documents": archive_selectors.latest_documents(LATEST_DOCUMENTS),
    }
    return render(request, "front/home.html", context)


def robots_txt(request):
    from django.conf import settings
    from django.urls import reverse
    from django.utils import translation

    sitemap = request.build_absolute_uri("/sitemap.xml")
    searches = []  # the search page in every interface language: /search/, /az/search/, …
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            searches.append(f"Disallow: {reverse('search')}")
    lines = ["User-agent: *", "Disallow: /admin/", *searches, f"Sitemap: {sitemap}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def healthz(request):
    """For load balancers: answers 200 when the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok\n", content_type="text/plain")


def link_with(params: QueryDict, **changes) -> str:
    """The query string of this search with some parameters changed (None removes one)."""
    query = params.copy()
    query.pop("page", None)
    for name, value in changes.items():
        if value is None:
            query.pop(name, None)
        else:
            query[name] = value
    return query.urlencode()


@freshness.public_page
def search_page(request):
    filters = search.read_filters(request.GET)
    found = search.run(request.GET.get("q", ""), filters, request.GET.get("page"))
    facets = [
        {
            "title": facet.title,
            "options": [
                {
                    "label": option.label,
                    "count": option.count,
                    "active": option.active,
                    "link": link_with(
                        request.GET, **{facet.name: None if option.active else option.value}
                    ),
                }
                for option in facet.options
            ],
        }
        for facet in found.facets
    ]
    context = {
        "typed": found.typed,
        "filters": filters,
        "parsed": found.searched,
        "page": found.page,
        "estimated": found.estimated,
        "total": found.total,
        "ranked_within": found.ranked_within,
        "results": [(hit.entry, hit.kind_label, hit.snippet) for hit in found.hits],
        "facets": facets,
        "page_link": link_with(request.GET, page=None),
    }
    return render(request, "front/search.html", context)
