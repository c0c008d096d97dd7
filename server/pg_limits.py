"""The shared limits on PostgreSQL, for a deployment whose broker is its database
(COURTWIRE_BROKER_URL=postgresql://…).

Each counted attempt is a row of `shared_limits` (migration 0009, an UNLOGGED table:
nothing in it needs to survive a crash, as nothing in Redis does). Each check is one
transaction that first takes a transaction-scoped advisory lock on each of its keys, in
key order (so two nodes never wait on each other crosswise), and reads the database's
clock once it holds them: a check and its count are one step across every node, timed by
one clock, with the rules of `courtwire.throttle`. A key's rows past their window go with
its next check; the whole table is swept of them at most once a `SWEEP`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

import psycopg
from psycopg import sql

from courtwire.limits import POST_PERIOD, TIMEOUT, SharedAttempt, SharedLimits
from courtwire.throttle import TIERS, WINDOW, delay

T = TypeVar("T")
Conn = psycopg.AsyncConnection[tuple[Any, ...]]

ERRORS = (psycopg.Error, OSError)
"""What a failed connection raises (a timeout is an OSError)."""
SWEEP = 60.0
"""Seconds between sweeps of the expired rows of every key, per node."""
APPLICATION = "courtwire-limits"


class PgLimits(SharedLimits):
    errors = ERRORS

    def __init__(self, url: str, namespace: str, post_limit: int, login_limit: int) -> None:
        super().__init__(namespace, post_limit, login_limit)
        self.url = url
        self._conn: Conn | None = None
        self._lock = asyncio.Lock()
        """One check at a time on the connection: each is a transaction of its own."""
        self._swept = 0.0

    async def _run(self, keys: Sequence[str], work: Callable[[Conn, float], Awaitable[T]]) -> T:
        """`work(connection, now)` in a transaction holding the keys' locks; a connection
        that failed or took longer than `TIMEOUT` is closed (the next check opens one)."""
        async with self._lock:
            try:
                async with asyncio.timeout(TIMEOUT):
                    if self._conn is None or self._conn.closed:
                        self._conn = await psycopg.AsyncConnection.connect(
                            self.url, autocommit=True, application_name=APPLICATION
                        )
                    async with self._conn.transaction():
                        ordered = sorted(set(keys))
                        cursor = await self._conn.execute(_locking(len(ordered)), ordered)
                        now: float = (await _one(cursor))[-1]
                        found = await work(self._conn, now)
                        if time.monotonic() - self._swept >= SWEEP:
                            await self._conn.execute(
                                "DELETE FROM shared_limits WHERE expires <= %s", (now,)
                            )
                            self._swept = time.monotonic()
                        return found
            except ERRORS:
                conn, self._conn = self._conn, None
                if conn is not None:
                    await conn.close()
                raise

    async def _take(self, key: str, member: str) -> float:
        async def work(conn: Conn, now: float) -> float:
            cursor = await conn.execute(
                "SELECT count(*), min(at) FROM shared_limits WHERE key = %s AND at > %s",
                (key, now - POST_PERIOD),
            )
            count, first = await _one(cursor)
            if count >= self.post_limit:
                return float(first + POST_PERIOD - now)
            await _count(conn, [key], member, now, POST_PERIOD)
            return 0.0

        return await self._run([key], work)

    async def _admit(self, attempt: SharedAttempt) -> float:
        async def work(conn: Conn, now: float) -> float:
            cursor = await conn.execute(
                "SELECT key, count(*), max(at) FROM shared_limits"
                " WHERE key = ANY(%s) AND at > %s GROUP BY key",
                (list(attempt.keys), now - WINDOW),
            )
            found = {key: (count, last) for key, count, last in await cursor.fetchall()}
            wait = max(
                0.0,
                *(
                    delay(*found.get(key, (0, 0.0)), self.login_limit * times, cap, now)
                    for key, (times, cap) in zip(attempt.keys, TIERS, strict=True)
                ),
            )
            if wait <= 0:
                await _count(conn, attempt.keys, attempt.member, now, WINDOW)
            return wait

        return await self._run(attempt.keys, work)

    async def _failed(self, attempt: SharedAttempt) -> None:
        async def work(conn: Conn, now: float) -> None:
            await conn.execute(
                "UPDATE shared_limits SET at = %s, expires = %s"
                " WHERE key = ANY(%s) AND member = %s",
                (now, now + WINDOW, list(attempt.keys), attempt.member),
            )

        await self._run(attempt.keys, work)

    async def _succeeded(self, attempt: SharedAttempt) -> None:
        pair, *others = attempt.keys

        async def work(conn: Conn, now: float) -> None:
            await conn.execute(
                "DELETE FROM shared_limits WHERE key = %s OR (key = ANY(%s) AND member = %s)",
                (pair, others, attempt.member),
            )

        await self._run(attempt.keys, work)

    async def check(self) -> None:
        """The broker's address must reach this deployment's database (its `shared_limits`
        table; a pooler's address for the storage and a direct one for the broker is
        fine): the epoch it holds is the one the storage gave."""
        async with await psycopg.AsyncConnection.connect(self.url, autocommit=True) as conn:
            try:
                cursor = await conn.execute("SELECT value FROM meta WHERE key = 'epoch'")
                found = await cursor.fetchone()
            except psycopg.errors.UndefinedTable:
                found = None
        if found is None or found[0] != self.namespace:
            raise SystemExit(
                "COURTWIRE_BROKER_URL must reach the same PostgreSQL database as"
                " COURTWIRE_DATABASE_URL (usually the same address): the database it"
                " names is not this deployment's"
            )

    async def close(self) -> None:
        if self._conn is not None:
            await self._conn.close()


def _locking(count: int) -> sql.Composed:
    """Lock `count` keys, left to right, then read the clock."""
    lock = sql.SQL("pg_advisory_xact_lock(hashtextextended({}, 0))").format(sql.Placeholder())
    return sql.SQL("SELECT {}, extract(epoch FROM clock_timestamp())::float8").format(
        sql.SQL(", ").join([lock] * count)
    )


async def _one(cursor: psycopg.AsyncCursor[tuple[Any, ...]]) -> tuple[Any, ...]:
    row = await cursor.fetchone()
    assert row is not None
    return row


async def _count(conn: Conn, keys: Sequence[str], member: str, now: float, window: float) -> None:
    """Count an attempt under `keys` now, and forget what those keys hold past its window."""
    await conn.execute(
        "DELETE FROM shared_limits WHERE key = ANY(%s) AND expires <= %s", (list(keys), now)
    )
    await conn.execute(
        "INSERT INTO shared_limits (key, member, at, expires)"
        " SELECT key, %s, %s, %s FROM unnest(%s::text[]) AS key",
        (member, now, now + window, list(keys)),
    )
