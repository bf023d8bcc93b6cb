"""Requests no page could answer, refused before anything else reads them.

A NUL byte in the address, the query string or a cookie has no meaning to any view, and
PostgreSQL refuses it in a query (an error, not "nothing found": a session cookie holding one
broke every page that reads the session); a query string whose bytes are not UTF-8 can only be
guessed at. All are answered 400 Bad Request, in a few microseconds, before the page cache,
sessions or any view see them.
"""

from urllib.parse import unquote_to_bytes

from django.http import HttpResponseBadRequest


def raw_query_string(request) -> bytes:
    """The query string as it arrived: WSGI hands its bytes over as Latin-1 text."""
    query = request.META.get("QUERY_STRING", "")
    try:
        return query.encode("iso-8859-1")
    except UnicodeEncodeError:  # already decoded text (ASGI)
        return query.encode("utf-8", errors="surrogateescape")


def problem(request) -> str:
    """Why the request is refused, or ''."""
    if "\x00" in request.path_info or "\x00" in request.path:
        return "The address contains a NUL byte."
    query = raw_query_string(request)
    if query:
        decoded = unquote_to_bytes(query)  # '+' is a space: never a NUL, never outside ASCII
        if b"\x00" in decoded:
            return "The query string contains a NUL byte."
        try:
            decoded.decode("utf-8")
        except UnicodeDecodeError:
            return "The query string is not UTF-8."
    # A quoted cookie value may write a NUL as "\000": the parsed values are what count.
    if request.META.get("HTTP_COOKIE") and any("\x00" in v for v in request.COOKIES.values()):
        return "A cookie contains a NUL byte."
    return ""


class HostileRequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refusal = problem(request)
        if refusal:
            return HttpResponseBadRequest(refusal, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
