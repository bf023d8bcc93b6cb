"""The admin's search finds a name however it is typed, as the public search does: "Баку"
and "Bakı" find "Baku", "Mamedov" finds "Məmmədov Elçin".

Beside the admin's own search (its ``search_fields``, each word as typed), an item is found

- by its fields as the typed words fold (portal/folding.py): "Баку" is searched as "baku" too,
  so drafts, whose names are not yet recorded, and models without recorded names (documents,
  organizations) are found across scripts and diacritics;
- by the words of its recorded names (``NameWord``, portal/search/sounds.py): every typed word
  must be a word of one of its names in the same sound ("Mamedov", "Мамедов", "Məmmədov"), or
  a word of the same consonants and nearly the same letters (``CLOSE_ENOUGH``: "Bakı" for
  "Baku", which differ in a vowel that no transliteration exchanges). Unlike visitors, editors
  also find the recorded names of items not yet public (scheduled ones).
"""

import re

from django.db.models import Q
from rapidfuzz import fuzz

from .folding import fold
from .models import NameWord
from .search import names

# How alike (rapidfuzz's ratio, 0-100) a typed word and a recorded word of the same consonants
# must be: "baki" and "baku" are 75; "baki" and "abbek" 44.
CLOSE_ENOUGH = 75
# Sounds are written in capitals, vowels as these (portal/search/sounds.py).
_SOUND_VOWELS = "AEIOUY"


def _same_consonants(sound: str) -> str:
    """A pattern for the sounds with the consonants of ``sound`` in the same order, whatever
    their vowels."""
    vowels = f"[{_SOUND_VOWELS}]*"
    consonants = [re.escape(letter) for letter in sound if letter not in _SOUND_VOWELS]
    return "^" + vowels + vowels.join(consonants) + vowels + "$"


def recorded_name_match(model, text: str) -> Q | None:
    """Items of ``model`` one of whose recorded names holds every word of ``text`` (see the
    module's docstring); None when ``text`` has no word to look up."""
    typed = names.typed_keys(text)
    if not typed:
        return None
    words = NameWord.objects.filter(model=model._meta.label_lower)
    match = Q()
    for word, _spelling, sound in typed:
        alike = Q(pk__in=words.filter(sound=sound).values("object_id"))
        if any(letter not in _SOUND_VOWELS for letter in sound):
            close = {
                object_id
                for object_id, recorded in words.filter(sound__regex=_same_consonants(sound))
                .exclude(sound=sound)
                .values_list("object_id", "word")
                if fuzz.ratio(word, recorded) >= CLOSE_ENOUGH
            }
            if close:
                alike |= Q(pk__in=close)
        match &= alike
    return match


class NameSearchAdmin:
    """For the admin of a model with names (put it before ``admin.ModelAdmin`` among the
    bases): its search finds names however they are typed, beside its ``search_fields``."""

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = " ".join(search_term.split())
        if not term:
            return results, may_have_duplicates
        folded = fold(term)
        if folded != term.lower():
            by_folded, duplicates = super().get_search_results(request, queryset, folded)
            results |= by_folded
            may_have_duplicates |= duplicates
        by_name = recorded_name_match(self.model, term)
        if by_name is not None:
            results |= queryset.filter(by_name)
        return results, may_have_duplicates
