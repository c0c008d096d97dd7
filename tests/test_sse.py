"""Server-Sent Events (`/h/{slug}/events.sse`): the reader WebSocket's stream over plain
HTTP, with its guarantees: the same events in the same order, no gap and no duplicate
across a reconnect with `Last-Event-ID`, a reset for a history it cannot resume, keepalive
comments, and a reader too slow to keep up dropped (to resume) rather than buffered."""

from __future__ import annotations

import asyncio
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import websockets

from courtwire.hub.fanout import Channel, text_frame
from courtwire.messages import Message
from courtwire.model import Role
from courtwire.sse import EventStream, message_bytes
from tests.support import LiveServer, Staff, new_id, run


@dataclass
class Received:
    """What an SSE client got: each message's id (or None) and JSON, and the comments."""

    messages: list[tuple[str | None, dict[str, Any]]] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)

    @property
    def events(self) -> list[dict[str, Any]]:
        return [data for _, data in self.messages if "seq" in data]


class SSEClient:
    """A plain HTTP client reading one event stream message by message."""

    def __init__(self, url: str, headers: dict[str, str] | None = None) -> None:
        self._client = httpx.Client(timeout=20)
        self._context = self._client.stream("GET", url, headers=headers)
        self.response = self._context.__enter__()
        self._lines = self.response.iter_lines()
        self.received = Received()

    def __enter__(self) -> SSEClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self._context.__exit__(None, None, None)
        self._client.close()

    def next(self) -> dict[str, Any] | None:
        """The next message's data (comments noted on the way); None at the end."""
        event_id: str | None = None
        data: list[str] = []
        for line in self._lines:
            if line == "":
                if data:
                    message = json.loads("\n".join(data))
                    self.received.messages.append((event_id, message))
                    return message
                continue
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if name == "":
                self.received.comments.append(value)
            elif name == "id":
                event_id = value
            elif name == "data":
                data.append(value)
        return None

    def take(self, count: int) -> list[dict[str, Any]]:
        return [message for message in (self.next() for _ in range(count)) if message]


def test_an_sse_reader_sees_exactly_what_a_websocket_reader_sees_across_a_reconnect(
    server: LiveServer, editor: Staff, reporter: Staff, hearing: dict[str, Any]
) -> None:
    slug = str(hearing["slug"])
    ids = [new_id() for _ in range(3)]
    for number, entry_id in enumerate(ids):
        answer = reporter.client.post(
            f"/api/hearings/{slug}/entries", json={"id": entry_id, "body": f"Update {number}."}
        )
        assert answer.status_code == 201
    # A WebSocket reader alongside, from the same point on: it sees the deletion below
    # live too, where a later reader would get seq 1 as a tombstone.
    socket_ready = threading.Event()
    with ThreadPoolExecutor(1) as pool:
        socket_reader = pool.submit(asyncio.run, socket_events(server, slug, 8, socket_ready))
        assert socket_ready.wait(20)
        streamed = sse_session(server, editor, reporter, slug, ids)
        _, from_socket = socket_reader.result(timeout=30)
    assert streamed == from_socket  # the same events, in order, each once
    assert [event["seq"] for event in streamed] == list(range(1, 9))


