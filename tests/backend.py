"""The database engine the suite runs on, and for PostgreSQL a private server.

`COURTWIRE_TEST_BACKEND=postgresql` (scripts/test runs the suite once on each engine) gives
every test server a database of its own on a PostgreSQL server started for the test run:
initdb in a temporary folder, run as the `postgres` system user (PostgreSQL refuses root),
its unix socket in that folder, no TCP. It is started on first use and stopped at the end
of the session (tests/conftest.py). Never a mock.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import shutil
import socket
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg

from courtwire.dialect import to_pyformat

BACKEND = os.environ.get("COURTWIRE_TEST_BACKEND", "sqlite")
assert BACKEND in ("sqlite", "postgresql"), f"COURTWIRE_TEST_BACKEND={BACKEND!r}"
ON_POSTGRESQL = BACKEND == "postgresql"


def _bindir() -> Path:
    """Debian's PostgreSQL binaries (the newest installed version)."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    assert initdb, "PostgreSQL is not installed (scripts/test installs Debian's postgresql)"
    return Path(initdb).resolve().parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PrivatePostgres:
    """A PostgreSQL server of the test run's own, in a temporary folder."""

    def __init__(self, *, durable: bool = False) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="courtwire-pg-"))
        self.data = self.directory / "data"
        self.port = _free_port()
        self.bindir = _bindir()
        self._names = itertools.count(1)
        as_root = os.getuid() == 0
        if as_root:
            shutil.chown(self.directory, "postgres", "postgres")
        self.prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "--auth=trust",
            "--username=postgres",
            "--encoding=UTF8",
            "--locale=C",
        )
        # The tests kill Courtwire's servers, never this one: no fsync, for speed, unless
        # `durable` (the benchmarks).
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=''"
        options += " -c max_connections=300"
        if not durable:
            options += " -c fsync=off -c full_page_writes=off"
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.directory / "log"),
            "-o",
            options,
            "-w",
            "start",
        )

    def _run(self, program: str, *args: str) -> None:
        command = [*self.prefix, str(self.bindir / program), *args]
        subprocess.run(command, check=True, capture_output=True, cwd=self.directory)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@/{database}?host={self.directory}&port={self.port}"

    def new_database(self) -> str:
        """A new empty database; its address."""
        name = f"courtwire_{os.getpid()}_{next(self._names)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        shutil.rmtree(self.directory, ignore_errors=True)


_server: PrivatePostgres | None = None


def postgres() -> PrivatePostgres:
    """The run's PostgreSQL server, started on first use."""
    global _server
    if _server is None:
        _server = PrivatePostgres()
    return _server


def stop_postgres() -> None:
    global _server
    if _server is not None:
        _server.stop()
        _server = None


_databases: dict[Path, str] = {}


def database_for(db_path: Path) -> str:
    """The PostgreSQL database standing for a test server's SQLite path (nodes of one
    cluster share the path, so they share the database): a new empty one for a new path.
    "" on SQLite (the file itself)."""
    if not ON_POSTGRESQL:
        return ""
    if db_path not in _databases:
        _databases[db_path] = postgres().new_database()
    return _databases[db_path]


@contextlib.contextmanager
def connect(db_path: Path, database_url: str) -> Iterator[Any]:
    """A plain connection to a test server's database, `?` placeholders on both engines,
    committed when the block ends without error."""
    if not database_url:
        conn = sqlite3.connect(db_path, timeout=10)
        try:
            with conn:
                yield conn
        finally:
            conn.close()
        return
    with psycopg.connect(database_url) as raw:
        yield Plain(raw)


class Plain:
    """psycopg's connection taking `?` placeholders, as sqlite3's does."""

    def __init__(self, raw: psycopg.Connection[Any]) -> None:
        self.raw = raw

    def execute(self, sql: str, parameters: Any = ()) -> psycopg.Cursor[Any]:
        return self.raw.execute(to_pyformat(sql), tuple(parameters))


TRIGGER_REFUSED = (sqlite3.IntegrityError, psycopg.errors.RaiseException)
"""What a trigger's refusal raises (the append-only audit trail), whichever the engine."""
