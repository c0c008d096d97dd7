"""PostgreSQL (COURTWIRE_DATABASE_URL): the same interface as SQLite, for several processes
and machines on one database.

psycopg 3, chosen by measurement (docs/benchmarks.md): a synchronous connection on the
writer thread keeps the shape SQLite has, each write one transaction handed over whole;
the readers are psycopg's async connections. Writers on other processes are serialized
where it matters by the row of the hearing they write (`SELECT … FOR UPDATE`, see
`Dialect.lock_suffix`), so each hearing's seqs stay gap-free across processes. Commits
wait for the WAL flush (`synchronous_commit` on, PostgreSQL's default), as SQLite's
`synchronous=FULL` does.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg.adapt import AdaptersMap, Dumper
from psycopg.rows import RowMaker

from courtwire.db import Connection, Cursor, Database, Reader, Transaction, migrations, new_epoch
from courtwire.dialect import POSTGRESQL, to_pyformat

logger = logging.getLogger(__name__)

T = TypeVar("T")

MIGRATION_LOCK = 0x636F7572747769
"""The advisory lock that lets one process at a time migrate (several start together)."""


class BoolAsInteger(Dumper):
    """True and False as 1 and 0, as SQLite stores them (flags are INTEGER columns)."""

    oid = psycopg.adapters.types["int4"].oid

    def dump(self, obj: bool) -> bytes:
        return b"1" if obj else b"0"


ADAPTERS = AdaptersMap(psycopg.adapters)
ADAPTERS.register_dumper(bool, BoolAsInteger)


class PgRow:
    """A row by position or by column name, like sqlite3.Row."""

    __slots__ = ("_names", "_values")

    def __init__(self, names: dict[str, int], values: Sequence[Any]) -> None:
        self._names = names
        self._values = values

    def __getitem__(self, key: int | str, /) -> Any:
        return self._values[self._names[key] if isinstance(key, str) else key]

    def __iter__(self) -> Any:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def keys(self) -> list[str]:
        return list(self._names)


def pg_rows(cursor: psycopg.Cursor[Any] | psycopg.AsyncCursor[Any]) -> RowMaker[PgRow]:
    names = {column.name: i for i, column in enumerate(cursor.description or ())}
    return lambda values: PgRow(names, values)


def redacted(url: str) -> str:
    """The address without its password, for the log."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))


class PgConnection:
    """psycopg's connection with sqlite3's calls and `?` placeholders (`to_pyformat`)."""

    dialect = POSTGRESQL

    def __init__(self, raw: psycopg.Connection[PgRow]) -> None:
        self.raw = raw

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> Cursor:
        return self.raw.execute(to_pyformat(sql), tuple(parameters))

    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> Cursor:
        cursor = self.raw.cursor()
        cursor.executemany(to_pyformat(sql), [tuple(row) for row in parameters])
        return cursor


class PgReader:
    """A read connection with aiosqlite's `execute_fetchall`; it reconnects when the
    connection it had broke (the read that saw it failed)."""

    def __init__(self, url: str, raw: psycopg.AsyncConnection[PgRow]) -> None:
        self.url = url
        self.raw = raw

    @classmethod
    async def connect(cls, url: str) -> PgReader:
        return cls(url, await cls._open(url))

    @staticmethod
    async def _open(url: str) -> psycopg.AsyncConnection[PgRow]:
        return await psycopg.AsyncConnection.connect(
            url, autocommit=True, row_factory=pg_rows, context=ADAPTERS
        )

    async def execute_fetchall(self, sql: str, parameters: Sequence[Any] = (), /) -> list[PgRow]:
        if self.raw.closed:
            self.raw = await self._open(self.url)
        cursor = await self.raw.execute(to_pyformat(sql), tuple(parameters))
        return await cursor.fetchall()


def check_collation(conn: psycopg.Connection[Any]) -> None:
    """Text must sort by code point, as in SQLite (court times, cursors, names): a
    database created with another collation is refused, not served in another order."""
    row = conn.execute(
        "SELECT datcollate, pg_encoding_to_char(encoding) FROM pg_database"
        " WHERE datname = current_database()"
    ).fetchone()
    assert row is not None
    collate, encoding = row
    if collate not in ("C", "POSIX", "C.UTF-8") or encoding != "UTF8":
        raise SystemExit(
            f"PostgreSQL database collation {collate!r}, encoding {encoding!r}: Courtwire needs"
            " LC_COLLATE 'C' and UTF8, e.g. CREATE DATABASE courtwire TEMPLATE template0"
            " ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"
        )


def migrate(url: str) -> str:
    """Bring the schema up to date and return the history's epoch; one process at a time."""
    with psycopg.connect(url, autocommit=True) as conn:
        check_collation(conn)
        conn.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
        try:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations"
                " (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
            )
            applied = {row[0] for row in conn.execute("SELECT version FROM schema_migrations")}
            for version, sql in migrations(POSTGRESQL):
                if version in applied:
                    continue
                with conn.transaction():
                    conn.execute(sql.encode())
                    conn.execute("INSERT INTO schema_migrations (version) VALUES (%s)", (version,))
                logger.info("migration applied version=%d database=%s", version, redacted(url))
            conn.execute(
                "INSERT INTO meta (key, value) VALUES ('epoch', %s) ON CONFLICT DO NOTHING",
                (new_epoch(),),
            )
            found = conn.execute("SELECT value FROM meta WHERE key = 'epoch'").fetchone()
            assert found is not None
            epoch: str = found[0]
            return epoch
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))


class PostgresDatabase(Database):
    """The database on a PostgreSQL server (COURTWIRE_DATABASE_URL)."""

    dialect = POSTGRESQL
    integrity_error = psycopg.IntegrityError

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url
        self.where = redacted(url)

    def migrate(self) -> str:
        return migrate(self.url)

    def _connect_writer(self) -> Connection:
        return PgConnection(self._writer_connection())

    def _writer_connection(self) -> psycopg.Connection[PgRow]:
        return psycopg.connect(self.url, autocommit=True, row_factory=pg_rows, context=ADAPTERS)

    def _transact(self, tx: Transaction, work: Callable[[Transaction], T]) -> T:
        assert isinstance(tx.conn, PgConnection)
        if tx.conn.raw.closed:
            # The server restarted or the network dropped: the write that saw it failed
            # (and is retried by its client with the same id); this one reconnects.
            logger.warning("writer reconnecting database=%s", self.where)
            tx.conn.raw = self._writer_connection()
        with tx.conn.raw.transaction():
            return work(tx)

    def _close_writer(self, conn: Connection) -> None:
        assert isinstance(conn, PgConnection)
        conn.raw.close()

    async def _connect_reader(self) -> Reader:
        return await PgReader.connect(self.url)

    async def _close_reader(self, reader: Reader) -> None:
        assert isinstance(reader, PgReader)
        await reader.raw.close()
