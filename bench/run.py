"""Run fan-out scenarios against Courtwire and the websockets.broadcast() reference in the
same run, and print one table of medians with Courtwire/reference ratios.

    /tmp/venv/bin/python -m bench.run --scenario fanout --readers 1000,5000,10000,19000 \\
        --repeat 3 --json bench-results.json

Scenarios (see docs/benchmarks.md): `fanout` (1; its 10k row also gives 2, publish ack),
`storm` (3, reconnect storm), `many` (4, many hearings), `slow` (5, slow readers), `all`.
Each repetition starts a fresh server of each kind (alternating which goes first) and
fresh swarm processes; the server's CPU comes from /proc/<pid>/stat, its memory from
/proc/<pid>/status, its GC pauses and resume counters from `COURTWIRE_BENCH_STATS`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from array import array
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import httpx

from bench.publisher import Publisher
from bench.swarm import worker
from tests.support import RedisServer

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
CLOCK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK


def machine_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


# The servers


KINDS = ("reference", "courtwire", "courtwire-redis")
"""`courtwire-redis`: Courtwire with the Redis broker (COURTWIRE_BROKER_URL), on a private
redis-server the run starts and stops; readers and posts on the one node, so each event
reaches its readers in-process and is published to Redis beside them. Its CPU is the
server's and redis-server's together."""


@dataclass
class Server:
    kind: str  # one of KINDS
    directory: Path
    port: int = field(default_factory=free_port)
    publish_port: int = 0
    process: subprocess.Popen[bytes] | None = None
    token: str | None = None
    editor: str | None = None
    loop: str = "auto"
    broker: RedisServer | None = None

    @property
    def stats_path(self) -> Path:
        return self.directory / "bench-stats.json"

    @property
    def publish_url(self) -> str:
        return f"http://{HOST}:{self.publish_port or self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def cpu_seconds(self) -> float:
        """CPU time so far of the server, and of its redis-server if it has one."""
        return cpu_seconds(self.pid) + self.broker_cpu_seconds()

    def broker_cpu_seconds(self) -> float:
        broker = self.broker.process if self.broker is not None else None
        return cpu_seconds(broker.pid) if broker is not None else 0.0

    def start(self, env_extra: dict[str, str]) -> None:
        env = os.environ | {"COURTWIRE_BENCH_STATS": str(self.stats_path)} | env_extra
        if self.kind == "courtwire-redis":
            self.broker = RedisServer(self.directory)
            self.broker.start()
            env |= {"COURTWIRE_BROKER_URL": self.broker.url}
            self.port = free_port()  # not the one redis-server may have taken since
        if self.kind != "reference":
            db = self.directory / "courtwire.db"
            env |= {
                "COURTWIRE_DB": str(db),
                "COURTWIRE_DEMO": "0",
                "COURTWIRE_POST_LIMIT": "1000000",
                "COURTWIRE_LOG_LEVEL": "WARNING",
            }
            env.setdefault("COURTWIRE_MAX_READERS", "19000")
            # The swarm is one address: the whole process's readers.
            env.setdefault("COURTWIRE_READERS_PER_ADDRESS", env["COURTWIRE_MAX_READERS"])
            # In a thread of its own: the caller may have a running loop (pytest).
            with ThreadPoolExecutor(1) as pool:
                self.editor, self.token = pool.submit(asyncio.run, make_staff(db)).result()
            command = [sys.executable, "-m", "courtwire.cli", "serve", "--port", str(self.port)]
        else:
            self.publish_port = free_port()
            command = [
                sys.executable,
                "-m",
                "bench.reference_server",
                "--port",
                str(self.port),
                "--publish-port",
                str(self.publish_port),
            ]
        with open(self.directory / f"{self.kind}.log", "wb") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.kind} exited: {self.log()}")
            try:
                with httpx.Client(timeout=1) as client:
                    if self.kind != "reference":
                        client.get(f"http://{HOST}:{self.port}/healthz").raise_for_status()
                    else:
                        client.get(f"{self.publish_url}/").status_code  # noqa: B018
                return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError(f"{self.kind} did not start: {self.log()}")

    def log(self) -> str:
        return (self.directory / f"{self.kind}.log").read_text(errors="replace")[-3000:]

    def stats(self, timeout: float = 10) -> dict[str, Any]:
        """The server's bench figures (GC pauses, resume counters), fresh."""
        before = self.stats_path.stat().st_mtime_ns if self.stats_path.exists() else 0
        os.kill(self.pid, signal.SIGUSR1)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.stats_path.exists() and self.stats_path.stat().st_mtime_ns != before:
                result: dict[str, Any] = json.loads(self.stats_path.read_text())
                return result
            time.sleep(0.02)
        return {}

    def stop(self) -> None:
        if self.process is not None:
            if self.process.poll() is None:
                self.process.send_signal(signal.SIGTERM)
                try:
                    self.process.wait(15)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
            self.process = None
        if self.broker is not None:
            self.broker.stop()
            self.broker = None


