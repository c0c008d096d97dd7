"""Several nodes on one database and one broker: every reader on every node gets every
event once and in order, through a broker outage too, and what one node decides (a
revocation, a limit, a release, a redaction) holds on every node.

The broker is a private redis-server; on PostgreSQL storage each test runs again with
PostgreSQL's own LISTEN/NOTIFY as the broker (its outage: its connections terminated)."""

from __future__ import annotations

import asyncio
import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets

from courtwire.model import Role
from tests.backend import ON_POSTGRESQL
from tests.support import (
    LiveServer,
    PostgresBroker,
    RedisServer,
    Staff,
    auth,
    free_port,
    new_id,
    run,
    two_nodes,
)

LOGIN_LIMIT = 3
POST_LIMIT = 8

Broker = RedisServer | PostgresBroker


@pytest.fixture(scope="module", params=["redis", "postgresql"] if ON_POSTGRESQL else ["redis"])
def broker(request: pytest.FixtureRequest) -> Broker:
    """The nodes' broker: Redis, and on PostgreSQL storage the database's LISTEN/NOTIFY."""
    if request.param == "redis":
        redis: RedisServer = request.getfixturevalue("redis_server")
        return redis
    return PostgresBroker()


@pytest.fixture(scope="module")
def nodes(tmp_path_factory: pytest.TempPathFactory, broker: Broker) -> Iterator[list[LiveServer]]:
    """Two nodes sharing one database and one broker."""
    directory = tmp_path_factory.mktemp("cluster")
    with two_nodes(
        directory,
        broker_url=broker.url_for(directory / "courtwire.db"),
        login_limit=str(LOGIN_LIMIT),
        post_limit=str(POST_LIMIT),
    ) as started:
        yield started


@pytest.fixture(scope="module")
def editor(nodes: list[LiveServer]) -> Iterator[Staff]:
    with Staff(nodes[0], nodes[0].staff("cluster-editor", Role.EDITOR)) as staff:
        yield staff


_reporters = iter(range(1, 1_000_000))


@pytest.fixture
def reporters(nodes: list[LiveServer]) -> Iterator[Callable[[int], list[Staff]]]:
    """Makes `count` reporters, each signed in on a node in turn."""
    made: list[Staff] = []

    def make(count: int) -> list[Staff]:
        staff = [
            Staff(nodes[i % len(nodes)], nodes[0].staff(f"reporter-{next(_reporters)}"))
            for i in range(count)
        ]
        made.extend(staff)
        return staff

    yield make
    for staff in made:
        staff.client.close()


