"""Turn the JSON that `bench/run.py --json` writes into Markdown tables of medians.

/tmp/venv/bin/python -m bench.report bench-fanout.json [more.json ...]

Runs with the same label in several files are pooled.
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path
from typing import Any

FIGURES = {
    "connect_s": "time to connect all, s",
    "mem_per_reader_kb": "server memory per reader, KB",
    "p50_ms": "delivery p50, ms",
    "p99_ms": "delivery p99, ms",
    "max_ms": "delivery max, ms",
    "last_reader_ms": "until the last reader has it (median over updates), ms",
    "cpu_us_per_delivery": "server CPU per delivery, µs",
    "fanout_cpu_us_per_delivery": "… less the posts' own CPU, µs",
    "broker_cpu_us_per_delivery": "… of which redis-server's, µs",
    "post_cpu_ms": "CPU of one post with no reader, ms",
    "ack_p50_ms": "publish ack p50, ms",
    "ack_p99_ms": "publish ack p99, ms",
    "gc_longest_window_ms": "longest GC pause in the window, ms",
    "gc_over_50ms": "GC pauses over 50 ms in the window",
    "missing_readers": "readers missing the last update",
    "gaps": "gaps",
    "dups": "duplicates",
    "all_resumed_s": "until all resumed, s",
    "resumed": "readers resumed",
    "sqlite_backlog_reads": "SQLite backlog reads",
    "resumes_from_memory": "resumes served from memory",
    "cpu_s": "server CPU during the storm, s",
    "rss_mb": "server RSS with all connected, MB",
    "rss_after_mb": "server RSS after the updates, MB",
    "closed_1013": "readers closed 1013",
    "p99_before_slow_ms": "delivery p99 before any reader stalled (same run), ms",
    "p99_vs_before": "healthy p99 with slow readers / before",
}


def median(rows: list[dict[str, Any]], key: str) -> float | None:
    values = [float(r[key]) for r in rows if isinstance(r.get(key), int | float)]
    return statistics.median(values) if values else None


def cell(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.0f}" if abs(value) >= 100 else f"{value:.3g}"


NAMES = {"reference": "reference", "courtwire": "Courtwire", "courtwire-redis": "Courtwire + Redis"}
"""The servers of `bench/run.py --servers`, as the tables name them."""


def table(label: str, by_kind: dict[str, list[dict[str, Any]]]) -> str:
    """Medians per server, and each other server's ratio to the baseline: the reference
    when it ran, else the first server of the run."""
    kinds = [kind for kind, rows in by_kind.items() if rows]
    base = "reference" if "reference" in kinds else kinds[0]
    others = [kind for kind in kinds if kind != base]
    runs = max(len(by_kind[kind]) for kind in kinds)
    names = {kind: NAMES.get(kind, kind) for kind in kinds}
    columns = [names[base], *(names[kind] for kind in others)]
    for kind in others:
        columns += [f"{names[kind]} / {names[base]}", "per-run ratios, median"]
    lines = [
        f"#### {label} (medians of {runs} runs)",
        "",
        "| figure | " + " | ".join(columns) + " |",
        "| --- |" + " ---: |" * len(columns),
    ]
    rows = [row for kind in kinds for row in by_kind[kind]]
    for key in [k for k in FIGURES if any(k in r for r in rows)]:
        medians = {kind: median(by_kind[kind], key) for kind in kinds}
        cells = [cell(medians[base]), *(cell(medians[kind]) for kind in others)]
        for kind in others:
            b, o = medians[base], medians[kind]
            cells.append(f"{o / b:.2f}" if b and o is not None and b > 0 else "")
            cells.append(paired(by_kind[base], by_kind[kind], key))
        lines.append(f"| {FIGURES[key]} | " + " | ".join(cells) + " |")
    if "courtwire-redis" in kinds:
        lines += ["", "Courtwire + Redis: the CPU figures are the server's and its redis-server's."]
    return "\n".join(lines)


def paired(base: list[dict[str, Any]], other: list[dict[str, Any]], key: str) -> str:
    """The median of other / base within each repetition: both servers ran back to
    back, so a busy spell on the shared machine falls on both of a pair."""
    ratios = [
        float(o[key]) / float(b[key])
        for b, o in zip(base, other, strict=False)
        if isinstance(b.get(key), int | float)
        and isinstance(o.get(key), int | float)
        and b[key] > 0
    ]
    return f"{statistics.median(ratios):.2f}" if ratios else ""


def main() -> None:
    """Runs of the same scenario in several files are pooled (more repetitions)."""
    pooled: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for name in sys.argv[1:]:
        for label, by_kind in json.loads(Path(name).read_text()).items():
            for kind, rows in by_kind.items():
                pooled.setdefault(label, {}).setdefault(kind, []).extend(rows)
    for label, by_kind in pooled.items():
        print(table(label, by_kind))
        print()


if __name__ == "__main__":
    main()
