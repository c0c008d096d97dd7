"""CPU time of the restricted-term matcher: a 5,000-character post against 50 terms.

    .venv/bin/python -m bench.matcher [--runs 7] [--repeat 200] [--seed 1]

Each case is timed `--repeat` times per run with `time.process_time_ns` (CPU, not wall
clock); the figure is the median over `--runs` runs of the per-check mean. The matcher
for the term list is compiled before timing, as a hearing's list is reused post after post.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable

from courtwire.restrictions import find_restricted, matcher

WORDS = [
    "the",
    "court",
    "heard",
    "that",
    "witness",
    "counsel",
    "defence",
    "prosecution",
    "judge",
    "evidence",
    "border",
    "crossing",
    "asylum",
    "refugees",
    "trial",
    "session",
    "Zaysan",
    "Kazakhstan",
    "China",
    "Xinjiang",
    "statement",
    "adjourned",
    "verdict",
    "sentence",
    "appeal",
    "hearing",
    "argued",
    "testified",
    "said",
    "asked",
    "whether",
    "annual",
    "planning",
    "Alimulyev",
    "Olmezov",
    "Ali-Baba",
    "Musa",
    "Zhan",
    "Khan",
    "Anna",
]
CYRILLIC = [
    "суд",
    "заслушал",
    "свидетеля",
    "защита",
    "обвинение",
    "судья",
    "граница",
    "убежище",
    "приговор",
]


def terms(rng: random.Random) -> list[str]:
    """50 restrictions: 25 names, each with an alias (Cyrillic spelling or initials)."""
    first = ["Zhana", "Murager", "Qaster", "Erzhan", "Lyazzat", "Aigerim", "Daniyar", "Bolat"]
    last = ["Olmez", "Alimuly", "Musakhanuly", "Azimbayev", "Akhatova", "Serikbay", "Nurlan"]
    out: list[str] = []
    while len(out) < 50:
        name = f"{rng.choice(first)} {rng.choice(last)}{rng.randint(1, 99)}"
        out.extend([name, name.split()[1]])
    return out[:50]


def post(rng: random.Random, cyrillic: bool, markup: bool) -> str:
    words: list[str] = []
    while sum(len(w) + 1 for w in words) < 5000:
        word = rng.choice(CYRILLIC if cyrillic and rng.random() < 0.5 else WORDS)
        if markup and rng.random() < 0.05:
            word = f"**{word}**" if rng.random() < 0.5 else f"[{word}](https://e.com/{word}%20x)"
        words.append(word + ("." if rng.random() < 0.1 else ""))
    return " ".join(words)[:5000]


def measure(check: Callable[[], object], repeat: int) -> float:
    start = time.process_time_ns()
    for _ in range(repeat):
        check()
    return (time.process_time_ns() - start) / repeat / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    print(f"seed {args.seed}")
    restricted = terms(rng)
    matcher(tuple(restricted))
    named = restricted[20].split()[1]
    cases = {
        "plain English, no term": post(rng, cyrillic=False, markup=False),
        "English with Markdown links, no term": post(rng, cyrillic=False, markup=True),
        "half Cyrillic, no term": post(rng, cyrillic=True, markup=False),
    }
    clean = cases["plain English, no term"]
    cases["a term at the end (refused)"] = clean[: 5000 - len(named) - 1] + " " + named
    cases["a term, letter-spaced, mid-text"] = (
        clean[:2500] + " " + " ".join(named) + " " + clean[2500:]
    )
    cases = {name: text[:5000] for name, text in cases.items()}
    # Worst case: a short term whose letters recur all through the text ("annual",
    # "planning", "Anna" for "Ann"), so that the quick test passes everywhere.
    near_misses = "near misses all through (+ term Ann)"
    cases[near_misses] = clean
    lists = {name: restricted for name in cases} | {near_misses: [*restricted[:49], "Ann"]}
    matcher(tuple(lists[near_misses]))
    print(f"{'case':40} {'chars':>6} {'hit':>5} {'median ms':>10} {'min':>7} {'max':>7}")
    for name, text in cases.items():
        listed = lists[name]
        hit = find_restricted(text, listed)
        times = [
            measure(lambda text=text, listed=listed: find_restricted(text, listed), args.repeat)
            for _ in range(args.runs)
        ]
        print(
            f"{name:40} {len(text):>6} {hit is not None!s:>5} {statistics.median(times):>10.3f}"
            f" {min(times):>7.3f} {max(times):>7.3f}"
        )


if __name__ == "__main__":
    main()
