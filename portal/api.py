"""What the read-only JSON API's endpoints share: pages of results, and JSON as written here
(UTF-8, not escaped). Each app's endpoints live beside its models (archive/api.py,
memorials/api.py); field names are documented in the README."""

import functools

from django.core.paginator import EmptyPage, PageNotAnInteger
from django.http import Http404, JsonResponse

from . import freshness

READ_METHODS = ("GET", "HEAD", "OPTIONS")


class BadRequest(Exception):
    """A parameter that is not of the form it must have: a JSON 400 naming it."""

    def __init__(self, parameter: str, message: str):
        self.parameter, self.message = parameter, message
        super().__init__(message)


def open_to_every_origin(view):
    """Public read-only data may be read by any site's scripts (CORS): the API, feeds,
    calendar.ics and OAI-PMH. Nothing personal is ever in them, so no credentials either."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return wrapped


def json_endpoint(view):
    """An endpoint of the JSON API: read-only (other methods get 405 with ``Allow``), every
    error as JSON (404 for what does not exist, a page out of range included; 400 naming a
    malformed parameter), open to every origin."""

    @open_to_every_origin
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in READ_METHODS:
            response = json_error(405, f"{request.method} is not allowed here: read with GET.")
            response["Allow"] = ", ".join(READ_METHODS)
            return response
        try:
            return view(request, *args, **kwargs)
        except Http404 as error:
            return json_error(404, str(error) or "Not found.")
        except BadRequest as error:
            return json_error(400, error.message, parameter=error.parameter)

    return wrapped


def json_error(status: int, message: str, **details) -> JsonResponse:
    response = json_response({"error": message, **details})
    response.status_code = status
    return response


DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def json_response(data) -> JsonResponse:
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


def page_of(request, queryset, serialize) -> JsonResponse:
    """One page of ``queryset`` (``?page=``, ``?page_size=``), each item by ``serialize``."""
    size_asked = request.GET.get("page_size", str(DEFAULT_PAGE_SIZE))
    if not (size_asked.isascii() and size_asked.isdigit()) or len(size_asked) > 6:
        raise BadRequest("page_size", f"page_size is a whole number from 1 to {MAX_PAGE_SIZE}.")
    size = min(max(int(size_asked), 1), MAX_PAGE_SIZE)
    paginator = freshness.RememberedCountPaginator(
        queryset, size, name=freshness.list_name(request)
    )
    try:
        page = paginator.page(request.GET.get("page", 1))
    except PageNotAnInteger:
        raise BadRequest("page", "page is a whole number.") from None
    except EmptyPage:
        raise Http404(f"No such page: there are {paginator.num_pages}.") from None

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
