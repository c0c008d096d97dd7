"""The storage interface: one writer, a pool of readers, migrations on open.

All writes go through `Database.write()`, which runs each as one transaction on a single
connection owned by one writer thread, so `seq` is assigned inside the transaction that
stores the change. Reads use a small pool of connections. Two engines implement it:
SQLite (`courtwire.sqlite_db`, the default) and PostgreSQL (`courtwire.postgres_db`, for
several processes and machines on one database); `courtwire.storage.open_database` picks
one from the settings. The modules' SQL is shared; `courtwire.dialect` names the few
places where it differs.
"""

from __future__ import annotations

import asyncio
import secrets
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import asynccontextmanager
from importlib import resources
from types import TracebackType
from typing import Any, Protocol, TypeVar

from courtwire.dialect import Dialect

T = TypeVar("T")

READERS = 4


class Row(Protocol):
    """A result row: by position or by column name (sqlite3.Row and its PostgreSQL twin)."""

    def __getitem__(self, key: int | str, /) -> Any: ...

    def keys(self) -> list[str]: ...


class Cursor(Protocol):
    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """The writer's connection as the modules use it: sqlite3's calls, `?` placeholders,
    and the engine's dialect."""

    @property
    def dialect(self) -> Dialect: ...

    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> Cursor: ...

    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> Cursor: ...


class Reader(Protocol):
    """A read connection: aiosqlite's one call that the modules use."""

    async def execute_fetchall(
        self, sql: str, parameters: Sequence[Any] = ..., /
    ) -> Iterable[Any]: ...


def migrations(dialect: Dialect) -> list[tuple[int, str]]:
    """The numbered SQL files in `server/migrations` for the engine, in order: one
    sequence, `000N_name.sql` for SQLite beside `000N_name.postgresql.sql`."""
    found = []
    for item in resources.files("courtwire.migrations").iterdir():
        name = item.name
        if not name.endswith(".sql") or name.endswith(".postgresql.sql") != (
            dialect.name == "postgresql"
        ):
            continue
        found.append((int(name.split("_", 1)[0]), item.read_text(encoding="utf-8")))
    return sorted(found)


def new_epoch() -> str:
    return secrets.token_hex(8)


class Transaction:
    """A write transaction in progress, on the writer thread."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.callbacks: list[Callable[[], None]] = []
        self.scrub_wal = False
        """Set when the transaction takes text out of public view: SQLite empties its
        WAL after the commit."""
        self._staged: dict[str, list[Any]] = {}
        self._last_work: list[Callable[[], None]] = []

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run `callback` on the event loop once the transaction has committed."""
        self.callbacks.append(callback)

    def stage(self, table: str, row: Any, insert: Callable[[list[Any]], None]) -> None:
        """Insert `row` as the transaction's last work, just before its commit: `insert`
        runs once then, on the writer thread, with every row staged for `table` in order.
        A table numbered from a counter every writer shares (`take`) takes it there, after
        every other lock of the transaction, and holds it for the commit alone."""
        rows = self._staged.get(table)
        if rows is None:
            rows = self._staged[table] = []
            self._last_work.append(lambda: insert(rows))
        rows.append(row)

    def finish(self) -> None:
        """Run the staged inserts (`Database.write` does, before the commit)."""
        for work in self._last_work:
            work()

    def take(self, counter: str, count: int = 1) -> int:
        """Bump the named counter row (table `counters`) by `count` and return its new
        value. The row stays locked until the commit: on PostgreSQL a writer on another
        connection that takes it waits until then and reads the committed value, so the
        numbers are gap-free and in commit order; SQLite lets one writer in at a time."""
        value: int = self.conn.execute(
            "UPDATE counters SET value = value + ? WHERE name = ? RETURNING value",
            (count, counter),
        ).fetchone()[0]
        return value


class Database(ABC):
    """The open database: `async with open_database(settings) as db`."""

    dialect: Dialect
    where: str
    """Where the data is, for the log (a path, or an address without its password)."""
    integrity_error: type[Exception]
    """What the engine raises out of `write()` when a constraint refuses it (a unique key
    taken)."""

    def __init__(self) -> None:
        self.epoch = ""
        self._writer: Connection | None = None
        self._writer_thread: ThreadPoolExecutor | None = None
        self._readers: asyncio.Queue[Reader] = asyncio.Queue()
        self._all_readers: list[Reader] = []

    @abstractmethod
    def migrate(self) -> str:
        """Bring the schema up to date (synchronously) and return the history's epoch."""

    @abstractmethod
    def _connect_writer(self) -> Connection:
        """The writer's connection, opened on the writer thread."""

    @abstractmethod
    def _transact(self, tx: Transaction, work: Callable[[Transaction], T]) -> T:
        """Run `work` in one transaction on the writer's connection, committed if it
        returns."""

    @abstractmethod
    def _close_writer(self, conn: Connection) -> None: ...

    @abstractmethod
    async def _connect_reader(self) -> Reader: ...

    @abstractmethod
    async def _close_reader(self, reader: Reader) -> None: ...

    async def open(self) -> None:
        self.epoch = await asyncio.to_thread(self.migrate)
        self._writer_thread = ThreadPoolExecutor(1, thread_name_prefix="courtwire-writer")
        self._writer = await self._on_writer_thread(self._connect_writer)
        for _ in range(READERS):
            reader = await self._connect_reader()
            self._all_readers.append(reader)
            self._readers.put_nowait(reader)

    async def _on_writer_thread(self, work: Callable[[], T]) -> T:
        assert self._writer_thread is not None, "database is not open"
        return await asyncio.get_running_loop().run_in_executor(self._writer_thread, work)

    async def close(self) -> None:
        """Idempotent: closes every connection that is open."""
        readers, self._all_readers = self._all_readers, []
        for reader in readers:
            await self._close_reader(reader)
        if self._writer is not None:
            writer, self._writer = self._writer, None
            await self._on_writer_thread(lambda: self._close_writer(writer))
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

        def whole(tx: Transaction) -> T:
            result = work(tx)
            tx.finish()
            return result

        submitted = self._writer_thread.submit(self._transact, tx, whole)
        submitted.add_done_callback(lambda done: loop.call_soon_threadsafe(finished, done))
        return await outcome

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Reader]:
        conn = await self._readers.get()
        try:
            yield conn
        finally:
            self._readers.put_nowait(conn)
