"""A reader swarm: many WebSocket readers over raw asyncio sockets, in a few processes.

Each reader is an `asyncio.Protocol` that does the client handshake by hand and then
parses server frames with the least work that still checks the stream: the event's
`seq` (the first field of every event) and the publisher's send time, which the
publisher writes into the entry body as `stamp=<time.time()>;`. Latency is the
reader's `time.time()` on receipt minus that stamp, on the same host.

Every reader counts gaps (a seq that skips) and duplicates (a seq it already had),
answers pings, and can be told to stop reading (a slow reader) or to drop its
connection and come back with jittered backoff, resuming with `after=` its last seq.

The orchestrator (`bench/run.py`) talks to each worker process over a pipe; a worker
runs one event loop (uvloop when installed, to keep the swarm cheap) and holds its
share of the readers.
"""

from __future__ import annotations

import asyncio
import base64
import os
import random
import time
from array import array
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

HANDSHAKE_LIMIT = 64 * 1024
STAMP = b"stamp="
SEQ = b'{"seq":'


class Reader(asyncio.Protocol):
    """One reader connection; `swarm` gathers what every reader sees."""

    __slots__ = (
        "after",
        "attempts",
        "buffer",
        "closed_code",
        "connected_at",
        "done",
        "dups",
        "gaps",
        "hello_seq",
        "index",
        "last_seq",
        "open",
        "path",
        "resumed_at",
        "slow",
        "swarm",
        "transport",
        "upgraded",
    )

    def __init__(self, swarm: Swarm, index: int, path: str, after: int) -> None:
        self.swarm = swarm
        self.index = index
        self.path = path
        self.after = after
        self.last_seq = after
        self.attempts = 0
        self.hello_seq = -1
        self.buffer = bytearray()
        self.upgraded = False
        self.open = False
        self.slow = False
        self.gaps = 0
        self.dups = 0
        self.closed_code = 0
        self.connected_at = 0.0
        self.resumed_at = 0.0
        self.transport: asyncio.Transport | None = None
        self.done: asyncio.Future[bool] = swarm.loop.create_future()

    # asyncio.Protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        key = base64.b64encode(os.urandom(16)).decode()
        request = (
            f"GET {self.path}?after={self.last_seq} HTTP/1.1\r\n"
            f"Host: {self.swarm.host}:{self.swarm.port}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        transport.write(request.encode())

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer
        buffer += data
        if not self.upgraded:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(buffer) > HANDSHAKE_LIMIT:
                    self._fail(-1)
                return
            if not buffer.startswith(b"HTTP/1.1 101"):
                self._fail(-int(buffer[9:12] or b"1"))
                return
            del buffer[: end + 4]
            self.upgraded = True
            self.open = True
            self.connected_at = time.time()
        pos = 0
        size = len(buffer)
        while size - pos >= 2:
            first = buffer[pos]
            length = buffer[pos + 1] & 0x7F
            head = 2
            if length == 126:
                if size - pos < 4:
                    break
                length = int.from_bytes(buffer[pos + 2 : pos + 4], "big")
                head = 4
            elif length == 127:
                if size - pos < 10:
                    break
                length = int.from_bytes(buffer[pos + 2 : pos + 10], "big")
                head = 10
            if size - pos < head + length:
                break
            start = pos + head
            pos = start + length
            opcode = first & 0x0F
            if opcode == 1:
                self._text(buffer, start, pos)
            elif opcode == 9:
                payload = bytes(buffer[start:pos])
                assert self.transport is not None
                # Client frames are masked; a zero mask leaves the payload as it is.
                self.transport.write(bytes([0x8A, 0x80 | len(payload)]) + b"\0\0\0\0" + payload)
            elif opcode == 8:
                code = int.from_bytes(buffer[start : start + 2], "big") if length >= 2 else 1005
                self.closed_code = code
                self.swarm.closes[code] = self.swarm.closes.get(code, 0) + 1
                assert self.transport is not None
                self.transport.write(b"\x88\x82\0\0\0\0" + code.to_bytes(2, "big"))
                self.transport.close()
        if pos:
            del buffer[:pos]

    def _text(self, buffer: bytearray, start: int, end: int) -> None:
        if buffer.startswith(SEQ, start):
            comma = buffer.index(b",", start + 7, end)
            seq = int(buffer[start + 7 : comma])
            last = self.last_seq
            if seq <= last:
                self.dups += 1
                return
            if seq != last + 1:
                self.gaps += seq - last - 1
            self.last_seq = seq
            swarm = self.swarm
            mark = buffer.find(STAMP, comma, end)
            if mark >= 0 and swarm.recording and not self.slow:
                stop = buffer.index(b";", mark, end)
                sent = float(buffer[mark + 6 : stop])
                swarm.record(seq, time.time() - sent)
            if seq == self.hello_seq:
                self.resumed_at = time.time()
            if swarm.target and seq >= swarm.target:
                swarm.reached += 1
                swarm.maybe_reached()
        elif buffer.startswith(b'{"type":"hello"', start):
            at = buffer.find(b'"last_seq":', start, end)
            stop = at + 11
            while buffer[stop] in b"0123456789":
                stop += 1
            self.hello_seq = int(buffer[at + 11 : stop])
            if self.hello_seq <= self.last_seq:
                self.resumed_at = time.time()
        elif buffer.startswith(b'{"type":"reset"', start):
            self.swarm.resets += 1

    def connection_lost(self, exc: Exception | None) -> None:
        self.open = False
        self.transport = None
        if not self.done.done():
            self.done.set_result(self.upgraded)
        self.swarm.lost(self)

    def _fail(self, code: int) -> None:
        self.closed_code = code
        self.swarm.refused += 1
        assert self.transport is not None
        self.transport.close()


class Swarm:
    """This process's readers and what they saw."""

    def __init__(self, host: str, port: int) -> None:
        self.loop = asyncio.get_running_loop()
        self.host = host
        self.port = port
        self.readers: list[Reader] = []
        self.latency: dict[int, array[float]] = {}
        self.recording = False
        self.closes: dict[int, int] = {}
        self.refused = 0
        self.resets = 0
        self.target = 0
        self.reached = 0
        self.reached_all: asyncio.Event = asyncio.Event()
        self.expected = 0
        self.reconnect: tuple[float, float] | None = None
        self.reconnect_tasks: set[asyncio.Task[None]] = set()

    def record(self, seq: int, seconds: float) -> None:
        found = self.latency.get(seq)
        if found is None:
            found = self.latency[seq] = array("d")
        found.append(seconds)

    def maybe_reached(self) -> None:
        if self.reached >= self.expected:
            self.reached_all.set()

    def lost(self, reader: Reader) -> None:
        if self.reconnect is not None and self.readers[reader.index] is reader:
            task = self.loop.create_task(self._come_back(reader))
            self.reconnect_tasks.add(task)
            task.add_done_callback(self.reconnect_tasks.discard)

    async def _come_back(self, old: Reader) -> None:
        """Reconnect after a jittered, exponentially growing pause, resuming after the
        last seq; a reader that is lost again before it resumed waits longer next time."""
        assert self.reconnect is not None
        first, cap = self.reconnect
        attempts = old.attempts + 1 if old.resumed_at == 0.0 else 0
        for _ in range(30):
            await asyncio.sleep(random.uniform(0, min(cap, first * 2**attempts)))
            if self.reconnect is None:
                return
            reader = Reader(self, old.index, old.path, old.last_seq)
            reader.gaps, reader.dups, reader.attempts = old.gaps, old.dups, attempts
            self.readers[old.index] = reader
            try:
                await self.loop.create_connection(lambda r=reader: r, self.host, self.port)
                return  # if it is lost again, lost() starts over
            except OSError:
                attempts += 1

    async def connect(self, paths: list[str], after: int, parallel: int) -> dict[str, Any]:
        """Open one reader per path, `parallel` handshakes at a time."""
        started = time.time()
        limit = asyncio.Semaphore(parallel)
        failed = 0

        async def one(index: int, path: str) -> None:
            nonlocal failed
            reader = Reader(self, index, path, after)
            self.readers.append(reader)
            async with limit:
                for attempt in range(5):
                    try:
                        await self.loop.create_connection(lambda: reader, self.host, self.port)
                        break
                    except OSError:
                        await asyncio.sleep(0.2 * (attempt + 1))
                else:
                    failed += 1
                    return
                while not reader.open and not reader.done.done():
                    await asyncio.sleep(0.01)

        await asyncio.gather(*(one(len(self.readers) + i, p) for i, p in enumerate(paths)))
        opened = sum(1 for r in self.readers if r.open)
        return {"seconds": time.time() - started, "open": opened, "failed": failed}

    def summary(self) -> dict[str, Any]:
        healthy = [r for r in self.readers if not r.slow]
        return {
            "readers": len(self.readers),
            "open": sum(1 for r in self.readers if r.open),
            "slow": len(self.readers) - len(healthy),
            "gaps": sum(r.gaps for r in healthy),
            "dups": sum(r.dups for r in healthy),
            "closes": dict(self.closes),
            "refused": self.refused,
            "resets": self.resets,
            "latency": {seq: values.tobytes() for seq, values in self.latency.items()},
            "last_seqs": [r.last_seq for r in healthy],
        }


async def serve_commands(pipe: Connection, host: str, port: int) -> None:
    swarm = Swarm(host, port)
    loop = asyncio.get_running_loop()
    handlers: dict[str, Callable[..., Any]] = {}

    async def connect(paths: list[str], after: int, parallel: int) -> dict[str, Any]:
        return await swarm.connect(paths, after, parallel)

    async def record(on: bool) -> None:
        swarm.recording = on
        if on:
            swarm.latency.clear()

    async def slow(fraction: float) -> int:
        """Stop reading on the first `fraction` of the readers (they stay connected)."""
        count = int(len(swarm.readers) * fraction)
        for reader in swarm.readers[:count]:
            reader.slow = True
            if reader.transport is not None:
                reader.transport.pause_reading()
        return count

    async def wait_seq(seq: int, timeout: float) -> dict[str, Any]:
        """Wait until every healthy open reader has `seq`; then how many have not."""
        started = time.time()
        swarm.target = seq
        healthy = [r for r in swarm.readers if not r.slow]
        swarm.reached = sum(1 for r in healthy if r.last_seq >= seq)
        swarm.expected = len(healthy)
        swarm.reached_all.clear()
        swarm.maybe_reached()
        try:
            async with asyncio.timeout(timeout):
                await swarm.reached_all.wait()
        except TimeoutError:
            pass
        swarm.target = 0
        missing = sum(1 for r in healthy if r.last_seq < seq)
        return {"seconds": time.time() - started, "missing": missing}

    async def drop(first: float, cap: float) -> float:
        """Abort every connection at once; readers come back with jittered backoff."""
        swarm.reconnect = (first, cap)
        at = time.time()
        for reader in list(swarm.readers):
            if reader.transport is not None:
                reader.transport.abort()
        return at

    async def resumed(since: float) -> dict[str, Any]:
        done = [r.resumed_at - since for r in swarm.readers if r.open and r.resumed_at >= since]
        return {"resumed": len(done), "latest": max(done, default=0.0)}

    async def stop_reconnecting() -> None:
        swarm.reconnect = None

    async def close() -> None:
        swarm.reconnect = None
        for reader in swarm.readers:
            if reader.transport is not None:
                reader.transport.abort()
        await asyncio.sleep(0.1)

    async def summary() -> dict[str, Any]:
        return swarm.summary()

    handlers.update(
        connect=connect,
        record=record,
        slow=slow,
        wait_seq=wait_seq,
        drop=drop,
        resumed=resumed,
        stop_reconnecting=stop_reconnecting,
        close=close,
        summary=summary,
    )
    while True:
        # A thread waits on the pipe: the loop's add_reader would make the pipe
        # non-blocking, and large summaries then fail half-sent.
        name, args = await loop.run_in_executor(None, pipe.recv)
        try:
            result = await handlers[name](*args)
            pipe.send(("ok", result))
        except Exception as error:
            pipe.send(("error", repr(error)))
        if name == "close":
            return


def worker(pipe: Connection, host: str, port: int) -> None:
    """Entry point of a swarm process."""
    try:
        import uvloop

        uvloop.run(serve_commands(pipe, host, port))
    except ImportError:
        asyncio.run(serve_commands(pipe, host, port))
