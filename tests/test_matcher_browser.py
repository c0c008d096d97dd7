"""The browser twin of the matcher (static/js/matcher.js) in real Chromium against a real
server: every shared vector, and seeded random texts, give the same result as Python."""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page

from courtwire.restrictions import Hit, find_restricted
from tests.support import LiveServer
from tests.test_core_restrictions import ALPHABET, TERMS, VECTORS, check_vector

RUN_ALL = """async (cases) => {
  const matcher = await import('/static/js/matcher.js');
  await matcher.loadMatcher();
  return cases.map(([text, terms]) => matcher.findRestricted(text, terms));
}"""


@pytest.fixture(scope="module")
def page(server: LiveServer, browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    opened = context.new_page()
    opened.goto(f"{server.url}/")
    yield opened
    context.close()


def code_points(text: str, index: int) -> int:
    """A UTF-16 index into `text` as a Python (code point) index."""
    return len(text.encode("utf-16-le")[: 2 * index].decode("utf-16-le"))


def as_hit(text: str, found: dict[str, Any] | None) -> Hit | None:
    if found is None:
        return None
    start, end = code_points(text, found["start"]), code_points(text, found["end"])
    return Hit(term=found["term"], start=start, end=end)


def run_in_browser(page: Page, cases: list[tuple[str, list[str]]]) -> list[Hit | None]:
    results = page.evaluate(RUN_ALL, cases)
    return [as_hit(text, found) for (text, _), found in zip(cases, results, strict=True)]


def test_every_shared_vector_in_the_browser(page: Page) -> None:
    results = run_in_browser(page, [(v["text"], v["terms"]) for v in VECTORS])
    failures = [
        f"{v['why']}: {v['text']!r} {v['terms']}: {problem}"
        for v, hit in zip(VECTORS, results, strict=True)
        if (problem := check_vector(v, hit))
    ]
    assert not failures, "\n".join(failures)


def test_random_texts_match_the_python_matcher(page: Page) -> None:
    seed = int(os.environ.get("MATCHER_SEED", random.randrange(1 << 30)))
    print(f"matcher random seed: {seed} (MATCHER_SEED={seed} repeats it)")
    rng = random.Random(seed)
    cases: list[tuple[str, list[str]]] = []
    for _ in range(1500):
        terms = rng.choice(TERMS)
        pieces = [rng.choice([*ALPHABET, "😀", "𝐀"]) for _ in range(rng.randint(0, 30))]
        if rng.random() < 0.5:
            pieces.insert(rng.randint(0, len(pieces)), rng.choice(terms))
        cases.append(("".join(pieces), terms))
    results = run_in_browser(page, cases)
    differ = [
        (text, terms, hit, python)
        for (text, terms), hit in zip(cases, results, strict=True)
        if hit != (python := find_restricted(text, terms))
    ]
    assert not differ, f"seed {seed}: {differ[:5]}"


def test_find_restricted_before_loading_says_so(page: Page, server: LiveServer) -> None:
    page.goto(f"{server.url}/")
    message = page.evaluate(
        """async () => {
          const matcher = await import('/static/js/matcher.js?fresh');
          try { matcher.findRestricted('x', ['x']); return 'no error'; }
          catch (error) { return error.message; }
        }"""
    )
    assert "loadMatcher" in message


def test_fold_data_is_cached_and_revalidated(server: LiveServer) -> None:
    first = httpx.get(f"{server.url}/matcher/fold.json")
    assert first.status_code == 200
    assert first.headers["content-type"].startswith("application/json")
    assert "max-age=86400" in first.headers["cache-control"]
    etag = first.headers["etag"]
    data = first.json()
    assert data["fold"]["Ж"] == "zh"
    assert data["fold"]["р"] == ["r", "p"]
    again = httpx.get(f"{server.url}/matcher/fold.json", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.headers["etag"] == etag
