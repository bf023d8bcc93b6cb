"""Name folding: one spelling for the many ways a name is written.

"Bakı", "BAKI", "Baki" and "Баки" fold to "baki"; "Qarabağ" to "qarabag"; "Карабах" to
"karabakh". Case and diacritics go; the Azerbaijani letters (ə ı ş ç ğ ö ü) take their plain
Latin base; Cyrillic (Russian and Azerbaijani) is transliterated. Search folds both the text it
indexes and the query, so any spelling meets any other; variants that fold differently (Baku /
Bakı) meet through the variants recorded on places and people.
"""

import functools
import re
import unicodedata

from django.utils.text import slugify

_LATIN = {"ə": "e", "ı": "i", "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ł": "l"}
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    # Azerbaijani Cyrillic
    "ә": "e", "ғ": "g", "ҝ": "g", "ҹ": "c", "һ": "h", "ө": "o", "ү": "u", "ј": "y",
    # Ukrainian and Belarusian letters that appear in names
    "і": "i", "ї": "i", "є": "e", "ґ": "g", "ў": "u",
}  # fmt: skip
_TABLE = {ord(letter): latin for letter, latin in {**_LATIN, **_CYRILLIC}.items()}
_WORD = re.compile(r"[a-z0-9]+")


@functools.lru_cache(maxsize=8192)
def fold_char(char: str) -> str:
    """The folded form of one character: '' for marks, possibly several letters. (Remembered:
    a text repeats its few dozen letters, and folding each anew is most of a search's time.)"""
    lowered = char.lower()
    if ord(lowered[0]) in _TABLE:
        return _TABLE[ord(lowered[0])]
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_TABLE)


def fold(text: str) -> str:
    """Text folded for matching: lower case, no diacritics, Latin letters."""
    return "".join(fold_char(char) for char in text)


def words(text: str) -> list[str]:
    """The folded words of a text (letters and digits only)."""
    return _WORD.findall(fold(text))


def folded_with_offsets(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters, the index of the original character,
    so that a match in the folded text can be highlighted in the original."""
    folded, offsets = [], []
    for index, char in enumerate(text):
        for out in fold_char(char):
            folded.append(out)
            offsets.append(index)
    return "".join(folded), offsets


def slug_of(text: str) -> str:
    """A URL slug that keeps every letter: Cyrillic and Azerbaijani letters are transliterated
    first ("Чёрный январь" → "chernyy-yanvar"), where slugify alone drops them."""
    return slugify(fold(text))
