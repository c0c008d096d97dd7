"""Slow and hostile readers: nobody else waits for them, and none of them holds memory.

The readers here are minimal raw WebSocket clients (an asyncio protocol per connection),
so that 500 of them fit in the test process without their own overhead drowning the
server's delivery latency in noise.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import secrets
import socket
import statistics
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets

from courtwire.model import Role
from tests.support import LiveServer, Staff, auth, new_id, read_events, run

NORMAL_READERS = 500
CLOSE = 0x8
PING = 0x9
TEXT = 0x1


def handshake(slug: str, after: int = 0) -> bytes:
    key = base64.b64encode(secrets.token_bytes(16)).decode()
    return (
        f"GET /ws/hearings/{slug}?after={after} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    ).encode()


def client_frame(opcode: int, payload: bytes) -> bytes:
    """A masked client frame (payloads under 126 bytes: pongs and closes)."""
    assert len(payload) < 126
    mask = secrets.token_bytes(4)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return bytes([0x80 | opcode, 0x80 | len(payload)]) + mask + masked


def split_frames(buffer: bytearray) -> list[tuple[int, bytes]]:
    """Take every complete unmasked server frame off the front of `buffer`."""
    frames = []
    while len(buffer) >= 2:
        length = buffer[1] & 0x7F
        header = 2
        if length == 126:
            if len(buffer) < 4:
                break
            length, header = int.from_bytes(buffer[2:4], "big"), 4
        elif length == 127:
            if len(buffer) < 10:
                break
            length, header = int.from_bytes(buffer[2:10], "big"), 10
        if len(buffer) < header + length:
            break
        frames.append((buffer[0] & 0x0F, bytes(buffer[header : header + length])))
        del buffer[: header + length]
    return frames


def upgrade(sock: socket.socket, slug: str, after: int = 0) -> bytearray:
    """Open a reader socket on a connected blocking `sock`: what came after the 101."""
    sock.sendall(handshake(slug, after))
    received = bytearray()
    while b"\r\n\r\n" not in received:
        chunk = sock.recv(65536)
        assert chunk, "closed during the handshake"
        received += chunk
    status, _, rest = bytes(received).partition(b"\r\n\r\n")
    assert status.startswith(b"HTTP/1.1 101"), status
    return bytearray(rest)


def close_code(payload: bytes) -> int:
    return int.from_bytes(payload[:2], "big") if len(payload) >= 2 else 1005


class RawReader(asyncio.Protocol):
    """A reader that takes everything as fast as the loop lets it and notes when each
    event arrived (perf_counter) by seq."""

    def __init__(self, slug: str) -> None:
        self.slug = slug
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.upgraded = False
        self.hello: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.arrivals: dict[int, float] = {}
        self.order: list[int] = []
        self.closed_with: int | None = None
        self.lost = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        transport.write(handshake(self.slug))

    def data_received(self, data: bytes) -> None:
        moment = time.perf_counter()
        self.buffer += data
        if not self.upgraded:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            assert self.buffer.startswith(b"HTTP/1.1 101"), bytes(self.buffer[:200])
            del self.buffer[: end + 4]
            self.upgraded = True
        for opcode, payload in split_frames(self.buffer):
            if opcode == TEXT:
                if payload.startswith(b'{"seq":'):  # an event: its seq, without decoding it all
                    seq = int(payload[7 : payload.index(b",", 7)])
                    self.arrivals[seq] = moment
                    self.order.append(seq)
                else:
                    message = json.loads(payload)
                    if message["type"] == "hello":
                        self.hello.set_result(message)
            elif opcode == PING:
                assert self.transport is not None
                self.transport.write(client_frame(0xA, payload))
            elif opcode == CLOSE:
                self.closed_with = close_code(payload)
                assert self.transport is not None
                self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.lost.done():
            self.lost.set_result(None)

    async def close(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(client_frame(CLOSE, (1000).to_bytes(2, "big")))
            self.transport.close()
        try:
            await asyncio.wait_for(asyncio.shield(self.lost), 5)
        except TimeoutError:
            assert self.transport is not None
            self.transport.abort()


async def open_reader(port: int, slug: str) -> RawReader:
    loop = asyncio.get_running_loop()
    _, reader = await loop.create_connection(lambda: RawReader(slug), "127.0.0.1", port)
    await asyncio.wait_for(reader.hello, 20)
    return reader


async def stalled_socket(port: int, slug: str) -> socket.socket:
    """A connection that completes the handshake and then reads nothing at all; a small
    receive buffer, so the server's side fills soon."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.setblocking(False)
    loop = asyncio.get_running_loop()
    await loop.sock_connect(sock, ("127.0.0.1", port))
    await loop.sock_sendall(sock, handshake(slug))
    return sock