async def make_staff(db: Path) -> tuple[str, str]:
    from courtwire.auth import Accounts
    from courtwire.model import Role
    from courtwire.sqlite_db import SQLiteDatabase

    async with SQLiteDatabase(db) as database:
        accounts = Accounts(database)
        editor = await accounts.add_user("bench-editor", "correct horse battery", Role.EDITOR)
        reporter = await accounts.add_user("bench-reporter", "correct horse battery", Role.REPORTER)
        return await accounts.issue_token(editor), await accounts.issue_token(reporter)


# The swarm


class SwarmPool:
    """The swarm processes, driven over pipes; every call goes to all of them at once."""

    def __init__(self, processes: int, port: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.pipes: list[Connection] = []
        self.processes: list[multiprocessing.process.BaseProcess] = []
        for _ in range(processes):
            mine, theirs = context.Pipe()
            process = context.Process(target=worker, args=(theirs, HOST, port), daemon=True)
            process.start()
            self.pipes.append(mine)
            self.processes.append(process)

    def call(self, name: str, *per_worker: tuple[Any, ...], timeout: float = 300) -> list[Any]:
        for pipe, args in zip(self.pipes, per_worker, strict=True):
            pipe.send((name, args))
        results = []
        for pipe in self.pipes:
            if not pipe.poll(timeout):
                raise TimeoutError(f"swarm did not answer {name}")
            status, value = pipe.recv()
            if status != "ok":
                raise RuntimeError(f"swarm {name}: {value}")
            results.append(value)
        return results

    def all(self, name: str, *args: Any, timeout: float = 300) -> list[Any]:
        return self.call(name, *([args] * len(self.pipes)), timeout=timeout)

    def connect(self, paths: list[str], after: int = 0, parallel: int = 64) -> dict[str, Any]:
        shares = [paths[i :: len(self.pipes)] for i in range(len(self.pipes))]
        results = self.call("connect", *[(share, after, parallel) for share in shares])
        return {
            "seconds": max(r["seconds"] for r in results),
            "open": sum(r["open"] for r in results),
            "failed": sum(r["failed"] for r in results),
        }

    def wait_seq(self, seq: int, timeout: float) -> dict[str, Any]:
        results = self.all("wait_seq", seq, timeout, timeout=timeout + 30)
        return {
            "seconds": max(r["seconds"] for r in results),
            "missing": sum(r["missing"] for r in results),
        }

    def summary(self) -> dict[str, Any]:
        results = self.all("summary")
        latency: dict[int, array[float]] = {}
        for result in results:
            for seq, raw in result["latency"].items():
                values = array("d")
                values.frombytes(raw)
                latency.setdefault(seq, array("d")).extend(values)
        closes: dict[int, int] = {}
        for result in results:
            for code, count in result["closes"].items():
                closes[code] = closes.get(code, 0) + count
        return {
            "latency": latency,
            "gaps": sum(r["gaps"] for r in results),
            "dups": sum(r["dups"] for r in results),
            "open": sum(r["open"] for r in results),
            "slow": sum(r["slow"] for r in results),
            "refused": sum(r["refused"] for r in results),
            "resets": sum(r["resets"] for r in results),
            "closes": closes,
            "last_seqs": [s for r in results for s in r["last_seqs"]],
        }

    def close(self) -> None:
        with suppress(OSError, EOFError, TimeoutError, RuntimeError):
            self.all("close", timeout=30)
        for process in self.processes:
            process.join(5)
            if process.is_alive():
                process.kill()
                process.join()


# Figures


def percentile(ordered: list[float], fraction: float) -> float:
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def latency_figures(latency: dict[int, array[float]]) -> dict[str, float]:
    every = sorted(v for values in latency.values() for v in values)
    last = [max(values) for values in latency.values() if values]
    return {
        "deliveries": len(every),
        "p50_ms": percentile(every, 0.50) * 1000,
        "p99_ms": percentile(every, 0.99) * 1000,
        "max_ms": (every[-1] if every else float("nan")) * 1000,
        "last_reader_ms": statistics.median(last) * 1000 if last else float("nan"),
    }


def gc_figures(before: dict[str, Any], after: dict[str, Any]) -> dict[str, float]:
    """Collections during the window: the longest, and how many ran over 50 ms."""
    if not after:
        return {}
    since = before.get("at", 0.0)
    over = [p for p in after["gc"]["over_50ms"] if p[0] >= since]
    counts = [a - b for a, b in zip(after["gc"]["count"], before["gc"]["count"], strict=True)]
    return {
        "gc_over_50ms": len(over),
        "gc_longest_window_ms": max((p[2] for p in over), default=0.0),
        "gc_longest_ever_ms": max(after["gc"]["longest_ms"]),
        "gc_collections": sum(counts),
        "gc_gen2": counts[2],
    }


@contextmanager
def running(
    kind: str, swarm_processes: int, env: dict[str, str]
) -> Iterator[tuple[Server, SwarmPool]]:
    with tempfile.TemporaryDirectory(prefix=f"bench-{kind}-") as directory:
        server = Server(kind, Path(directory))
        server.start(env)
        pool = SwarmPool(swarm_processes, server.port)
        try:
            yield server, pool
        finally:
            pool.close()
            server.stop()


def post_cost(server: Server, posts: int = 40) -> float:
    """CPU ms one post costs the server with no reader: storage, rendering, the ack."""
    slug = new_hearings(server, 1, prefix=f"idle-{uuid.uuid4().hex[:8]}")[0]
    publisher = Publisher(server.publish_url, server.token)
    publisher.post(slug)  # warm
    before = server.cpu_seconds()
    for _ in range(posts):
        publisher.post(slug)
    after = server.cpu_seconds()
    publisher.close()
    return (after - before) * 1000 / posts


def new_hearings(server: Server, count: int, prefix: str = "bench") -> list[str]:
    editor = Publisher(server.publish_url, server.editor)
    try:
        return [editor.create_hearing(f"R v {prefix} {i}", f"{prefix}-{i}") for i in range(count)]
    finally:
        editor.close()


def connect_readers(
    server: Server, pool: SwarmPool, slugs: list[str], per_hearing: int, in_flight: int = 192
) -> dict[str, Any]:
    """Connect the readers, `in_flight` handshakes at a time across the swarm."""
    paths = [f"/ws/hearings/{slug}" for _ in range(per_hearing) for slug in slugs]
    time.sleep(0.5)
    rss0 = rss_bytes(server.pid)
    connected = pool.connect(paths, parallel=max(1, in_flight // len(pool.pipes)))
    time.sleep(1.0)
    rss1 = rss_bytes(server.pid)
    return {
        "connect_s": connected["seconds"],
        "connected": connected["open"],
        "mem_per_reader_kb": (rss1 - rss0) / max(1, connected["open"]) / 1024,
        "rss_mb": rss1 / 2**20,
    }


def fan_out(
    server: Server,
    pool: SwarmPool,
    slugs: list[str],
    updates: int,
    interval: float,
    size: int,
    expect: int,
) -> dict[str, Any]:
    """Post `updates` rounds and wait for every healthy reader; the window's figures."""
    publisher = Publisher(server.publish_url, server.token, size=size)
    pool.all("record", True)
    stats0 = server.stats()
    cpu0, broker0 = server.cpu_seconds(), server.broker_cpu_seconds()
    busy0, total0 = machine_ticks()
    started = time.monotonic()
    publisher.paced(slugs, updates, interval)
    waited = pool.wait_seq(expect, timeout=60)
    cpu1, broker1 = server.cpu_seconds(), server.broker_cpu_seconds()
    busy1, total1 = machine_ticks()
    window = time.monotonic() - started
    stats1 = server.stats()
    pool.all("record", False)
    summary = pool.summary()
    publisher.close()
    figures = latency_figures(summary["latency"])
    acks = sorted(publisher.acks)
    post_ms = post_cost(server)
    posts = len(publisher.acks)
    deliveries = max(1, figures["deliveries"])
    figures |= {
        "cpu_us_per_delivery": (cpu1 - cpu0) * 1e6 / deliveries,
        "post_cpu_ms": post_ms,
        "server_cores": (cpu1 - cpu0) / window,
        "machine_busy": (busy1 - busy0) / max(1, total1 - total0),
        "fanout_cpu_us_per_delivery": ((cpu1 - cpu0) - posts * post_ms / 1000) * 1e6 / deliveries,
        "missing_readers": waited["missing"],
        "gaps": summary["gaps"],
        "dups": summary["dups"],
        "closes": summary["closes"],
        "ack_p50_ms": percentile(acks, 0.5) * 1000,
        "ack_p99_ms": percentile(acks, 0.99) * 1000,
        "post_failures": publisher.failures,
        "rss_after_mb": rss_bytes(server.pid) / 2**20,
    }
    if server.broker is not None:
        figures["broker_cpu_us_per_delivery"] = (broker1 - broker0) * 1e6 / deliveries
    return figures | gc_figures(stats0, stats1)


# Scenarios: each returns one row of figures for one server.


def scenario_fanout(kind: str, args: argparse.Namespace, readers: int) -> dict[str, Any]:
    with running(kind, args.swarm, {}) as (server, pool):
        slugs = new_hearings(server, 1)
        row = connect_readers(server, pool, slugs, readers, args.in_flight)
        row |= fan_out(server, pool, slugs, args.updates, 1 / args.rate, args.size, args.updates)
        return row


def scenario_slow(kind: str, args: argparse.Namespace, readers: int) -> dict[str, Any]:
    with running(kind, args.swarm, {}) as (server, pool):
        slugs = new_hearings(server, 1)
        row = connect_readers(server, pool, slugs, readers)
        size, updates = args.slow_size, args.updates
        # The same fan-out first with every reader healthy: the ratio is taken in one run.
        before = fan_out(server, pool, slugs, updates, 1 / args.rate, size, updates)
        slow = sum(pool.all("slow", args.slow_fraction))
        row |= fan_out(server, pool, slugs, updates, 1 / args.rate, size, 2 * updates)
        row["p99_before_slow_ms"] = before["p99_ms"]
        row["p99_vs_before"] = row["p99_ms"] / before["p99_ms"]
        row["slow_readers"] = slow
        row["closed_1013"] = row["closes"].get(1013, 0)
        return row


def scenario_many(kind: str, args: argparse.Namespace, readers: int) -> dict[str, Any]:
    with running(kind, args.swarm, {}) as (server, pool):
        slugs = new_hearings(server, args.hearings)
        row = connect_readers(server, pool, slugs, args.per_hearing)
        row |= fan_out(
            server, pool, slugs, args.many_rounds, args.many_interval, args.size, args.many_rounds
        )
        return row


def scenario_storm(kind: str, args: argparse.Namespace, readers: int) -> dict[str, Any]:
    with running(kind, args.swarm, {}) as (server, pool):
        slugs = new_hearings(server, 1)
        slug = slugs[0]
        row = connect_readers(server, pool, slugs, readers)
        publisher = Publisher(server.publish_url, server.token, size=args.size)
        for _ in range(5):  # a backlog the readers already have
            publisher.post(slug)
        pool.wait_seq(5, timeout=60)
        stats0 = server.stats()
        cpu0 = server.cpu_seconds()
        dropped_at = min(pool.all("drop", args.backoff, args.backoff_cap))
        # Post at 1/s while they come back; stop when all resumed (or after the limit).
        seq = 5
        resumed = {"resumed": 0, "latest": 0.0}
        limit = time.monotonic() + args.storm_limit
        next_post = time.monotonic() + 1.0
        while time.monotonic() < limit:
            if time.monotonic() >= next_post:
                seq = max(seq, publisher.post(slug))
                next_post += 1.0
            results = pool.all("resumed", dropped_at)
            resumed = {
                "resumed": sum(r["resumed"] for r in results),
                "latest": max(r["latest"] for r in results),
            }
            if resumed["resumed"] >= readers and time.monotonic() > next_post - 0.5:
                break
            time.sleep(0.2)
        seq = max(seq, publisher.post(slug))
        waited = pool.wait_seq(seq, timeout=30)
        pool.all("stop_reconnecting")
        cpu1 = server.cpu_seconds()
        stats1 = server.stats()
        summary = pool.summary()
        publisher.close()
        counters0 = stats0.get("counters", {})
        counters1 = stats1.get("counters", {})
        row |= {
            "resumed": resumed["resumed"],
            "all_resumed_s": resumed["latest"],
            "missing_readers": waited["missing"],
            "gaps": summary["gaps"],
            "dups": summary["dups"],
            "closes": summary["closes"],
            "refused": summary["refused"],
            "last_seq": seq,
            "cpu_s": cpu1 - cpu0,
            "sqlite_backlog_reads": counters1.get("backlog_db_reads", 0)
            - counters0.get("backlog_db_reads", 0),
            "resumes_from_memory": counters1.get("resumes_from_memory", 0)
            - counters0.get("resumes_from_memory", 0),
        } | gc_figures(stats0, stats1)
        return row


SCENARIOS = {
    "fanout": scenario_fanout,
    "slow": scenario_slow,
    "many": scenario_many,
    "storm": scenario_storm,
}

SHOWN = {
    "fanout": [
        "connect_s",
        "mem_per_reader_kb",
        "p50_ms",
        "p99_ms",
        "max_ms",
        "last_reader_ms",
        "cpu_us_per_delivery",
        "fanout_cpu_us_per_delivery",
        "broker_cpu_us_per_delivery",
        "post_cpu_ms",
        "ack_p50_ms",
        "ack_p99_ms",
        "gc_longest_window_ms",
        "gc_over_50ms",
        "missing_readers",
        "gaps",
        "dups",
    ],
    "slow": [
        "p99_before_slow_ms",
        "p50_ms",
        "p99_ms",
        "p99_vs_before",
        "max_ms",
        "cpu_us_per_delivery",
        "rss_mb",
        "rss_after_mb",
        "closed_1013",
        "missing_readers",
    ],
    "many": [
        "connect_s",
        "mem_per_reader_kb",
        "p50_ms",
        "p99_ms",
        "max_ms",
        "cpu_us_per_delivery",
        "fanout_cpu_us_per_delivery",
        "post_cpu_ms",
        "ack_p99_ms",
        "missing_readers",
        "gaps",
        "dups",
    ],
    "storm": [
        "all_resumed_s",
        "resumed",
        "missing_readers",
        "gaps",
        "dups",
        "sqlite_backlog_reads",
        "resumes_from_memory",
        "cpu_s",
        "gc_longest_window_ms",
    ],
}


def median_row(rows: list[dict[str, Any]]) -> dict[str, float]:
    keys = [k for k, v in rows[0].items() if isinstance(v, int | float)]
    return {k: statistics.median(float(r.get(k, float("nan"))) for r in rows) for k in keys}


def print_table(results: dict[str, dict[str, list[dict[str, Any]]]]) -> None:
    """Medians per server, and each later server's ratio to the first (`--servers`)."""
    for label, by_kind in results.items():
        scenario = label.split("@")[0]
        kinds = [kind for kind, rows in by_kind.items() if rows]
        medians = {kind: median_row(by_kind[kind]) for kind in kinds}
        runs = max(len(v) for v in by_kind.values())
        print(f"\n{label}  (medians of {runs} runs; ratios to {kinds[0]})")
        header = "".join(f"{kind:>16}" for kind in kinds)
        ratios = "".join(f"{'ratio':>10}" for _ in kinds[1:])
        print(f"  {'figure':<24}{header}{ratios}")
        for key in SHOWN[scenario]:
            values = [medians[kind].get(key, float("nan")) for kind in kinds]
            base = values[0]
            cells = "".join(f"{v:>16.2f}" for v in values)
            shares = "".join(
                f"{v / base:>10.2f}" if base and base == base and v == v else f"{'':>10}"
                for v in values[1:]
            )
            print(f"  {key:<24}{cells}{shares}")
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--scenario", default="fanout", choices=[*SCENARIOS, "all"])
    parser.add_argument("--readers", default="1000", help="comma-separated reader counts")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--servers",
        default="reference,courtwire",
        help=f"comma-separated, of {', '.join(KINDS)}; the first is the others' baseline",
    )
    parser.add_argument("--swarm", type=int, default=3, help="swarm processes")
    parser.add_argument("--updates", type=int, default=20)
    parser.add_argument("--rate", type=float, default=2.0, help="updates per second")
    parser.add_argument("--size", type=int, default=1000, help="entry body characters")
    parser.add_argument("--slow-fraction", type=float, default=0.05)
    parser.add_argument("--slow-size", type=int, default=4500)
    parser.add_argument("--hearings", type=int, default=100)
    parser.add_argument("--per-hearing", type=int, default=100)
    parser.add_argument("--many-rounds", type=int, default=4)
    parser.add_argument("--many-interval", type=float, default=5.0)
    parser.add_argument("--backoff", type=float, default=1.0, help="first reconnect delay, s")
    parser.add_argument("--backoff-cap", type=float, default=8.0)
    parser.add_argument("--storm-limit", type=float, default=30.0)
    parser.add_argument(
        "--in-flight", type=int, default=192, help="handshakes in flight while connecting"
    )
    parser.add_argument("--json", type=Path, help="write every run's figures here")
    args = parser.parse_args()

    scenarios = list(SCENARIOS) if args.scenario == "all" else [args.scenario]
    counts = [int(n) for n in args.readers.split(",")]
    kinds = args.servers.split(",")
    if unknown := set(kinds) - set(KINDS):
        parser.error(f"unknown servers: {', '.join(sorted(unknown))}")
    results: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for scenario in scenarios:
        for readers in counts if scenario in ("fanout", "slow", "storm") else [0]:
            label = (
                f"{scenario}@{readers}"
                if readers
                else f"{scenario}@{args.hearings}x{args.per_hearing}"
            )
            results[label] = {kind: [] for kind in kinds}
            for run in range(args.repeat):
                order = kinds if run % 2 == 0 else kinds[::-1]
                for kind in order:
                    row = SCENARIOS[scenario](kind, args, readers)
                    results[label][kind].append(row)
                    brief = {k: round(v, 2) if isinstance(v, float) else v for k, v in row.items()}
                    print(f"[{label} run {run + 1} {kind}] {json.dumps(brief)}", flush=True)
                    time.sleep(1.0)
            if args.json:
                args.json.write_text(json.dumps(results, indent=1, default=str))
    print_table(results)


if __name__ == "__main__":
    main()
