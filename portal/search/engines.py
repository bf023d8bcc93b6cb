"""Running a parsed query on the database in use: SQLite's FTS5 index or PostgreSQL's
tsvector, both as ordinary querysets of public entries (no ``.extra()``), so filters and
facets combine with them."""

from collections import Counter
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, Count, F, FloatField, Func, Max, Min, Q
from django.db.models.expressions import RawSQL

from ..models import SearchEntry
from .query import ParsedQuery, to_fts5, to_tsquery


def matching(query: ParsedQuery, *, ranked: bool = False):
    """Entries that match, best first when ``ranked``."""
    entries = SearchEntry.objects.public()
    if connection.vendor == "postgresql":
        tsquery = to_tsquery(query)
        entries = entries.filter(
            RawSQL(
                "portal_searchentry.search_vector @@ to_tsquery('simple', %s)",
                [tsquery],
                output_field=BooleanField(),
            )
        )
        if not ranked:
            return entries
        rank = RawSQL(
            "ts_rank_cd(portal_searchentry.search_vector, to_tsquery('simple', %s))",
            [tsquery],
            output_field=FloatField(),
        )
        return entries.annotate(rank=rank).order_by("-rank", "-date", "title")
    entries = entries.filter(fulltext__index__match=to_fts5(query))
    if not ranked:
        return entries
    # bm25 is smaller for better matches; the title counts ten times the text.
    rank = Func(F("fulltext__index"), 10.0, 1.0, function="bm25", output_field=FloatField())
    return entries.annotate(rank=rank).order_by("rank", "-date", "title")


def entry_key() -> str:
    """The field of an entry's key to bound and order matches by. On SQLite it is the FTS5
    row's (the same number): a condition or an order on it is one FTS5 answers from its own
    index, where one on the entry's column reads every match first."""
    return "fulltext__entry" if connection.vendor == "sqlite" else "pk"


@dataclass(frozen=True)
class Bound:
    """The newest ``bound`` matches of a search that has more (``beyond_bound``)."""

    keys: list[int]  # theirs, newest first
    floor: int  # the key of the next match, below them
    estimate: int  # how many match in all, about


def beyond_bound(entries, bound: int) -> Bound | None:
    """When more than ``bound`` entries match, the newest ``bound`` of them and an estimate of
    how many match in all; else None.

    Ranking and counting facets read every match: for a word in every document that is the
    whole archive, on every search. Past the bound they read the newest ``bound`` matches only,
    which both engines find from their index by key, and the total is estimated from how
    densely those matches fill their range of keys.
    """
    newest = list(entries.order_by(f"-{entry_key()}").values_list("pk", flat=True)[: bound + 1])
    if len(newest) <= bound:
        return None
    floor = newest[-1]
    # The span of keys stands for how many entries there are: two seeks in the key's index,
    # where counting them (PostgreSQL reads every entry to count) would cost more than the
    # search. Gaps left by deleted entries are taken to fall evenly over the span.
    keys = SearchEntry.objects.aggregate(lowest=Min("pk"), highest=Max("pk"))
    spanned, spanned_above = keys["highest"] - keys["lowest"] + 1, keys["highest"] - floor
    return Bound(newest[:-1], floor, round(bound * spanned / max(spanned_above, 1)))


def within(entries, bound: Bound):
    """The matches among the newest (``beyond_bound``). FTS5 reads them by a range of its row
    ids; PostgreSQL by their keys, where a range of keys would read every entry in it, matching
    or not (the newest entries may be names, the matches documents)."""
    if connection.vendor == "sqlite":
        return entries.filter(fulltext__entry__gt=bound.floor)
    # One array, not ``pk__in``'s thousand parameters, which Django compiles one by one.
    keys = RawSQL("portal_searchentry.id = ANY(%s)", [bound.keys], output_field=BooleanField())
    return entries.filter(keys)


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
