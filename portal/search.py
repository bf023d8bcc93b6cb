"""Site-wide search: one index of public items, one query language, two engines.

Apps register their models (``register``) and give each a ``search_data()`` method that returns
``SearchData`` while the item is published (``public_from`` saying from when, for an item
scheduled for later) and ``None`` otherwise. Signals keep the index in step: saving a published
item writes its entry, unpublishing or deleting removes it. This module imports no app.

A query is parsed once (``parse_query``) into words, "quoted phrases", ``or`` alternatives and
``-excluded`` words, all folded (portal/folding.py) to plain ``[a-z0-9]`` words, then compiled
for the engine in use: an FTS5 MATCH expression on SQLite, a tsquery on PostgreSQL. Nothing a
visitor types reaches either engine as syntax. Names recorded with variants (Baku: Baky, Bakı,
Баку) widen a word to all its spellings.
"""

import datetime
import html
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Count, Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.utils.safestring import mark_safe

from . import freshness
from .folding import fold, folded_with_offsets, words
from .models import SearchEntry, SearchEntryTag

MAX_QUERY_CHARACTERS = 200
MAX_TERMS = 12
SNIPPET_CHARACTERS = 240


@dataclass(frozen=True)
class SearchData:
    kind: str
    title: str
    url: str
    text: str = ""
    names: tuple[str, ...] = ()  # other names, matched as strongly as the title
    date: datetime.date | None = None
    issuer: str = ""
    issuer_name: str = ""
    language: str = ""
    tags: tuple[tuple[str, str], ...] = ()  # (slug, name)
    public_from: datetime.datetime | None = None  # the latest publish time of what it shows


# Registry and indexing ----------------------------------------------------------------------

_registry: list[type] = []
_variant_sources: list = []  # callables returning iterables of name lists, for query expansion


def register(model, *, variants=None):
    """Index ``model`` from now on. ``variants``, if given, is a callable returning lists of
    spellings of one name (a place's or a person's), which the search treats as one."""
    if model in _registry:
        return
    _registry.append(model)
    if variants is not None:
        _variant_sources.append(variants)
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
    reindex(instance.search_dependents())


def entry_key(instance) -> str:
    return f"{instance._meta.label_lower}:{instance.pk}"


def index(instance) -> SearchEntry | None:
    """Write (or remove) the entry of one item, as it is now."""
    data = instance.search_data()
    key = entry_key(instance)
    if data is None:
        SearchEntry.objects.filter(key=key).delete()
        return None
    names = " ".join(data.names)
    values = {
        "kind": data.kind,
        "title": data.title[:500],
        "url": data.url,
        "text": data.text,
        "date": data.date,
        "year": data.date.year if data.date else None,
        "issuer": data.issuer,
        "issuer_name": data.issuer_name,
        "language": data.language,
        "folded_title": fold(f"{data.title} {names}"),
        "folded_text": fold(data.text),
        "public_from": data.public_from,
    }
    with transaction.atomic():
        entry, _created = SearchEntry.objects.update_or_create(key=key, defaults=values)
        entry.tags.all().delete()
        SearchEntryTag.objects.bulk_create(
            [
                SearchEntryTag(entry=entry, slug=slug, name=name)
                for slug, name in dict(data.tags).items()
            ]
        )
    return entry


def unindex(instance):
    SearchEntry.objects.filter(key=entry_key(instance)).delete()


def reindex(instances):
    for instance in instances:
        index(instance)


def _saved(sender, instance, **kwargs):
    index(instance)
    reindex(getattr(instance, "search_dependents", list)())


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
    """Empty the index and write every public item again. Returns counts by model."""
    counts = {}
    with transaction.atomic():
        SearchEntry.objects.all().delete()
        for model in _registry:
            written = 0
            for instance in model._default_manager.all().iterator(chunk_size=500):
                if index(instance) is not None:
                    written += 1
            counts[model._meta.label] = written
        freshness.touch()  # cached search pages were built on the old index
    return counts


# Query parsing ------------------------------------------------------------------------------

Phrase = tuple[str, ...]


@dataclass
class Term:
    """One thing the results must contain: any one of its phrases."""

    phrases: list[Phrase]


