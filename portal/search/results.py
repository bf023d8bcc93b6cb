"""One entry point for a search: ``run(text, filters, page)`` gives the page of results with
their labels and excerpts, the total and the labelled facets, in three queries (the typed
names' spellings, the counts, the page), whatever the size of the archive."""

import html
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.utils.safestring import mark_safe
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from .. import content
from ..folding import folded_with_offsets
from ..models import SearchEntry
from .engines import apply_filters, beyond_bound, facet_counts, matching, within
from .query import ParsedQuery, clean_query, parse_query, variants_of

SNIPPET_CHARACTERS = 240
RESULTS_PER_PAGE = 20
FACET_TITLES = {
    "kind": _("Kind"),
    "year": _("Year"),
    "issuer": _("Issuer"),
    "language": _("Language"),
    "tag": _("Tag"),
}


@dataclass
class Hit:
    entry: SearchEntry
    kind_label: str
    snippet: str


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    active: bool


@dataclass
class Facet:
    name: str
    title: str
    options: list[FacetOption]


@dataclass
class Results:
    typed: str
    searched: bool = False  # the text held something to search for
    total: int = 0
    # Past the bound (settings.SEARCH_RANKED_MATCHES), the total is an estimate and the results
    # and facets are those of the newest matches within it.
    estimated: bool = False
    ranked_within: int = 0
    page: Page | None = None
    hits: list[Hit] = field(default_factory=list)
    facets: list[Facet] = field(default_factory=list)


def read_filters(params) -> dict:
    """The facet filters a visitor chose; anything malformed is dropped, not an error."""
    filters = {}
    if params.get("kind") in content.by_kind():
        filters["kind"] = params["kind"]
    year = params.get("year", "")
    if year.isascii() and year.isdigit() and len(year) <= 4:  # "²" is a digit, not an int
        filters["year"] = int(year)
    for name, longest in [("issuer", 100), ("language", 10), ("tag", 100)]:
        value = params.get(name, "").strip()
        if value and len(value) <= longest and value.isprintable():
            filters[name] = value
    return filters


def run(text: str, filters: dict, page_number=1, per_page: int = RESULTS_PER_PAGE) -> Results:
    typed = clean_query(text)
    parsed = parse_query(typed, variants_of(typed)) if typed else ParsedQuery()
    results = Results(typed)
    if not parsed:
        return results
    found = apply_filters(matching(parsed), filters)
    ranked = apply_filters(matching(parsed, ranked=True), filters)
    bound = settings.SEARCH_RANKED_MATCHES
    past_bound = beyond_bound(found, bound)
    if past_bound:
        found, ranked = within(found, past_bound), within(ranked, past_bound)
    shown, counts = facet_counts(found)
    paginator = Paginator(ranked, per_page)
    paginator.count = shown  # counted with the facets: no full-text pass of its own
    page = paginator.get_page(page_number)
    kinds = content.by_kind()
    results.searched, results.page = True, page
    if past_bound:
        results.total, results.estimated = past_bound.estimate, True
        results.ranked_within = shown
    else:
        results.total = shown
    results.hits = [
        Hit(entry, kinds[entry.kind].names[0], snippet(entry.text, parsed)) for entry in page
    ]
    results.facets = [
        Facet(
            name,
            FACET_TITLES[name],
            [
                FacetOption(
                    value,
                    _facet_label(name, value, label),
                    count,
                    str(filters.get(name, "")) == value,
                )
                for value, label, count in values
            ],
        )
        for name, values in counts.items()
        if values
    ]
    return results


def _facet_label(name: str, value: str, label: str) -> str:
    if name == "kind":
        kind = content.by_kind().get(value)
        return kind.names[1] if kind else value
    if name == "language":
        try:
            return get_language_info(value)["name_translated"]
        except KeyError:
            return value
    return label


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
