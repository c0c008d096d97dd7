"""Restricted-term matching: the shared vectors (tests/restriction_vectors.json), which the
browser twin passes too (tests/test_matcher_browser.py), and the matcher's own parts."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path
from typing import Any

import pytest

from courtwire import folding
from courtwire.restrictions import (
    Hit,
    Matcher,
    _compile,
    _quick_letters,
    _search,
    _streams,
    find_restricted,
    matcher,
    normalize_term,
)

VECTORS: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "restriction_vectors.json").read_text("utf-8")
)


def check_vector(vector: dict[str, Any], hit: Hit | None) -> str | None:
    """What is wrong with a result for a vector, or None."""
    if (hit is not None) != vector["match"]:
        return f"expected {'a match' if vector['match'] else 'no match'}, got {hit}"
    if hit is None:
        return None
    if "start" in vector and (hit.start, hit.end) != (vector["start"], vector["end"]):
        shown = vector["text"][hit.start : hit.end]
        return f"expected {vector['start']}–{vector['end']}, got {hit.start}–{hit.end} {shown!r}"
    if "term" in vector and hit.term != vector["term"]:
        return f"expected term {vector['term']!r}, got {hit.term!r}"
    return None


@pytest.mark.parametrize("vector", VECTORS, ids=[v["why"] for v in VECTORS])
def test_shared_vector(vector: dict[str, Any]) -> None:
    problem = check_vector(vector, find_restricted(vector["text"], vector["terms"]))
    assert problem is None, f"{vector['why']}: {vector['text']!r} {vector['terms']}: {problem}"


def test_vectors_cover_each_rule_both_ways() -> None:
    assert sum(v["match"] for v in VECTORS) >= 40
    assert sum(not v["match"] for v in VECTORS) >= 25
    texts = {v["text"] for v in VECTORS}
    for name in ("Мұрагер Әлімұлы", "Қастер Мұсаханұлы", "Ержан Азимбаев", "Ляззат Ахатова"):
        assert any(name in text for text in texts)


def test_position_points_at_the_original_text() -> None:
    text = "Called: Zhaña  Ölmez, aged 30"
    hit = find_restricted(text, ["Zhana Olmez", "Witness B"])
    assert hit == Hit(term="Zhana Olmez", start=8, end=20)
    assert text[hit.start : hit.end] == "Zhaña  Ölmez"


def test_position_of_a_reference_covers_the_whole_reference() -> None:
    hit = find_restricted("Saw Ali&#109;uly.", ["Alimuly"])
    assert hit is not None
    assert (hit.start, hit.end) == (4, 16)


def test_position_counts_code_points_beyond_the_basic_plane() -> None:
    text = "😀😀 𝐀𝐥𝐢𝐦𝐮𝐥𝐲"
    hit = find_restricted(text, ["Alimuly"])
    assert hit is not None
    assert text[hit.start : hit.end] == "𝐀𝐥𝐢𝐦𝐮𝐥𝐲"


def test_normalize_term() -> None:
    assert normalize_term("Zhana  Ölmez") == "zhana olmez"
    assert normalize_term("Жана Өлмез") == "zhana olmez"
    assert normalize_term("Musakhanuly") == normalize_term("Мұсаханұлы") == "musahanuly"
    assert normalize_term("--") == ""
    assert normalize_term("\u200b\u00ad") == ""
    assert find_restricted("-- --", ["--"]) is None


def test_fold_characters() -> None:
    assert folding.fold_char("Ж") == ("zh", "zh")
    assert folding.fold_char("р") == ("r", "p")  # reads r, looks like p
    assert folding.fold_char("\u200b") == ("", "")
    assert folding.fold_char("-") is None
    assert folding.fold_char("é") == ("e", "e")


def test_caches_are_bounded() -> None:
    assert folding.fold_char.cache_info().maxsize is not None
    assert matcher.cache_info().maxsize is not None
    assert normalize_term.cache_info().maxsize is not None


def test_fold_table_is_what_the_python_matcher_uses() -> None:
    table = json.loads(folding.fold_table())
    assert table["rewrites"] == [list(pair) for pair in folding.REWRITES]
    for char, value in list(table["fold"].items())[::97]:
        expected = folding.fold_char(char)
        got = None if value is None else (value, value) if isinstance(value, str) else tuple(value)
        assert got == expected, char
    for char in "aZ9ж한\u0301-":  # characters left to the script's defaults
        if char not in table["fold"]:
            assert folding.fold_char(char) == folding.default_fold(char)


ALPHABET = [
    *"alimuyzhnoekq AZ-_*.&#;%\n",
    "\u200b",
    "\u00ad",
    "А",
    "у",
    "Ж",
    "х",
    "ұ",
    "й",
    "&#109;",
    "%6D",
    "**",
    " ",
    "   ",
    "é",
]
TERMS = [["Alimuly", "Zhana Olmez"], ["Ali", "Muly"], ["Khan", "Yel"], ["Жана Өлмез", "Ky"]]


def full_search(text: str, terms: list[str]) -> Hit | None:
    """The matcher without its quick test and windows: every stream of the whole text."""
    compiled = Matcher(terms)
    if not compiled.terms:
        return None
    owner = [index for index, variants in enumerate(compiled._variants) for _ in variants]
    regex = _compile(tuple(v for variants in compiled._variants for v in variants))
    found = [hit for stream in _streams(text) if (hit := _search(regex, owner, stream))]
    if not found:
        return None
    start, index, end = min(found)
    return Hit(term=compiled.terms[index], start=start, end=end)


def test_the_quick_test_and_windows_never_change_the_result() -> None:
    seed = int(os.environ.get("MATCHER_SEED", random.randrange(1 << 30)))
    print(f"matcher random seed: {seed} (MATCHER_SEED={seed} repeats it)")
    rng = random.Random(seed)
    for attempt in range(3300):
        terms = rng.choice(TERMS)
        size = rng.randint(0, 30) if attempt < 3000 else rng.randint(100, 600)  # long: windows
        pieces = [rng.choice(ALPHABET) for _ in range(size)]
        if rng.random() < 0.5:
            pieces.insert(rng.randint(0, len(pieces)), rng.choice(terms))
        text = "".join(pieces)
        assert find_restricted(text, terms) == full_search(text, terms), (seed, text, terms)


def test_long_texts_are_cut_into_windows_without_losing_a_match() -> None:
    filler = "The court heard evidence about the crossing. " * 30
    for text in (
        filler + "Zhana Olmez" + filler,
        filler + "Zhana" + " " * 3 + "-- Olmez" + filler,
        filler + "Z h a n a O l m e z " + filler,
        filler[:-1] + "Zhana Olmez",
    ):
        hit = find_restricted(text, ["Zhana Olmez"])
        assert hit is not None
        assert hit == full_search(text, ["Zhana Olmez"])


def test_the_quick_test_reads_both_sides_of_a_rewrite_alike() -> None:
    for source, target in folding.REWRITES:
        assert _quick_letters(source) == _quick_letters(target)
    assert _quick_letters("anna") == "anna"  # common letters stay in the quick test