async def drain_for_close_code(
    sock: socket.socket, already: bytes = b"", timeout: float = 20.0
) -> int | None:
    """Read what is left on a raw socket (after the bytes `already` read) up to the close
    frame; its code, or None if the connection ended or the time ran out without one."""
    loop = asyncio.get_running_loop()
    data = bytearray(already)
    upgraded = False
    try:
        async with asyncio.timeout(timeout):
            while True:
                if not upgraded and (end := data.find(b"\r\n\r\n")) >= 0:
                    del data[: end + 4]
                    upgraded = True
                if upgraded:
                    for opcode, payload in split_frames(data):
                        if opcode == CLOSE:
                            return close_code(payload)
                chunk = await loop.sock_recv(sock, 1 << 20)
                if not chunk:
                    return None
                data += chunk
    except (ConnectionResetError, TimeoutError):
        return None


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def open_sockets(pid: int) -> int:
    count = 0
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:"):
                count += 1
        except FileNotFoundError:
            pass
    return count


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[98]


async def post_updates(
    client: httpx.AsyncClient, slug: str, count: int, body: str, sent: dict[int, float]
) -> list[int]:
    """`count` posts, one every ~60 ms; notes when each seq was sent."""
    seqs = []
    for _ in range(count):
        started = time.perf_counter()
        response = await client.post(
            f"/api/hearings/{slug}/entries", json={"id": new_id(), "body": body}
        )
        assert response.status_code == 201, response.text
        seq = response.json()["seq"]
        sent[seq] = started
        seqs.append(seq)
        await asyncio.sleep(0.06)
    return seqs


class SlowReader:
    """A raw connection that reads 1 KB a second, resuming 20 events back (a phone that
    was away): its backlog and the updates that follow fill its queue."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.read = bytearray()
        self.task = asyncio.create_task(self._trickle())

    @classmethod
    async def connect(cls, port: int, slug: str, after: int) -> SlowReader:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.setblocking(False)
        loop = asyncio.get_running_loop()
        await loop.sock_connect(sock, ("127.0.0.1", port))
        await loop.sock_sendall(sock, handshake(slug, after))
        return cls(sock)

    async def _trickle(self) -> None:
        loop = asyncio.get_running_loop()
        while chunk := await loop.sock_recv(self.sock, 1024):
            self.read += chunk
            await asyncio.sleep(1)

    async def close_code(self) -> int | None:
        """Stop trickling, take the rest at full speed: the code of the close frame."""
        self.task.cancel()
        try:
            return await drain_for_close_code(self.sock, bytes(self.read))
        finally:
            self.sock.close()


def latencies(readers: list[RawReader], sent: dict[int, float], seqs: list[int]) -> list[float]:
    return [reader.arrivals[seq] - sent[seq] for reader in readers for seq in seqs]


def start_with(server: LiveServer, **settings: str) -> tuple[int, str]:
    """Start the server with these settings: its pid and an editor's token."""
    server.env.update(settings)
    server.start()
    assert server.process is not None
    return server.process.pid, server.staff("ed", Role.EDITOR)