@dataclass
class ParsedQuery:
    terms: list[Term] = field(default_factory=list)
    excluded: list[Phrase] = field(default_factory=list)

    def __bool__(self):
        return bool(self.terms)

    @property
    def all_words(self) -> set[str]:
        return {word for term in self.terms for phrase in term.phrases for word in phrase}


_TOKEN = re.compile(r'-?"[^"]*"?|\S+')


def clean_query(raw: str) -> str:
    """The query as a visitor meant it: no control characters, bounded length."""
    text = "".join(" " if unicodedata.category(c).startswith("C") else c for c in raw or "")
    return " ".join(text.split())[:MAX_QUERY_CHARACTERS]


def variant_map() -> dict[Phrase, set[Phrase]]:
    """Every recorded spelling of a name, folded, mapped to all spellings of that name."""
    spellings: dict[Phrase, set[Phrase]] = {}
    for source in _variant_sources:
        for names in source():
            group = {tuple(words(name)) for name in names if words(name)}
            for phrase in group:
                spellings.setdefault(phrase, set()).update(group)
    return spellings


def parse_query(raw: str, variants: dict[Phrase, set[Phrase]] | None = None) -> ParsedQuery:
    variants = variants or {}
    parsed = ParsedQuery()
    pending_or = False
    plain_run: list[int] = []  # indexes of consecutive single-word terms, to spot multi-word names

    def close_run():
        _merge_names(parsed.terms, plain_run, variants)
        plain_run.clear()

    for token in _TOKEN.findall(clean_query(raw)):
        if token.lower() == "or" and parsed.terms:
            pending_or = True
            continue
        negated = token.startswith("-") and len(token) > 1
        quoted = token.lstrip("-").startswith('"')
        phrase = tuple(words(token))
        if not phrase:
            continue
        if negated:
            close_run()
            parsed.excluded.append(phrase)
            pending_or = False
            continue
        if pending_or:
            close_run()
            parsed.terms[-1].phrases.append(phrase)
            pending_or = False
            continue
        parsed.terms.append(Term([phrase]))
        if len(phrase) == 1 and not quoted:
            plain_run.append(len(parsed.terms) - 1)
        else:
            close_run()
    close_run()
    parsed.terms = parsed.terms[:MAX_TERMS]
    parsed.excluded = parsed.excluded[:MAX_TERMS]
    for term in parsed.terms:
        for phrase in list(term.phrases):
            for spelling in sorted(variants.get(phrase, ())):
                if spelling not in term.phrases:
                    term.phrases.append(spelling)
    return parsed


def _merge_names(terms: list[Term], run: list[int], variants) -> None:
    """Turn consecutive words that spell a recorded multi-word name into one phrase term."""
    if len(run) < 2:
        return
    position = 0
    merged: list[tuple[int, int]] = []
    while position < len(run):
        for end in range(len(run), position + 1, -1):
            phrase = tuple(terms[i].phrases[0][0] for i in run[position:end])
            if phrase in variants:
                merged.append((run[position], run[end - 1]))
                position = end
                break
        else:
            position += 1
    for first, last in reversed(merged):
        phrase = tuple(terms[i].phrases[0][0] for i in range(first, last + 1))
        terms[first : last + 1] = [Term([phrase])]


def to_fts5(query: ParsedQuery) -> str:
    """An FTS5 MATCH expression: every word double-quoted, so no word is taken as syntax."""

    def phrase(words_):
        return '"' + " ".join(words_) + '"'

    required = " AND ".join(
        "(" + " OR ".join(phrase(p) for p in term.phrases) + ")" for term in query.terms
    )
    return required + "".join(f" NOT {phrase(p)}" for p in query.excluded)


def to_tsquery(query: ParsedQuery) -> str:
    """A to_tsquery expression; words are [a-z0-9]+ so none is an operator."""

    def phrase(words_):
        return "(" + " <-> ".join(words_) + ")"

    required = " & ".join(
        "(" + " | ".join(phrase(p) for p in term.phrases) + ")" for term in query.terms
    )
    return required + "".join(f" & !{phrase(p)}" for p in query.excluded)


# Running a search ---------------------------------------------------------------------------


