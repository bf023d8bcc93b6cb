"""Caching public pages without ever showing stale content, and without one edit making every
page cold.

**Tags.** What a page shows is named by tags; a change names the tags it affects:

- ``"archive.document:42"``, an *item*: the item itself — its fields, whether it is public;
- ``"memorials.event:1+memorials.tribute"``, what of one kind is *attached* to the item: what
  points to it (a tribute to an event, a person of an event, a figure of an event, a file of a
  document) or is linked to it (``"…+memorials.event_documents"``: the documents of an event);
- ``"archive.document"``, the *model*: which items are public and in what order — what lists,
  counts, filters, feeds and search show;
- ``"*"``, everything: ``touch()`` (a rebuilt search index, an update that sends no signal).

``ContentChange`` holds, per tag, when it last changed, and the moments publish times will come
(a scheduled item becomes public without a save). A page's *version* is the latest of its tags'
moments that has come: one indexed query.

**What a page depends on** is recorded while it renders, from what it reads: the content
tables its queries read, and the content items it loads (a ``post_init`` signal). A list (the
default) depends on the models of the tables it read; a table of the project's apps that is no
content model's (the search index, the register of names) counts as every model, so that a list
is never stale, only sometimes rendered more often than it needs. ``public_page(item_page=True)``
marks an item's own page: it depends on the items it loaded and, of what is attached to them,
the kinds it read (the tributes of the event) — not on their models' tags: an edit of one
document leaves every other document's page cached. Every page depends on ``"*"`` and on what
its remembered values (``remember``) depend on.

**What a save changes** (``track``): nothing while the item is not shown before and not after
(a draft, an item in review, a withdrawn item edited again, a message awaiting moderation, a
save that changes no field). Otherwise the item's tag, its model's tag, and the attachment tags
of what it points to (before and after the save: a person moved to another event leaves one
event's page and joins another's). When it starts or stops being shown, also what is linked to
it (many-to-many, the family), and what is public only with it (the people of an event). A
publish time to come records the same tags for that moment. After the transaction commits the
tags are recorded again — a page rendered while the change was being committed is then not kept
— and a CDN is told (``CDN_PURGE_URL``).

**The page cache** (``PageCacheMiddleware``) keeps, per address, the page's tags; a visit reads
their version (one query), and answers from the cache. ETag and Last-Modified come from the
page's own version, so a draft saved, or another document edited, changes neither. A cold page
asked by many at once is rendered once: the others get the last copy, or wait for it.

Editors (anyone with a session) and visitors with a message waiting are always served fresh.
"""

import contextlib
import datetime
import functools
import hashlib
import json
import logging
import re
import time
import urllib.request
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection, connections, transaction
from django.db.models import ForeignObjectRel
from django.db.models.signals import m2m_changed, post_init, post_save, pre_delete, pre_save
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.functional import cached_property
from django.utils.http import http_date, parse_http_date_safe

from .database import reading_database
from .models import ContentChange

logger = logging.getLogger(__name__)

EVERYTHING = "*"
# Shown as long as it exists: a model without a public rule of its own (a tag).
_ALWAYS = datetime.datetime.min.replace(tzinfo=datetime.UTC)


def item_tag(model, pk) -> str:
    return f"{model._meta.label_lower}:{pk}"


def attached_tag(model, pk, pointer) -> str:
    """What ``pointer`` (a model, or a many-to-many table) attaches to an item: the tributes of
    event 1 are "memorials.event:1+memorials.tribute"."""
    return f"{model._meta.label_lower}:{pk}+{pointer._meta.label_lower}"


def model_tag(model) -> str:
    return model._meta.label_lower


# --- What is tracked -----------------------------------------------------------------------

# Tracked models, and whether visitors ever see them (a correction request: never).
_tracked: dict[type, bool] = {}
# Table → the model tags a list reading it depends on (a many-to-many table: both models').
_tables: dict[str, set[str]] = {}
# Table → (the label attachment tags name it by, the labels of the models it points to; None:
# it points to any model, generically).
_pointers: dict[str, tuple[str, frozenset | None]] = {}


