"""Delivery latency through the Redis broker against in-process: from just before a
post is sent to its arrival at each reader, on loopback.

Modes, each run with a fresh database (and, for Redis, a fresh redis-server):
- `memory`: one node, no broker: readers and posts on it.
- `redis-local`: one node with the Redis broker, readers and posts on it (its own
  events reach its readers directly; the broker adds the publish beside them).
- `redis-across`: two nodes on one SQLite file and one Redis: posts on node A, readers
  on node B, so every delivery crosses Redis.

Runs alternate the modes; each figure is the median over the runs of that run's
percentile over every (reader, update). The readers are websockets clients on this
process's event loop, so their own parsing is in every figure alike; the posts go from a
thread of their own, so that their acks are not read only after the readers' frames.

    .venv/bin/python -m bench.broker --readers 500 --updates 20 --runs 5
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import websockets

from courtwire.model import Role
from tests.support import LiveServer, RedisServer, auth

MODES = ("memory", "redis-local", "redis-across")
GAP = 0.1
"""Seconds between posts, so that one fan-out is not queued behind another."""


async def measure(
    publish: LiveServer, read: LiveServer, readers: int, updates: int
) -> tuple[list[float], list[float]]:
    """Delivery latencies (every reader, every update) and the posts' ack latencies."""
    token = publish.staff("bench-editor", Role.EDITOR)
    async with httpx.AsyncClient(base_url=publish.url, headers=auth(token)) as http:
        created = await http.post("/api/hearings", json={"title": "R v Bench", "status": "live"})
        slug = created.json()["slug"]
        last = created.json()["last_seq"]
        url = f"{read.ws_url}/ws/hearings/{slug}?after={last}"
        sockets = [await websockets.connect(url, compression=None) for _ in range(readers)]
        for ws in sockets:
            await ws.recv()  # hello
        latencies: list[float] = []
        acks: list[float] = []

        async def receive(ws: websockets.ClientConnection) -> None:
            for _ in range(updates):
                event = json.loads(await ws.recv())
                stamp = float(event["data"]["body"].split(";", 1)[0].removeprefix("stamp="))
                latencies.append(time.time() - stamp)

        receiving = [asyncio.create_task(receive(ws)) for ws in sockets]
        await asyncio.to_thread(post, publish.url, token, slug, updates, acks)
        async with asyncio.timeout(60):
            await asyncio.gather(*receiving)
        for ws in sockets:
            await ws.close()
    assert len(latencies) == readers * updates
    return latencies, acks


def post(url: str, token: str, slug: str, updates: int, acks: list[float]) -> None:
    """Post `updates` entries, each stamped with the time just before it is sent."""
    with httpx.Client(base_url=url, headers=auth(token)) as http:
        for _ in range(updates):
            sent = time.time()
            entry = {"id": str(uuid.uuid4()), "body": f"stamp={sent:.6f}; An update."}
            http.post(f"/api/hearings/{slug}/entries", json=entry).raise_for_status()
            acks.append(time.time() - sent)
            time.sleep(GAP)


def run_mode(mode: str, readers: int, updates: int) -> tuple[list[float], list[float]]:
    with tempfile.TemporaryDirectory(prefix=f"bench-{mode}-") as name:
        directory = Path(name)
        settings = {"readers_per_address": str(readers + 10)}
        redis = RedisServer(directory) if mode != "memory" else None
        nodes = []
        try:
            if redis is not None:
                redis.start()
                settings["broker_url"] = redis.url
            count = 2 if mode == "redis-across" else 1
            db_path = directory / "courtwire.db"
            for number in range(count):
                node_dir = directory / f"node-{number}"
                node_dir.mkdir()
                nodes.append(LiveServer(node_dir, db_path=db_path, **settings))
                nodes[-1].start()
            return asyncio.run(measure(nodes[0], nodes[-1], readers, updates))
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
    args = parser.parse_args()
    names = ("delivery p50", "delivery p99", "ack p50")
    figures: dict[str, dict[str, list[float]]] = {m: {n: [] for n in names} for m in MODES}
    for number in range(args.runs):
        for mode in MODES:
            latencies, acks = run_mode(mode, args.readers, args.updates)
            found = (percentile(latencies, 0.5), percentile(latencies, 0.99), percentile(acks, 0.5))
            for name, value in zip(names, found, strict=True):
                figures[mode][name].append(value * 1000)
            print(f"run {number + 1} {mode}: " + ", ".join(f"{v * 1000:.1f}" for v in found))
    print(f"\n| mode | {' (ms) | '.join(names)} (ms) |\n| --- |{' --- |' * len(names)}")
    for mode in MODES:
        cells = " | ".join(f"{statistics.median(figures[mode][name]):.1f}" for name in names)
        print(f"| {mode} | {cells} |")


if __name__ == "__main__":
    main()
