"""Reporting restrictions: find a hearing's restricted terms in text a reporter wants published.

A text names a term when a reader could read the term in it. The rules:

1. Two readings of the text are checked, and a term found in either counts: the text as
   typed, and the text as rendered, in which HTML character references (`&#109;`,
   `&#x6D;`, `&mdash;`, every HTML5 name) and percent-encoding (`%6D`, UTF-8) are
   resolved and the Markdown marks `*`, `_`, `~` and a backquote are dropped, so that
   `Ali**muly**` reads "Alimuly". As typed, those marks separate words. A link's text and
   its target are both plain text to the matcher.
2. Letter case, diacritics and compatibility forms (fullwidth, ligatures, mathematical
   letters) are ignored. Invisible and formatting characters (Unicode categories Cf, Mn
   and Me: zero-width space and joiners, the soft hyphen, bidi controls, variation
   selectors, the combining grapheme joiner; and the Hangul fillers) are ignored and do
   not break a word.
3. A letter of another script that looks like a Latin letter is read as that letter too
   (Unicode TR39 confusables, from the `confusable-homoglyphs` package's data): a
   Cyrillic "А" inside "Аlimuly" still spells Alimuly, and Latin look-alikes inside a
   Cyrillic word spell that word.
4. Cyrillic is read in Latin letters (`server/folding.py`: ж zh, х kh, ц ts, ч ch, ш sh,
   щ shch, ю yu, я ya, ё yo, й and ы y, и and і i, ә a, ө o, ұ ү у u, ғ g, қ k, ң ng,
   һ h, ъ and ь nothing), on both sides, so a Latin term matches its Cyrillic spelling
   and the other way round ("Алимулы" and "Әлімұлы" are Alimuly, "Жана Өлмез" is Zhana
   Olmez). Latin "q" is "k"; inside a word "kh" is "h" and "ye" is "e" (Musakhanuly and
   Musahanuly, Azimbayev and Азимбаев are one name).
5. A term matches whole words only. A word ends at a space or punctuation, and at a
   CamelCase step (a lower-case letter then a capital, or the last capital of a run that
   is followed by a lower-case letter): "SawAlimulyToday" names Alimuly, "#Alimuly" and
   "@Alimuly" do too; "Alimulyev" does not name Alimuly, nor "Alimuly" Ali.
6. Letter-spacing is read as one word: three or more one-letter words in a row
   ("A l i m u l y", "A.l.i.m.u.l.y") are joined.
7. The words of a multi-word term may stand with any spaces or punctuation between them,
   or none ("Zhana-Olmez", "Zhana_Olmez", "ZhanaOlmez"); only the whole phrase matches.

A match is reported at the span of the original text a person would highlight: from the
first to the last character of the text that spelled the term (a character reference or
a percent-encoded character counts as a whole). `start` and `end` are Python string
indices (code points); the browser twin `static/js/matcher.js` reports UTF-16 indices.
The earliest match wins; at the same place, the term listed first.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from courtwire.folding import MARKDOWN, REWRITES, entities, fold_char


@dataclass(frozen=True)
class Hit:
    term: str
    start: int
    """Index of the first character of the match in the original text."""
    end: int
    """Index one past the last character of the match in the original text."""


Unit = tuple[str, int, int]
"""A character of one reading of a text, and the span of the original text it came from."""

_ESCAPE = re.compile(
    r"&(?:#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{0,31}));"
    r"|(?:%[0-9A-Fa-f]{2})+"
)
_REWRITE = re.compile("|".join(r"\|?".join(source) for source, _ in REWRITES))
_REWRITTEN = {source: target for source, target in REWRITES}
_SPACED = 3
"""How many one-letter words in a row read as one letter-spaced word."""


def _reference(match: re.Match[str]) -> str | None:
    """The text a character reference or a run of percent-escapes stands for, if valid."""
    decimal, hexadecimal, name = match.groups()
    if name is not None:
        return entities().get(name + ";")
    if decimal is not None or hexadecimal is not None:
        code = int(decimal, 10) if decimal is not None else int(hexadecimal, 16)
        if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
            return chr(code)
        return None
    try:
        return bytes.fromhex(match.group().replace("%", "")).decode("utf-8")
    except UnicodeDecodeError:
        return None


def _rendered(text: str, base: int = 0) -> list[Unit]:
    """The text as rendered: references and percent-escapes resolved, with their spans."""
    units: list[Unit] = []
    at = 0
    for match in _ESCAPE.finditer(text):
        resolved = _reference(match)
        if resolved is None:
            continue
        units.extend(
            (char, index, index + 1) for index, char in enumerate(text[at : match.start()], at)
        )
        if match.group().startswith("%"):
            offset = match.start()
            for char in resolved:
                width = 3 * len(char.encode("utf-8"))
                units.append((char, offset, offset + width))
                offset += width
        else:
            units.extend((char, match.start(), match.end()) for char in resolved)
        at = match.end()
    units.extend((char, index, index + 1) for index, char in enumerate(text[at:], at))
    return [(char, start + base, end + base) for char, start, end in units] if base else units


@functools.lru_cache(maxsize=8192)
def _letter_case(char: str) -> str:
    category = unicodedata.category(char)
    return "u" if category in ("Lu", "Lt") else "l" if category == "Ll" else ""


Letter = tuple[str, str, str, int, int]
"""A letter of a word: phonetic and visual folds, case ("u", "l", ""), and its span."""


Info = tuple[str, str, str] | None
"""A character's phonetic and visual folds and case, or None for a separator."""


