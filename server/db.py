"""SQLite, the way the design needs it: one writer, read-only readers, migrations on open.

All writes go through `Database.write()`, which runs each as one `BEGIN IMMEDIATE …
COMMIT` on a single connection owned by one writer thread, so `seq` is assigned inside
the transaction that stores the change. Reads use a small pool of read-only connections
(WAL lets them run beside the writer). `synchronous=FULL` makes a commit survive power
loss, which is what the 201 to a reporter promises.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import sqlite3
from collections.abc import AsyncIterator, Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from types import TracebackType
from typing import TypeVar

import aiosqlite

logger = logging.getLogger(__name__)

T = TypeVar("T")

BUSY_TIMEOUT_MS = 5000
SCRUB_BUSY_MS = 200
READERS = 4


def migrations() -> list[tuple[int, str]]:
    """Numbered SQL files in `server/migrations`, in order."""
    found = []
    for item in resources.files("courtwire.migrations").iterdir():
        if item.name.endswith(".sql"):
            found.append((int(item.name.split("_", 1)[0]), item.read_text(encoding="utf-8")))
    return sorted(found)


def statements(sql: str) -> list[str]:
    """The statements of a migration, whole: a trigger's body has semicolons of its own."""
    found, pending = [], ""
    for line in sql.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            if pending.strip():
                found.append(pending.strip())
            pending = ""
    assert not pending.strip(), "a migration ends inside a statement"
    return found


def _pragmas(conn: sqlite3.Connection) -> None:
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = FULL")
    # Text taken out of public view (deleted, withheld, redacted) is overwritten in place,
    # not left in the file's free pages; its one copy is the staff-only archive.
    conn.execute("PRAGMA secure_delete = ON")


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
                for statement in statements(sql):
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


def _transact(tx: Transaction, work: Callable[[Transaction], T]) -> T:
    tx.conn.execute("BEGIN IMMEDIATE")
    try:
        result = work(tx)
        tx.conn.execute("COMMIT")
    except BaseException:
        if tx.conn.in_transaction:
            tx.conn.rollback()
        raise
    if tx.scrub_wal:
        _truncate_wal(tx.conn)
    return result


def _truncate_wal(conn: sqlite3.Connection) -> None:
    """Copy the WAL into the file and empty it, so that page images from before a
    redaction do not stay in it. A reader in the middle of a read makes this give up
    (briefly busy); the next redaction, or SQLite's own checkpoints, catch up."""
    conn.execute(f"PRAGMA busy_timeout = {SCRUB_BUSY_MS}")
    try:
        busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if busy:
        logger.warning("wal not truncated after a redaction: readers busy")


class Transaction:
    """A write transaction in progress, on the writer thread."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.callbacks: list[Callable[[], None]] = []
        self.scrub_wal = False
        """Set when the transaction takes text out of public view: the WAL is emptied
        after the commit."""

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run `callback` on the event loop once the transaction has committed."""
        self.callbacks.append(callback)


class Database:
    """The open database: `async with Database(path) as db`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.epoch = ""
        self._writer: sqlite3.Connection | None = None
        self._writer_thread: ThreadPoolExecutor | None = None
        self._readers: asyncio.Queue[aiosqlite.Connection] = asyncio.Queue()
        self._all_readers: list[aiosqlite.Connection] = []

    async def open(self) -> None:
        self.epoch = await asyncio.to_thread(migrate, self.path)
        self._writer_thread = ThreadPoolExecutor(1, thread_name_prefix="courtwire-writer")
        self._writer = await self._on_writer_thread(self._connect_writer)
        uri = f"{self.path.resolve().as_uri()}?mode=ro"
        for _ in range(READERS):
            reader = await aiosqlite.connect(uri, uri=True, isolation_level=None)
            await reader.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            reader.row_factory = aiosqlite.Row
            self._all_readers.append(reader)
            self._readers.put_nowait(reader)

    def _connect_writer(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None)
        _pragmas(conn)
        conn.row_factory = sqlite3.Row
        return conn

    async def _on_writer_thread(self, work: Callable[[], T]) -> T:
        assert self._writer_thread is not None, "database is not open"
        return await asyncio.get_running_loop().run_in_executor(self._writer_thread, work)

    async def close(self) -> None:
        """Idempotent: closes every connection that is open."""
        readers, self._all_readers = self._all_readers, []
        for reader in readers:
            await reader.close()
        if self._writer is not None:
            writer, self._writer = self._writer, None
            await self._on_writer_thread(writer.close)
        if self._writer_thread is not None:
            self._writer_thread.shutdown()
            self._writer_thread = None

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

    async def write(self, work: Callable[[Transaction], T]) -> T:
        """Run `work` as one transaction on the writer thread, committed if it returns.

        The whole transaction is one hand-over to the thread, not one per statement, so a
        reporter's post does not queue behind a fan-out once for every statement it runs.
        Callbacks registered with `Transaction.after_commit` run on the event loop in
        commit order (the thread runs transactions one at a time, and each hands its
        outcome back before the next starts), so events reach the hub in seq order.

        Cancelling the caller does not cancel a write that has started: it commits and
        its callbacks run, or it never began.
        """
        assert self._writer_thread is not None, "database is not open"
        assert self._writer is not None, "database is not open"
        loop = asyncio.get_running_loop()
        tx = Transaction(self._writer)
        outcome: asyncio.Future[T] = loop.create_future()

        def finished(done: Future[T]) -> None:
            # The outcome first: its waiter is scheduled ahead of whatever the callbacks
            # schedule, so a post's ack is not queued behind the first chunk of its own
            # fan-out. The waiter still runs only after every callback has.
            error = done.exception()
            if not outcome.cancelled():
                if error is None:
                    outcome.set_result(done.result())
                else:
                    outcome.set_exception(error)
            if error is None:
                for callback in tx.callbacks:
                    callback()

        submitted = self._writer_thread.submit(_transact, tx, work)
        submitted.add_done_callback(lambda done: loop.call_soon_threadsafe(finished, done))
        return await outcome

    @asynccontextmanager
    async def read(self) -> AsyncIterator[aiosqlite.Connection]:
        conn = await self._readers.get()
        try:
            yield conn
        finally:
            self._readers.put_nowait(conn)
