"""Character folding for the restricted-term matcher: one table, two languages.

`fold_char(c)` says what one character is to the matcher in `server/restrictions.py`:
a separator (None), ignorable (""), or the letters it stands for, read two ways:

- phonetic (P): case-folded, compatibility-decomposed, diacritics dropped, Cyrillic
  (Russian and Kazakh letters) spelled in Latin letters by `CYRILLIC` below, and a few
  Latin letters without a decomposition spelled plainly (`LATIN`); "q" is "k".
- visual (V): a letter of another script that looks like a Latin letter reads as that
  letter (Cyrillic "р" as "p", Greek "Α" as "a"), from Unicode's confusables data (TR39)
  as shipped by the `confusable-homoglyphs` package; otherwise as in P.

`fold_table()` is the same data for the browser's twin (`static/js/matcher.js`), served by
`GET /matcher/fold.json`: every character whose fold differs from the default the script
applies to a character it is not given (ignorable for Unicode categories Mn, Me, Cf; itself
for L*, N*, Mc; a separator otherwise).
"""

from __future__ import annotations

import functools
import html.entities
import importlib.resources
import json
import sys
import unicodedata
from typing import Any

CYRILLIC: dict[str, str] = {
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "ґ": "g", "д": "d",
    "е": "e", "є": "ye", "ё": "yo", "ж": "zh", "з": "z", "и": "i", "і": "i", "й": "y",
    "к": "k", "қ": "k", "л": "l", "м": "m", "н": "n", "ң": "ng", "о": "o", "ө": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "u", "ү": "u", "ў": "u",
    "ф": "f", "х": "kh", "һ": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
    "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip
"""Russian and Kazakh letters (and a few Ukrainian ones) in the loose Latin skeleton."""

LATIN: dict[str, str] = {
    "q": "k", "ı": "i", "ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ð": "d", "ł": "l",
    "ħ": "h", "ŧ": "t", "þ": "th", "ŀ": "l",
}  # fmt: skip
"""Latin letters with no decomposition to a plain letter, and "q" read as "k"."""

REWRITES: tuple[tuple[str, str], ...] = (("kh", "h"), ("ye", "e"))
"""Spelling variants collapsed inside a word after folding, left to right: "kh" is "h"
(х is written both ways), "ye" is "e" (Ержан is Erzhan and Yerzhan, Азимбаев Azimbayev)."""

MARKDOWN = "*_~`"
"""Markdown emphasis and code marks: separators as typed, nothing at all as rendered."""

EXTRA_IGNORABLE = frozenset("\u115f\u1160\u3164\uffa0\u034f")
"""Invisible letters (Hangul fillers) and the combining grapheme joiner."""

_IGNORED_CATEGORIES = frozenset({"Mn", "Me", "Cf"})

Fold = tuple[str, str] | None
"""(phonetic, visual) letters of a character; ("", "") when ignorable; None for a separator."""


def default_fold(char: str) -> Fold:
    """What the browser's twin assumes for a character not in `fold_table()`."""
    category = unicodedata.category(char)
    if category in _IGNORED_CATEGORIES:
        return ("", "")
    if category[0] in "LN" or category == "Mc":
        return (char, char)
    return None


def _plain(text: str) -> str:
    """Phonetic letters of some text: case, compatibility forms and diacritics folded."""
    out: list[str] = []
    for char in text.casefold():
        if char in CYRILLIC:
            out.append(CYRILLIC[char])
            continue
        for part in unicodedata.normalize("NFKD", char):
            if unicodedata.category(part) in _IGNORED_CATEGORIES or part in EXTRA_IGNORABLE:
                continue
            for low in part.casefold():
                out.append(CYRILLIC.get(low) or LATIN.get(low) or low)
    joined = unicodedata.normalize("NFC", "".join(out))
    return "".join(char for char in joined if char.isalnum())


def _is_latin_word(text: str) -> bool:
    return bool(text) and text.isascii() and text.isalpha()


@functools.cache
def look_alikes() -> dict[str, str]:
    """Non-ASCII letters that look like a Latin letter, and the letter (lower case).

    confusable-homoglyphs lists each TR39 pair both ways; a letter is taken as the
    look-alike of the first plain Latin letter it is listed with. TR39 makes capital I
    and small l one prototype ("l"): an upper-case letter listed with "l" reads as "i".
    """
    source = importlib.resources.files("confusable_homoglyphs") / "confusables.json"
    data: dict[str, list[dict[str, str]]] = json.loads(source.read_text("utf-8"))
    found: dict[str, str] = {}
    for char, homoglyphs in data.items():
        if len(char) != 1 or char.isascii() or unicodedata.category(char)[0] != "L":
            continue
        for homoglyph in homoglyphs:
            shown = "".join(c for c in homoglyph["c"] if unicodedata.category(c) != "Cf")
            plain = "".join(
                c
                for c in unicodedata.normalize("NFKD", shown)
                if unicodedata.category(c) not in _IGNORED_CATEGORIES
            )
            if len(plain) == 1 and _is_latin_word(plain):
                letter = plain.lower()
                if letter == "l" and unicodedata.category(char) in ("Lu", "Lt"):
                    letter = "i"
                found[char] = LATIN.get(letter, letter)
                break
    return found


@functools.lru_cache(maxsize=8192)
def fold_char(char: str) -> Fold:
    """The matcher's reading of one character (bounded cache: a post repeats few)."""
    category = unicodedata.category(char)
    if category in _IGNORED_CATEGORIES or char in EXTRA_IGNORABLE:
        return ("", "")
    if not (category[0] in "LN" or category == "Mc"):
        return None
    phonetic = _plain(char)
    visual = look_alikes().get(char, phonetic)
    return (phonetic, visual)


@functools.cache
def entities() -> dict[str, str]:
    """HTML named character references, with their semicolon, without the "&"."""
    return {name: value for name, value in html.entities.html5.items() if name.endswith(";")}


def _fold_entries() -> dict[str, Any]:
    table: dict[str, Any] = {}
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        category = unicodedata.category(char)
        if category in ("Cn", "Co", "Cs"):
            continue
        if (
            category == "Lo"
            and not unicodedata.decomposition(char)
            and char not in EXTRA_IGNORABLE
            and char not in look_alikes()
        ):
            continue  # an ideograph or syllable: the default (itself) holds
        folded = _fold_char_uncached(char)
        if folded == default_fold(char):
            continue
        if folded is None:
            table[char] = None
        elif folded[0] == folded[1]:
            table[char] = folded[0]
        else:
            table[char] = list(folded)
    return table


def _fold_char_uncached(char: str) -> Fold:
    return fold_char.__wrapped__(char)


@functools.cache
def fold_table() -> bytes:
    """The folding data for `static/js/matcher.js`, as JSON (built once, about a second)."""
    data = {
        "version": 1,
        "fold": _fold_entries(),
        "rewrites": [list(pair) for pair in REWRITES],
        "markdown": MARKDOWN,
        "entities": entities(),
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
