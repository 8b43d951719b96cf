"""Vietnamese text helpers: NFC normalisation, diacritic-insensitive search keys,
and sorting in Vietnamese alphabetical order. Plain Python, no Django."""

from __future__ import annotations

import functools
import re
import unicodedata

_SPACES = re.compile(r"\s+")
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")

# Vietnamese alphabet: a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y
_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_LETTER_RANK = {ch: i for i, ch in enumerate(_ALPHABET)}
# Tone marks in dictionary order: none, huyền, hỏi, ngã, sắc, nặng.
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
# Marks that make a different letter (ă â ê ô ơ ư) rather than a tone.
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}


def nfc(text: str) -> str:
    """Unicode NFC, the one form text is stored in."""
    return unicodedata.normalize("NFC", text)


def clean(text: str) -> str:
    """NFC, one space between words, no surrounding space. Dashes are kept as written."""
    text = nfc(text).replace("\u00a0", " ")
    return _SPACES.sub(" ", text).strip()


def fold(text: str) -> str:
    """A search key: lower case, no diacritics, đ as d, single spaces.

    "Sở Công Thương" and "so cong thuong" fold to the same key.
    """
    decomposed = unicodedata.normalize("NFD", text.lower())
    stripped = "".join(
        " " if unicodedata.category(ch) == "Cc" else ch
        for ch in decomposed
        if not unicodedata.combining(ch)
    )
    stripped = stripped.replace("đ", "d").replace("Đ", "d")
    stripped = _DASHES.sub("-", stripped)
    return _SPACES.sub(" ", stripped).strip()


@functools.lru_cache(maxsize=4096)
def _letter_key(ch: str) -> tuple[int, int, int]:
    decomposed = unicodedata.normalize("NFD", ch.lower())
    base = decomposed[0]
    marks = decomposed[1:]
    letter = unicodedata.normalize("NFC", base + "".join(m for m in marks if m in _LETTER_MARKS))
    tone = max((_TONE_RANK.get(m, 0) for m in marks), default=0)
    if letter in _LETTER_RANK:
        return (1, _LETTER_RANK[letter], tone)
    if base.isdigit():
        return (0, ord(base), 0)
    return (2, ord(letter[0]), tone)


@functools.lru_cache(maxsize=16384)
def vi_sort_key(text: str) -> tuple:
    """Sort key for Vietnamese order: letters first (a < ă < â < b … < đ …), tones second.

    Words are compared letter by letter on the base letters; the tones only break
    ties, as a Vietnamese dictionary does.
    """
    words = clean(text).split(" ")
    letters = []
    tones = []
    for word in words:
        keys = [_letter_key(ch) for ch in word]
        letters.append(tuple(k[:2] for k in keys))
        tones.append(tuple(k[2] for k in keys))
    return (tuple(letters), tuple(tones))


def vi_sorted(items, key=lambda item: item):
    """``sorted`` in Vietnamese order on the text that ``key`` gives."""
    return sorted(items, key=lambda item: vi_sort_key(key(item)))
