"""The log and the live push: every reader gets every event once, in order, with no gap."""

from __future__ import annotations

import asyncio
import json
import random
import socket
from itertools import chain
from typing import Any

import httpx
import websockets

from courtwire.model import Role
from tests.support import LiveServer, Staff, auth, new_id, read_events, run


def ws_url(server: LiveServer, slug: str, after: int | None = None) -> str:
    query = "" if after is None else f"?after={after}"
    return f"{server.ws_url}/ws/hearings/{slug}{query}"


def all_events(server: LiveServer, slug: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    while True:
        page = httpx.get(
            f"{server.url}/api/hearings/{slug}/events", params={"after": len(events), "limit": 1000}
        ).json()
        events.extend(page["events"])
        if len(events) >= page["last_seq"]:
            return events


async def post_many(server: LiveServer, token: str, slug: str, count: int) -> list[str]:
    ids = []
    async with httpx.AsyncClient(base_url=server.url, headers=auth(token), timeout=30) as client:
        for n in range(count):
            entry_id = new_id()
            response = await client.post(
                f"/api/hearings/{slug}/entries", json={"id": entry_id, "body": f"Update {n}"}
            )
            assert response.status_code == 201, response.text
            ids.append(entry_id)
    return ids


def test_three_reporters_posting_concurrently_reach_twenty_readers_exactly_once_in_order(
    server: LiveServer, hearing: dict[str, Any]
) -> None:
    slug = hearing["slug"]
    tokens = [server.staff(f"concurrent-{n}", Role.REPORTER) for n in range(3)]
    total = 300

    async def scenario() -> tuple[list[list[dict[str, Any]]], list[list[str]]]:
        readers = [
            asyncio.create_task(read_events(ws_url(server, slug), total, timeout=60))
            for _ in range(20)
        ]
        await asyncio.sleep(0.5)  # every reader has its hello before the first post
        posted = await asyncio.gather(*(post_many(server, t, slug, 100) for t in tokens))
        received = [events for _, events in await asyncio.gather(*readers)]
        return received, posted

    received, posted = run(scenario())
    stored = all_events(server, slug)
    assert [event["seq"] for event in stored] == list(range(1, total + 1))
    assert sorted(event["data"]["id"] for event in stored) == sorted(chain(*posted))
    for events in received:
        assert events == stored
    # Each reporter's own posts appear in the order that reporter sent them.
    order = {event["data"]["id"]: event["seq"] for event in stored}
    for ids in posted:
        assert [order[i] for i in ids] == sorted(order[i] for i in ids)


def test_reader_resuming_after_k_gets_exactly_the_rest_then_live_events(
    server: LiveServer, reporter: Staff, hearing: dict[str, Any]
) -> None:
    slug = hearing["slug"]
    for n in range(12):
        assert reporter.post(slug, f"Before {n}").status_code == 201

    async def scenario() -> tuple[dict[str, Any], list[dict[str, Any]]]:
        async with websockets.connect(ws_url(server, slug, after=7)) as ws:
            hello = json.loads(await ws.recv())
            backlog = [json.loads(await ws.recv()) for _ in range(5)]
            await asyncio.to_thread(reporter.post, slug, "Live one")
            await asyncio.to_thread(reporter.post, slug, "Live two")
            live = [json.loads(await ws.recv()) for _ in range(2)]
            try:
                extra = await asyncio.wait_for(ws.recv(), 0.5)
            except TimeoutError:
                extra = None
            assert extra is None, f"unexpected frame {extra}"
            return hello, backlog + live

    hello, events = run(scenario())
    assert hello["type"] == "hello"
    assert hello["last_seq"] == 12
    assert hello["hearing"] == slug
    assert [event["seq"] for event in events] == list(range(8, 15))
    assert [event["data"]["body"] for event in events[-2:]] == ["Live one", "Live two"]
    assert events[:5] == all_events(server, slug)[7:12]


def test_readers_connecting_while_posts_commit_never_miss_an_event(
    server: LiveServer, reporter: Staff, hearing: dict[str, Any]
) -> None:
    """Many readers join at random moments of a burst; each must see a contiguous log."""
    slug = hearing["slug"]
    posts = 60

    async def reader(after_delay: float) -> list[int]:
        await asyncio.sleep(after_delay)
        _, events = await read_events(ws_url(server, slug), posts, timeout=60)
        return [event["seq"] for event in events]

    async def scenario() -> list[list[int]]:
        rng = random.Random(7)
        readers = [asyncio.create_task(reader(rng.uniform(0, 1.5))) for _ in range(40)]
        await post_many(server, reporter.token, slug, posts)
        return await asyncio.gather(*readers)

    for seqs in run(scenario()):
        assert seqs == list(range(1, posts + 1))


def test_resume_with_a_seq_in_memory_and_one_beyond_memory_both_join_without_gap(
    fresh_server: LiveServer,
) -> None:
    """With only 5 events kept in memory, an old resume reads SQLite, a recent one does not;
    both continue live without gap or duplicate."""
    fresh_server.env["COURTWIRE_RECENT_EVENTS"] = "5"
    fresh_server.start()
    editor = Staff(fresh_server, fresh_server.staff("ed", Role.EDITOR))
    slug = editor.create_hearing("R v Memory", status="live")["slug"]
    for n in range(20):
        assert editor.post(slug, f"n{n}").status_code == 201

    async def scenario() -> list[list[int]]:
        async def follow(after: int) -> list[int]:
            _, events = await read_events(ws_url(fresh_server, slug, after), 23 - after)
            return [event["seq"] for event in events]

        tasks = [asyncio.create_task(follow(after)) for after in (0, 3, 17, 20)]
        await asyncio.sleep(0.5)
        for n in range(3):
            await asyncio.to_thread(editor.post, slug, f"live {n}")
        return await asyncio.gather(*tasks)

    old, older, recent, current = run(scenario())
    editor.client.close()
    assert old == list(range(1, 24))
    assert older == list(range(4, 24))
    assert recent == list(range(18, 24))
    assert current == [21, 22, 23]


def test_slow_reader_is_closed_with_1013_while_the_others_receive_everything(
    fresh_server: LiveServer,
) -> None:
    fresh_server.env["COURTWIRE_READER_BUFFER"] = "65536"
    fresh_server.start()
    editor = Staff(fresh_server, fresh_server.staff("ed", Role.EDITOR))
    slug = editor.create_hearing("R v Slow", status="live")["slug"]
    posts = 240
    body = "€" * 5000  # about 30 kB an event with its HTML: 7 MB in all, more than TCP buffers

    async def stalled_reader() -> int | None:
        # A raw socket that completes the handshake, then never reads: its kernel buffers
        # fill, then the server's, then the server closes it.
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.connect(("127.0.0.1", fresh_server.port))
        reader, writer = await asyncio.open_connection(sock=sock)
        writer.write(
            (
                f"GET /ws/hearings/{slug} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                "Sec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )
        await writer.drain()
        await asyncio.sleep(0.2)
        return await _closing_code(reader, writer, stall=until_done)

    until_done = asyncio.Event()

    async def scenario() -> tuple[list[list[dict[str, Any]]], int | None]:
        slow = asyncio.create_task(stalled_reader())
        readers = [
            asyncio.create_task(read_events(ws_url(fresh_server, slug), posts, timeout=60))
            for _ in range(5)
        ]
        await asyncio.sleep(0.5)
        async with httpx.AsyncClient(
            base_url=fresh_server.url, headers=auth(editor.token), timeout=30
        ) as client:

            async def post_some(count: int) -> None:
                for _ in range(count):
                    response = await client.post(
                        f"/api/hearings/{slug}/entries", json={"id": new_id(), "body": body}
                    )
                    assert response.status_code == 201

            await asyncio.gather(*(post_some(posts // 4) for _ in range(4)))
        received = [events for _, events in await asyncio.gather(*readers)]
        until_done.set()
        return received, await slow

    received, code = run(scenario())
    editor.client.close()
    for events in received:
        assert [event["seq"] for event in events] == list(range(1, posts + 1))
    assert code == 1013


async def _closing_code(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, stall: asyncio.Event
) -> int | None:
    """Stall until told, then read everything and return the close frame's code."""
    await stall.wait()
    data = b""
    try:
        async with asyncio.timeout(30):
            while chunk := await reader.read(1 << 20):
                data += chunk
    finally:
        writer.close()
        await writer.wait_closed()
    return _close_code(data.split(b"\r\n\r\n", 1)[1])


def _close_code(stream: bytes) -> int | None:
    """Walk unmasked server frames; the code of the close frame if one arrived whole."""
    at = 0
    while at + 2 <= len(stream):
        opcode = stream[at] & 0x0F
        length = stream[at + 1] & 0x7F
        header = 2
        if length == 126:
            length = int.from_bytes(stream[at + 2 : at + 4], "big")
            header = 4
        elif length == 127:
            length = int.from_bytes(stream[at + 2 : at + 10], "big")
            header = 10
        payload = stream[at + header : at + header + length]
        if len(payload) < length:
            return None
        if opcode == 0x8:
            return int.from_bytes(payload[:2], "big")
        at += header + length
    return None
