from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from archive import selectors as archive_selectors
from archive.models import Language
from memorials import selectors as memorials_selectors
from portal import content, freshness, search

LATEST_DOCUMENTS = 5


@freshness.public_page
def home(request):
    """Composed from the apps' selectors: what falls on this day, what comes next, and the
    latest documents."""
    today = timezone.localdate()
    context = {
        "today": today,
        "on_this_day": memorials_selectors.on_this_day(today),
        "on_this_day_documents": archive_selectors.issued_on_this_day(today),
        "upcoming_anniversaries": memorials_selectors.upcoming_anniversaries(today),
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


RESULTS_PER_PAGE = 20
FACET_TITLES = {
    "kind": _("Kind"),
    "year": _("Year"),
    "issuer": _("Issuer"),
    "language": _("Language"),
    "tag": _("Tag"),
}


def read_filters(params: QueryDict) -> dict:
    """The facet filters a visitor chose; anything malformed is dropped, not an error."""
    filters = {}
    if params.get("kind") in content.by_kind():
        filters["kind"] = params["kind"]
    year = params.get("year", "")
    if year.isascii() and year.isdigit() and len(year) <= 4:  # "²" is a digit, not an int
        filters["year"] = int(year)
    for name, longest in [("issuer", 100), ("language", 10), ("tag", 100)]:
        value = params.get(name, "").strip()
        if value and len(value) <= longest and value.isprintable():
            filters[name] = value
    return filters


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
    typed = search.clean_query(request.GET.get("q", ""))
    filters = read_filters(request.GET)
    parsed = search.parse_query(typed, search.variant_map()) if typed else search.ParsedQuery()
    context = {"typed": typed, "filters": filters, "parsed": bool(parsed)}
    if parsed:
        matching = search.apply_filters(search.matching(parsed), filters)
        ranked = search.apply_filters(search.matching(parsed, ranked=True), filters)
        total, counts = search.facet_counts(matching)
        paginator = Paginator(ranked, RESULTS_PER_PAGE)
        paginator.count = total  # counted with the facets: one full-text pass fewer
        page = paginator.get_page(request.GET.get("page"))
        language_names = dict(Language.choices)
        facets = []
        for name, values in counts.items():
            if not values:
                continue
            options = []
            for value, label, count in values:
                if name == "kind":
                    kinds = content.by_kind()
                    label = kinds[value].names[1] if value in kinds else value
                elif name == "language":
                    label = language_names.get(value, value)
                active = str(filters.get(name, "")) == value
                link = link_with(request.GET, **{name: None if active else value})
                options.append({"label": label, "count": count, "active": active, "link": link})
            facets.append({"title": FACET_TITLES[name], "options": options})
        context.update(
            page=page,
            results=[
                (entry, content.by_kind()[entry.kind].names[0], search.snippet(entry.text, parsed))
                for entry in page
            ],
            facets=facets,
            page_link=link_with(request.GET, page=None),
        )
    return render(request, "front/search.html", context)