async def socket_events(
    server: LiveServer, slug: str, count: int, ready: threading.Event
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    async with websockets.connect(f"{server.ws_url}/ws/hearings/{slug}?after=0") as ws:
        hello = json.loads(await ws.recv())
        events = [json.loads(await ws.recv()) for _ in range(3)]
        ready.set()
        async with asyncio.timeout(20):
            while len(events) < count:
                events.append(json.loads(await ws.recv()))
    return hello, events


def sse_session(
    server: LiveServer, editor: Staff, reporter: Staff, slug: str, ids: list[str]
) -> list[dict[str, Any]]:
    """Read the stream, go away, come back with Last-Event-ID; every event read."""
    stream_url = f"{server.url}/h/{slug}/events.sse"
    with SSEClient(f"{stream_url}?after=0") as first:
        hello = first.next()
        assert hello is not None
        assert (hello["type"], hello["hearing"], hello["last_seq"]) == ("hello", slug, 3)
        assert [event["seq"] for event in first.take(3)] == [1, 2, 3]
        assert first.response.headers["content-type"].startswith("text/event-stream")
        # Live: an event committed while the stream is open.
        assert reporter.client.delete(f"/api/hearings/{slug}/entries/{ids[0]}").status_code == 200
        assert [event["seq"] for event in first.take(1)] == [4]
        last_id = first.received.messages[-1][0]
    assert last_id == "4"
    # Away: a revision, a new post and a hearing change; then back with Last-Event-ID,
    # which wins over the `after` in the address.
    patched = reporter.client.patch(
        f"/api/hearings/{slug}/entries/{ids[1]}", json={"body": "Update 1, corrected."}
    )
    assert patched.status_code == 200
    assert reporter.post(slug, "While away.").status_code == 201
    assert (
        editor.client.patch(f"/api/hearings/{slug}", json={"status": "recess"}).status_code == 200
    )
    with SSEClient(f"{stream_url}?after=0", {"Last-Event-ID": last_id}) as second:
        assert second.next() == {
            "type": "hello",
            "hearing": slug,
            "last_seq": 7,
            "epoch": hello["epoch"],
        }
        second.take(3)
        assert reporter.post(slug, "Live again.").status_code == 201
        second.take(1)
    sent_ids = [event_id for event_id, data in first.received.messages + second.received.messages]
    assert sent_ids == [None, "1", "2", "3", "4", None, "5", "6", "7", "8"]
    return first.received.events + second.received.events


def test_an_sse_reader_from_beyond_the_log_or_another_epoch_gets_a_reset_and_the_end(
    server: LiveServer, reporter: Staff, hearing: dict[str, Any]
) -> None:
    slug = str(hearing["slug"])
    assert reporter.post(slug, "One.").status_code == 201
    url = f"{server.url}/h/{slug}/events.sse"
    for address, headers in (
        (f"{url}?after=5", {}),
        (f"{url}?after=0", {"Last-Event-ID": "2"}),
        (f"{url}?after=1&epoch=another-history", {}),
    ):
        with SSEClient(address, headers) as client:
            hello, reset = client.take(2)
            assert hello["type"] == "hello"
            assert reset == {"type": "reset", "last_seq": 1, "epoch": hello["epoch"]}
            assert client.next() is None  # the server ended the stream


def test_an_sse_request_is_checked_like_the_socket(
    server: LiveServer, hearing: dict[str, Any]
) -> None:
    slug = str(hearing["slug"])
    bad = httpx.get(f"{server.url}/h/{slug}/events.sse?after=-1")
    assert (bad.status_code, bad.json()["error"]["field"]) == (400, "after")
    header = httpx.get(f"{server.url}/h/{slug}/events.sse", headers={"Last-Event-ID": "x"})
    assert header.status_code == 400
    missing = httpx.get(f"{server.url}/h/no-such-hearing/events.sse")
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "hearing_not_found")


def test_an_idle_sse_stream_carries_keepalive_comments(tmp_path: Path) -> None:
    live = LiveServer(tmp_path, ping_interval="0.2")
    live.start()
    try:
        with Staff(live, live.staff("sse-editor", Role.EDITOR)) as editor:
            slug = editor.create_hearing("R v Quiet", status="live")["slug"]
        with SSEClient(f"{live.url}/h/{slug}/events.sse") as client:
            assert client.next() is not None  # the hello
            for line in client._lines:
                if line.startswith(":"):
                    break
            assert line == ": keepalive"
    finally:
        live.stop()


def test_the_hub_drops_an_sse_reader_that_does_not_keep_up() -> None:
    async def scenario() -> None:
        channel = Channel("h", last_seq=0, keep=10, buffer_limit=300)
        slow, quick = EventStream(), EventStream()
        channel.join(slow)
        channel.join(quick)
        sent: list[bytes] = []

        async def network(message: Any) -> None:
            sent.append(message["body"])

        pumping = asyncio.create_task(quick.pump(network, keepalive=60))
        text = json.dumps({"seq": 0, "data": "x" * 100})
        for seq in range(1, 6):
            channel.receive(Message("h", seq, text.replace('"seq": 0', f'"seq": {seq}')))
            await asyncio.sleep(0)
            await asyncio.sleep(0)
        assert slow not in channel.live  # its unsent bytes passed the limit
        assert quick in channel.live
        await asyncio.wait_for(slow.pump(network, keepalive=60), 1)  # ends at once
        assert b"".join(sent).count(b"\n\n") == 5
        assert b"id: 5\ndata: " in b"".join(sent)
        pumping.cancel()

    run(scenario())


def test_one_frame_becomes_one_sse_message_with_its_seq_as_id() -> None:
    small = text_frame('{"seq":7,"type":"entry.published"}')
    assert message_bytes(small) == b'id: 7\ndata: {"seq":7,"type":"entry.published"}\n\n'
    big = '{"type":"hello","pad":"' + "y" * 70_000 + '"}'
    assert message_bytes(text_frame(big)) == b"data: " + big.encode() + b"\n\n"
    medium = '{"seq":8,"pad":"' + "z" * 1000 + '"}'
    assert message_bytes(text_frame(medium)).startswith(b"id: 8\ndata: {")
