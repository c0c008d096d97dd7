"""SQLite, the way the design needs it: one writer, read-only readers, migrations on open.

Each write is one `BEGIN IMMEDIATE … COMMIT` on the writer thread's connection; BEGIN
IMMEDIATE lets one writer in at a time, which is what keeps a hearing's seqs gap-free.
Reads use read-only connections (WAL lets them run beside the writer). `synchronous=FULL`
makes a commit survive power loss, which is what the 201 to a reporter promises.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar, cast

import aiosqlite

from courtwire.db import Connection, Database, Reader, Transaction, migrations, new_epoch
from courtwire.dialect import SQLITE

logger = logging.getLogger(__name__)

T = TypeVar("T")

BUSY_TIMEOUT_MS = 5000
SCRUB_BUSY_MS = 1000
"""How long the writer waits for readers to finish before it empties the WAL after a
redaction: redactions are rare, and the old page images must not stay behind."""


def statements(sql: str) -> list[str]:
    """The statements of a migration, whole: a trigger's body has semicolons of its own."""
    found, pending = [], ""
    for line in sql.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            if pending.strip():
                found.append(pending.strip())
            pending = ""
    rest = [line for line in pending.splitlines() if not line.lstrip().startswith("--")]
    assert not "".join(rest).strip(), "a migration ends inside a statement"
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
        for version, sql in migrations(SQLITE):
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


def _truncate_wal(conn: sqlite3.Connection) -> bool:
    """Copy the WAL into the file and empty it, so that page images from before a
    redaction stay neither in it nor, copied halfway, in the file. A reader in the middle
    of a read for longer than SCRUB_BUSY_MS makes this give up: False, and the writer
    tries again after its next transaction."""
    conn.execute(f"PRAGMA busy_timeout = {SCRUB_BUSY_MS}")
    try:
        busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if busy:
        logger.warning("wal not truncated after a redaction: readers busy, tried again later")
    return not busy


class SQLiteConnection(sqlite3.Connection):
    """sqlite3's connection, knowing its dialect."""

    dialect = SQLITE


class SQLiteDatabase(Database):
    """The database in one SQLite file (COURTWIRE_DB)."""

    dialect = SQLITE
    integrity_error = sqlite3.IntegrityError

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self.where = str(path)
        self._scrub_pending = False  # a redaction's WAL not emptied yet (writer thread only)

    def migrate(self) -> str:
        return migrate(self.path)

    def _connect_writer(self) -> Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, factory=SQLiteConnection)
        _pragmas(conn)
        conn.row_factory = sqlite3.Row
        return conn

    def _transact(self, tx: Transaction, work: Callable[[Transaction], T]) -> T:
        conn = cast(SQLiteConnection, tx.conn)
        conn.execute("BEGIN IMMEDIATE")
        try:
            result = work(tx)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.rollback()
            raise
        if tx.scrub_wal or self._scrub_pending:
            self._scrub_pending = not _truncate_wal(conn)
        return result

    def _close_writer(self, conn: Connection) -> None:
        cast(sqlite3.Connection, conn).close()

    async def _connect_reader(self) -> Reader:
        uri = f"{self.path.resolve().as_uri()}?mode=ro"
        reader = await aiosqlite.connect(uri, uri=True, isolation_level=None)
        await reader.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        reader.row_factory = aiosqlite.Row
        return reader

    async def _close_reader(self, reader: Reader) -> None:
        await cast(aiosqlite.Connection, reader).close()
