"""Bench-only figures: garbage-collection pauses and what reader resumes cost.

Off unless `COURTWIRE_BENCH_STATS` names a file: then every collection is timed
(`gc.callbacks`) and, on SIGUSR1, the figures are written to that file as JSON for
`bench/run.py`; SIGUSR2 runs a full collection and notes what it found (leak checks).
The counters are bumped through the `count` hook that `install()` returns and the
app is given (`create_app(settings, count=...)`); unset, the reader path only checks
that it is None. Not part of the public contract.
"""

from __future__ import annotations

import gc
import json
import os
import signal
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

ENV = "COURTWIRE_BENCH_STATS"


class Counters:
    """Named counts: `backlog_db_reads` (reads of the event log from SQLite to serve a
    reader's backlog), `resumes_from_memory` (readers whose backlog, possibly empty,
    came entirely from the hub's memory)."""

    def __init__(self) -> None:
        self.counts = {"backlog_db_reads": 0, "resumes_from_memory": 0}

    def count(self, name: str) -> None:
        self.counts[name] = self.counts.get(name, 0) + 1


class Pauses:
    """Wall time of every collection, by generation."""

    def __init__(self) -> None:
        self.started = 0.0
        self.count = [0, 0, 0]
        self.total = [0.0, 0.0, 0.0]
        self.longest = [0.0, 0.0, 0.0]
        self.over_50ms: list[tuple[float, int, float]] = []

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self.started = time.perf_counter()
            return
        seconds = time.perf_counter() - self.started
        generation = int(info["generation"])
        self.count[generation] += 1
        self.total[generation] += seconds
        self.longest[generation] = max(self.longest[generation], seconds)
        if seconds > 0.05 and len(self.over_50ms) < 1000:
            self.over_50ms.append((time.time(), generation, seconds))

    def figures(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "total_ms": [round(t * 1000, 3) for t in self.total],
            "longest_ms": [round(t * 1000, 3) for t in self.longest],
            "over_50ms": [(at, gen, round(s * 1000, 1)) for at, gen, s in self.over_50ms],
        }


def install(path: str | None = None) -> Callable[[str], None] | None:
    """Start timing collections and answer SIGUSR1 with a dump; the counting hook for
    the app. Without a path: nothing, and None."""
    target = path if path is not None else os.environ.get(ENV)
    if not target:
        return None
    counters = Counters()
    pauses = Pauses()
    gc.callbacks.append(pauses)

    swept: dict[str, Any] = {}

    def dump(signum: int, frame: FrameType | None) -> None:
        figures: dict[str, Any] = {
            "gc": pauses.figures(),
            "counters": dict(counters.counts),
            "at": time.time(),
            "frozen": gc.get_freeze_count(),
            "gc_counts": gc.get_count(),
            "swept": swept,
        }
        if tracemalloc.is_tracing():  # PYTHONTRACEMALLOC=N: where the memory is
            top = tracemalloc.take_snapshot().statistics("lineno")[:40]
            figures["tracemalloc"] = [str(stat) for stat in top]
        partial = Path(target + ".part")
        partial.write_text(json.dumps(figures))
        partial.replace(target)

    def sweep(signum: int, frame: FrameType | None) -> None:
        """A full collection on demand: what it found unreachable shows leaked cycles."""
        started = time.perf_counter()
        swept["unreachable"] = gc.collect()
        swept["ms"] = round((time.perf_counter() - started) * 1000, 2)
        swept["tracked"] = len(gc.get_objects())
        swept["frozen"] = gc.get_freeze_count()

    signal.signal(signal.SIGUSR1, dump)
    signal.signal(signal.SIGUSR2, sweep)
    return counters.count