def track(*models, shown: bool = True) -> None:
    """Make saves, deletes and many-to-many changes of ``models`` changes of the pages that show
    them, and record which of their items a public page loads. ``shown=False``: what visitors
    never see (a correction request), whose changes change no page."""
    for model in models:
        _tracked[model] = shown
        label = model._meta.label
        _tables.setdefault(model._meta.db_table, set()).add(model_tag(model))
        generic = any(isinstance(f, GenericForeignKey) for f in model._meta.private_fields)
        targets = {
            f.related_model._meta.label_lower
            for f in model._meta.concrete_fields
            if f.many_to_one or f.one_to_one
        }
        _pointers[model._meta.db_table] = (
            model_tag(model),
            None if generic else frozenset(targets),
        )
        pre_save.connect(_before_save, sender=model, dispatch_uid=f"fresh-before-{label}")
        post_save.connect(_after_save, sender=model, dispatch_uid=f"fresh-save-{label}")
        pre_delete.connect(_before_delete, sender=model, dispatch_uid=f"fresh-delete-{label}")
        post_init.connect(_loaded, sender=model, dispatch_uid=f"fresh-loaded-{label}")
        for m2m in model._meta.local_many_to_many:
            through = getattr(model, m2m.name).through
            _tables.setdefault(through._meta.db_table, set()).update(
                {model_tag(model), model_tag(m2m.related_model)}
            )
            _pointers.setdefault(
                through._meta.db_table,
                (model_tag(through), frozenset({model_tag(model), model_tag(m2m.related_model)})),
            )
            uid = f"fresh-m2m-{through._meta.label}"
            m2m_changed.connect(_m2m_changed, sender=through, dispatch_uid=uid)
    _project_tables.cache_clear()


def _model_tags() -> set[str]:
    return {model_tag(model) for model in _tracked}


# --- When an item is shown -----------------------------------------------------------------


def _shown_from(instance):
    """The moment visitors see ``instance`` from — ``_ALWAYS``, or a publish time to come —
    or None: a draft, an item withdrawn, a message not approved, what is never shown."""
    model = type(instance)
    if not _tracked.get(model, True):
        return None
    if hasattr(instance, "public_from") and hasattr(instance, "status"):  # Publishable
        return instance.public_from
    if hasattr(instance, "awaiting_moderation"):  # a visitor's tribute or testimony
        return _ALWAYS if instance.state == "approved" else None
    targets = [
        getattr(instance, gfk.name)
        for gfk in model._meta.private_fields
        if isinstance(gfk, GenericForeignKey)
    ]
    if targets:  # shown with what it is attached to (a file, a tag on a document)
        moments = [_shown_from(target) if target is not None else None for target in targets]
        return None if None in moments else max(moments)
    if hasattr(model, "is_public"):  # derived from what shows it (a place, a figure)
        return _ALWAYS if instance.is_public else None
    return _ALWAYS


def _parents(instance) -> set[str]:
    """The attachment tags of the tracked items ``instance`` points to: their pages show it."""
    tags = set()
    for fk in instance._meta.concrete_fields:
        if fk.many_to_one or fk.one_to_one:
            pk = getattr(instance, fk.attname)
            if pk is not None and fk.related_model in _tracked:
                tags.add(attached_tag(fk.related_model, pk, type(instance)))
    for gfk in instance._meta.private_fields:
        if isinstance(gfk, GenericForeignKey):
            type_id = getattr(instance, instance._meta.get_field(gfk.ct_field).attname)
            pk = getattr(instance, gfk.fk_field)
            if type_id is None or pk is None:
                continue
            target = ContentType.objects.get_for_id(type_id).model_class()
            if target in _tracked:
                tags.add(attached_tag(target, pk, type(instance)))
    return tags


def _linked(model, pks, seen: dict) -> set[str]:
    """What starts or stops showing the items ``pks`` of ``model`` when they start or stop
    being shown: their own tags and their model's; what they point to; what they are linked to
    (many-to-many, both ways); what else the rows pointing to them point to (a figure's event,
    when its source is published; a person's relative); and — cascading — what is public only
    with them (the people of an event). A query or two per relation, whatever the number."""
    pks = set(pks) - seen.setdefault(model, set())
    if not pks:
        return set()
    seen[model] |= pks
    tags = {model_tag(model)}
    tags |= {item_tag(model, pk) for pk in pks}
    rows = list(model._base_manager.filter(pk__in=pks))
    for row in rows:
        tags |= _parents(row)
    tags |= _derived_parents(model, rows, seen)
    for relation in model._meta.get_fields():
        other = relation.related_model
        if other not in _tracked or relation.auto_created and relation.one_to_one:
            continue
        if relation.many_to_many:
            tags |= _partners(relation, other, pks)
        elif relation.one_to_many and isinstance(relation, ForeignObjectRel):
            name = relation.field.name
            pointing = other._base_manager.filter(**{f"{name}__in": pks})
            if name in getattr(other, "public_with", ()):
                released = pointing.filter(status="published").values_list("pk", flat=True)
                tags |= _linked(other, released, seen)
            else:
                tags |= _parents_of_rows(other, pointing.exclude(pk__in=seen.get(other, ())))
    content_type = ContentType.objects.get_for_model(model)
    for pointer in _tracked:  # files, tags: what points to the items generically
        for gfk in pointer._meta.private_fields:
            if isinstance(gfk, GenericForeignKey):
                pointing = pointer._base_manager.filter(
                    **{gfk.ct_field: content_type, f"{gfk.fk_field}__in": pks}
                )
                tags |= _parents_of_rows(pointer, pointing)
    return tags