class _InfoTable(dict[str, Info]):
    """What the words of a text need of each character; fills itself, up to a bound."""

    LIMIT = 16384

    def __init__(self, rendered: bool) -> None:
        super().__init__()
        if rendered:
            self.update(dict.fromkeys(MARKDOWN, ("", "", "")))

    def __missing__(self, char: str) -> Info:
        folded = fold_char(char)
        value = None if folded is None else (folded[0], folded[1], _letter_case(char))
        if len(self) < self.LIMIT:
            self[char] = value
        return value


_INFO = (_InfoTable(rendered=False), _InfoTable(rendered=True))


@dataclass
class Words:
    """The words of a reading of a text (runs of letters and ignorables), each a list of
    the letters that fold to something; which have a capital after their first letter;
    whether any letter reads differently by look."""

    words: list[list[Letter]]
    capitals: list[bool]
    visual: bool


def _words(units: Iterable[Unit], rendered: bool) -> Words:
    info = _INFO[rendered]
    words: list[list[Letter]] = []
    capitals: list[bool] = []
    visual = False
    word: list[Letter] | None = None
    for char, start, end in units:
        found = info[char]
        if found is None:
            word = None
            continue
        phonetic, look, case = found
        if not (phonetic or look):
            continue
        if word is None:
            word = []
            words.append(word)
            capitals.append(False)
        elif case == "u":
            capitals[-1] = True
        if phonetic != look:
            visual = True
        word.append((phonetic, look, case, start, end))
    return Words(words, capitals, visual)


def _camel_steps(word: list[Letter]) -> set[int]:
    """Indices of the letters that start a CamelCase part of a word (besides the first)."""
    cases = "".join(letter[2] or "-" for letter in word)
    steps = set()
    for index in range(1, len(cases)):
        before, here = cases[index - 1], cases[index]
        after = cases[index + 1] if index + 1 < len(cases) else ""
        if here == "u" and (before == "l" or (before == "u" and after == "l")):
            steps.add(index)
    return steps


Stream = tuple[str, list[int], list[int]]
"""Folded text (letters; " " a word break; "|" a break a word may run across), and for
each of its characters the start and end of the original text it came from."""


def _stream(found: Words, visual: bool) -> Stream:
    words = found.words
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    put, put_start, put_end = out.append, starts.append, ends.append
    spaced = [False] * len(words)
    run = 0
    for index in range(len(words) + 1):
        if index < len(words) and len(words[index]) == 1:
            run += 1
            continue
        if run >= _SPACED:
            for inside in range(index - run, index):
                spaced[inside] = True
        run = 0
    for index, word in enumerate(words):
        if index:
            put("|" if spaced[index] and spaced[index - 1] else " ")
            put_start(word[0][3])
            put_end(word[0][3])
        steps = _camel_steps(word) if found.capitals[index] else ()
        for position, letter in enumerate(word):
            start, end = letter[3], letter[4]
            if position in steps:
                put("|")
                put_start(start)
                put_end(start)
            piece = letter[1] if visual else letter[0]
            if len(piece) == 1:
                put(piece)
                put_start(start)
                put_end(end)
                continue
            for char in piece:
                put(char)
                put_start(start)
                put_end(end)
    return _rewrite("".join(out), starts, ends)


