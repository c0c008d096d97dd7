"""Reporting restrictions: find a hearing's restricted terms in text a reporter wants published.

Matching is on whole words, ignoring letter case, diacritics and runs of spaces or
punctuation, so "Zhaña  Ölmez", "ZHANA OLMEZ" and "zhana-olmez" are all the same name.
Positions are reported in the text as the reporter wrote it.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

_ASCII_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Hit:
    term: str
    start: int
    """Index of the first character of the match in the original text."""
    end: int
    """Index one past the last character of the match in the original text."""


@functools.cache
def _fold_char(char: str) -> str:
    """Cached: a body repeats a few dozen distinct characters, and Unicode normalization
    one character at a time is the slow part of checking a post."""
    decomposed = unicodedata.normalize("NFKD", char)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    return base.casefold()


def fold(text: str) -> tuple[str, list[int]]:
    """Fold text to lower-case letters and digits separated by single spaces.

    Returns the folded text and, for each folded character, the index of the
    original character it came from. The folded text starts and ends with a space.
    """
    out = [" "]
    origin = [0]
    for index, char in enumerate(text):
        for folded in _fold_char(char):
            if folded.isalnum():
                out.append(folded)
                origin.append(index)
            elif out[-1] != " ":
                out.append(" ")
                origin.append(index)
    if out[-1] != " ":
        out.append(" ")
        origin.append(len(text))
    return "".join(out), origin


@functools.lru_cache(maxsize=4096)
def normalize_term(term: str) -> str:
    """The folded form of a term, or "" when it has no letters or digits."""
    return fold(term)[0].strip()


def find_restricted(text: str, terms: Iterable[str]) -> Hit | None:
    """The earliest restricted term in `text`, or None."""
    needles = [(term, needle) for term in terms if (needle := normalize_term(term))]
    if not text or not needles:
        return None
    if text.isascii():
        # Most posts are plain ASCII and name no restricted term: say so without mapping
        # every character back to its position.
        words = f" {' '.join(_ASCII_WORD.findall(text.lower()))} "
        if not any(f" {needle} " in words for _, needle in needles):
            return None
    folded, origin = fold(text)
    best: Hit | None = None
    for term, needle in needles:
        at = folded.find(f" {needle} ")
        if at < 0:
            continue
        first = at + 1
        last = first + len(needle) - 1
        hit = Hit(term=term, start=origin[first], end=origin[last] + 1)
        if best is None or hit.start < best.start:
            best = hit
    return best
