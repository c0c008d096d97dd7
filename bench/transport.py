"""The brokers' transports alone: from `publish` on one broker to the message's arrival at
another, both in this process (as two nodes hold them), one message at a time, with no
server, storage or reader in between: what Redis pub/sub and PostgreSQL's NOTIFY each
add to a delivery across nodes, with less of the machine's noise than `bench.broker`.

- `redis`: `RedisBroker` on a private redis-server.
- `pg`: `PgBroker` on a private PostgreSQL server (fsync on, `synchronous_commit` on).

Variants alternate in every run; each figure is the median over the runs of that run's
percentile.

    .venv/bin/python -m bench.transport --messages 500 --runs 3
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.broker import percentile
from courtwire.hub.base import Broker
from courtwire.hub.pg_broker import PgBroker
from courtwire.hub.redis_broker import RedisBroker
from courtwire.messages import Message
from tests.backend import PrivatePostgres
from tests.support import RedisServer

VARIANTS = ("redis", "pg")


Make = Callable[[str, str], Broker]
"""(address, namespace) → a broker."""


async def latencies(make: Make, url: str, size: int, messages: int) -> list[float]:
    """Seconds from publish to arrival, `messages` times, each sent after the last came."""
    arrived: asyncio.Queue[float] = asyncio.Queue()
    sender, receiver = make(url, "bench"), make(url, "bench")
    sender.start(lambda _: None)
    receiver.start(lambda _: arrived.put_nowait(time.perf_counter()))
    text = json.dumps({"body": "x" * size})
    found = []
    try:
        async with asyncio.timeout(30):
            while not (sender.connected and receiver.connected):
                await asyncio.sleep(0.01)
        for seq in range(1, messages + 1):
            sent = time.perf_counter()
            sender.publish(Message("r-v-bench", seq, text))
            async with asyncio.timeout(10):
                found.append(await arrived.get() - sent)
    finally:
        await sender.close()
        await receiver.close()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--size", type=int, default=1000, help="bytes of each event's text")
    args = parser.parse_args()
    brokers: dict[str, Make] = {"redis": RedisBroker, "pg": PgBroker}
    names = ("p50", "p99")
    figures: dict[str, dict[str, list[float]]] = {v: {n: [] for n in names} for v in VARIANTS}
    postgres = PrivatePostgres(durable=True)
    with tempfile.TemporaryDirectory(prefix="bench-transport-") as directory:
        redis = RedisServer(Path(directory))
        redis.start()
        try:
            database = postgres.new_database()
            for number in range(args.runs):
                for variant in VARIANTS:
                    url = redis.url if variant == "redis" else database
                    before = os.getloadavg()[0]
                    found = asyncio.run(latencies(brokers[variant], url, args.size, args.messages))
                    values = [percentile(found, 0.5) * 1000, percentile(found, 0.99) * 1000]
                    for name, value in zip(names, values, strict=True):
                        figures[variant][name].append(value)
                    load = f"load {before:.1f}-{os.getloadavg()[0]:.1f}"
                    print(f"run {number + 1} {variant}: {values[0]:.2f}, {values[1]:.2f} ({load})")
        finally:
            redis.stop()
            postgres.stop()
    print("\n| transport | publish to arrival p50 (ms) | p99 (ms) |\n| --- | --- | --- |")
    for variant in VARIANTS:
        cells = " | ".join(f"{statistics.median(figures[variant][n]):.2f}" for n in names)
        print(f"| {variant} | {cells} |")


if __name__ == "__main__":
    main()