def _rewrite(text: str, starts: list[int], ends: list[int]) -> Stream:
    """Apply `REWRITES` inside words; a rewritten letter spans what it replaced."""
    if not _REWRITE.search(text):
        return text, starts, ends
    out: list[str] = []
    new_starts: list[int] = []
    new_ends: list[int] = []
    at = 0
    for match in _REWRITE.finditer(text):
        out.append(text[at : match.start()])
        new_starts.extend(starts[at : match.start()])
        new_ends.extend(ends[at : match.start()])
        target = _REWRITTEN[match.group().replace("|", "")]
        out.append(target)
        new_starts.extend([starts[match.start()]] * len(target))
        new_ends.extend([ends[match.end() - 1]] * len(target))
        at = match.end()
    out.append(text[at:])
    new_starts.extend(starts[at:])
    new_ends.extend(ends[at:])
    return "".join(out), new_starts, new_ends


def _typed(text: str, base: int = 0) -> Iterable[Unit]:
    return zip(text, itertools.count(base), itertools.count(base + 1))


def _term_words(term: str, visual: bool) -> list[str]:
    folded = _stream(_words(_typed(term), rendered=False), visual)[0]
    return [word for word in re.split(r"[ |]+", folded) if word]


@functools.lru_cache(maxsize=4096)
def normalize_term(term: str) -> str:
    """The folded form of a term (its words, phonetic reading), or "" when it has no
    letters or digits to match."""
    return " ".join(_term_words(term, visual=False))


def _pattern(words: list[str]) -> str:
    return r"[ |]*".join(r"\|?".join(word) for word in words)


class _FilterTable(dict[int, str]):
    """`str.translate` table for the quick test, of one fold (phonetic or visual): a
    character's letters less those the rewrites drop, nothing for anything else. It
    fills itself, up to a bound."""

    LIMIT = 16384

    def __init__(self, visual: bool) -> None:
        super().__init__()
        self.visual = visual

    def __missing__(self, code: int) -> str:
        folded = fold_char(chr(code))
        value = "" if folded is None else _quick_letters(folded[self.visual])
        if len(self) < self.LIMIT:
            self[code] = value
        return value


_QUICK_DROPS = frozenset(
    letter for source, target in REWRITES for letter in set(source) ^ set(target)
)
"""Letters a rewrite drops or adds ("k" of "kh", "y" of "ye"): left out of the quick test,
so that a rewrite never changes what it sees."""


def _quick_letters(letters: str) -> str:
    return "".join(letter for letter in letters if letter not in _QUICK_DROPS)


_FILTERS = (_FilterTable(visual=False), _FilterTable(visual=True))


def _decoded(text: str) -> str:
    """The rendered reading as plain text, for the quick test."""
    return _ESCAPE.sub(lambda match: _reference(match) or match.group(), text)


_BLOCK = 64
_SPACE = re.compile(r"[ \t\n\r]+")


def _blocks(text: str) -> list[tuple[int, int]]:
    """The text cut at runs of spaces into pieces of about `_BLOCK` characters or more."""
    blocks: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > 2 * _BLOCK:
        space = _SPACE.search(text, start + _BLOCK)
        if space is None:
            break
        blocks.append((start, space.end()))
        start = space.end()
    blocks.append((start, len(text)))
    return blocks


def _streams(text: str, base: int = 0) -> Iterable[Stream]:
    """The folded streams of a text: phonetic and visual, as typed and as rendered."""
    readings = [_words(_typed(text, base), rendered=False)]
    if any(char in text for char in MARKDOWN + "&%"):
        readings.append(_words(_rendered(text, base), rendered=True))
    for words in readings:
        yield _stream(words, visual=False)
        if words.visual:
            yield _stream(words, visual=True)


@functools.cache
def _ascii_quick() -> tuple[bytes, bytes]:
    """`bytes.translate` table and deletions: the quick test's fold of ASCII text."""
    table = bytearray(range(256))
    drop = bytearray()
    for code in range(128):
        folded = _FILTERS[0][code]
        if not folded:
            drop.append(code)
        else:
            assert len(folded) == 1
            assert folded == _FILTERS[1][code]
            table[code] = ord(folded)
    return bytes(table), bytes(drop)