def matching(query: ParsedQuery, *, ranked: bool = False):
    """Entries that match, on the engine of the database in use."""
    entries = SearchEntry.objects.public()
    if connection.vendor == "postgresql":
        tsquery = to_tsquery(query)
        entries = entries.extra(
            where=["portal_searchentry.search_vector @@ to_tsquery('simple', %s)"], params=[tsquery]
        )
        if ranked:
            entries = entries.extra(
                select={
                    "rank": "ts_rank_cd(portal_searchentry.search_vector, to_tsquery('simple', %s))"
                },
                select_params=[tsquery],
                order_by=["-rank", "-date", "title"],
            )
        return entries
    entries = entries.extra(
        tables=["portal_search_fts"],
        where=["portal_search_fts.rowid = portal_searchentry.id", "portal_search_fts MATCH %s"],
        params=[to_fts5(query)],
    )
    if ranked:
        # bm25 is smaller for better matches; the title counts ten times the text.
        entries = entries.extra(
            select={"rank": "bm25(portal_search_fts, 10.0, 1.0)"},
            order_by=["rank", "-date", "title"],
        )
    return entries


FACETS = ["kind", "year", "issuer", "language", "tag"]


def apply_filters(entries, filters: dict):
    conditions = Q()
    for name in ["kind", "issuer", "language"]:
        if filters.get(name):
            conditions &= Q(**{name: filters[name]})
    if filters.get("year"):
        conditions &= Q(year=filters["year"])
    if filters.get("tag"):
        conditions &= Q(tags__slug=filters["tag"])
    return entries.filter(conditions)


def facet_counts(entries) -> tuple[int, dict[str, list[tuple[str, str, int]]]]:
    """How many entries match, and for each facet (value, label, count) over them, most
    frequent first.

    Kind, year, issuer and language come from one grouped query, since each pass over the
    matches costs a full-text search; tags need a join of their own. Each query groups the
    matching queryset itself: the engines' conditions name the entry table, so it must not
    become a subquery under another alias."""
    total = 0
    kinds, years, issuers, languages = Counter(), Counter(), Counter(), Counter()
    groups = entries.order_by().values_list("kind", "year", "issuer", "issuer_name", "language")
    for kind, year, issuer, issuer_name, language, n in groups.annotate(n=Count("id")):
        total += n
        kinds[kind, kind] += n if kind else 0
        years[str(year), str(year)] += n if year else 0
        issuers[issuer, issuer_name] += n if issuer else 0
        languages[language, language] += n if language else 0
    present = entries.exclude(tags__slug__isnull=True).exclude(tags__slug="")
    tags = present.values_list("tags__slug", "tags__name").annotate(n=Count("id", distinct=True))

    def most_frequent(counter, by_label=True):
        rows = [(value, label, n) for (value, label), n in counter.items() if n]
        return sorted(rows, key=lambda row: (-row[2], row[1] if by_label else row[0]))

    return total, {
        "kind": most_frequent(kinds),
        "year": sorted(most_frequent(years), key=lambda row: row[0], reverse=True),
        "issuer": most_frequent(issuers),
        "language": most_frequent(languages),
        "tag": list(tags.order_by("-n", "tags__name")[:30]),
    }


def snippet(text: str, query: ParsedQuery, length: int = SNIPPET_CHARACTERS) -> str:
    """An excerpt of the original text around the first match, matches in <mark>, escaped."""
    if not text:
        return ""
    folded, offsets = folded_with_offsets(text)
    searched = sorted(query.all_words, key=len, reverse=True)
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, searched)) + r")\b") if searched else None
    spans = []
    if pattern:
        for match in pattern.finditer(folded):
            spans.append((offsets[match.start()], offsets[match.end() - 1] + 1))
    first = spans[0][0] if spans else 0
    start = max(0, first - length // 3)
    if start:
        space = text.rfind(" ", 0, start)
        start = space + 1 if space != -1 and first - space < length // 2 else start
    end = min(len(text), start + length)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start + length // 2 else end
    pieces, cursor = [], start
    for span_start, span_end in spans:
        if span_start < cursor or span_end > end:
            continue
        pieces.append(html.escape(text[cursor:span_start]))
        pieces.append(f"<mark>{html.escape(text[span_start:span_end])}</mark>")
        cursor = span_end
    pieces.append(html.escape(text[cursor:end]))
    excerpt = "".join(pieces).replace("\n", " ")
    return mark_safe(("… " if start else "") + excerpt + (" …" if end < len(text) else ""))  # noqa: S308
