"""Conditional GET for pages that are expensive to render and often polled: documents, feeds,
the calendar. A response's version is the later of the last content change anywhere
(``ContentChange``, touched by signals on every content model) and the latest publish time
that has come — a scheduled item becomes public without any save, so the clock counts too."""

import datetime

from django.db.models import Max
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from django.views.decorators.http import condition

from .models import ContentChange
from .publishing import public_q


def touch(**kwargs) -> None:
    ContentChange.objects.update_or_create(pk=1, defaults={"changed_at": timezone.now()})


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


def last_content_change() -> datetime.datetime | None:
    return ContentChange.objects.filter(pk=1).values_list("changed_at", flat=True).first()


def latest_publication(*models) -> datetime.datetime | None:
    """The latest publish time, among ``models``, that has already come."""
    moments = [
        model._default_manager.filter(public_q()).aggregate(latest=Max("published_at"))["latest"]
        for model in models
    ]
    return max(filter(None, moments), default=None)


def _etag(moment):
    return f'"{moment.timestamp():.6f}"' if moment else None


def conditional(version):
    """Decorate a view with ETag and Last-Modified from ``version(request, *args, **kwargs)``,
    which returns a datetime, or None for a response that must not be cached (a preview)."""

    def once(request, *args, **kwargs):
        # condition() asks for the ETag and the date separately: compute the version once.
        if not hasattr(request, "_content_version"):
            request._content_version = version(request, *args, **kwargs)
        return request._content_version

    def etag(request, *args, **kwargs):
        return _etag(once(request, *args, **kwargs))

    return condition(etag_func=etag, last_modified_func=once)


def site_version(*models):
    """A version function for pages that show every public item of ``models``."""

    def version(request, *args, **kwargs):
        moments = [last_content_change(), latest_publication(*models)]
        return max(filter(None, moments), default=None)

    return version
