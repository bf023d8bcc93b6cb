"""Read-only JSON API over public data. Field names are documented in the README."""

from django.core.paginator import EmptyPage, PageNotAnInteger
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404

from archive.forms import ArchiveFilterForm
from archive.models import Document
from memorials.models import Event, Figure

from . import freshness

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def _page(request, queryset, serialize):
    try:
        size = min(max(int(request.GET.get("page_size", DEFAULT_PAGE_SIZE)), 1), MAX_PAGE_SIZE)
    except ValueError:
        size = DEFAULT_PAGE_SIZE
    paginator = freshness.RememberedCountPaginator(queryset, size, request=request)
    try:
        page = paginator.page(request.GET.get("page", 1))
    except (EmptyPage, PageNotAnInteger):
        raise Http404("No such page.") from None

    def link(number):
        query = request.GET.copy()
        query["page"] = number
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return JsonResponse(
        {
            "count": paginator.count,
            "page": page.number,
            "pages": paginator.num_pages,
            "next": link(page.next_page_number()) if page.has_next() else None,
            "previous": link(page.previous_page_number()) if page.has_previous() else None,
            "results": [serialize(request, item) for item in page],
        },
        json_dumps_params={"ensure_ascii": False},
    )


def api_url(document) -> str:
    """A document's address in the API, as ``api-document`` reverses it: the year in four
    digits (portal/converters.py)."""
    return f"/api/documents/{document.issued_on.year:04d}/{document.slug}/"


def _document(request, document, *, full=False):
    data = {
        "url": request.build_absolute_uri(api_url(document)),
        "html_url": request.build_absolute_uri(document.get_absolute_url()),
        "text_url": request.build_absolute_uri(document.get_text_url()),
        "kind": document.kind,
        "title": document.title,
        "slug": document.slug,
        "issued_on": document.issued_on.isoformat(),
        "issuer": {"name": document.issuer.name, "slug": document.issuer.slug},
        "series": document.series,
        "reference_number": document.reference_number,
        "language": document.language,
        "summary": document.summary,
        "tags": [tag.name for tag in document.tags.all()],
        "checksum_sha256": document.checksum,
        "updated_at": document.updated_at.isoformat(),
    }
    if full:
        data["body"] = document.body
        data["editorial_notes"] = document.editorial_notes
        data["source_url"] = document.source_url
        data["provenance"] = document.provenance
    return data


@freshness.public_page
def document_list(request):
    documents = Document.objects.public()
    filters = ArchiveFilterForm(request.GET, documents=documents, request=request)
    return _page(request, filters.filter(documents).with_related(), _document)


@freshness.public_page
def document_detail(request, year, slug):
    document = get_object_or_404(
        Document.objects.public().with_related(), issued_on__year=year, slug=slug
    )
    return JsonResponse(
        _document(request, document, full=True), json_dumps_params={"ensure_ascii": False}
    )


def _event(request, event, *, figures=None, commemorations=None):
    data = {
        "url": request.build_absolute_uri(f"/api/events/{event.slug}/"),
        "html_url": request.build_absolute_uri(event.get_absolute_url()),
        "name": event.name,
        "slug": event.slug,
        "alternative_names": event.other_names,
        "start_date": event.start_date.isoformat(),
        "end_date": event.end_date.isoformat() if event.end_date else None,
        "date_precision": event.date_precision,
        "places": [
            {"name": place.name, "slug": place.slug, "variants": place.variants}
            for place in event.places.all()
        ],
        "description": event.description,
        "updated_at": event.updated_at.isoformat(),
    }
    if figures is not None:
        data["figures"] = [
            {
                "measure": figure.measure,
                "measure_label": figure.measure_display,
                "value": figure.value,
                "qualifier": figure.qualifier,
                "wording": figure.wording,
                "source": request.build_absolute_uri(api_url(figure.source)),
            }
            for figure in figures
        ]
        data["commemorations"] = [
            {
                "name": commemoration.name,
                "kind": commemoration.kind,
                "date": commemoration.date.isoformat(),
                "date_precision": commemoration.date_precision,
                "place": commemoration.place.name if commemoration.place else None,
                "venue": commemoration.venue,
            }
            for commemoration in commemorations
        ]
    return data


@freshness.public_page
def event_list(request):
    return _page(request, Event.objects.public().with_related(), _event)


@freshness.public_page
def event_detail(request, slug):
    event = get_object_or_404(Event.objects.public().with_related(), slug=slug)
    figures = Figure.objects.public().filter(event=event).with_related()
    commemorations = event.commemorations.public().select_related("place")
    return JsonResponse(
        _event(request, event, figures=figures, commemorations=commemorations),
        json_dumps_params={"ensure_ascii": False},
    )
