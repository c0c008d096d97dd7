"""The real thing, for tests: a uvicorn server process on a free port with its own SQLite
file, staff accounts written through the real migrations, and WebSocket readers."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import axe_playwright_python
import httpx
import psycopg
import websockets
from playwright.sync_api import Page

from courtwire.auth import Accounts
from courtwire.db import Database
from courtwire.events import Event
from courtwire.model import EntryKind, EventType, Role
from courtwire.records import Entry
from courtwire.settings import Settings
from courtwire.storage import open_database
from tests.backend import connect, database_for, postgres

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = Path(
    os.environ.get("COURTWIRE_SCREENSHOTS") or tempfile.mkdtemp(prefix="courtwire-screenshots-")
)
"""Where the screenshot tests write: a temporary folder, so that the suite changes no
tracked file; `scripts/screenshots` points it at `docs/screenshots` for the README."""
AXE = Path(axe_playwright_python.__file__).parent / "axe.min.js"


T = TypeVar("T")


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion in a thread of its own: Playwright's sync API keeps
    an event loop running in the test's thread, where `asyncio.run` is not allowed."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """`courtwire serve` in a child process: `python -m courtwire.cli` of this environment,
    or `command` (another installation's `courtwire`). Nodes of one cluster share a
    `db_path` (each keeps its logs in its own `directory`)."""

    def __init__(
        self,
        directory: Path,
        command: list[str] | None = None,
        db_path: Path | None = None,
        serve_args: tuple[str, ...] = (),
        **settings: str,
    ) -> None:
        self.directory = directory
        self.serve_args = serve_args
        self.command = command or [sys.executable, "-m", "courtwire.cli"]
        self.db_path = db_path or directory / "courtwire.db"
        self.database_url = settings.pop("database_url", "") or database_for(self.db_path)
        """Set when the suite runs on PostgreSQL (tests/backend.py): the server's database,
        shared by the nodes that share `db_path`; or given (the benchmarks)."""
        self.port = free_port()
        self.env = os.environ | {
            "COURTWIRE_DB": str(self.db_path),
            "COURTWIRE_DATABASE_URL": self.database_url,
            "COURTWIRE_DEMO": "0",
            "COURTWIRE_LOG_LEVEL": "WARNING",
            "COURTWIRE_POST_LIMIT": "100000",
            # Tests that are not about zones create hearings without one.
            "COURTWIRE_DEFAULT_TIMEZONE": "UTC",
        }
        self.env.update({f"COURTWIRE_{name.upper()}": value for name, value in settings.items()})
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> None:
        self.starts += 1
        with open(self.directory / f"server-{self.starts}.log", "wb") as log:
            self.process = subprocess.Popen(
                [*self.command, "serve", "--port", str(self.port), *self.serve_args],
                cwd=self.directory,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.05)
        self.stop()  # not left running behind the failed test
        raise RuntimeError(f"server did not start: {self.log()}")

    def log(self) -> str:
        return (self.directory / f"server-{self.starts}.log").read_text(errors="replace")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush; what SQLite committed must survive."""
        assert self.process is not None
        self.process.kill()
        self.process.wait()
        self.process = None

    def database(self) -> Database:
        """The server's database, for `async with`, as the server opens it."""
        return open_database(Settings(db_path=self.db_path, database_url=self.database_url))

    def connect(self) -> Any:
        """A plain connection to the server's database (`?` placeholders), committed at the
        end of the `with` block."""
        return connect(self.db_path, self.database_url)

    def staff(self, username: str, role: Role = Role.REPORTER) -> str:
        """A token for a new account, written straight into the database."""

        async def create() -> str:
            async with self.database() as db:
                accounts = Accounts(db)
                actor = await accounts.add_user(username, "correct horse battery", role)
                return await accounts.issue_token(actor)

        return run(create())


@contextmanager
def two_nodes(directory: Path, **settings: str) -> Iterator[list[LiveServer]]:
    """Two started nodes on one database (a file in `directory`, or its PostgreSQL
    database), each with `settings`; stopped at the end."""
    started: list[LiveServer] = []
    try:
        for name in ("a", "b"):
            (directory / f"node-{name}").mkdir()
            node = LiveServer(
                directory / f"node-{name}", db_path=directory / "courtwire.db", **settings
            )
            node.start()
            started.append(node)
        yield started
    finally:
        for node in started:
            node.stop()


class RedisServer:
    """A private `redis-server` on a free port, nothing saved to disk; it can be killed
    (SIGKILL) and started again on the same port."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def url_for(self, db_path: Path) -> str:
        """The broker address of the nodes that share `db_path`: this Redis, for any."""
        return self.url

    def start(self, timeout: float = 10.0) -> None:
        with open(self.directory / "redis.log", "ab") as log:
            self.process = subprocess.Popen(
                [
                    *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
                    *("--dir", str(self.directory), "--save", "", "--appendonly", "no"),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.02)
        self.stop()  # not left running behind the failed test
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def __enter__(self) -> RedisServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait()
        self.process = None

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


class PostgresBroker:
    """The PostgreSQL broker (LISTEN/NOTIFY) of test nodes: its address is their database's
    (tests/backend.py). Its server is the storage too and stays up, so an outage is its
    connections terminated (`pg_terminate_backend`) again and again, from `kill` until
    `start`, as they come back; `kills` counts them."""

    APPLICATION = "courtwire-broker"
    """The `application_name` of the broker's connections (courtwire.hub.pg_broker)."""

    def __init__(self) -> None:
        self.kills = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def url_for(self, db_path: Path) -> str:
        return database_for(db_path)

    def terminate(self) -> int:
        """Terminate every broker connection now; how many there were."""
        killed = self.terminate_named(self.APPLICATION)
        self.kills += killed
        return killed

    @staticmethod
    def terminate_named(application: str) -> int:
        """Terminate every connection of that `application_name`; how many there were."""
        with psycopg.connect(postgres().url(), autocommit=True) as conn:
            rows = conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE application_name = %s",
                (application,),
            ).fetchall()
        return len(rows)

    def kill(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._terminating, daemon=True)
        self._thread.start()

    def _terminating(self) -> None:
        while not self._stop.is_set():
            self.terminate()
            self._stop.wait(0.02)

    def start(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)
            self._thread = None


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def new_id() -> str:
    return str(uuid.uuid4())


