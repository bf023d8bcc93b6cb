"""Caching public pages without ever showing stale content.

The content's *version* is the latest moment at which anything public changed: the last save or
delete of a content model (signals touch ``ContentChange``), or a scheduled publish time that
has come — a scheduled item becomes public without any save, so the clock counts too. Reading
it is one query on a table of a few rows, shared by every worker and instance.

``public_page`` builds on it for pages anyone may see:

- conditional GET: an ETag and Last-Modified from the version, so a client holding the page
  gets a 304 without the page being rendered;
- a page cache: the rendered response for anonymous visitors, keyed by the version, the
  address, the language and the day (anniversaries move with the date). A change makes a new
  version, so no entry is ever invalidated by hand and none is ever served after a change.

Editors (anyone with a session) and visitors with a message waiting are always served fresh.
"""

import datetime
import functools
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Max, Q
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
    """The latest moment public content changed; None before anything was ever recorded."""
    come = Q(scheduled=False) | Q(changed_at__lte=timezone.now())
    return ContentChange.objects.filter(come).aggregate(latest=Max("changed_at"))["latest"]


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


def _page_key(request, per_visitor: bool, version) -> str | None:
    parts = [
        version.isoformat(),
        request.build_absolute_uri(),  # scheme and host too: pages link to themselves
        translation.get_language() or "",
        timezone.localdate().isoformat(),
    ]
    if per_visitor:
        # The page carries a CSRF token: only for this visitor, and only once they hold a
        # cookie the CSRF middleware accepted (else the page would set a new one).
        secret = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
        if not secret or request.META.get("CSRF_COOKIE") != secret:
            return None
        parts.append(secret)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


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


def _stored_copy(response) -> HttpResponse:
    """The response without its cookies (a per-visitor page renews the CSRF cookie)."""
    return HttpResponse(response.content, status=response.status_code, headers=response.headers)


def public_page(view=None, *, per_visitor: bool = False):
    """Serve ``view`` with conditional GET and the page cache (see the module docstring).
    ``per_visitor`` marks a page with a form: it is cached for each visitor's CSRF cookie."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            version = request_version(request) if _is_public_request(request) else None
            key = version and _page_key(request, per_visitor, version)
            if not key:
                return view(request, *args, **kwargs)
            etag, last_modified = f'"{key[:32]}"', int(version.timestamp())
            response = get_conditional_response(request, etag=etag, last_modified=last_modified)
            if response is None:
                response = cache.get(f"page:{key}")
            if response is None:
                response = view(request, *args, **kwargs)
                if hasattr(response, "render") and not response.is_rendered:
                    response.render()
                if _storable(request, response, per_visitor):
                    cache.set(f"page:{key}", _stored_copy(response), settings.PAGE_CACHE_SECONDS)
            if response.status_code in (200, 304):
                response.headers.setdefault("ETag", etag)
                response.headers.setdefault("Last-Modified", http_date(last_modified))
                # Browsers ask again each time (a cheap 304) instead of guessing a lifetime.
                privacy = {"private": True} if per_visitor else {}
                patch_cache_control(response, no_cache=True, **privacy)
            return response

        return wrapped

    return decorate(view) if view else decorate


_MISSING = object()


def remember(request, name: str, compute):
    """``compute()``, kept in the cache for the content's current version. For what many pages
    share and is slow at archive scale (filter choices, counts), so that even the first
    rendering of a page after a change is quick; a change makes a new version, as for pages."""
    version = request_version(request)
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
    The count is named by the address without its page number."""

    def __init__(self, object_list, per_page, *, request, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.request = request

    @cached_property
    def count(self):
        params = self.request.GET.copy()
        params.pop("page", None)
        name = f"count {self.request.path}?{params.urlencode()}"
        return remember(self.request, name, lambda: Paginator.count.func(self))