def _is_derived(model) -> bool:
    """Shown or not by what shows it, not by a rule of its own (a place, an organization)."""
    return (
        model in _tracked
        and hasattr(model, "is_public")
        and not hasattr(model, "status")
        and not any(isinstance(f, GenericForeignKey) for f in model._meta.private_fields)
    )


def _derived_parents(model, rows, seen: dict) -> set[str]:
    """When items start or stop being shown, what they point to that is shown only because
    something shows it (a place named by a person) may start or stop being shown with them: its
    own tags, and what shows it in turn (the larger place)."""
    tags = set()
    for fk in model._meta.concrete_fields:
        target = fk.related_model
        if not (fk.many_to_one or fk.one_to_one) or target is None or not _is_derived(target):
            continue
        pks = {getattr(row, fk.attname) for row in rows} - {None} - seen.setdefault(target, set())
        if not pks:
            continue
        seen[target] |= pks
        targets = list(target._base_manager.filter(pk__in=pks))
        tags |= {item_tag(target, pk) for pk in pks} | {model_tag(target)}
        for row in targets:
            tags |= _parents(row)
        tags |= _derived_parents(target, targets, seen)
    return tags


def _partners(relation, other, pks) -> set[str]:
    """The attachment tags of the items linked to ``pks`` through a many-to-many relation."""
    field = relation if relation.concrete else relation.field
    through = field.remote_field.through
    try:
        here, there = field.m2m_field_name(), field.m2m_reverse_field_name()
    except AttributeError:  # a tag manager: its rows (tracked) point to the items themselves
        return set()
    if not relation.concrete:
        here, there = there, here
    linked = through._base_manager.filter(**{f"{here}__in": pks})
    tags = {attached_tag(other, pk, through) for pk in linked.values_list(f"{there}_id", flat=True)}
    return tags | {model_tag(other)} if tags else tags


def _parents_of_rows(model, rows) -> set[str]:
    """``_parents`` of many rows, read as the distinct values of their relations only, and
    their model's tag if there are any: lists filtered by them change too."""
    columns = [
        column.attname
        for column in model._meta.concrete_fields
        if (column.many_to_one or column.one_to_one) and column.related_model in _tracked
    ]
    generic = [
        (model._meta.get_field(gfk.ct_field).attname, gfk.fk_field)
        for gfk in model._meta.private_fields
        if isinstance(gfk, GenericForeignKey)
    ]
    names = columns + [name for pair in generic for name in pair]
    if not names:
        return set()
    tags = set()
    for values in rows.values(*names).distinct():
        stand_in = model(**values)
        tags |= _parents(stand_in) | {model_tag(model)}
    return tags


def _stored(instance):
    if instance.pk is None:
        return None
    return type(instance)._base_manager.filter(pk=instance.pk).first()


def _differs(stored, instance) -> bool:
    for column in instance._meta.concrete_fields:
        if getattr(column, "auto_now", False):
            continue  # an "updated" time alone is no change visitors see
        if getattr(stored, column.attname) != getattr(instance, column.attname):
            return True
    return False


# --- What a change records -----------------------------------------------------------------


def _before_save(sender, instance, raw=False, **kwargs) -> None:
    if raw:
        return
    stored = _stored(instance)
    instance._freshness_before = (
        stored,
        _shown_from(stored) if stored is not None else None,
        _parents(stored) if stored is not None else set(),
    )


