"""Resume at the edges: bad `after`, a reader far behind, a history restored from a backup."""

from __future__ import annotations

import asyncio
import json
import math
import shutil
import sqlite3
import subprocess
import sys
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
import websockets

from courtwire import live
from courtwire.events import Event
from courtwire.hub.fanout import Channel
from courtwire.messages import Message
from courtwire.model import EventType, Role
from tests.backend import ON_POSTGRESQL
from tests.support import LiveServer, Staff, fill_log, read_events, run

BAD_AFTERS = ["-1", "abc", "1.5", "", "%C2%B2", "1e3", "0x10", "9" * 40, "%201", "+1", "1%00"]


@pytest.mark.parametrize("after", BAD_AFTERS)
def test_bad_after_is_refused_with_400_json_before_the_upgrade(
    server: LiveServer, hearing: dict[str, Any], after: str
) -> None:
    url = f"{server.ws_url}/ws/hearings/{hearing['slug']}?after={after}"

    async def attempt() -> websockets.InvalidStatus:
        with pytest.raises(websockets.InvalidStatus) as refused:
            async with websockets.connect(url, compression=None):
                pass
        return refused.value

    refused = run(attempt())
    assert refused.response.status_code == 400
    error = json.loads(refused.response.body or b"{}")["error"]
    assert error["code"] == "bad_request"
    assert error["field"] == "after"


@pytest.mark.parametrize("after", ["-1", "abc", "%C2%B2", "9" * 40, "9" * 5000])
def test_bad_after_on_the_events_api_is_a_400_not_a_500(
    server: LiveServer, hearing: dict[str, Any], after: str
) -> None:
    response = httpx.get(f"{server.url}/api/hearings/{hearing['slug']}/events?after={after}")
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "after"


def test_after_beyond_the_last_seq_gets_a_reset_frame_and_others_keep_being_served(
    server: LiveServer, reporter: Staff, hearing: dict[str, Any]
) -> None:
    slug = hearing["slug"]
    for n in range(3):
        assert reporter.post(slug, f"n{n}").status_code == 201
    base = f"{server.ws_url}/ws/hearings/{slug}"

    async def scenario() -> tuple[list[dict[str, Any]], list[dict[str, Any]], int | None]:
        steady = asyncio.create_task(read_events(f"{base}?after=3", 2, compression=None))
        async with websockets.connect(f"{base}?after=99", compression=None) as ws:
            frames = [json.loads(await ws.recv()), json.loads(await ws.recv())]
            with pytest.raises(websockets.ConnectionClosedOK):
                await asyncio.wait_for(ws.recv(), 5)
            code = ws.close_code
        for n in range(2):
            await asyncio.to_thread(reporter.post, slug, f"live {n}")
        _, events = await steady
        return frames, events, code

    frames, events, code = run(scenario())
    hello, reset = frames
    assert hello["type"] == "hello"
    assert reset == {"type": "reset", "last_seq": 3, "epoch": hello["epoch"]}
    assert code == 1000
    assert [event["seq"] for event in events] == [4, 5]


class RecordingStore:
    """The store as `catch_up` sees it, noting the size of every read it is asked for."""

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts
        self.reads: list[tuple[int, int]] = []

    async def hearing(self, slug: str) -> Any:
        return SimpleNamespace(slug=slug, last_seq=len(self.texts))

    async def events_after(self, hearing: Any, after: int, limit: int) -> list[str]:
        self.reads.append((after, limit))
        return self.texts[after : after + limit]


class RecordingSink:
    def __init__(self) -> None:
        self.frames: list[bytes] = []
        self.drains = 0

    def write(self, frame: bytes) -> None:
        self.frames.append(frame)

    def buffered(self) -> int:
        return 0

    def close_too_slow(self) -> None:
        raise AssertionError("not too slow")

    async def drained(self, patience: float) -> bool:
        self.drains += 1
        return True


def test_far_behind_reader_gets_its_backlog_in_bounded_pages() -> None:
    total = 2 * live.BACKLOG_PAGE + 37
    texts = [
        Event(
            seq, EventType.ENTRY_PUBLISHED, "2020-01-22T05:00:00Z", "h", {"id": str(seq)}
        ).encode()
        for seq in range(1, total + 1)
    ]
    store = RecordingStore(texts)
    sink = RecordingSink()
    channel = Channel("h", total, keep=5, buffer_limit=1 << 20)

    joined = run(live.catch_up(SimpleNamespace(store=store), sink, channel, 0))  # type: ignore[arg-type]
    assert joined
    assert sink in channel.live
    assert all(limit <= live.BACKLOG_PAGE for _, limit in store.reads)
    assert len(store.reads) == math.ceil(total / live.BACKLOG_PAGE)
    assert sink.drains == len(store.reads)  # it waits for each page to drain
    seqs = [json.loads(frame[frame.index(b"{") :])["seq"] for frame in sink.frames]
    assert seqs == list(range(1, total + 1))


