"""What the read-only JSON API's endpoints share: pages of results, and JSON as written here
(UTF-8, not escaped). Each app's endpoints live beside its models (archive/api.py,
memorials/api.py); field names are documented in the README."""

from django.core.paginator import EmptyPage, PageNotAnInteger
from django.http import Http404, JsonResponse

from . import freshness

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def json_response(data) -> JsonResponse:
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


def page_of(request, queryset, serialize) -> JsonResponse:
    """One page of ``queryset`` (``?page=``, ``?page_size=``), each item by ``serialize``."""
    try:
        size = min(max(int(request.GET.get("page_size", DEFAULT_PAGE_SIZE)), 1), MAX_PAGE_SIZE)
    except ValueError:
        size = DEFAULT_PAGE_SIZE
    paginator = freshness.RememberedCountPaginator(
        queryset, size, name=freshness.list_name(request)
    )
    try:
        page = paginator.page(request.GET.get("page", 1))
    except (EmptyPage, PageNotAnInteger):
        raise Http404("No such page.") from None

    def link(number):
        query = request.GET.copy()
        query["page"] = number
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return json_response(
        {
            "count": paginator.count,
            "page": page.number,
            "pages": paginator.num_pages,
            "next": link(page.next_page_number()) if page.has_next() else None,
            "previous": link(page.previous_page_number()) if page.has_previous() else None,
            "results": [serialize(request, item) for item in page],
        }
    )
