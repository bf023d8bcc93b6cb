"""The search index: which models are searched, and keeping their entries (and the spellings
of their names) in step with every save, publish, unpublish and delete."""

import datetime
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.apps import apps
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .. import dates, freshness, jobs
from ..folding import fold, words
from ..models import NameSpelling, NameWord, SearchEntry, SearchEntryTag
from . import sounds


@dataclass(frozen=True)
class SearchData:
    kind: str
    title: str
    url: str
    text: str = ""
    names: tuple[str, ...] = ()  # other names, matched as strongly as the title
    date: datetime.date | None = None
    date_precision: str = dates.DAY  # "day", "month" or "year": how much of the date is known
    issuer: str = ""
    issuer_name: str = ""
    language: str = ""
    tags: tuple[tuple[str, str], ...] = ()  # (slug, name)
    public_from: datetime.datetime | None = None  # the latest publish time of what it shows


_registry: list[type] = []
_named: set[type] = set()  # models whose names have spellings that widen queries


def register(model, *, variants: bool = False):
    """Index ``model`` from now on. With ``variants``, its items' ``name_spellings()`` (the
    spellings of one name, or None while they must widen no query) are recorded too, and a
    query for one spelling finds the others."""
    if model in _registry:
        return
    _registry.append(model)
    if variants:
        _named.add(model)
    post_save.connect(_saved, sender=model, dispatch_uid=f"search-save-{model._meta.label}")
    pre_delete.connect(_deleting, sender=model, dispatch_uid=f"search-deleting-{model._meta.label}")
    post_delete.connect(_deleted, sender=model, dispatch_uid=f"search-delete-{model._meta.label}")
    # Many-to-many fields (an event's places) are saved after the item itself.
    for m2m_field in model._meta.local_many_to_many:
        through = getattr(model, m2m_field.name).through
        if through._meta.auto_created:
            m2m_changed.connect(
                _related_changed, sender=through, dispatch_uid=f"search-m2m-{through._meta.label}"
            )


def follow(model):
    """Re-index what depends on ``model`` (its ``search_dependents()``) when it is saved."""
    post_save.connect(
        _saved_dependency, sender=model, dispatch_uid=f"search-follow-{model._meta.label}"
    )


def _saved_dependency(sender, instance, **kwargs):
    _reindex_dependents(instance)


def entry_key(instance) -> str:
    return f"{instance._meta.label_lower}:{instance.pk}"


def registered() -> list[type]:
    return list(_registry)


def index(instance) -> SearchEntry | None:
    """Write (or remove) the entry of one item, and its name's spellings, as it is now."""
    data = instance.search_data()
    key = entry_key(instance)
    if type(instance) in _named:
        spellings = instance.name_spellings()
        record_spellings(key, spellings)
        record_words(instance, spellings)
    if data is None:
        SearchEntry.objects.filter(key=key).delete()
        return None
    with transaction.atomic():
        entry, _created = SearchEntry.objects.update_or_create(key=key, defaults=_values(data))
        entry.tags.all().delete()
        SearchEntryTag.objects.bulk_create(_tag_rows(entry, data))
    return entry


def _values(data: SearchData) -> dict:
    """An entry's columns, from what its item gives."""
    names = " ".join(data.names)
    return {
        "kind": data.kind,
        "title": data.title[:500],
        "url": data.url,
        "text": data.text,
        "date": data.date,
        "date_precision": data.date_precision,
        "year": data.date.year if data.date else None,
        "issuer": data.issuer,
        "issuer_name": data.issuer_name,
        "language": data.language,
        "folded_title": fold(f"{data.title} {names}"),
        "folded_text": fold(data.text),
        "public_from": data.public_from,
    }


def _tag_rows(entry, data: SearchData) -> list[SearchEntryTag]:
    return [
        SearchEntryTag(entry=entry, slug=slug, name=name) for slug, name in dict(data.tags).items()
    ]


def unindex(instance):
    SearchEntry.objects.filter(key=entry_key(instance)).delete()
    NameSpelling.objects.filter(key=entry_key(instance)).delete()
    NameWord.objects.filter(model=instance._meta.label_lower, object_id=instance.pk).delete()


