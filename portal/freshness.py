"""Caching public pages without ever showing stale content.

The content's *version* is the latest moment at which anything public changed: the last save or
delete of a content model (signals touch ``ContentChange``), or a scheduled publish time that
has come — a scheduled item becomes public without any save, so the clock counts too. Reading
it is one query on a table of a few rows, shared by every worker and instance.

``public_page`` builds on it for pages anyone may see:

- conditional GET: an ETag and Last-Modified from the version, so a client holding the page
  gets a 304 without the page being rendered;
- a page cache (``PageCacheMiddleware``): the finished response for anonymous visitors, keyed
  by the version, the address, the language and the day (anniversaries move with the date),
  answered before the rest of the middleware runs. A change makes a new version, so no entry
  is ever invalidated by hand and none is ever served after a change.

Editors (anyone with a session) and visitors with a message waiting are always served fresh.
"""

import datetime
import functools
import hashlib
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.functional import cached_property
from django.utils.http import http_date

from .models import ContentChange


def touch(sender=None, instance=None, created=False, **kwargs) -> None:
    """Record that public content changed now, and when a scheduled publish time will come."""
    if created and getattr(instance, "awaiting_moderation", False):
        return  # a new tribute waiting for moderation shows nowhere yet
    now = timezone.now()
    ContentChange.objects.create(changed_at=now)
    # Earlier moments no longer matter: the row just written is later than all of them.
    ContentChange.objects.filter(changed_at__lt=now).delete()
    publish_at = getattr(instance, "published_at", None)
    if publish_at and publish_at > now:
        ContentChange.objects.get_or_create(changed_at=publish_at, scheduled=True)


def track(*models) -> None:
    """Count saves, deletes and many-to-many changes of ``models`` as content changes."""
    for model in models:
        label = model._meta.label
        post_save.connect(touch, sender=model, dispatch_uid=f"fresh-save-{label}")
        post_delete.connect(touch, sender=model, dispatch_uid=f"fresh-delete-{label}")
        for field in model._meta.local_many_to_many:
            through = getattr(model, field.name).through
            uid = f"fresh-m2m-{through._meta.label}"
            m2m_changed.connect(touch, sender=through, dispatch_uid=uid)


def content_version() -> datetime.datetime | None:
    """The latest moment public content changed; None before anything was ever recorded.

    Every cached page and 304 asks for it, and building this query with the ORM took longer
    than the rest of such a request: the SQL is written out, and its value read as the ORM
    would."""
    table = connection.ops.quote_name(ContentChange._meta.db_table)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT MAX(changed_at) FROM {table} WHERE NOT scheduled OR changed_at <= %s",  # noqa: S608 -- the table's name, from the model
            [now],
        )
        (latest,) = cursor.fetchone()
    column = ContentChange._meta.get_field("changed_at").cached_col
    for converter in connection.ops.get_db_converters(column):
        latest = converter(latest, column, connection)
    return latest


def request_version(request) -> datetime.datetime | None:
    """``content_version()``, read once per request."""
    if not hasattr(request, "_content_version"):
        request._content_version = content_version()
    return request._content_version


def _is_public_request(request) -> bool:
    """A GET by a visitor with nothing personal on the page: no session (editors, previews)
    and no message waiting to be shown (after posting a tribute)."""
    cookies = request.COOKIES
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in cookies
        and "messages" not in cookies
    )


def _address(request) -> str:
    """The page asked for: scheme, host, path and query (pages link to themselves), and its
    language — LocaleMiddleware takes it from the path prefix, English without one."""
    language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    return f"{request.build_absolute_uri()}\n{language}"


def _page_key(address: str, version, visitor: str = "") -> str:
    # The day too: anniversaries and "on this day" move with the date.
    parts = [address, version.isoformat(), timezone.localdate().isoformat(), visitor]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _accepted_csrf_secret(request) -> str | None:
    """The visitor's CSRF cookie, if the CSRF middleware accepted it (else the page would set
    a new one): the key of a page carrying a form, whose token only that cookie matches."""
    secret = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
    return secret if secret and request.META.get("CSRF_COOKIE") == secret else None


def _storable(request, response, per_visitor: bool) -> bool:
    if response.status_code != 200 or response.streaming:
        return False
    if per_visitor:
        # The only cookie allowed is the CSRF middleware renewing the visitor's own.
        csrf = settings.CSRF_COOKIE_NAME
        return set(response.cookies) <= {csrf} and all(
            cookie.value == request.COOKIES[csrf] for cookie in response.cookies.values()
        )
    return not response.cookies and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")


