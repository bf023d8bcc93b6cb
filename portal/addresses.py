"""Links never break: an item's old address leads to its new one, a withdrawn item's to its
tombstone.

- **Old addresses.** When saving content changes the address its ``get_absolute_url()`` gives
  (a new slug; a document's new year of issue), the old one is kept as an ``OldAddress``
  (path without language prefix, the item's key). An address that would answer 404 is looked
  up there (``OldAddressMiddleware``, only on 404s, so no other request pays for it) and, if
  its item is public, answered 301 with the item's address now — in the language of the
  address asked for, with what followed the item's address (``.txt``, ``cite.bib``) kept. A
  draft's new address is never revealed: 404.
- **Tombstones.** ``tombstone()`` answers an item withdrawn after it was public 410 Gone, with
  its title, when it was withdrawn and the editors' public reason (``templates/410.html``).
"""

from django.apps import apps
from django.conf import settings
from django.db.models import TextField
from django.db.models.signals import post_save, pre_save
from django.http import HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import Resolver404, get_script_prefix, resolve, translate_url
from django.utils import translation
from django.utils.cache import patch_cache_control

from . import content
from .models import OldAddress

# What may follow an item's address and still name the item: its text (a document's
# ``/archive/2008/slug.txt`` beside ``/archive/2008/slug/``), or a file under it
# (``/archive/2008/slug/cite.bib``).
TEXT_SUFFIX = ".txt"


def key_of(instance) -> str:
    """The item's key, as search entries name it: ``archive.document:12``."""
    return f"{instance._meta.label_lower}:{instance.pk}"


def item_of(key: str):
    """The content item a key names, or None."""
    label, _, pk = key.rpartition(":")
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return None
    if content.of(model) is None:
        return None
    manager = model._default_manager
    try:
        return manager.filter(pk=pk).first()
    except (ValueError, TypeError):
        return None


def address_of(instance) -> str | None:
    """The item's own page as a path without language prefix, or None if it has none (a
    commemoration is a part of its event's page)."""
    with translation.override(settings.LANGUAGE_CODE):
        url = instance.get_absolute_url()
    if not url or "#" in url or "?" in url:
        return None
    prefix = get_script_prefix()
    return "/" + url.removeprefix(prefix) if url.startswith(prefix) else url


def _addressed(model) -> bool:
    return content.of(model) is not None and hasattr(model, "get_absolute_url")


def remember_stored_address(sender, instance, raw=False, update_fields=None, **kwargs):
    """Before saving: the address the item has in the database, if saving may change it."""
    instance._stored_address = None
    if raw or instance.pk is None or not _addressed(sender) or address_of(instance) is None:
        return  # new, loaded raw, or without a page of its own (a commemoration)
    stored = _stored(sender, instance.pk)
    instance._stored_address = address_of(stored) if stored is not None else None


def _stored(model, pk):
    """The stored row, without its long texts (an address is never made of them)."""
    short = [
        field.attname for field in model._meta.concrete_fields if not isinstance(field, TextField)
    ]
    return model._base_manager.filter(pk=pk).only(*short).first()


def record_old_address(sender, instance, raw=False, **kwargs):
    """After saving: keep the previous address if it changed; the current one is no item's
    old address any more (it answers by itself)."""
    old = getattr(instance, "_stored_address", None)
    instance._stored_address = None
    if raw or old is None:
        return
    new = address_of(instance)
    if new is None or new == old:
        return
    OldAddress.objects.update_or_create(path=old, defaults={"key": key_of(instance)})
    OldAddress.objects.filter(path=new).delete()


def connect() -> None:
    """Watch every save of content for a changed address (portal/apps.py)."""
    pre_save.connect(remember_stored_address, dispatch_uid="portal-addresses-before")
    post_save.connect(record_old_address, dispatch_uid="portal-addresses-after")


def _split_language(path: str) -> tuple[str, str]:
    """(language code, path without its prefix): ``/ru/events/x/`` → ("ru", "/events/x/")."""
    first, _, rest = path.lstrip("/").partition("/")
    codes = {code for code, _name in settings.LANGUAGES} - {settings.LANGUAGE_CODE}
    if first in codes:
        return first, "/" + rest
    return settings.LANGUAGE_CODE, path


def _candidates(path: str) -> dict[str, object]:
    """Old addresses that ``path`` may be under, each with how to build the new path from the
    item's address now."""
    candidates = {path: lambda address: address}
    if path.endswith(TEXT_SUFFIX):
        stem = path.removesuffix(TEXT_SUFFIX)
        candidates[f"{stem}/"] = lambda address: address.rstrip("/") + TEXT_SUFFIX
    elif not path.endswith("/") and "/" in path.strip("/"):
        base, _, tail = path.rpartition("/")
        candidates[f"{base}/"] = lambda address: address + tail
    return candidates


def _is_public(item) -> bool:
    manager = type(item)._default_manager
    if hasattr(manager, "public"):
        return manager.public().filter(pk=item.pk).exists()
    return bool(getattr(item, "is_public", False))


def _resolves(path: str, language: str) -> bool:
    with translation.override(language):
        try:
            resolve(path)
        except Resolver404:
            return False
    return True


def new_address(path: str) -> str | None:
    """Where an old address ``path`` (a request's path, language prefix and all) leads now:
    the public item's address in the same language, or None."""
    language, bare = _split_language(path)
    candidates = _candidates(bare)
    for old in OldAddress.objects.filter(path__in=list(candidates)).order_by("-created_at"):
        item = item_of(old.key)
        if item is None or not _is_public(item):
            continue
        address = address_of(item)
        if address is None:
            continue
        target = candidates[old.path](address)
        if target == bare:
            continue
        if language != settings.LANGUAGE_CODE:
            with translation.override(settings.LANGUAGE_CODE):
                target = translate_url(target, language)
        if _resolves(target, language):
            return target
    return None


class OldAddressMiddleware:
    """Answers a GET that would be 404 with a 301 to the item's address now, when the path is
    an old address of a public item. Only 404s are looked up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        target = new_address(request.path_info)
        if target is None:
            return response
        query = request.META.get("QUERY_STRING", "")
        script = request.META.get("SCRIPT_NAME", "").rstrip("/")
        return HttpResponsePermanentRedirect(f"{script}{target}" + (f"?{query}" if query else ""))


def tombstone(request, item, *, title: str, language: str = "", byline="", date=None, date_text=""):
    """410 Gone for ``item``, withdrawn after it was public: its title (in ``language``, if
    known), what identifies it (a document's issuer and date, an event's dates), when it was
    withdrawn and the editors' public reason. Nothing else of the item is shown."""
    withdrawn_at, reason = item.withdrawal()
    context = {
        "title": title,
        "title_language": language,
        "byline": byline,
        "date": date,
        "date_text": date_text,
        "withdrawn_at": withdrawn_at,
        "reason": reason,
    }
    response = render(request, "410.html", context, status=410)
    response["X-Robots-Tag"] = "noindex"
    # Browsers keep a 410 without caching headers as fresh for ever (Chromium does): a visitor
    # who saw the tombstone would go on seeing it once the item is published again.
    patch_cache_control(response, no_cache=True)
    return response