def _after_save(sender, instance, created=False, raw=False, **kwargs) -> None:
    if raw:  # a fixture or a bag loads records whose relations may not exist yet
        record({EVERYTHING})
        return
    stored, before, before_parents = getattr(instance, "_freshness_before", (None, None, set()))
    instance.__dict__.pop("_freshness_before", None)
    after = _shown_from(instance)
    now = timezone.now()
    was_shown = before is not None and before <= now
    is_shown = after is not None and after <= now
    if not was_shown and after is None:
        return  # a draft, an item in review, a withdrawn item, a message awaiting moderation
    if stored is not None and not _differs(stored, instance):
        return  # saved as it was
    model = type(instance)
    tags = {item_tag(model, instance.pk), model_tag(model)} | before_parents | _parents(instance)
    scheduled = after is not None and after > now  # shown from a publish time to come
    if was_shown != is_shown or scheduled:
        tags |= _linked(model, {instance.pk}, {})
    if was_shown or is_shown:
        record(tags)
    if scheduled:
        record(tags, at=after)


def _before_delete(sender, instance, **kwargs) -> None:
    shown = _shown_from(instance)
    if shown is None:
        return
    model = type(instance)
    tags = {item_tag(model, instance.pk), model_tag(model)} | _parents(instance)
    if shown <= timezone.now():
        record(tags)
    else:
        record(tags, at=shown)