def public_page(view=None, *, per_visitor: bool = False):
    """Serve ``view`` with conditional GET, and mark its response for the page cache
    (``PageCacheMiddleware`` stores it, and answers the next requests for it). ``per_visitor``
    marks a page with a form: it is cached for each visitor's CSRF cookie."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            version = request_version(request) if _is_public_request(request) else None
            visitor = _accepted_csrf_secret(request) if per_visitor else ""
            if version is None or visitor is None:
                return view(request, *args, **kwargs)
            address = _address(request)
            key = _page_key(address, version, visitor)
            etag, last_modified = f'"{key[:32]}"', int(version.timestamp())
            response = get_conditional_response(request, etag=etag, last_modified=last_modified)
            if response is None:
                response = view(request, *args, **kwargs)
                if hasattr(response, "render") and not response.is_rendered:
                    response.render()
                if _storable(request, response, per_visitor):
                    request._page_cache_entry = (address, key, per_visitor)
            if response.status_code in (200, 304):
                response.headers.setdefault("ETag", etag)
                response.headers.setdefault("Last-Modified", http_date(last_modified))
                # Browsers ask again each time (a cheap 304) instead of guessing a lifetime.
                privacy = {"private": True} if per_visitor else {}
                patch_cache_control(response, no_cache=True, **privacy)
            return response

        return wrapped

    return decorate(view) if view else decorate


class PageCacheMiddleware:
    """Answers a public page from the cache before the rest of the middleware runs, and keeps
    the pages ``public_page`` marked, as the rest of the middleware finished them.

    An address is looked up first (no query): only pages once stored cost the version's
    query, so /healthz, the admin or media never do; static files are not looked up at all."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.static = settings.STATIC_URL  # served by whitenoise, below: never a page

    def __call__(self, request):
        cacheable = _is_public_request(request) and not request.path.startswith(self.static)
        cached = self.cached(request) if cacheable else None
        if cached is not None:
            return cached
        token = _version_of_request.set(
            functools.partial(request_version, request) if cacheable else None
        )
        try:
            response = self.get_response(request)
        finally:
            _version_of_request.reset(token)
        entry = getattr(request, "_page_cache_entry", None)
        if entry and response.status_code == 200:
            address, key, per_visitor = entry
            seconds = settings.PAGE_CACHE_SECONDS
            cache.set(_address_key(address), per_visitor, seconds)
            # Without its cookies: a page with a form renews the visitor's CSRF cookie.
            stored = HttpResponse(
                response.content, status=response.status_code, headers=response.headers
            )
            cache.set(f"page:{key}", stored, seconds)
        return response

    def cached(self, request):
        address = _address(request)
        per_visitor = cache.get(_address_key(address))
        if per_visitor is None:
            return None
        version = request_version(request)
        if version is None:
            return None
        # Stored only under a cookie the CSRF middleware accepted, so a forged one finds nothing.
        visitor = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "") if per_visitor else ""
        response = cache.get(f"page:{_page_key(address, version, visitor)}")
        if response is None:
            return None
        last_modified = int(version.timestamp())
        return get_conditional_response(
            request, etag=response["ETag"], last_modified=last_modified, response=response
        )


def _address_key(address: str) -> str:
    return "page-address:" + hashlib.sha256(address.encode()).hexdigest()


_MISSING = object()
# While a visitor's request is answered, how to read the content's version (once, and only if
# asked): ``PageCacheMiddleware`` sets it, and ``remember`` keys its values by it. For editors
# and previews it is None, and nothing is remembered.
_version_of_request: ContextVar = ContextVar("portal_version_of_request", default=None)


def remember(name: str, compute):
    """``compute()``, kept in the cache for the content's current version. For what many pages
    share and is slow at archive scale (filter choices, counts), so that even the first
    rendering of a page after a change is quick; a change makes a new version, as for pages.
    Selectors call it; it needs no request."""
    version_of_request = _version_of_request.get()
    version = version_of_request() if version_of_request else None
    if version is None:
        return compute()
    key = "remember:" + hashlib.sha256(f"{version.isoformat()}\n{name}".encode()).hexdigest()
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, settings.PAGE_CACHE_SECONDS)
    return value


class RememberedCountPaginator(Paginator):
    """A paginator whose count is remembered for the content's version: counting every public
    document is the slowest part of a list page, and the count changes only with the content.
    ``name`` says what is counted (the list and its filters, not the page number)."""

    def __init__(self, object_list, per_page, *, name: str, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.name = name

    @cached_property
    def count(self):
        return remember(f"count {self.name}", lambda: Paginator.count.func(self))


def list_name(request) -> str:
    """What a list page counts: its path and filters, without the page number."""
    params = request.GET.copy()
    params.pop("page", None)
    return f"{request.path}?{params.urlencode()}"