@dataclass
class Staff:
    """An HTTP client with a token."""

    server: LiveServer
    token: str
    client: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self.client = httpx.Client(base_url=self.server.url, headers=auth(self.token), timeout=30)

    def __enter__(self) -> Staff:
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.close()

    def create_hearing(self, title: str = "R v Example", **fields: Any) -> dict[str, Any]:
        response = self.client.post("/api/hearings", json={"title": title, **fields})
        assert response.status_code == 201, response.text
        result: dict[str, Any] = response.json()
        return result

    def post(self, slug: str, body: str = "An update.", **fields: Any) -> httpx.Response:
        payload = {"id": new_id(), "kind": "note", "body": body, **fields}
        return self.client.post(f"/api/hearings/{slug}/entries", json=payload)


def entry_json(entry_id: str, body: str, at: str, **fields: Any) -> dict[str, Any]:
    """A published note's JSON as the store writes it (first revision, posted at `at`);
    `fields` replace members."""
    entry = Entry.posted(entry_id, EntryKind.NOTE, body, f"<p>{body}</p>", at=at, author="amina")
    return entry.to_json() | fields


def event_count(server: LiveServer, slug: str) -> int:
    response = httpx.get(f"{server.url}/api/hearings/{slug}/events?limit=1000")
    return len(response.json()["events"])


async def read_events(
    url: str, count: int, *, timeout: float = 20.0, **connect: Any
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Connect, take the hello and then exactly `count` events."""
    async with websockets.connect(url, **connect) as ws:
        hello = json.loads(await asyncio.wait_for(ws.recv(), timeout))
        events = []
        async with asyncio.timeout(timeout):
            while len(events) < count:
                events.append(json.loads(await ws.recv()))
        return hello, events


def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now. Injected through
    the DevTools protocol, which the pages' CSP does not govern."""
    page.evaluate(AXE.read_text())
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def fill_log(server: LiveServer, slug: str, count: int) -> None:
    """Append `count` published entries straight into the database, in one transaction,
    in the form the store writes them."""
    with server.connect() as db:
        hearing_id, last_seq = db.execute(
            "SELECT id, last_seq FROM hearings WHERE slug = ?", (slug,)
        ).fetchone()
        author = db.execute("SELECT id, username FROM users").fetchone()
        for seq in range(last_seq + 1, last_seq + count + 1):
            entry = entry_json(
                new_id(),
                f"Backlog {seq}",
                "2020-01-22T05:05:00Z",
                occurred_at="2020-01-22T11:05:00+06:00",
                author=author[1],
            )
            event = Event(seq, EventType.ENTRY_PUBLISHED, "2020-01-22T05:05:00Z", slug, entry)
            db.execute(
                "INSERT INTO entries (id, hearing_id, author_id, occurred_utc,"
                " published_seq, fingerprint, entry) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    entry["id"],
                    hearing_id,
                    author[0],
                    "2020-01-22T05:05:00.000000+00:00",
                    seq,
                    "-",
                    json.dumps(entry),
                ),
            )
            db.execute(
                "INSERT INTO events (hearing_id, seq, entry_id, data) VALUES (?, ?, ?, ?)",
                (hearing_id, seq, entry["id"], event.encode()),
            )
        db.execute("UPDATE hearings SET last_seq = ? WHERE id = ?", (last_seq + count, hearing_id))