def _quick(text: str, escaped: bool) -> list[str]:
    """The quick test's letters of a text: phonetic and visual fold, as typed and (when
    `escaped`) with references and percent-escapes resolved."""
    out: list[str] = []
    for reading in (text, _decoded(text)) if escaped else (text,):
        if reading.isascii():
            table, drop = _ascii_quick()
            folded = reading.encode("ascii").translate(table, drop).decode("ascii")
            out += (folded, folded)
        else:
            out += (reading.translate(_FILTERS[0]), reading.translate(_FILTERS[1]))
    return out


@functools.lru_cache(maxsize=256)
def _compile(alternatives: tuple[str, ...]) -> re.Pattern[str]:
    """One regular expression for term patterns, each its own group, on word boundaries."""
    return re.compile(r"(?<![^ |])(?:(" + ")|(".join(alternatives) + r"))(?![^ |])")


class Matcher:
    """A list of terms, compiled once; `find` gives the earliest match in a text."""

    def __init__(self, terms: Iterable[str]) -> None:
        self.terms: list[str] = []
        self._variants: list[list[str]] = []
        self._needles: dict[str, list[int]] = {}
        for term in terms:
            variants: list[str] = []
            for visual in (False, True):
                words = _term_words(term, visual)
                if not words:
                    continue
                if _pattern(words) not in variants:
                    variants.append(_pattern(words))
                owners = self._needles.setdefault(_quick_letters("".join(words)), [])
                if len(self.terms) not in owners:
                    owners.append(len(self.terms))
            if variants:
                self.terms.append(term)
                self._variants.append(variants)

    def find(self, text: str) -> Hit | None:
        if not self.terms or not text:
            return None
        windows, candidates = self._windows(text)
        if not windows:
            return None
        owner = [index for index in sorted(candidates) for _ in self._variants[index]]
        regex = _compile(tuple(v for index in sorted(candidates) for v in self._variants[index]))
        found = [
            hit
            for start, end in windows
            for stream in _streams(text[start:end], start)
            if (hit := _search(regex, owner, stream))
        ]
        if not found:
            return None
        start, index, end = min(found)
        return Hit(term=self.terms[index], start=start, end=end)

    def _windows(self, text: str) -> tuple[list[tuple[int, int]], set[int]]:
        """The parts of the text that may hold a match, and the terms that may match there.

        A quick test on folded letters alone (`_FILTERS`) finds every place a term
        could match; the text is cut at spaces into blocks of about `_BLOCK` characters,
        and a place is checked with a block of context on either side.
        """
        escaped = "&" in text or "%" in text
        wholes = set(_quick(text, escaped))
        needles = [needle for needle in self._needles if any(needle in q for q in wholes)]
        if not needles:
            return [], set()
        candidates = {index for needle in needles for index in self._needles[needle]}
        blocks = _blocks(text)
        spans: list[tuple[int, int]] = []
        per_block = [_quick(text[start:end], escaped) for start, end in blocks]
        for variant in range(len(per_block[0])):
            folded = [quick[variant] for quick in per_block]
            edges = list(itertools.accumulate((len(part) for part in folded), initial=0))
            joined = "".join(folded)
            for needle in needles:
                at = joined.find(needle)
                while at >= 0:
                    first = bisect.bisect_right(edges, at) - 1
                    last = bisect.bisect_left(edges, at + len(needle)) - 1
                    spans.append((max(first - 1, 0), min(max(last, first) + 1, len(blocks) - 1)))
                    at = joined.find(needle, at + 1)
        windows: list[tuple[int, int]] = []
        for first, last in sorted(spans):
            start, end = blocks[first][0], blocks[last][1]
            if windows and start <= windows[-1][1]:
                windows[-1] = (windows[-1][0], max(end, windows[-1][1]))
            else:
                windows.append((start, end))
        return windows, candidates


def _search(
    regex: re.Pattern[str], owner: list[int], stream: Stream
) -> tuple[int, int, int] | None:
    """(start, term index, end) of the earliest match in one stream."""
    folded, starts, ends = stream
    match = regex.search(folded)
    if match is None or match.lastindex is None:
        return None
    return (starts[match.start()], owner[match.lastindex - 1], ends[match.end() - 1])


@functools.lru_cache(maxsize=256)
def matcher(terms: tuple[str, ...]) -> Matcher:
    """The compiled matcher of a list of terms (a hearing's list is reused post after post)."""
    return Matcher(terms)


def find_restricted(text: str, terms: Iterable[str]) -> Hit | None:
    """The earliest restricted term in `text`, or None."""
    return matcher(tuple(terms)).find(text)