def _m2m_changed(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    """A link between two items shows on both items' pages, and in lists filtered by it; it is
    a change only between items that are shown (or will be)."""
    if action == "pre_clear":
        accessor = _m2m_accessor(sender, instance, model)
        instance._freshness_cleared = (
            set(accessor.values_list("pk", flat=True)) if accessor else set()
        )
        return
    if action == "post_clear":
        pk_set = instance.__dict__.pop("_freshness_cleared", set())
    elif action not in ("post_add", "post_remove"):
        return
    if not pk_set or type(instance) not in _tracked:
        return
    shown = _shown_from(instance)
    if shown is None:
        return
    now = timezone.now()
    for other in model._base_manager.filter(pk__in=pk_set):
        other_shown = _shown_from(other) if model in _tracked else _ALWAYS
        if other_shown is None:
            continue
        tags = {
            attached_tag(type(instance), instance.pk, sender),
            model_tag(type(instance)),
            attached_tag(model, other.pk, sender),
            model_tag(model),
        }
        moment = max(shown, other_shown)
        record(tags, at=moment if moment > now else None)


def _m2m_accessor(through, instance, model):
    for relation in type(instance)._meta.get_fields():
        if relation.many_to_many and relation.related_model is model:
            rel_through = relation.remote_field.through if relation.concrete else relation.through
            if rel_through is through:
                name = relation.name if relation.concrete else relation.get_accessor_name()
                return getattr(instance, name, None)
    return None


def touch(*args, **kwargs) -> None:
    """Record that anything may have changed: every page and remembered value is out of date
    (a rebuilt search index; an ``update()``, which sends no signal)."""
    record({EVERYTHING})


def update(queryset, **changes) -> int:
    """``queryset.update(**changes)``, recording the changes of the pages that show the rows
    as a save of each would: ``update()`` sends no signal. For a few rows (moderation)."""
    rows = list(queryset)
    before = {row.pk: (_shown_from(row), _parents(row)) for row in rows}
    changed = queryset.model._base_manager.filter(pk__in=before).update(**changes)
    for row in queryset.model._base_manager.filter(pk__in=before):
        row._freshness_before = (None, *before[row.pk])
        _after_save(type(row), row)
    return changed


def record(tags, at=None) -> None:
    """Record that ``tags`` change now — or at ``at``, a moment to come — and, once the
    transaction commits, record them again and tell the CDN."""
    tags = set(tags)
    if not tags:
        return
    if at is not None:
        ContentChange.objects.bulk_create(
            [ContentChange(tag=tag, changed_at=at, scheduled=True) for tag in sorted(tags)],
            ignore_conflicts=True,
        )
        return
    _write_now(tags)
    if not connection.in_atomic_block:
        _purge(tags)
        return

    def after_commit():
        """Written again: a page rendered while the transaction was being committed may have
        read the content before it and its tags' version after it; its rendering began before
        this second writing, so it is not kept (``_Rendering.started``)."""
        _write_now(tags)
        _purge(tags)

    transaction.on_commit(after_commit)


def _write_now(tags) -> None:
    now = timezone.now()
    ordered = sorted(tags)  # the same order in every transaction: no deadlock
    # Earlier moments of these tags no longer matter: the rows written now are later.
    ContentChange.objects.filter(tag__in=ordered, changed_at__lt=now).delete()
    ContentChange.objects.bulk_create(
        [ContentChange(tag=tag, changed_at=now) for tag in ordered], ignore_conflicts=True
    )


def _purge(tags) -> None:
    """Tell the CDN which tags changed: POST {"tags": [...]} to ``CDN_PURGE_URL`` (with the
    ``CDN_PURGE_TOKEN`` as a bearer token). A CDN that does not answer is logged, never an
    error for the editor who saved."""
    url = settings.CDN_PURGE_URL
    if not url:
        return
    tags = sorted(tags)
    if EVERYTHING not in tags:
        tags.append(OVERFLOW_KEY)  # pages whose tags did not fit in their header
    request = urllib.request.Request(  # noqa: S310 -- an http(s) address from the settings
        url,
        data=json.dumps({"tags": tags}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    if settings.CDN_PURGE_TOKEN:
        request.add_header("Authorization", f"Bearer {settings.CDN_PURGE_TOKEN}")
    try:
        with urllib.request.urlopen(request, timeout=CDN_PURGE_TIMEOUT) as answer:  # noqa: S310
            answer.read()
    except (OSError, ValueError) as error:
        logger.warning("The CDN purge of %d tags at %s failed: %s", len(tags), url, error)


CDN_PURGE_TIMEOUT = 3  # seconds: an editor's save waits for it
OVERFLOW_KEY = "overflow"
# Fastly's and Cloudflare's limits are larger; this keeps headers well within any proxy's.
SURROGATE_KEY_LENGTH = 4000


# --- Versions ------------------------------------------------------------------------------


def version_of(tags) -> datetime.datetime | None:
    """The latest moment any of ``tags`` changed that has come; None if none ever did.

    Every cached page and 304 asks for it, and building this query with the ORM took longer
    than the rest of such a request: the SQL is written out, and its value read as the ORM
    would."""
    tags = sorted(tags)
    if not tags:
        return None
    reading = connections[reading_database()]  # where the page's content is read from
    table = reading.ops.quote_name(ContentChange._meta.db_table)
    now = reading.ops.adapt_datetimefield_value(timezone.now())
    marks = ", ".join(["%s"] * len(tags))
    with reading.cursor() as cursor:
        cursor.execute(
            f"SELECT MAX(changed_at) FROM {table} WHERE tag IN ({marks})"  # noqa: S608 -- the table's name, from the model
            " AND (NOT scheduled OR changed_at <= %s)",
            [*tags, now],
        )
        (latest,) = cursor.fetchone()
    return _as_datetime(latest, reading)


def content_version() -> datetime.datetime | None:
    """The latest moment anything public changed (any tag); None before anything was."""
    reading = connections[reading_database()]
    table = reading.ops.quote_name(ContentChange._meta.db_table)
    now = reading.ops.adapt_datetimefield_value(timezone.now())
    with reading.cursor() as cursor:
        cursor.execute(
            f"SELECT MAX(changed_at) FROM {table} WHERE NOT scheduled OR changed_at <= %s",  # noqa: S608 -- the table's name, from the model
            [now],
        )
        (latest,) = cursor.fetchone()
    return _as_datetime(latest, reading)


def _as_datetime(value, reading):
    column = ContentChange._meta.get_field("changed_at").cached_col
    for converter in reading.ops.get_db_converters(column):
        value = converter(value, column, reading)
    return value


# --- What a rendering depends on -----------------------------------------------------------


@dataclass
class _Rendering:
    """What a public request's rendering read: the items it loaded, the content tables its
    queries read, and the tags of the values it remembered."""

    started: datetime.datetime
    item_page: bool = False
    items: set = field(default_factory=set)
    tables: set = field(default_factory=set)
    pointers: set = field(default_factory=set)
    everything: bool = False
    remembered: set = field(default_factory=set)
    # What the middleware knew of the address before rendering: (tags, version).
    known: tuple | None = None

    def tags(self) -> frozenset:
        tags = {EVERYTHING} | self.remembered
        if not self.item_page:
            # A list depends on the models it read. Not on its items as well: a change of an
            # item shown changes its model's tag too.
            return frozenset(tags | (_model_tags() if self.everything else self.tables))
        for label, pk in self.items:
            tags.add(f"{label}:{pk}")
            for pointer, targets in self.pointers:  # what it read of what is attached to them
                if targets is None or label in targets:
                    tags.add(f"{label}:{pk}+{pointer}")
        return frozenset(tags)

    def read(self, sql: str) -> None:
        words = set(_WORD.findall(sql))
        for word in words & _project_tables():
            if word in _tables:
                self.tables |= _tables[word]
                if word in _pointers:
                    self.pointers.add(_pointers[word])
            elif word not in _NOT_CONTENT:
                self.everything = True  # derived from content: the search index, the names


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_rendering: ContextVar = ContextVar("portal_rendering", default=None)


@functools.cache
def _project_tables() -> frozenset:
    """The tables of the apps whose models are tracked, and the kernel's."""
    from django.apps import apps

    labels = {model._meta.app_label for model in _tracked} | {"portal"}
    return frozenset(
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in labels
    )


# Read by pages but no content: the versions themselves, old addresses (only 404s read them).
_NOT_CONTENT = frozenset({"portal_contentchange", "portal_oldaddress"})


def _loaded(sender, instance, **kwargs) -> None:
    rendering = _rendering.get()
    if rendering is not None and instance.pk is not None:
        rendering.items.add((sender._meta.label_lower, instance.pk))


def _reading(rendering):
    def wrapper(execute, sql, params, many, context):
        rendering.read(sql)
        return execute(sql, params, many, context)

    return wrapper


@contextlib.contextmanager
def _reading_everywhere(rendering):
    """Record what ``rendering`` reads on every database it may read (the primary, and the
    read replica if there is one: portal/database.py)."""
    with contextlib.ExitStack() as stack:
        for alias in connections:
            stack.enter_context(connections[alias].execute_wrapper(_reading(rendering)))
        yield


# --- Public pages --------------------------------------------------------------------------


def is_public_request(request) -> bool:
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
    moment = version.isoformat() if version else "never"
    parts = [address, moment, timezone.localdate().isoformat(), visitor]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _last_modified(version) -> int:
    """The page's version, or the start of today if later: the page changes with the date."""
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return int(max(filter(None, [version, today])).timestamp())


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


def _cdn_headers(response, tags) -> None:
    """Let a CDN keep an anonymous page for a few minutes (``PAGE_CDN_SECONDS``), purged by
    tag when it changes; browsers still ask each time (``Cache-Control: no-cache``)."""
    seconds = settings.PAGE_CDN_SECONDS
    if seconds <= 0:
        return
    lifetime = f"max-age={seconds}, stale-while-revalidate={settings.PAGE_CDN_STALE_SECONDS}"
    response["CDN-Cache-Control"] = lifetime  # RFC 9213: Cloudflare, Akamai, Fastly
    response["Surrogate-Control"] = lifetime  # Fastly, Varnish
    keys = " ".join(sorted(tags))
    if len(keys) > SURROGATE_KEY_LENGTH:
        # Too many to name: the page is purged with every change.
        keys = " ".join(sorted(tag for tag in tags if ":" not in tag) + [OVERFLOW_KEY])
    response["Surrogate-Key"] = keys  # Fastly: space-separated
    response["Cache-Tag"] = keys.replace(" ", ",")  # Cloudflare: comma-separated


def public_page(view=None, *, per_visitor: bool = False, item_page: bool = False):
    """Serve ``view`` with conditional GET, and mark its response for the page cache
    (``PageCacheMiddleware`` stores it, and answers the next requests for it).

    ``per_visitor`` marks a page with a form: it is cached for each visitor's CSRF cookie.
    ``item_page`` marks an item's own page (a document, an event): it shows the item and what
    is attached to it, and depends on them alone — not on every change of their models."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            rendering = _rendering.get()
            visitor = _accepted_csrf_secret(request) if per_visitor else ""
            if rendering is None or not is_public_request(request):
                return view(request, *args, **kwargs)
            rendering.item_page = item_page
            address = _address(request)
            if visitor is None:
                # A first visit: the page sets the visitor's CSRF cookie, and is theirs alone.
                # What it depends on is kept, and its version read, as for any page, so that
                # the visitor's next visit finds it known.
                response = view(request, *args, **kwargs)
                if hasattr(response, "render") and not response.is_rendered:
                    response.render()
                if rendering.known is None and response.status_code == 200:
                    tags = rendering.tags()
                    version = version_of(tags)
                    if version is not None and version <= rendering.started:
                        request._page_deps_entry = (address, per_visitor, tags)
                return response
            if rendering.known is not None:  # the page's tags are known: maybe a 304 at once
                version = rendering.known[1]
                etag = f'"{_page_key(address, version, visitor)[:32]}"'
                unchanged = get_conditional_response(
                    request, etag=etag, last_modified=_last_modified(version)
                )
                if unchanged is not None:
                    return _headed(unchanged, etag, version, per_visitor, rendering.known[0])
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            tags = rendering.tags()
            if rendering.known is not None:
                # Read before rendering: a change during it makes a newer version, under which
                # this copy is not found. (If the page's tags changed, the next visit may find
                # another version and render it once more.)
                version, fresh = rendering.known[1], True
            else:
                version = version_of(tags)
                # A change recorded after the rendering began may not be in it.
                fresh = version is not None and version <= rendering.started
            if version is None:
                return response  # nothing recorded yet (a new installation): nothing to key by
            key = _page_key(address, version, visitor)
            etag = f'"{key[:32]}"'
            if fresh and _storable(request, response, per_visitor):
                request._page_cache_entry = (address, key, per_visitor, tags)
            if response.status_code == 200:
                response = get_conditional_response(
                    request, etag=etag, last_modified=_last_modified(version), response=response
                )
            return _headed(response, etag, version, per_visitor, tags)

        return wrapped

    return decorate(view) if view else decorate


def _headed(response, etag, version, per_visitor, tags):
    if response.status_code in (200, 304):
        response.headers.setdefault("ETag", etag)
        response.headers.setdefault("Last-Modified", http_date(_last_modified(version)))
        # Browsers ask again each time (a cheap 304) instead of guessing a lifetime.
        privacy = {"private": True} if per_visitor else {}
        patch_cache_control(response, no_cache=True, **privacy)
        if not per_visitor:
            _cdn_headers(response, tags)
    return response


class PageCacheMiddleware:
    """Answers a public page from the cache before the rest of the middleware runs, and keeps
    the pages ``public_page`` marked, as the rest of the middleware finished them.

    An address is looked up first (no query): only pages once stored cost their version's
    query, so /healthz, the admin or media never do; static files are not looked up at all."""

    # How long a rendering holds its address against others rendering it too, and how long
    # the others wait for it when there is no earlier copy to give them.
    LOCK_SECONDS = 30
    WAIT_SECONDS = 2.0
    POLL_SECONDS = 0.05

    def __init__(self, get_response):
        self.get_response = get_response
        self.static = settings.STATIC_URL  # served by whitenoise, below: never a page

    def __call__(self, request):
        if not is_public_request(request) or request.path.startswith(self.static):
            return self.get_response(request)
        address = _address(request)
        cached, known = self.cached(request, address)
        if cached is not None:
            return cached
        if known is None:  # never rendered, or long ago: perhaps no page at all (a file)
            return self.render(request, address, known)
        # A page out of date: one request renders it, the others get its last copy, or wait.
        lock = _lock_key(address, request)
        if cache.add(lock, 1, self.LOCK_SECONDS):
            try:
                return self.render(request, address, known)
            finally:
                cache.delete(lock)
        waited = self.wait_for(request, address, lock)
        if waited is not None:
            return waited
        cached, known = self.cached(request, address)
        return cached if cached is not None else self.render(request, address, known)

    def render(self, request, address, known):
        rendering = _Rendering(started=timezone.now(), known=known)
        token = _rendering.set(rendering)
        try:
            with _reading_everywhere(rendering):
                response = self.get_response(request)
        finally:
            _rendering.reset(token)
        entry = getattr(request, "_page_cache_entry", None)
        if entry and response.status_code == 200:
            address, key, per_visitor, tags = entry
            seconds = settings.PAGE_CACHE_SECONDS
            # Without its cookies: a page with a form renews the visitor's CSRF cookie.
            stored = HttpResponse(
                response.content, status=response.status_code, headers=response.headers
            )
            cache.set_many(
                {
                    _address_key(address): (per_visitor, tags),
                    f"page:{key}": stored,
                    _stale_key(address, request, per_visitor): stored,
                },
                seconds,
            )
        elif getattr(request, "_page_deps_entry", None) and response.status_code == 200:
            address, per_visitor, tags = request._page_deps_entry
            cache.set(_address_key(address), (per_visitor, tags), settings.PAGE_CACHE_SECONDS)
        elif response.status_code != 304:
            # Gone, moved or not found: no earlier copy may stand in for it.
            cache.delete_many(
                [_stale_key(address, request, False), _stale_key(address, request, True)]
            )
        return response

    def cached(self, request, address):
        """(the cached page, or None; what is known of the address: (tags, version) or None)."""
        entry = cache.get(_address_key(address))
        if not isinstance(entry, tuple):
            return None, None
        per_visitor, tags = entry
        version = version_of(tags)
        # Stored only under a cookie the CSRF middleware accepted, so a forged one finds nothing.
        visitor = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "") if per_visitor else ""
        response = cache.get(f"page:{_page_key(address, version, visitor)}")
        if response is None:
            return None, (tags, version)
        return self.answer(request, response), (tags, version)

    @staticmethod
    def answer(request, response):
        last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
        return get_conditional_response(
            request, etag=response.get("ETag"), last_modified=last_modified, response=response
        )

    def wait_for(self, request, address, lock):
        for per_visitor in (False, True):
            stale = cache.get(_stale_key(address, request, per_visitor))
            if stale is not None:
                return self.answer(request, stale)
        deadline = time.monotonic() + self.WAIT_SECONDS
        while time.monotonic() < deadline and cache.get(lock) is not None:
            time.sleep(self.POLL_SECONDS)
        return None


def _address_key(address: str) -> str:
    return "page-deps:" + hashlib.sha256(address.encode()).hexdigest()


def _visitor_of(request, per_visitor: bool) -> str:
    return request.COOKIES.get(settings.CSRF_COOKIE_NAME, "") if per_visitor else ""


def _stale_key(address: str, request, per_visitor: bool) -> str:
    """The last copy of a page, whatever its version: given while it is rendered anew."""
    seed = f"{address}\n{_visitor_of(request, per_visitor)}"
    return "page-stale:" + hashlib.sha256(seed.encode()).hexdigest()


def _lock_key(address: str, request) -> str:
    seed = f"{address}\n{request.COOKIES.get(settings.CSRF_COOKIE_NAME, '')}"
    return "page-lock:" + hashlib.sha256(seed.encode()).hexdigest()


# --- Remembered values ---------------------------------------------------------------------

_MISSING = object()


def remember(name: str, compute, depends_on=None):
    """``compute()``, kept in the cache until what it depends on changes. For what many pages
    share and is slow at archive scale (filter choices, counts), so that even the first
    rendering of a page after a change is quick. Selectors call it; it needs no request, and
    outside a public request (an editor, a command) it simply computes.

    ``depends_on``: models or tags; by default, what ``compute`` reads (the content tables of
    its queries and the items it loads), found the first time it runs. The page that uses the
    value depends on it too."""
    rendering = _rendering.get()
    if rendering is None:
        return compute()
    if depends_on is not None:
        tags = frozenset(
            {EVERYTHING} | {d if isinstance(d, str) else model_tag(d) for d in depends_on}
        )
    else:
        tags = cache.get(_remembered_tags_key(name))
    known = _MISSING
    if tags is not None:
        known = version_of(tags)  # read before computing, as for pages (public_page)
        if known is None:
            return compute()  # nothing recorded yet (a new installation): nothing to key by
        value = cache.get(_remembered_key(name, known), _MISSING)
        if value is not _MISSING:
            rendering.remembered |= tags
            return value
    reading = _Rendering(started=timezone.now())
    token = _rendering.set(reading)
    try:
        with _reading_everywhere(reading):
            value = compute()
    finally:
        _rendering.reset(token)
    if depends_on is None:
        tags = reading.tags()
    if known is not _MISSING:
        version, fresh = known, True
    else:
        version = version_of(tags)
        fresh = version is None or version <= reading.started
    if fresh and version is not None:
        seconds = settings.PAGE_CACHE_SECONDS
        cache.set_many(
            {_remembered_tags_key(name): tags, _remembered_key(name, version): value}, seconds
        )
    rendering.remembered |= tags
    return value


def _remembered_key(name: str, version) -> str:
    moment = version.isoformat() if version else "never"
    return "remember:" + hashlib.sha256(f"{moment}\n{name}".encode()).hexdigest()


def _remembered_tags_key(name: str) -> str:
    return "remember-deps:" + hashlib.sha256(name.encode()).hexdigest()


class RememberedCountPaginator(Paginator):
    """A paginator whose count is remembered until the content it counts changes: counting
    every public document is the slowest part of a list page. ``name`` says what is counted
    (the list and its filters, not the page number)."""

    def __init__(self, object_list, per_page, *, name: str, counter=None, **kwargs):
        """``counter``: how to count the list, where its own ``count()`` would be slower."""
        super().__init__(object_list, per_page, **kwargs)
        self.name = name
        self.counter = counter or (lambda: Paginator.count.func(self))

    @cached_property
    def count(self):
        return remember(f"count {self.name}", self.counter)


def list_name(request) -> str:
    """What a list page counts: its path and filters, without the page number."""
    params = request.GET.copy()
    params.pop("page", None)
    return f"{request.path}?{params.urlencode()}"