def test_slow_reader_among_500_does_not_slow_the_others_and_is_closed_with_1013(
    fresh_server: LiveServer,
) -> None:
    """Rounds of updates without, then with, a slow reader (interleaved, so that the noise
    of a shared machine falls on both alike); each slow reader fills its 64 KiB queue
    and is closed with 1013 while the 500 others go on."""
    pid, token = start_with(fresh_server, COURTWIRE_READER_BUFFER="65536")
    with Staff(fresh_server, token) as editor:
        slug = editor.create_hearing("R v Crowd", status="live")["slug"]
    rounds, per_block = 6, 8
    body = "The witness said the cargo was declared. " * 70  # ~6 kB a frame with its HTML

    async def scenario() -> dict[str, Any]:
        readers: list[RawReader] = []
        for start in range(0, NORMAL_READERS, 50):
            readers += await asyncio.gather(
                *(open_reader(fresh_server.port, slug) for _ in range(start, start + 50))
            )
        sent: dict[int, float] = {}
        without: list[int] = []
        with_slow: list[int] = []
        slow_readers: list[SlowReader] = []
        codes: list[asyncio.Task[int | None]] = []
        async with httpx.AsyncClient(
            base_url=fresh_server.url, headers=auth(token), timeout=30
        ) as client:
            await post_updates(client, slug, 20, body, sent)  # warm up; the backlog
            rss_before = rss_kib(pid)
            for _ in range(rounds):
                without += await post_updates(client, slug, per_block, body, sent)
                slow = await SlowReader.connect(fresh_server.port, slug, max(sent) - 20)
                slow_readers.append(slow)
                with_slow += await post_updates(client, slug, per_block, body, sent)
                # Its queue filled during the block; it takes the rest (and its close
                # frame) at full speed now, within the server's close grace.
                codes.append(asyncio.create_task(slow.close_code()))
            without += await post_updates(client, slug, per_block, body, sent)
        total = max(sent)
        async with asyncio.timeout(20):
            while any(len(r.arrivals) < total for r in readers if r.closed_with is None):
                await asyncio.sleep(0.05)
        rss_after = rss_kib(pid)
        result = {
            "without": latencies(readers, sent, without),
            "with": latencies(readers, sent, with_slow),
            "orders": [r.order for r in readers],
            "closed": [r.closed_with for r in readers if r.closed_with is not None],
            "slow_codes": await asyncio.gather(*codes),
            "slow_read": [len(slow.read) for slow in slow_readers],  # before the close
            "rss": (rss_before, rss_after),
            "total": total,
        }
        await asyncio.gather(*(reader.close() for reader in readers))
        return result

    result = run(scenario())
    without, with_slow = p99(result["without"]) * 1000, p99(result["with"]) * 1000
    rss_before, rss_after = result["rss"]
    print(
        f"\n{NORMAL_READERS} readers, {rounds} rounds of {per_block} updates without and with"
        f" a slow reader: p99 latency without {without:.1f} ms, with {with_slow:.1f} ms"
        f" (ratio {with_slow / without:.2f}); slow readers trickled {result['slow_read']} bytes,"
        f" closed with {result['slow_codes']}; server RSS {rss_before / 1024:.1f} MiB ->"
        f" {rss_after / 1024:.1f} MiB"
    )
    assert result["closed"] == [], "a normal reader was closed"
    for order in result["orders"]:
        assert order == list(range(1, result["total"] + 1))
    assert result["slow_codes"] == [1013] * rounds
    # A guard against the others waiting on the slow reader (which would cost them
    # seconds: it never drains), not the 1.2x goal: that is measured by
    # `bench.run --scenario slow`, at 10k readers and over repeated runs, since one run
    # on shared cores, beside another test worker, varies by more (0.75-2.7x seen here).
    assert with_slow <= 2 * without + 250, "the slow readers slowed the others down"
    # Each slow reader was sent ~50 events it never took; bounded means the server let
    # go of them, and grew by no more than a small allowance for the 500 readers.
    assert rss_after - rss_before < 32 * 1024


def test_reader_that_never_reads_is_dropped_by_the_ping_timeout(
    fresh_server: LiveServer,
) -> None:
    """Stalled readers, some with nothing pending and some with a backed-up buffer that is
    under the too-slow limit: the ping goes unanswered, and the server lets go of them."""
    pid, token = start_with(fresh_server, COURTWIRE_PING_INTERVAL="2", COURTWIRE_PING_TIMEOUT="1")
    with Staff(fresh_server, token) as editor:
        busy = editor.create_hearing("R v Busy", status="live")["slug"]
        quiet = editor.create_hearing("R v Quiet", status="live")["slug"]
    body = "x" * 5000

    async def scenario() -> tuple[int, int, int]:
        baseline = open_sockets(pid)
        stalled = [await stalled_socket(fresh_server.port, busy) for _ in range(5)]
        stalled += [await stalled_socket(fresh_server.port, quiet) for _ in range(5)]
        await asyncio.sleep(0.2)
        held = open_sockets(pid)
        async with httpx.AsyncClient(
            base_url=fresh_server.url, headers=auth(token), timeout=30
        ) as client:
            # ~400 kB for each busy reader, under the 1 MiB limit: the hub keeps them.
            for _ in range(5):
                responses = await asyncio.gather(
                    *(
                        client.post(
                            f"/api/hearings/{busy}/entries", json={"id": new_id(), "body": body}
                        )
                        for _ in range(8)
                    )
                )
                assert all(response.status_code == 201 for response in responses)
        deadline = time.monotonic() + 15
        left = held
        while time.monotonic() < deadline:
            left = open_sockets(pid)
            if left <= baseline:
                break
            await asyncio.sleep(0.2)
        for sock in stalled:
            sock.close()
        return baseline, held, left

    baseline, held, left = run(scenario())
    print(f"\nserver sockets: {baseline} before, {held} with 10 stalled readers, {left} after")
    # The baseline may include the set-up's own HTTP connection, still closing.
    assert held - left >= 10, "the stalled readers were not all held, then dropped"
    assert left <= baseline


