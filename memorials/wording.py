"""What number a source's wording states, and how it qualifies it.

A figure quotes its source ("more than 130 civilians were killed") and states a value and a
qualifier (130, "more than"). The two must agree, so that nobody can show 13,000 beside words
that say 130: ``disagreement`` reads the numbers written in digits in the wording (grouped as
"13,000", "13 000" or "13.000"), and the qualifier words just before a number ("more than",
"at least", "about" and their usual synonyms, in English, Russian and Azerbaijani) or, in
Azerbaijani, just after it ("130-dan çox").
"""

import re

from django.utils.translation import gettext as _

_NUMBER = re.compile(r"(?<![\d.,])(\d{1,3}(?:[,.\u00a0\u202f ]\d{3})+|\d+)(?![\d]|[.,]\d)")

# Words before a number, as they end the text before it (lower case).
_BEFORE = {
    "more-than": [
        "more than", "over", "in excess of", "upwards of", "above",
        "более чем", "более", "свыше", "больше",
    ],
    "at-least": [
        "at least", "no fewer than", "no less than", "not less than", "a minimum of",
        "не менее", "не меньше", "по меньшей мере", "как минимум", "ən azı", "azı",
    ],
    "about": [
        "about", "around", "approximately", "nearly", "almost", "some", "roughly", "circa",
        "an estimated", "estimated", "close to", "около", "примерно", "почти",
        "приблизительно", "порядка", "təxminən", "təqribən",
    ],
}  # fmt: skip
# Azerbaijani puts the qualifier after the number, with a case ending: "130-dan çox".
_AFTER = {
    "more-than": re.compile(r"^\s*-?\s*(?:d[ae]n|t[ae]n)\s+(?:çox|artıq|artiq)\b"),
    "at-least": re.compile(r"^\s*-?\s*(?:d[ae]n|t[ae]n)\s+az\s+olmayaraq\b"),
    "about": re.compile(r"^\s*-?\s*(?:[ay]?[ae])\s+yaxın\b|^\s+с\s+лишним\b"),
}


def _qualifier_before(text: str) -> str | None:
    tail = " ".join(text.lower().split()[-4:])
    for qualifier, phrases in _BEFORE.items():
        for phrase in phrases:
            if tail == phrase or tail.endswith(" " + phrase):
                return qualifier
    return None


def _qualifier_after(text: str) -> str | None:
    head = text.lower()[:30]
    for qualifier, pattern in _AFTER.items():
        if pattern.search(head):
            return qualifier
    return None


def stated_numbers(wording: str) -> list[tuple[int, str]]:
    """Each number written in digits in ``wording``, with its qualifier ("exact" when none)."""
    numbers = []
    for match in _NUMBER.finditer(wording):
        value = int(re.sub(r"\D", "", match.group()))
        qualifier = (
            _qualifier_before(wording[: match.start()])
            or _qualifier_after(wording[match.end() :])
            or "exact"
        )
        numbers.append((value, qualifier))
    return numbers


def disagreement(wording: str, value: int, qualifier: str, qualifier_labels: dict) -> str:
    """Why ``value`` and ``qualifier`` do not say what ``wording`` says, or ''."""
    numbers = stated_numbers(wording)
    if not numbers:
        return _(
            "The wording states no number in digits: quote the source's words that give the number."
        )
    qualifiers = [found for number, found in numbers if number == value]
    if not qualifiers:
        stated = ", ".join(f"{number:,}" for number, _found in numbers)
        return _("The value %(value)s is not the number the wording states (%(stated)s).") % {
            "value": f"{value:,}",
            "stated": stated,
        }
    if qualifier not in qualifiers:
        return _(
            "The wording qualifies %(value)s as “%(found)s”, not “%(chosen)s”: choose the "
            "qualifier the source uses."
        ) % {
            "value": f"{value:,}",
            "found": qualifier_labels.get(qualifiers[0], qualifiers[0]),
            "chosen": qualifier_labels.get(qualifier, qualifier),
        }
    return ""