def test_far_behind_reader_over_the_network_gets_every_event_then_live_ones(
    fresh_server: LiveServer,
) -> None:
    """1,200 events, 5 kept in memory: the backlog comes from SQLite, page by page."""
    fresh_server.env["COURTWIRE_RECENT_EVENTS"] = "5"
    fresh_server.start()
    with Staff(fresh_server, fresh_server.staff("ed", Role.EDITOR)) as editor:
        slug = editor.create_hearing("R v Long", status="live")["slug"]
        backlog = 1200
        fill_log(fresh_server, slug, backlog)
        fresh_server.stop()  # the hub reads last_seq afresh
        fresh_server.start()

        async def scenario() -> list[int]:
            url = f"{fresh_server.ws_url}/ws/hearings/{slug}?after=0"
            reading = asyncio.create_task(read_events(url, backlog + 2, compression=None))
            await asyncio.sleep(0.5)
            for n in range(2):
                assert (await asyncio.to_thread(editor.post, slug, f"live {n}")).status_code == 201
            _, events = await reading
            return [event["seq"] for event in events]

        assert run(scenario()) == list(range(1, backlog + 3))


def test_restored_backup_announces_a_new_epoch_and_old_readers_are_told_to_reload(
    fresh_server: LiveServer,
) -> None:
    copy = fresh_server.directory / "backup.db"
    if ON_POSTGRESQL:
        # `courtwire backup` copies an SQLite file; on PostgreSQL it refuses and names
        # PostgreSQL's own tool, and writes nothing.
        refused = subprocess.run(
            [sys.executable, "-m", "courtwire.cli", "backup", str(copy)],
            env=fresh_server.env,
            capture_output=True,
            check=False,
            text=True,
        )
        assert refused.returncode != 0
        assert "pg_dump" in refused.stderr
        assert not copy.exists()
        return
    fresh_server.start()
    with Staff(fresh_server, fresh_server.staff("ed", Role.EDITOR)) as editor:
        slug = editor.create_hearing("R v Restore", status="live")["slug"]
        for n in range(5):
            assert editor.post(slug, f"before backup {n}").status_code == 201
        url = f"{fresh_server.ws_url}/ws/hearings/{slug}"
        old_hello, _ = run(read_events(f"{url}?after=0", 5, compression=None))
        # The backup is taken while the server is serving (and writing).
        backup = subprocess.run(
            [sys.executable, "-m", "courtwire.cli", "backup", str(copy)],
            env=fresh_server.env,
            capture_output=True,
            check=True,
            text=True,
        )
        assert "new epoch" in backup.stdout
        for n in range(3):
            assert editor.post(slug, f"after backup {n}").status_code == 201
    fresh_server.stop()

    backup_db = sqlite3.connect(copy)
    try:
        assert backup_db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert backup_db.execute("SELECT count(*) FROM events").fetchone()[0] == 5
    finally:
        backup_db.close()
    for suffix in ("", "-wal", "-shm"):
        fresh_server.db_path.with_name(fresh_server.db_path.name + suffix).unlink(missing_ok=True)
    shutil.copyfile(copy, fresh_server.db_path)
    fresh_server.start()

    async def reconnect(query: str) -> list[dict[str, Any]]:
        async with websockets.connect(f"{url}?{query}", compression=None) as ws:
            frames = []
            async for raw in ws:
                frames.append(json.loads(raw))
                if len(frames) == 2:
                    break
            return frames

    old_epoch = old_hello["epoch"]
    beyond = run(reconnect(f"after=8&epoch={old_epoch}"))  # a seq the restored log lacks
    within = run(reconnect(f"after=5&epoch={old_epoch}"))  # a seq it has, from another history
    for hello, reset in (beyond, within):
        assert hello["type"] == "hello"
        assert hello["epoch"] != old_epoch
        assert hello["last_seq"] == 5
        assert reset == {"type": "reset", "last_seq": 5, "epoch": hello["epoch"]}
    fresh_hello, events = run(read_events(f"{url}?after=3&epoch={beyond[0]['epoch']}", 2))
    assert [event["seq"] for event in events] == [4, 5]
    assert fresh_hello["epoch"] == beyond[0]["epoch"]


def test_event_committed_but_not_yet_published_is_not_sent_twice() -> None:
    """The backlog read can see an event whose publish has not run yet (the commit is
    done, the callback comes a moment later): the reader gets it live, once."""
    texts = [
        Event(
            seq, EventType.ENTRY_PUBLISHED, "2020-01-22T05:00:00Z", "h", {"id": str(seq)}
        ).encode()
        for seq in range(1, 12)
    ]
    store = RecordingStore(texts)  # storage has 11 events
    sink = RecordingSink()
    channel = Channel("h", 10, keep=5, buffer_limit=1 << 20)  # memory has seen 10

    async def scenario() -> None:
        assert await live.catch_up(SimpleNamespace(store=store), sink, channel, 0)  # type: ignore[arg-type]
        channel.receive(Message("h", 11, texts[10], "11"))  # the late publish
        await asyncio.sleep(0.01)  # broadcasts start on the loop's next turn

    run(scenario())
    seqs = [json.loads(frame[frame.index(b"{") :])["seq"] for frame in sink.frames]
    assert seqs == list(range(1, 12))
