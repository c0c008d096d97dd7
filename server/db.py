"""SQLite, the way the design needs it: one writer, read-only readers, migrations on open.

All writes go through `Database.write()`, which serializes them on one connection and
wraps each in `BEGIN IMMEDIATE … COMMIT`, so `seq` is assigned inside the transaction
that stores the change. Reads use a small pool of read-only connections (WAL lets them
run beside the writer). `synchronous=FULL` makes a commit survive power loss, which is
what the 201 to a reporter promises.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from types import TracebackType

import aiosqlite

logger = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
READERS = 4


def migrations() -> list[tuple[int, str]]:
    """Numbered SQL files in `server/migrations`, in order."""
    found = []
    for item in resources.files("server.migrations").iterdir():
        if item.name.endswith(".sql"):
            found.append((int(item.name.split("_", 1)[0]), item.read_text(encoding="utf-8")))
    return sorted(found)


def _pragmas(conn: sqlite3.Connection) -> None:
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = FULL")


def migrate(path: Path) -> str:
    """Bring the file's schema up to date and return the history's epoch.

    Synchronous so that the CLI and the server share it; runs before the server
    accepts anything.
    """
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        _pragmas(conn)
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode != "wal":
            raise RuntimeError(f"SQLite refused WAL mode for {path} (got {mode})")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations"
            " (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL) STRICT"
        )
        applied = {row[0] for row in conn.execute("SELECT version FROM schema_migrations")}
        for version, sql in migrations():
            if version in applied:
                continue
            conn.execute("BEGIN IMMEDIATE")
            try:
                for statement in sql.split(";\n"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(
                    "INSERT INTO schema_migrations VALUES (?, datetime('now'))", (version,)
                )
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            logger.info("migration applied version=%d path=%s", version, path)
        conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('epoch', ?)", (new_epoch(),))
        epoch: str = conn.execute("SELECT value FROM meta WHERE key = 'epoch'").fetchone()[0]
        return epoch
    finally:
        conn.close()


def new_epoch() -> str:
    return secrets.token_hex(8)


class Transaction:
    """A write transaction in progress."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn
        self.callbacks: list[Callable[[], None]] = []

    def after_commit(self, callback: Callable[[], None]) -> None:
        self.callbacks.append(callback)


class Database:
    """The open database: `async with Database(path) as db`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.epoch = ""
        self._writer: aiosqlite.Connection | None = None
        self._write_lock = asyncio.Lock()
        self._readers: asyncio.Queue[aiosqlite.Connection] = asyncio.Queue()
        self._all_readers: list[aiosqlite.Connection] = []

    async def open(self) -> None:
        self.epoch = await asyncio.to_thread(migrate, self.path)
        self._writer = await aiosqlite.connect(self.path, isolation_level=None)
        await self._writer.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await self._writer.execute("PRAGMA foreign_keys = ON")
        await self._writer.execute("PRAGMA synchronous = FULL")
        uri = f"{self.path.resolve().as_uri()}?mode=ro"
        for _ in range(READERS):
            reader = await aiosqlite.connect(uri, uri=True, isolation_level=None)
            await reader.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            reader.row_factory = aiosqlite.Row
            self._all_readers.append(reader)
            self._readers.put_nowait(reader)
        self._writer.row_factory = aiosqlite.Row

    async def close(self) -> None:
        """Idempotent: closes every connection that is open."""
        readers, self._all_readers = self._all_readers, []
        for reader in readers:
            await reader.close()
        if self._writer is not None:
            writer, self._writer = self._writer, None
            await writer.close()

    async def __aenter__(self) -> Database:
        await self.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    @asynccontextmanager
    async def write(self) -> AsyncIterator[Transaction]:
        """One write transaction at a time, committed when the block ends without error.

        Callbacks registered with `Transaction.after_commit` run after the commit and
        before the next transaction starts, so events reach the hub in seq order.
        """
        assert self._writer is not None, "database is not open"
        async with self._write_lock:
            conn = self._writer
            await conn.execute("BEGIN IMMEDIATE")
            tx = Transaction(conn)
            try:
                yield tx
                await conn.commit()
            except BaseException:
                if conn.in_transaction:
                    await conn.rollback()
                raise
            for callback in tx.callbacks:
                callback()

    @asynccontextmanager
    async def read(self) -> AsyncIterator[aiosqlite.Connection]:
        conn = await self._readers.get()
        try:
            yield conn
        finally:
            self._readers.put_nowait(conn)