def record_spellings(key: str, spellings) -> None:
    """Keep the spellings of one item's name: ``spellings`` is (names, public_from), or None
    when they must widen no query. A name written one way only widens nothing."""
    NameSpelling.objects.filter(key=key).delete()
    # A save and a worker's job may index one item at once: the same rows are written once.
    NameSpelling.objects.bulk_create(_spelling_rows(key, spellings), ignore_conflicts=True)


def _spelling_rows(key: str, spellings) -> list[NameSpelling]:
    if spellings is None:
        return []
    names, public_from = spellings
    phrases = {" ".join(words(name))[:200] for name in names} - {""}
    if len(phrases) < 2:
        return []
    return [NameSpelling(key=key, phrase=phrase, public_from=public_from) for phrase in phrases]


def record_words(instance, spellings) -> None:
    """Keep the words of one item's names with their keys (portal/search/sounds.py), so a
    name is found however it is typed; ``spellings`` as for ``record_spellings``."""
    NameWord.objects.filter(model=instance._meta.label_lower, object_id=instance.pk).delete()
    # As for the spellings: indexed by a save and a job at once, the rows are written once.
    NameWord.objects.bulk_create(_word_rows(instance, spellings), ignore_conflicts=True)


def _word_rows(instance, spellings) -> list[NameWord]:
    if spellings is None:
        return []
    names, public_from = spellings
    rows = {}
    for name in names:
        for token in sounds.tokens(name):
            word, spelling, sound = sounds.keys(token)
            if word and sound and len(word) <= 100:
                rows.setdefault(word, (spelling[:100], sound[:100]))
    model = instance._meta.label_lower
    return [
        NameWord(
            model=model,
            object_id=instance.pk,
            word=word,
            spelling=spelling,
            sound=sound,
            public_from=public_from,
        )
        for word, (spelling, sound) in rows.items()
    ]


_deferred: ContextVar[dict | None] = ContextVar("search_deferred", default=None)


def reindex(instances):
    """Index items that depend on a change: at once, or once each when ``deferred()`` ends;
    with a job queue, in a job (``reindex_items``) once the change is committed."""
    pending = _deferred.get()
    if pending is None and not jobs.inline():
        _reindex_later(_keys_by_model((type(instance), instance.pk) for instance in instances))
        return
    for instance in instances:
        if pending is None:
            index(instance)
        else:
            pending.setdefault(type(instance), set()).add(instance.pk)


@contextmanager
def deferred():
    """Within it, the items that depend on many saves (the place of ten thousand imported
    people) are indexed once, at its end, as they are then; the saved items themselves are
    indexed at once."""
    if _deferred.get() is not None:
        yield
        return
    pending: dict[type, set] = {}
    token = _deferred.set(pending)
    try:
        yield
    finally:
        _deferred.reset(token)
    if not jobs.inline():
        _reindex_later(_keys_by_model((model, pk) for model, pks in pending.items() for pk in pks))
        return
    for model, pks in pending.items():
        for instance in model._default_manager.filter(pk__in=pks).iterator(chunk_size=500):
            index(instance)


def _saved(sender, instance, **kwargs):
    index(instance)
    _reindex_dependents(instance)


def _reindex_dependents(instance):
    """What depends on a saved item. With a job queue the save indexes the item alone, and a
    job finds and indexes the rest: a place saved with ten thousand people linked to it is
    saved at once, and its people are indexed by a worker."""
    if not hasattr(instance, "search_dependents"):
        return
    if _deferred.get() is None and not jobs.inline():
        reindex_dependents.enqueue(
            f"Search index: what depends on {instance._meta.verbose_name} “{instance}”"[:300],
            item=instance,
            source=entry_key(instance),
        )
        return
    reindex(instance.search_dependents())


# Jobs --------------------------------------------------------------------------------------


def _keys_by_model(pairs) -> dict[str, list]:
    """(model, pk) pairs as {"app.model": [pk, …]}, what a job's parameters can carry."""
    keys: dict[str, set] = {}
    for model, pk in pairs:
        if pk is not None:
            keys.setdefault(model._meta.label_lower, set()).add(pk)
    return {label: sorted(pks) for label, pks in keys.items()}


def _reindex_later(items: dict[str, list]) -> None:
    count = sum(len(pks) for pks in items.values())
    if count:
        reindex_items.enqueue(f"Search index: {count} items again", items=items)


