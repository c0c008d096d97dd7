"""Delivery latency through a broker (Redis, or PostgreSQL's LISTEN/NOTIFY) against
in-process: from just before a post is sent to its arrival at each reader, on loopback.

Modes, each run with a fresh database (and, for Redis, a fresh redis-server):
- `memory`: one node, no broker: readers and posts on it.
- `redis-local`: one node with the Redis broker, readers and posts on it (its own
  events reach its readers directly; the broker adds the publish beside them).
- `redis-across`: two nodes on one database and one Redis: posts on node A, readers
  on node B, so every delivery crosses Redis.
- `pg-across`: two nodes on one PostgreSQL database that is their broker too: posts on
  node A, readers on node B, every delivery through NOTIFY (PostgreSQL storage only).

`--storage postgresql` puts every mode on a private PostgreSQL server started for the
bench (fsync on, as in production), a fresh database each run, so that the modes differ
by their broker only; `--body-chars N` makes each update N Cyrillic letters long (over
about 3,900 an event no longer fits a NOTIFY and crosses as a pointer).

Runs alternate the modes; each figure is the median over the runs of that run's
percentile over every (reader, update). The readers are websockets clients in a process
of their own, so their parsing is in every figure alike (the median reader is read
after half the others), and the posts do not wait for it. The load average is printed
with each run.

    .venv/bin/python -m bench.broker --readers 500 --updates 20 --runs 5
    .venv/bin/python -m bench.broker --storage postgresql --modes memory,redis-across,pg-across
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import statistics
import tempfile
import time
import uuid
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any

import httpx
import websockets

from courtwire.model import Role
from tests.backend import PrivatePostgres
from tests.support import LiveServer, RedisServer, auth

MODES = ("memory", "redis-local", "redis-across", "pg-across")
GAP = 0.1
"""Seconds between posts, so that one fan-out is not queued behind another."""


async def read(url: str, readers: int, updates: int, ready: Event, out: Queue[Any]) -> None:
    """`readers` sockets; each update's latency at each of them, put on `out`."""
    sockets = [await websockets.connect(url, compression=None) for _ in range(readers)]
    for ws in sockets:
        await ws.recv()  # hello
    ready.set()
    latencies: list[float] = []

    async def receive(ws: websockets.ClientConnection) -> None:
        for _ in range(updates):
            event = json.loads(await ws.recv())
            stamp = float(event["data"]["body"].split(";", 1)[0].removeprefix("stamp="))
            latencies.append(time.time() - stamp)

    async with asyncio.timeout(60):
        await asyncio.gather(*(receive(ws) for ws in sockets))
    for ws in sockets:
        await ws.close()
    out.put(latencies)


def reader_process(url: str, readers: int, updates: int, ready: Event, out: Queue[Any]) -> None:
    asyncio.run(read(url, readers, updates, ready, out))


def measure(
    publish: LiveServer, read_on: LiveServer, readers: int, updates: int, body: str
) -> tuple[list[float], list[float]]:
    """Delivery latencies (every reader, every update) and the posts' ack latencies. The
    readers are a process of their own, so that the posts and their acks do not wait
    for the readers' parsing."""
    token = publish.staff("bench-editor", Role.EDITOR)
    acks: list[float] = []
    with httpx.Client(base_url=publish.url, headers=auth(token)) as http:
        created = http.post(
            "/api/hearings", json={"title": "R v Bench", "status": "live", "timezone": "UTC"}
        )
        slug, last = created.json()["slug"], created.json()["last_seq"]
        url = f"{read_on.ws_url}/ws/hearings/{slug}?after={last}"
        context = multiprocessing.get_context("spawn")
        ready, out = context.Event(), context.Queue()
        reading = context.Process(target=reader_process, args=(url, readers, updates, ready, out))
        reading.start()
        try:
            assert ready.wait(60), "the readers did not connect"
            for _ in range(updates):
                sent = time.time()
                entry = {"id": str(uuid.uuid4()), "body": f"stamp={sent:.6f}; {body}"}
                http.post(f"/api/hearings/{slug}/entries", json=entry).raise_for_status()
                acks.append(time.time() - sent)
                time.sleep(GAP)
            latencies: list[float] = out.get(timeout=60)
        finally:
            reading.join(10)
    assert len(latencies) == readers * updates
    return latencies, acks


def run_mode(
    mode: str, readers: int, updates: int, body: str, postgres: PrivatePostgres | None
) -> tuple[list[float], list[float]]:
    with tempfile.TemporaryDirectory(prefix=f"bench-{mode}-") as name:
        directory = Path(name)
        settings = {"readers_per_address": str(readers + 10)}
        if postgres is not None:
            settings["database_url"] = postgres.new_database()
        redis = RedisServer(directory) if mode.startswith("redis") else None
        nodes = []
        try:
            if redis is not None:
                redis.start()
                settings["broker_url"] = redis.url
            if mode == "pg-across":
                settings["broker_url"] = settings["database_url"]
            count = 2 if mode.endswith("-across") else 1
            db_path = directory / "courtwire.db"
            for number in range(count):
                node_dir = directory / f"node-{number}"
                node_dir.mkdir()
                nodes.append(LiveServer(node_dir, db_path=db_path, **settings))
                nodes[-1].start()
            return measure(nodes[0], nodes[-1], readers, updates, body)
        finally:
            for node in nodes:
                node.stop()
            if redis is not None:
                redis.stop()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--readers", type=int, default=500)
    parser.add_argument("--updates", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--storage", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--modes", default="memory,redis-local,redis-across")
    parser.add_argument("--body-chars", type=int, default=0)
    args = parser.parse_args()
    modes = args.modes.split(",")
    if unknown := set(modes) - set(MODES):
        parser.error(f"unknown modes {sorted(unknown)}; known: {', '.join(MODES)}")
    if "pg-across" in modes and args.storage != "postgresql":
        parser.error("pg-across needs --storage postgresql (PostgreSQL is its broker)")
    body = ("Ж" * args.body_chars) or "An update."
    postgres = PrivatePostgres(durable=True) if args.storage == "postgresql" else None
    names = ("delivery p50", "delivery p99", "ack p50")
    figures: dict[str, dict[str, list[float]]] = {m: {n: [] for n in names} for m in modes}
    try:
        for number in range(args.runs):
            for mode in modes:
                before = os.getloadavg()[0]
                latencies, acks = run_mode(mode, args.readers, args.updates, body, postgres)
                found = (
                    percentile(latencies, 0.5),
                    percentile(latencies, 0.99),
                    percentile(acks, 0.5),
                )
                for name, value in zip(names, found, strict=True):
                    figures[mode][name].append(value * 1000)
                cells = ", ".join(f"{v * 1000:.1f}" for v in found)
                load = f"load {before:.1f}-{os.getloadavg()[0]:.1f}"
                print(f"run {number + 1} {mode}: {cells} ({load})", flush=True)
    finally:
        if postgres is not None:
            postgres.stop()
    print(f"\n| mode | {' (ms) | '.join(names)} (ms) |\n| --- |{' --- |' * len(names)}")
    for mode in modes:
        cells = " | ".join(f"{statistics.median(figures[mode][name]):.1f}" for name in names)
        print(f"| {mode} | {cells} |")


if __name__ == "__main__":
    main()
