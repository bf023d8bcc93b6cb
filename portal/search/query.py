"""What a visitor typed, as the engines read it: folded words, "phrases", ``or`` alternatives
and ``-excluded`` words, widened to the other spellings of the names it contains, then compiled
for the engine in use. Nothing a visitor types reaches an engine as syntax."""

import re
import unicodedata
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from rapidfuzz import fuzz

from ..folding import words
from ..models import NameSpelling
from . import names

MAX_QUERY_CHARACTERS = 200
MAX_TERMS = 12
# The spellings one typed name widens to, at most: a common name recorded for thousands of
# people must not become a query of thousands of alternatives.
MAX_SPELLINGS = 40
LONGEST_NAME = 4  # words in the longest name looked up as one


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


def variants_of(raw: str) -> dict[Phrase, set[Phrase]]:
    """The recorded spellings of the names a query may be typing: each word, and each run of
    up to ``LONGEST_NAME`` words, looked up among the spellings recorded when items were
    indexed (``NameSpelling``), in one query, mapped to all spellings of the same name."""
    typed = [tuple(words(token)) for token in _TOKEN.findall(clean_query(raw))]
    flat = [word for phrase in typed for word in phrase]
    candidates = {phrase for phrase in typed if phrase}
    for length in range(1, LONGEST_NAME + 1):
        candidates.update(tuple(flat[i : i + length]) for i in range(len(flat) - length + 1))
    if not candidates:
        return {}
    now = timezone.now()
    usable = NameSpelling.objects.filter(Q(public_from__isnull=True) | Q(public_from__lte=now))
    asked = usable.filter(phrase__in=[" ".join(phrase) for phrase in candidates])
    groups: dict[str, set[Phrase]] = {}
    rows = usable.filter(key__in=asked.values("key")).values_list("key", "phrase")
    for key, phrase in rows:
        groups.setdefault(key, set()).add(tuple(phrase.split()))
    spellings: dict[Phrase, set[Phrase]] = {}
    for group in groups.values():
        for phrase in group & candidates:
            spellings.setdefault(phrase, set()).update(group)
    # Each word also stands for the recorded name words that sound like it ("Mamedov" for
    # "Məmmədov"), whatever item they belong to.
    for word, sounding in names.words_sounding_like(sorted(set(flat))).items():
        spellings.setdefault((word,), set()).update((other,) for other in sounding)
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
            for spelling in closest_first(phrase, variants.get(phrase, ())):
                if spelling not in term.phrases and len(term.phrases) < MAX_SPELLINGS:
                    term.phrases.append(spelling)
    return parsed


def closest_first(phrase: Phrase, spellings) -> list[Phrase]:
    """The other spellings of a phrase, the closest to it first: a query keeps at most
    ``MAX_SPELLINGS`` of them."""
    typed = " ".join(phrase)
    return sorted(spellings, key=lambda other: (-fuzz.ratio(typed, " ".join(other)), other))


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
