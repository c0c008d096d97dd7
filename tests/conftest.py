from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from courtwire.model import Role
from tests.backend import ON_POSTGRESQL, stop_postgres
from tests.support import LiveServer, RedisServer, Staff

# PostgreSQL's own behaviour (reconnects, collation, its migrations) is tested in the
# PostgreSQL pass of the suite, not collected in the SQLite pass.
collect_ignore = [] if ON_POSTGRESQL else ["test_postgres.py", "test_pg_broker.py"]


@pytest.fixture(scope="session", autouse=True)
def private_postgres() -> Iterator[None]:
    """On PostgreSQL (COURTWIRE_TEST_BACKEND), the run's own server is started when the
    first test server asks for a database, and stopped here when the session ends."""
    yield
    stop_postgres()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One server shared by the tests that make their own hearings."""
    live = LiveServer(tmp_path_factory.mktemp("server"))
    live.start()
    yield live
    live.stop()


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """A private Redis for the test run (scripts/test installs Debian's redis-server)."""
    with RedisServer(tmp_path_factory.mktemp("redis")) as redis:
        yield redis


@pytest.fixture
def fresh_server(tmp_path: Path) -> Iterator[LiveServer]:
    """A server of the test's own, for tests that stop, kill or tune it; not started."""
    live = LiveServer(tmp_path)
    yield live
    live.stop()


_accounts = iter(range(1, 1_000_000))


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server of its own (for the test file) that loaded the demo hearing on start."""
    live = LiveServer(tmp_path_factory.mktemp("demo"), demo="1")
    live.start()
    yield live
    live.stop()


@pytest.fixture(scope="session")
def editor(server: LiveServer) -> Iterator[Staff]:
    with Staff(server, server.staff("editor-main", Role.EDITOR)) as staff:
        yield staff


@pytest.fixture
def reporter(server: LiveServer) -> Iterator[Staff]:
    with Staff(server, server.staff(f"reporter-{next(_accounts)}", Role.REPORTER)) as staff:
        yield staff


@pytest.fixture
def hearing(editor: Staff) -> dict[str, object]:
    """A new live hearing."""
    return editor.create_hearing("R v Example", status="live", timezone="Europe/London")


CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's headless Chromium, driven by Playwright (scripts/test installs both)."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS
        )
        yield launched
        launched.close()