def _index_all(job, items: dict[str, list]) -> int:
    """Index the items named, as they are now (one gone since is simply left out: its
    deletion removed its entry); the job counts them as it goes."""
    total = sum(len(pks) for pks in items.values())
    done = 0
    jobs.progress(job, done, total)
    for label, pks in items.items():
        model = apps.get_model(label)
        for instance in model._default_manager.filter(pk__in=pks).iterator(chunk_size=500):
            index(instance)
            done += 1
            if done % 200 == 0:
                jobs.progress(job, done, total)
    job.done_steps, job.total_steps = done, total
    if done:
        freshness.touch()  # search pages were built on the entries before
    return done


@jobs.job("reindex", title=_("Search index: items again"))
def reindex_items(job, items):
    return _indexed(_index_all(job, items))


def _indexed(done: int) -> str:
    return ngettext("%(count)d item indexed", "%(count)d items indexed", done) % {"count": done}


@jobs.job("reindex_dependents", title=_("Search index: what depends on a change"))
def reindex_dependents(job, source):
    label, _colon, pk = source.rpartition(":")
    instance = apps.get_model(label)._default_manager.filter(pk=pk).first()
    if instance is None:
        return gettext("nothing to do: the item was deleted since")
    items = _keys_by_model(
        (type(dependent), dependent.pk) for dependent in instance.search_dependents()
    )
    return _indexed(_index_all(job, items))


def _deleting(sender, instance, **kwargs):
    # What depends on an item must be known before it goes: its relations go with it.
    instance._search_dependents = list(getattr(instance, "search_dependents", list)())


def _deleted(sender, instance, **kwargs):
    unindex(instance)
    reindex(getattr(instance, "_search_dependents", []))


def _related_changed(sender, instance, action, model=None, pk_set=None, **kwargs):
    if not action.startswith("post_") or type(instance) not in _registry:
        return
    index(instance)
    # The items added or removed (an event's places) may be public or not because of it.
    if model in _registry and pk_set:
        reindex(model._default_manager.filter(pk__in=pk_set))


_tags_changed = _related_changed  # taggit sends m2m_changed from its TaggedItem


def connect_tag_signals():
    from taggit.models import TaggedItem

    m2m_changed.connect(_tags_changed, sender=TaggedItem, dispatch_uid="search-tags")


def rebuild(stdout=None) -> dict[str, int]:
    """Empty the index and write every public item again. Returns counts by model.

    Items are read in chunks, with what their entries show read alongside
    (``indexing_queryset``, a model's own classmethod when it has one), and each chunk's
    entries, tags, spellings and words are written in one insert each: the same rows as
    indexing each item on its own, many times faster for a whole archive."""
    counts = {}
    with transaction.atomic():
        SearchEntry.objects.all().delete()
        NameSpelling.objects.all().delete()
        NameWord.objects.all().delete()
        for model in _registry:
            counts[model._meta.label] = sum(
                _index_chunk(model, chunk) for chunk in _chunks(_indexing_queryset(model))
            )
        freshness.touch()  # cached search pages were built on the old index
    return counts


REBUILD_CHUNK = 500


def _indexing_queryset(model):
    queryset = model._default_manager.order_by("pk")
    prepare = getattr(model, "indexing_queryset", None)
    return prepare(queryset) if prepare else queryset


def _chunks(queryset):
    chunk = []
    for instance in queryset.iterator(chunk_size=REBUILD_CHUNK):
        chunk.append(instance)
        if len(chunk) == REBUILD_CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _index_chunk(model, instances) -> int:
    """Index items that have no entry yet (``rebuild``); returns how many are public."""
    entries, tags, spellings, name_words = [], {}, [], []
    for instance in instances:
        key = entry_key(instance)
        if model in _named:
            names = instance.name_spellings()
            spellings += _spelling_rows(key, names)
            name_words += _word_rows(instance, names)
        data = instance.search_data()
        if data is not None:
            entries.append(SearchEntry(key=key, **_values(data)))
            tags[key] = data
    SearchEntry.objects.bulk_create(entries)
    SearchEntryTag.objects.bulk_create(
        [row for entry in entries for row in _tag_rows(entry, tags[entry.key])]
    )
    NameSpelling.objects.bulk_create(spellings)
    NameWord.objects.bulk_create(name_words)
    return len(entries)
