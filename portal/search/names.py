"""Finding a name however it is typed: the items whose recorded names hold every typed word
in some spelling, best first, and the recorded words a typed word may stand for.

Each typed word is looked up by its sound (portal/search/sounds.py) among the words recorded
when items were indexed (``NameWord``), in one grouped query, whatever the size of the
register: a recorded word scores 3 when it is the typed word, 2 when it is the same spelling,
1 when it only sounds the same. Items must match every typed word, in any order ("Elchin
Mammadov" finds "Məmmədov Elçin"); the best of them are then ordered among equal scores by
how close their words are to what was typed, so the person typed comes before a namesake
spelled further away."""

from django.db.models import Case, F, IntegerField, Max, Q, Value, When
from rapidfuzz import fuzz

from ..models import NameWord
from . import sounds

MAX_TYPED_WORDS = 6
# Items ordered by closeness as well as by score; the rest keep the score's order.
CLOSELY_RANKED = 200
MAX_FOUND = 5000
MAX_WORDS_PER_SOUND = 40


def typed_keys(text: str) -> list[tuple[str, str, str]]:
    """(word, spelling, sound) of each typed word of a name, at most ``MAX_TYPED_WORDS``."""
    found = []
    for token in sounds.tokens(text):
        word, spelling, sound = sounds.keys(token)
        if word and sound and (word, spelling, sound) not in found:
            found.append((word, spelling, sound))
    return found[:MAX_TYPED_WORDS]


def ranked(model, text: str, within=None) -> list[int] | None:
    """The ids of ``model``'s items whose names match every word of ``text``, best first;
    None when ``text`` holds no word to look up. ``within``: a queryset of ``model`` the items
    must belong to (a filter beside the name, such as an event)."""
    typed = typed_keys(text)
    if not typed:
        return None
    rows = NameWord.objects.usable().filter(
        model=model._meta.label_lower, sound__in={sound for _, _, sound in typed}
    )
    if within is not None:
        rows = rows.filter(object_id__in=within.values("pk"))
    scores = {
        f"score_{index}": Max(
            Case(
                When(word=word, then=Value(3)),
                When(spelling=spelling, then=Value(2)),
                When(sound=sound, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        for index, (word, spelling, sound) in enumerate(typed)
    }
    every_word = Q(**{f"{name}__gt": 0 for name in scores})
    grouped = (
        rows.order_by()
        .values("object_id")
        .annotate(**scores)
        .filter(every_word)
        .annotate(total=sum((F(name) for name in scores), Value(0)))
        .order_by("-total", "object_id")
        .values_list("object_id", "total")[:MAX_FOUND]
    )
    found = dict(grouped)
    ordered = list(found)
    # Closeness orders items of equal score; items holding every typed word as typed are
    # already as close as can be (a common surname typed alone: thousands of them).
    as_typed = 3 * len(typed)
    head = ordered[:CLOSELY_RANKED]
    exact = [object_id for object_id in head if found[object_id] == as_typed]
    spelled_otherwise = [object_id for object_id in head if found[object_id] < as_typed]
    if spelled_otherwise:
        closeness = _closeness(rows.filter(object_id__in=spelled_otherwise), typed)
        spelled_otherwise.sort(key=lambda pk: (-found[pk], -closeness.get(pk, 0)))
        ordered[:CLOSELY_RANKED] = exact + spelled_otherwise
    return ordered


def _closeness(rows, typed) -> dict[int, float]:
    """For each item, how close its words are to the typed ones: for every typed word the
    best ratio among the item's words of the same sound, summed."""
    best: dict[tuple[int, int], float] = {}
    for object_id, word, sound in rows.values_list("object_id", "word", "sound"):
        for index, (typed_word, _, typed_sound) in enumerate(typed):
            if sound == typed_sound:
                ratio = fuzz.ratio(typed_word, word)
                key = (object_id, index)
                best[key] = max(best.get(key, 0.0), ratio)
    totals: dict[int, float] = {}
    for (object_id, _), ratio in best.items():
        totals[object_id] = totals.get(object_id, 0.0) + ratio
    return totals


def words_sounding_like(words: list[str]) -> dict[str, list[str]]:
    """For each typed (folded) word, the recorded name words of the same sound, closest first
    and at most ``MAX_WORDS_PER_SOUND``: the spellings a query widens it to."""
    by_sound: dict[str, list[str]] = {}
    for word in words:
        by_sound.setdefault(sounds.sound(word), []).append(word)
    by_sound.pop("", None)
    if not by_sound:
        return {}
    recorded = (
        NameWord.objects.usable().filter(sound__in=by_sound).values_list("sound", "word").distinct()
    )
    widened: dict[str, list[str]] = {}
    for sound, word in recorded:
        for typed in by_sound[sound]:
            widened.setdefault(typed, []).append(word)
    for typed, found in widened.items():
        found.sort(key=lambda word, typed=typed: (-fuzz.ratio(typed, word), word))
        del found[MAX_WORDS_PER_SOUND:]
    return widened


class RankedItems:
    """Items of ``queryset`` in the order of ``ids``, as a paginator reads them: its length,
    and one query per slice for the items of that slice only."""

    def __init__(self, queryset, ids: list[int]):
        self.queryset, self.ids = queryset, ids

    def count(self) -> int:
        return len(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        ids = self.ids[index]
        items = self.queryset.in_bulk(ids)
        return [items[pk] for pk in ids if pk in items]


def found_by_name(queryset, text: str, within=None):
    """The items of ``queryset`` whose names match ``text`` however it is spelled, best first
    (``RankedItems``); None when ``text`` holds no word to look up.

    The names' words are recorded only while their items are public (``NameWord``), so the
    ranking needs no join with the items' public rule; each page is still read through
    ``queryset``, which applies it. ``within`` narrows the items (see ``ranked``)."""
    ids = ranked(queryset.model, text, within)
    if ids is None:
        return None
    return RankedItems(queryset, ids)
