"""Which PostgreSQL driver: psycopg 3 (a synchronous connection on the writer thread, as
`courtwire.postgres_db` runs it, async readers) against asyncpg, and SQLite beside them.

One write is what a post does to the log: lock the hearing's row, insert the event, move
the counter, commit. One read is a page of 100 events. Each on a private PostgreSQL
started for the run with fsync on (tests/backend.py), and a SQLite file at
synchronous=FULL, one after another on the same machine, on uvloop as the server runs
(psycopg's async connections are several times slower on asyncio's own loop).

    .venv/bin/pip install asyncpg   # only for this comparison
    .venv/bin/python -m bench.drivers --writes 2000 --reads 2000 --repeat 3
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import asyncpg
import uvloop

from courtwire.db import Database, Transaction
from courtwire.ledger import hearing_in
from courtwire.postgres_db import PostgresDatabase
from courtwire.sqlite_db import SQLiteDatabase
from tests.backend import PrivatePostgres

HEARING = (
    "INSERT INTO hearings (slug, title, court, case_ref, location, timezone, status,"
    " scheduled_start, description, created_at, updated_at)"
    " VALUES ('bench', 't', '', '', '', 'UTC', 'live', NULL, '', '', '')"
)
DATA = json.dumps({"body": "x" * 900})


def append(tx: Transaction) -> int:
    hearing = hearing_in(tx.conn, "bench")
    seq = hearing.last_seq + 1
    tx.conn.execute(
        "INSERT INTO events (hearing_id, seq, entry_id, data) VALUES (?, ?, ?, ?)",
        (hearing.id, seq, None, DATA),
    )
    tx.conn.execute("UPDATE hearings SET last_seq = ? WHERE id = ?", (seq, hearing.id))
    return seq


async def timed(count: int, one: Callable[[int], Awaitable[Any]]) -> float:
    """Operations per second, one after another."""
    started = time.perf_counter()
    for n in range(count):
        await one(n)
    return count / (time.perf_counter() - started)


async def courtwire_engine(db: Database, writes: int, reads: int) -> tuple[float, float]:
    async with db:
        await db.write(lambda tx: tx.conn.execute(HEARING))
        write_rate = await timed(writes, lambda n: db.write(append))

        async def page(n: int) -> None:
            async with db.read() as conn:
                await conn.execute_fetchall(
                    "SELECT data FROM events WHERE hearing_id = 1 AND seq > ? ORDER BY seq"
                    " LIMIT 100",
                    (n % max(1, writes - 100),),
                )

        return write_rate, await timed(reads, page)


async def asyncpg_engine(url: str, writes: int, reads: int) -> tuple[float, float]:
    await asyncio.to_thread(PostgresDatabase(url).migrate)
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(HEARING)

        async def write(n: int) -> None:
            async with conn.transaction():
                row = await conn.fetchrow(
                    "SELECT id, last_seq FROM hearings WHERE slug = 'bench' FOR UPDATE"
                )
                seq = row["last_seq"] + 1
                await conn.execute(
                    "INSERT INTO events (hearing_id, seq, entry_id, data) VALUES ($1, $2, $3, $4)",
                    row["id"],
                    seq,
                    None,
                    DATA,
                )
                await conn.execute(
                    "UPDATE hearings SET last_seq = $1 WHERE id = $2", seq, row["id"]
                )

        async def page(n: int) -> None:
            await conn.fetch(
                "SELECT data FROM events WHERE hearing_id = 1 AND seq > $1 ORDER BY seq LIMIT 100",
                n % max(1, writes - 100),
            )

        return await timed(writes, write), await timed(reads, page)
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--writes", type=int, default=2000)
    parser.add_argument("--reads", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    server = PrivatePostgres(durable=True)
    results: dict[str, list[tuple[float, float]]] = {"psycopg": [], "asyncpg": [], "sqlite": []}
    try:
        for _ in range(args.repeat):
            for name in results:
                if name == "sqlite":
                    path = Path(tempfile.mkdtemp(prefix="courtwire-bench-")) / "bench.db"
                    run = courtwire_engine(SQLiteDatabase(path), args.writes, args.reads)
                elif name == "psycopg":
                    db = PostgresDatabase(server.new_database())
                    run = courtwire_engine(db, args.writes, args.reads)
                else:
                    run = asyncpg_engine(server.new_database(), args.writes, args.reads)
                results[name].append(uvloop.run(run))
    finally:
        server.stop()
    print("| engine | writes/s (median) | reads of 100 events/s (median) | runs |")
    print("| --- | ---: | ---: | --- |")
    for name, runs in results.items():
        writes = statistics.median(w for w, _ in runs)
        reads = statistics.median(r for _, r in runs)
        each = ", ".join(f"{w:.0f}/{r:.0f}" for w, r in runs)
        print(f"| {name} | {writes:.0f} | {reads:.0f} | {each} |")


if __name__ == "__main__":
    main()