class Reader:
    """A live reader's socket, recording every event until told to stop."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.events: list[dict[str, Any]] = []
        self.closed: int | None = None
        """The close code, when the server closed the socket."""
        self.leaving = False

    async def __aenter__(self) -> Reader:
        self.ws = await websockets.connect(self.url)
        self.hello = json.loads(await self.ws.recv())
        self.task = asyncio.create_task(self._read())
        return self

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                self.events.append(json.loads(raw))
        except websockets.ConnectionClosed:
            pass
        if not self.leaving:
            self.closed = self.ws.close_code

    async def until(self, seq: int, timeout: float = 20.0) -> None:
        async with asyncio.timeout(timeout):
            while not self.events or self.events[-1]["seq"] < seq:
                assert self.closed is None, f"reader closed with {self.closed}"
                await asyncio.sleep(0.01)

    async def __aexit__(self, *exc: object) -> None:
        self.leaving = True
        await self.ws.close()
        await self.task


def last_seq(node: LiveServer, slug: str) -> int:
    return int(httpx.get(f"{node.url}/api/hearings/{slug}").json()["last_seq"])


async def post_all(staff: Staff, slug: str, bodies: list[str]) -> list[str]:
    """Post each body in turn (the node is the staff's), returning the acked ids."""
    ids = []
    async with httpx.AsyncClient(base_url=staff.server.url, headers=auth(staff.token)) as http:
        for body in bodies:
            entry = {"id": new_id(), "kind": "note", "body": body}
            answer = await http.post(f"/api/hearings/{slug}/entries", json=entry)
            assert answer.status_code == 201, answer.text
            ids.append(entry["id"])
    return ids


def check_complete(reader: Reader, after: int, last: int, posted: list[str]) -> None:
    """Seqs after..last, each once and in order; every posted entry exactly once."""
    seqs = [event["seq"] for event in reader.events]
    assert seqs == list(range(after + 1, last + 1))
    published = [e["data"]["id"] for e in reader.events if e["type"] == "entry.published"]
    assert sorted(published) == sorted(posted)
    assert reader.closed is None


def test_readers_on_every_node_get_every_post_once_in_order(
    nodes: list[LiveServer], editor: Staff, reporters: Callable[[int], list[Staff]]
) -> None:
    seed = random.randrange(1 << 30)
    print(f"seed {seed}")
    chance = random.Random(seed)
    slug = editor.create_hearing("R v Fanout", status="live")["slug"]
    after = last_seq(nodes[0], slug)
    staff = reporters(6)
    plans = [[f"Update {i}.{n}" for n in range(chance.randint(4, POST_LIMIT))] for i in range(6)]

    async def scenario() -> tuple[list[Reader], int, list[str]]:
        urls = [f"{node.ws_url}/ws/hearings/{slug}?after={after}" for node in nodes]
        async with Reader(urls[0]) as on_a, Reader(urls[1]) as on_b:
            acked = await asyncio.gather(
                *(post_all(s, slug, p) for s, p in zip(staff, plans, strict=True))
            )
            last = last_seq(nodes[1], slug)
            await asyncio.gather(on_a.until(last), on_b.until(last))
            await asyncio.sleep(0.3)  # a duplicate would come within this
        return [on_a, on_b], last, [entry for ids in acked for entry in ids]

    readers, last, posted = run(scenario())
    assert len(posted) == sum(len(plan) for plan in plans)
    assert last == after + len(posted)
    for reader in readers:
        check_complete(reader, after, last, posted)


def test_a_broker_outage_loses_nothing_and_disconnects_no_reader(
    nodes: list[LiveServer],
    editor: Staff,
    broker: Broker,
    reporters: Callable[[int], list[Staff]],
) -> None:
    slug = editor.create_hearing("R v Outage", status="live")["slug"]
    after = last_seq(nodes[0], slug)
    staff = reporters(6)

    async def burst(rounds: list[Staff], label: str) -> list[str]:
        lists = await asyncio.gather(
            *(
                post_all(s, slug, [f"{label} {i}.{n}" for n in range(2)])
                for i, s in enumerate(rounds)
            )
        )
        return [entry for ids in lists for entry in ids]

    async def scenario() -> tuple[list[Reader], int, list[str]]:
        urls = [f"{node.ws_url}/ws/hearings/{slug}?after={after}" for node in nodes]
        async with Reader(urls[0]) as on_a, Reader(urls[1]) as on_b:
            posted = await burst(staff[:2], "Before")
            broker.kill()
            posted += await burst(staff[2:4], "During")
            during = last_seq(nodes[0], slug)
            # Both nodes read what the other wrote from the log while the broker is away.
            await asyncio.gather(on_a.until(during), on_b.until(during))
            await asyncio.to_thread(broker.start)
            posted += await burst(staff[4:], "After")
            last = last_seq(nodes[0], slug)
            await asyncio.gather(on_a.until(last), on_b.until(last))
            await asyncio.sleep(0.3)
        return [on_a, on_b], last, posted

    readers, last, posted = run(scenario())
    assert last == after + len(posted) == after + 12
    for reader in readers:
        check_complete(reader, after, last, posted)
    for node in nodes:
        assert "broker connection lost" in node.log()


def test_a_token_revoked_on_one_node_is_refused_on_the_other_within_a_second(
    nodes: list[LiveServer],
) -> None:
    token = nodes[0].staff(f"reporter-{next(_reporters)}")
    with httpx.Client(base_url=nodes[1].url, headers=auth(token)) as on_b:
        assert on_b.get("/api/me").status_code == 200  # now remembered by node B
        assert httpx.post(f"{nodes[0].url}/api/logout", headers=auth(token)).status_code == 204
        revoked = time.monotonic()
        while on_b.get("/api/me").status_code == 200:
            assert time.monotonic() - revoked < 1.0, "node B still accepts the revoked token"
        assert on_b.get("/api/me").status_code == 401


def test_the_sign_in_throttle_and_the_post_limit_count_across_nodes(
    nodes: list[LiveServer], editor: Staff, reporters: Callable[[int], list[Staff]]
) -> None:
    name = f"reporter-{next(_reporters)}"
    nodes[0].staff(name)
    answers = []
    for attempt in range(LOGIN_LIMIT + 1):
        node = nodes[attempt % 2]
        wrong = {"username": name, "password": "not the password at all"}
        answers.append(httpx.post(f"{node.url}/api/login", json=wrong).status_code)
    assert answers == [401] * LOGIN_LIMIT + [429]
    right = {"username": name, "password": "correct horse battery"}
    assert httpx.post(f"{nodes[0].url}/api/login", json=right).status_code == 429

    slug = editor.create_hearing("R v Limits", status="live")["slug"]
    (one,) = reporters(1)
    codes = []
    for number in range(POST_LIMIT + 1):
        with Staff(nodes[number % 2], one.token) as poster:
            codes.append(poster.post(slug, f"Post {number}").status_code)
    assert codes == [201] * POST_LIMIT + [429]


def test_a_delayed_post_is_published_once_with_both_nodes_up(
    nodes: list[LiveServer], editor: Staff, reporters: Callable[[int], list[Staff]]
) -> None:
    slug = editor.create_hearing("R v Delayed", status="live")["slug"]
    assert editor.client.patch(f"/api/hearings/{slug}", json={"publish_delay": 1}).is_success
    after = last_seq(nodes[0], slug)
    (reporter,) = reporters(1)  # signed in on node A: its timer and B's both run

    async def scenario() -> Reader:
        async with Reader(f"{nodes[1].ws_url}/ws/hearings/{slug}?after={after}") as on_b:
            answer = await asyncio.to_thread(reporter.post, slug, "The jury is out.")
            assert answer.status_code == 202
            await on_b.until(after + 1)
            await asyncio.sleep(1.0)  # the later timer has fired by now
        return on_b

    on_b = run(scenario())
    events = httpx.get(f"{nodes[0].url}/api/hearings/{slug}/events?after={after}").json()
    assert [e["type"] for e in events["events"]] == ["entry.published"]
    assert [e["seq"] for e in on_b.events] == [after + 1]


def test_a_redaction_made_on_one_node_reaches_the_memory_of_the_other(
    nodes: list[LiveServer], editor: Staff, reporters: Callable[[int], list[Staff]]
) -> None:
    slug = editor.create_hearing("R v Redaction", status="live")["slug"]
    after = last_seq(nodes[0], slug)
    (reporter,) = reporters(1)
    term = "Zhanibekova"
    url = f"{nodes[1].ws_url}/ws/hearings/{slug}?after={after}"

    async def scenario() -> list[str]:
        async with Reader(url) as watching:  # node B remembers the hearing from here on
            posted = await asyncio.to_thread(reporter.post, slug, f"Ms {term} takes the oath.")
            assert posted.status_code == 201
            await watching.until(after + 1)
            restricted = await asyncio.to_thread(
                editor.client.post,
                f"/api/hearings/{slug}/restrictions",
                json={"term": term, "kind": "person", "order": "s.45 direction"},
            )
            assert restricted.status_code == 201, restricted.text
            last = last_seq(nodes[0], slug)
            await watching.until(last)
        # A reader resuming on node B now is served from B's memory.
        async with websockets.connect(url) as ws:
            frames = [await ws.recv() for _ in range(1 + last - after)]
        return [str(frame) for frame in frames]

    frames = run(scenario())
    assert len(frames) > 2
    assert not [frame for frame in frames if term.lower() in frame.lower()]


def test_a_hearing_renamed_on_one_node_resets_its_readers_on_the_other(
    nodes: list[LiveServer], editor: Staff
) -> None:
    slug = editor.create_hearing("R v Rename", status="live")["slug"]
    after = last_seq(nodes[0], slug)

    async def scenario() -> tuple[list[dict[str, Any]], int | None]:
        async with websockets.connect(f"{nodes[1].ws_url}/ws/hearings/{slug}?after={after}") as ws:
            assert json.loads(await ws.recv())["type"] == "hello"
            renamed = await asyncio.to_thread(
                editor.client.patch, f"/api/hearings/{slug}", json={"slug": f"{slug}-renamed"}
            )
            assert renamed.status_code == 200, renamed.text
            async with asyncio.timeout(10):
                frames = [json.loads(frame) async for frame in ws]
        return frames, ws.close_code

    frames, code = run(scenario())
    assert [frame["type"] for frame in frames] == ["reset"]
    assert code == 1000


def test_serve_with_several_workers_refuses_to_start_without_a_broker(tmp_path: Path) -> None:
    environment = os.environ | {"COURTWIRE_DB": str(tmp_path / "courtwire.db")}
    environment.pop("COURTWIRE_BROKER_URL", None)
    command = [sys.executable, "-m", "courtwire.cli", "serve", "--workers", "2"]
    done = subprocess.run(
        [*command, "--port", str(free_port())], env=environment, capture_output=True, timeout=60
    )
    assert done.returncode != 0
    assert "--workers 2 needs a broker: set COURTWIRE_BROKER_URL" in done.stderr.decode()
    assert not (tmp_path / "courtwire.db").exists()


def refusal(tmp_path: Path, broker_url: str) -> str:
    """What `courtwire serve` says when it refuses `broker_url` (with SQLite storage)."""
    environment = os.environ | {
        "COURTWIRE_DB": str(tmp_path / "courtwire.db"),
        "COURTWIRE_BROKER_URL": broker_url,
    }
    environment.pop("COURTWIRE_DATABASE_URL", None)
    command = [sys.executable, "-m", "courtwire.cli", "serve", "--port", str(free_port())]
    done = subprocess.run(command, env=environment, capture_output=True, timeout=60)
    assert done.returncode != 0
    assert not (tmp_path / "courtwire.db").exists()
    return done.stderr.decode()


def test_a_broker_url_of_another_scheme_is_refused_at_start(tmp_path: Path) -> None:
    said = refusal(tmp_path, "amqp://guest:secret@broker.internal:5672/")
    assert "COURTWIRE_BROKER_URL must start with redis://" in said
    assert "postgresql://" in said
    assert "not 'amqp'" in said
    assert "secret" not in said


def test_a_postgresql_broker_without_postgresql_storage_is_refused_at_start(
    tmp_path: Path,
) -> None:
    said = refusal(tmp_path, "postgresql://courtwire@db.internal/courtwire")
    assert "set COURTWIRE_DATABASE_URL too" in said


def test_an_event_too_large_for_a_notification_reaches_the_other_node_in_order(
    nodes: list[LiveServer], editor: Staff, reporters: Callable[[int], list[Staff]]
) -> None:
    """PostgreSQL's NOTIFY carries under 8000 bytes: a body of 5000 Cyrillic letters
    (10 KB in UTF-8) crosses as a pointer, and node B reads the event from the log."""
    slug = editor.create_hearing("R v Size", status="live")["slug"]
    after = last_seq(nodes[0], slug)
    (reporter,) = reporters(1)  # posts on node A
    long = ("Суд удалился на совещание. " * 200)[:5000]
    bodies = ["Before.", long, "Between.", long.upper(), "After."]

    async def scenario() -> tuple[Reader, list[str]]:
        async with Reader(f"{nodes[1].ws_url}/ws/hearings/{slug}?after={after}") as on_b:
            posted = await post_all(reporter, slug, bodies)
            await on_b.until(after + len(bodies))
            await asyncio.sleep(0.3)  # a duplicate would come within this
        return on_b, posted

    on_b, posted = run(scenario())
    check_complete(on_b, after, after + len(bodies), posted)
    assert [event["data"]["body"] for event in on_b.events] == bodies


def worker_pids(parent: int) -> list[int]:
    """The processes whose parent is `parent` (uvicorn's workers)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            found.append(int(stat.parent.name))
    return found


def test_workers_share_one_port_and_each_reader_gets_every_post(
    tmp_path: Path, broker: Broker
) -> None:
    url = broker.url_for(tmp_path / "courtwire.db")
    server = LiveServer(tmp_path, serve_args=("--workers", "3"), broker_url=url)
    server.env["COURTWIRE_DEMO"] = "1"
    server.start()
    try:
        assert server.process is not None
        deadline = time.monotonic() + 30
        while len(worker_pids(server.process.pid)) < 3:
            assert time.monotonic() < deadline, "three workers did not start"
            time.sleep(0.05)
        hearings = httpx.get(f"{server.url}/api/hearings").json()["hearings"]
        assert len(hearings) == 1  # the demo, loaded once before the workers started
        token = server.staff("editor-workers", Role.EDITOR)
        with Staff(server, token) as editor:
            slug = editor.create_hearing("R v Workers", status="live")["slug"]
        after = last_seq(server, slug)
        url = f"{server.ws_url}/ws/hearings/{slug}?after={after}"

        async def scenario() -> tuple[list[Reader], list[str]]:
            readers = [Reader(url) for _ in range(12)]
            for reader in readers:
                await reader.__aenter__()
            posted = []
            for number in range(12):  # a new connection each: every worker takes some
                entry = {"id": new_id(), "kind": "note", "body": f"Update {number}"}
                async with httpx.AsyncClient(base_url=server.url, headers=auth(token)) as http:
                    answer = await http.post(f"/api/hearings/{slug}/entries", json=entry)
                assert answer.status_code == 201, answer.text
                posted.append(entry["id"])
            await asyncio.gather(*(reader.until(after + len(posted)) for reader in readers))
            await asyncio.sleep(0.3)
            for reader in readers:
                await reader.__aexit__()
            return readers, posted

        readers, posted = run(scenario())
        for reader in readers:
            check_complete(reader, after, after + len(posted), posted)
    finally:
        server.stop()


def test_the_readers_of_a_node_killed_mid_burst_resume_on_another_with_no_gap(
    tmp_path: Path, broker: Broker
) -> None:
    db_path = tmp_path / "courtwire.db"
    pair = [
        LiveServer(tmp_path / name, db_path=db_path, broker_url=broker.url_for(db_path))
        for name in ("a", "b")
    ]
    for node in pair:
        node.directory.mkdir()
        node.start()
    try:
        token = pair[0].staff("editor-kill", Role.EDITOR)
        with Staff(pair[0], token) as editor:
            slug = editor.create_hearing("R v Kill", status="live")["slug"]
            after = last_seq(pair[0], slug)

            async def scenario() -> tuple[list[dict[str, Any]], list[str]]:
                posting = asyncio.create_task(
                    post_all(editor, slug, [f"Update {n}" for n in range(30)])
                )
                async with Reader(f"{pair[1].ws_url}/ws/hearings/{slug}?after={after}") as on_b:
                    await on_b.until(after + 5)
                    await asyncio.to_thread(pair[1].kill)
                    async with asyncio.timeout(10):
                        await on_b.task  # the socket drops with its node
                seen = on_b.events
                resumed = f"{pair[0].ws_url}/ws/hearings/{slug}?after={seen[-1]['seq']}"
                posted = await posting
                async with Reader(resumed) as on_a:
                    await on_a.until(after + len(posted))
                return seen + on_a.events, posted

            events, posted = run(scenario())
        assert [event["seq"] for event in events] == list(range(after + 1, after + 31))
        assert [event["data"]["id"] for event in events] == posted
    finally:
        for node in pair:
            node.stop()


def test_an_account_disabled_with_the_command_is_refused_by_every_node_at_once(
    nodes: list[LiveServer],
) -> None:
    name = f"reporter-{next(_reporters)}"
    token = nodes[0].staff(name)
    clients = [httpx.Client(base_url=node.url, headers=auth(token)) for node in nodes]
    try:
        assert [client.get("/api/me").status_code for client in clients] == [200, 200]
        command = [sys.executable, "-m", "courtwire.cli", "user", "disable", name]
        environment = nodes[0].env | {"COURTWIRE_LOG_LEVEL": "WARNING"}
        done = subprocess.run(command, env=environment, capture_output=True, timeout=60)
        assert done.returncode == 0, done.stderr
        disabled = time.monotonic()
        for client in clients:
            while client.get("/api/me").status_code == 200:
                # The accounts version alone would take up to a second.
                assert time.monotonic() - disabled < 0.5, "a node still accepts the token"
    finally:
        for client in clients:
            client.close()


def test_a_reader_ahead_of_a_node_is_caught_up_there_not_reset(
    nodes: list[LiveServer], editor: Staff, broker: Broker
) -> None:
    """A reader that saw more on another node (its node died) resumes on one that has
    not delivered it yet: here the broker is down, so node B learns of node A's posts
    only from its next read of the log."""
    slug = editor.create_hearing("R v Ahead", status="live")["slug"]
    on_b = f"{nodes[1].ws_url}/ws/hearings/{slug}"

    async def scenario() -> tuple[dict[str, Any], list[dict[str, Any]]]:
        async with Reader(f"{on_b}?after=0"):  # node B serves the hearing from memory
            await asyncio.to_thread(broker.kill)
            try:
                answer = await asyncio.to_thread(editor.post, slug, "Seen on node A.")
                seq = answer.json()["seq"]
                async with websockets.connect(f"{on_b}?after={seq}") as ws:
                    hello = json.loads(await ws.recv())
                    await asyncio.to_thread(editor.post, slug, "The next one.")
                    async with asyncio.timeout(10):
                        following = [json.loads(await ws.recv())]
            finally:
                await asyncio.to_thread(broker.start)
        return hello | {"asked": seq}, following

    hello, following = run(scenario())
    assert hello["type"] == "hello"
    assert hello["last_seq"] >= hello["asked"]
    assert [(e["type"], e["seq"]) for e in following] == [("entry.published", hello["asked"] + 1)]
