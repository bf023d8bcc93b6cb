"""Keys that let a name be found however it is spelled.

Azerbaijani names reach readers in three scripts and several transliterations: "Məmmədov" is
"Mammadov" in English, "Мамедов" in Russian and so "Mamedov" in an English text translated
from Russian, and "Memmedov" on a keyboard without ə. Folding (portal/folding.py) makes case
and diacritics alike but cannot make these alike. So each word of a recorded name gets two
more keys, computed once when the item is indexed (``portal.models.NameWord``):

- its *spelling*: folded, with transliteration digraphs written one way (kh → x, sh → s,
  ch/dzh/dj/j → c, gh → g) and doubled letters single: "memmedov" and "memedov" meet;
- its *sound*: a phonetic key of our own, for the transliterations these names go through.
  Letters are read as the sounds they stand for in the script they are written in (Latin
  "c" is Azerbaijani [dʒ], Cyrillic "х" is [x]), then sounds that transliterations exchange
  fall together: ə/a/e; ı/i/y; ü/u/yu; ö/o/yo; x/kh/h/g/q/k/ğ/gh (Russian writes h as г);
  c/j/dzh/dj/ç/ch/zh; ş/sh/s; b/p and d/t, which Russian spellings exchange (Əkbərov
  Акперов, Mehdiyev Мехтиев). A "y" beside a vowel is only a glide (Aliyev, Aliev, Алиев),
  a run of vowels keeps its first (Huseinov, Гусейнов), and the surname endings
  -ov/-yev/-iyev/-iev/-ev (and -ova/-yeva/-ieva/-eva) are one, since Russian writes -ев
  where Azerbaijani has -ov after some consonants (Orucov Оруджев). Consonants keep their
  order and identity otherwise, so a different surname that merely sounds alike
  ("Mahmudov" for "Mammadov", "Hasanli" for "Hasanov") has another key.

Ranking then prefers the same word, then the same spelling, then the same sound, and among
equals the closest string (portal/search/names.py).
"""

import re
import unicodedata

from ..folding import fold

# One letter → the sound it stands for: a Latin letter for consonants and plain vowels, an
# upper-case one where a transliteration needs telling apart (E ə, I ı, O ö, U ü, S ş,
# C ç, J Azerbaijani c, Z zh, G ğ, X kh).
_LETTERS = {
    # Azerbaijani Latin
    "ə": "E", "ı": "I", "ö": "O", "ü": "U", "ş": "S", "ç": "C", "ğ": "G",
    "c": "J", "j": "Z", "x": "X", "w": "v",
    # Russian and Azerbaijani Cyrillic
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "Z",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "X", "ц": "ts",
    "ч": "C", "ш": "S", "щ": "S", "ъ": "", "ы": "I", "ь": "", "э": "e", "ю": "yu",
    "я": "ya", "ә": "E", "ғ": "G", "ҝ": "g", "ҹ": "J", "һ": "h", "ө": "O", "ү": "U",
    "ј": "y", "і": "i", "ї": "i", "є": "e", "ґ": "g", "ў": "u",
}  # fmt: skip
# English and Russian transliterations written in Latin letters, longest first.
_DIGRAPHS = [
    ("dzh", "J"), ("dj", "J"), ("zh", "Z"), ("kh", "X"), ("gh", "G"), ("sh", "S"),
    ("ch", "C"),
]  # fmt: skip
_CYRILLIC_DIGRAPHS = [("дж", "J")]
_VOWELS = set("aeiouyEIOU")
# Sounds that transliterations exchange, as one class each.
_CLASS = {
    "a": "A", "e": "A", "E": "A",
    "i": "I", "I": "I",
    "o": "O", "O": "O",
    "u": "U", "U": "U",
    "k": "K", "g": "K", "q": "K", "G": "K", "X": "K", "h": "K",
    "C": "C", "J": "C", "Z": "C",
    "s": "S", "S": "S",
    "p": "B", "t": "D",
}  # fmt: skip
_ENDING = re.compile(r"[AIOU]V(A?)$")
_SPELLING_DIGRAPHS = [
    ("dzh", "c"), ("dj", "c"), ("zh", "j"), ("kh", "x"), ("gh", "g"), ("sh", "s"),
    ("ch", "c"), ("yu", "u"), ("yo", "o"), ("ya", "a"), ("ye", "e"), ("j", "c"),
]  # fmt: skip
_TOKEN = re.compile(r"[^\W\d_]+")


def tokens(text: str) -> list[str]:
    """The words of a name as written (letters only): "Əli-Heydər" → ["Əli", "Heydər"]."""
    return _TOKEN.findall(text)


def _sounds_of(token: str) -> list[str]:
    """The sounds a written word stands for, in order, one letter each."""
    lowered = token.lower()
    if "i̇" in lowered:  # "İ".lower() is i + a combining dot
        lowered = lowered.replace("i̇", "i")
    digraphs = _CYRILLIC_DIGRAPHS if any("а" <= c <= "я" for c in lowered) else _DIGRAPHS
    sounds: list[str] = []
    position = 0
    while position < len(lowered):
        for written, sound in digraphs:
            if lowered.startswith(written, position):
                sounds.append(sound)
                position += len(written)
                break
        else:
            char = lowered[position]
            if char in _LETTERS:
                sounds.extend(_LETTERS[char])
            else:
                plain = unicodedata.normalize("NFKD", char)
                sounds.extend(c for c in plain if c.isascii() and c.isalpha())
            position += 1
    return sounds


def sound(token: str) -> str:
    """The phonetic key of one written word ("Məmmədov", "Mamedov", "Мамедов" → "MAMADOV")."""
    sounds = _sounds_of(token)
    keyed: list[str] = []
    for index, letter in enumerate(sounds):
        if letter == "y":
            before = sounds[index - 1] if index else ""
            after = sounds[index + 1] if index + 1 < len(sounds) else ""
            if before in _VOWELS or after in _VOWELS:
                continue  # a glide: Aliyev / Aliev, Yusif / Юсиф
            letter = "i"
        symbol = _CLASS.get(letter, letter.upper())
        previous = keyed[-1] if keyed else ""
        if symbol == previous:
            continue  # Mammadov / Mamedov
        if symbol in "AIOU" and previous in ("A", "I", "O", "U"):
            continue  # a run of vowels keeps its first: Huseinov / Huseynov
        keyed.append(symbol)
    return _ENDING.sub(r"EV\1", "".join(keyed))


def spelling(token: str) -> str:
    """The folded word with transliteration digraphs one way and no doubled letters."""
    text = "".join(c for c in fold(token) if c.isalnum())
    for written, plain in _SPELLING_DIGRAPHS:
        text = text.replace(written, plain)
    return re.sub(r"(.)\1+", r"\1", text)


def keys(token: str) -> tuple[str, str, str]:
    """(folded word, spelling, sound) of one written word."""
    return "".join(c for c in fold(token) if c.isalnum()), spelling(token), sound(token)