async def read_until_closed(ws: websockets.ClientConnection) -> None:
    async with asyncio.timeout(10):
        while True:
            await ws.recv()


def test_frame_over_64_kib_is_refused_with_1009_and_the_server_goes_on(
    server: LiveServer, hearing: dict[str, Any]
) -> None:
    url = f"{server.ws_url}/ws/hearings/{hearing['slug']}"

    async def scenario() -> tuple[int | None, int | None]:
        async with websockets.connect(url, compression=None, max_size=None) as ws:
            await ws.recv()
            await ws.send("x" * (64 * 1024 + 1))
            with pytest.raises(websockets.ConnectionClosed):
                await read_until_closed(ws)
            big = ws.close_code
        async with websockets.connect(url, compression=None) as ws:
            await ws.recv()
            await ws.send("x" * (64 * 1024))  # exactly the limit: allowed, though ignored
            await ws.ping()
            ok = ws.close_code
        return big, ok

    big, ok = run(scenario())
    assert big == 1009
    assert ok is None
    assert httpx.get(f"{server.url}/healthz").status_code == 200


def test_reader_that_keeps_sending_messages_is_closed_with_1008(
    server: LiveServer, hearing: dict[str, Any]
) -> None:
    url = f"{server.ws_url}/ws/hearings/{hearing['slug']}"

    async def scenario() -> int | None:
        async with websockets.connect(url, compression=None) as ws:
            await ws.recv()
            try:
                for n in range(200):
                    await ws.send(f"hello {n}")
                    await asyncio.sleep(0.001)
            except websockets.ConnectionClosed:
                pass
            with pytest.raises(websockets.ConnectionClosed):
                await read_until_closed(ws)
            return ws.close_code

    assert run(scenario()) == 1008


def test_reader_that_pings_and_never_reads_the_pongs_is_closed_before_2_mib_are_queued(
    server: LiveServer, hearing: dict[str, Any]
) -> None:
    """Every byte queued for a reader counts, pongs too: a client that sends 8 MiB worth
    of pings without reading is closed long before 2 MiB of pongs wait for it. What it
    reads afterwards is all the server ever queued for it (nothing queued is dropped
    short of an abort), so counting the pongs read measures the server's buffer."""
    ping = client_frame(PING, b"p" * 125)  # one mask for all: allowed, and fast
    pong_size = 2 + 125
    batch = 512
    batches = 8 * 1024 * 1024 // pong_size // batch
    sent = 0
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        rest = upgrade(sock, hearing["slug"])
        try:
            for _ in range(batches):
                sock.sendall(ping * batch)
                sent += batch
        except OSError:  # the server dropped the connection: it stopped reading us
            pass
        # Generous: on a busy machine the server may take seconds to reach this socket.
        sock.settimeout(15)
        buffer = rest
        pongs = 0
        code = None
        while code is None and pongs * pong_size < 4 * 1024 * 1024:
            for opcode, payload in split_frames(buffer):
                if opcode == 0xA:
                    pongs += 1
                elif opcode == CLOSE:
                    code = close_code(payload)
            if code is None:
                try:
                    chunk = sock.recv(65536)
                except (TimeoutError, ConnectionResetError):
                    break
                if not chunk:
                    break
                buffer += chunk
    queued = pongs * pong_size
    print(f"\n{sent} pings sent ({sent * pong_size} bytes of pongs owed), {queued} queued")
    assert code in (1008, 1013), "the ping flood was not closed"
    assert queued < 2 * 1024 * 1024
    assert httpx.get(f"{server.url}/healthz").status_code == 200
    hello, _ = run(read_events(f"{server.ws_url}/ws/hearings/{hearing['slug']}", 0))
    assert hello["type"] == "hello"
