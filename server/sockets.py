"""uvicorn's sans-I/O WebSocket protocol with a `Sink` the hub can write frames to.

ASGI's `send()` is awaited once per message and, in uvicorn, waits while a client's
write buffer is full: a fan-out loop over it stalls on one slow reader and costs a
coroutine step per reader. This protocol adds a synchronous `write()` of one
pre-encoded frame, the buffer size the hub checks against the reader's limit, and a
close with 1013 that does not wait for the reader. Handshake, pings, limits and
everything else stay uvicorn's.

Reader sockets are served by the `ReaderService` the app puts in its lifespan state
(`server.live.Readers`), called from the connection's task in place of the ASGI app.
A reader, once caught up, is `detach()`ed: the task ends and the connection lives
on as this protocol object alone, written to by the hub, answering pings, counting
(and ignoring) what the client sends. That drops the task, its coroutine frames through
the middleware stack, the scope and the handshake objects: at 10k readers most of the
memory per reader and most of what the garbage collector walks (see docs/benchmarks.md).
The receive queue and the writable flag are small slotted stand-ins for
`asyncio.Queue`/`asyncio.Event`, which cost four deques (~2.5 KB) per connection.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import random
import socket
import struct
import time
from collections import deque
from collections.abc import Callable
from typing import Any, Protocol

from uvicorn.protocols.utils import ClientDisconnected
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.frames import Frame
from websockets.protocol import State

from server.model import CloseCode

logger = logging.getLogger(__name__)

READER_SERVICE = "courtwire.readers"
"""Key, in the app's lifespan state, of the `ReaderService`."""
KERNEL_UNSENT = 64 * 1024
"""Bytes not yet sent that the kernel holds for one reader (TCP_NOTSENT_LOWAT); the
rest waits in the transport's buffer, where the hub counts it against the limit."""
CLIENT_MESSAGES_PER_MINUTE = 30
"""Readers have nothing to say; past this many messages (pings included) a minute they
are closed, 1008."""
READER_BUFFER = 1024 * 1024
"""Bytes queued for a reader before it is closed as too slow (the reader service sets
each connection's `buffer_limit` from `Settings.reader_buffer`)."""


FREEZE_EVERY = 100
"""Detached readers between two `gc.freeze()` calls."""


class Freezer:
    """Keeps long-lived readers out of the garbage collector's full collections.

    A full collection walks every tracked object, ~40 per reader: at 10k readers that is
    a pause of 100-300 ms, and it comes whenever the objects promoted since the last one
    pass a quarter of the old generation - during a fan-out as likely as not. So, soon
    (0.1 s) after `FREEZE_EVERY` readers have been detached, a full collection clears
    the garbage of their handshakes (their ASGI tasks have ended by then; it is cheap,
    as it walks only what is not frozen yet: a few thousand objects) and `gc.freeze()`
    (a list splice) moves what survived into the permanent generation, which
    collections skip. A reader's objects
    hold no reference cycles once its connection is lost, so frozen readers are still
    freed, by reference counting, when they go (docs/benchmarks.md, "Garbage collection").
    """

    def __init__(self, every: int = FREEZE_EVERY, delay: float = 0.1) -> None:
        self.every = every
        self.delay = delay
        self.pending = 0
        self.scheduled = False

    def note(self, loop: asyncio.AbstractEventLoop) -> None:
        self.pending += 1
        if self.pending >= self.every and not self.scheduled:
            self.scheduled = True
            loop.call_later(self.delay, self.freeze)

    def freeze(self) -> None:
        self.scheduled = False
        self.pending = 0
        gc.collect()
        gc.freeze()


freezer = Freezer()


class Keepalive:
    """Every connection's pings and pong deadlines, on one timer.

    uvicorn arms a timer per connection for each ping and another for its pong: at 10k
    readers and 20 s, ~1,000 timer handles a second, each with its context and bound
    method, living for 20 s. Old ones dying offset new ones in the garbage collector's
    count, so the young generation grew to ~50k objects before it was collected: young
    collections of 20-40 ms of CPU, measured. Here connections wait in queues ordered by
    due time (the interval and the timeout are the same for all), holding no new
    tracked object per ping, and one timer ticks while anything waits. A closed
    connection stays queued (a few KB) until its turn comes and is skipped.
    """

    def __init__(self) -> None:
        self._start(None)

    def _start(self, loop: asyncio.AbstractEventLoop | None) -> None:
        self._loop = loop
        self._timer: asyncio.TimerHandle | None = None
        self._tick = 0.25
        self._ping_at: deque[float] = deque()
        self._ping_for: deque[FanoutProtocol] = deque()
        self._pong_by: deque[float] = deque()
        self._pong_for: deque[FanoutProtocol] = deque()
        self._pong_payload: deque[bytes] = deque()

    def ping_later(self, protocol: FanoutProtocol, delay: float) -> None:
        self._use(protocol.loop, delay)
        self._ping_at.append(protocol.loop.time() + delay)
        self._ping_for.append(protocol)
        self._arm()

    def pong_by(self, protocol: FanoutProtocol, timeout: float, payload: bytes) -> None:
        self._use(protocol.loop, timeout)
        self._pong_by.append(protocol.loop.time() + timeout)
        self._pong_for.append(protocol)
        self._pong_payload.append(payload)
        self._arm()

    def _use(self, loop: asyncio.AbstractEventLoop, period: float) -> None:
        if loop is not self._loop:  # a new server in this process (tests)
            self._start(loop)
        self._tick = min(self._tick, max(0.01, period / 4))

    def _arm(self) -> None:
        if self._timer is None and self._loop is not None:
            self._timer = self._loop.call_later(self._tick, self._run)

    def _run(self) -> None:
        self._timer = None
        assert self._loop is not None
        now = self._loop.time()
        while self._ping_at and self._ping_at[0] <= now:
            self._ping_at.popleft()
            self._ping_for.popleft().send_keepalive_ping()
        while self._pong_by and self._pong_by[0] <= now:
            self._pong_by.popleft()
            protocol = self._pong_for.popleft()
            if protocol.pending_ping_payload is self._pong_payload.popleft():
                protocol.keepalive_timeout()
        if self._ping_at or self._pong_by:
            self._arm()


keepalive = Keepalive()


class Inbox:
    """What `asyncio.Queue` does for uvicorn's receive side (one consumer), in ~200 bytes."""

    __slots__ = ("_items", "_waiter")

    def __init__(self) -> None:
        self._items: list[Any] = []
        self._waiter: asyncio.Future[None] | None = None

    def put_nowait(self, item: Any) -> None:
        self._items.append(item)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def get(self) -> Any:
        while not self._items:
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        return self._items.pop(0)

    def empty(self) -> bool:
        return not self._items

    def qsize(self) -> int:
        return len(self._items)


class Flag:
    """What `asyncio.Event` does for uvicorn's writable flag, without a deque per flag."""

    __slots__ = ("_set", "_waiters")

    def __init__(self) -> None:
        self._set = True
        self._waiters: list[asyncio.Future[None]] | None = None

    def is_set(self) -> bool:
        return self._set

    def set(self) -> None:
        self._set = True
        waiters, self._waiters = self._waiters, None
        for waiter in waiters or ():
            if not waiter.done():
                waiter.set_result(None)

    def clear(self) -> None:
        self._set = False

    async def wait(self) -> None:
        if self._set:
            return
        waiter = asyncio.get_running_loop().create_future()
        if self._waiters is None:
            self._waiters = []
        self._waiters.append(waiter)
        try:
            await waiter
        finally:
            if self._waiters is not None and waiter in self._waiters:
                self._waiters.remove(waiter)


def valid_utf8(data: bytes) -> bool:
    try:
        data.decode()
    except UnicodeDecodeError:
        return False
    return True


class ReaderService(Protocol):
    """Serves reader sockets on the protocol itself, without the ASGI app (server.live)."""

    def claims(self, path: str) -> bool: ...

    async def serve(self, sink: FanoutProtocol, path: str, query_string: bytes) -> None: ...


# uvicorn logs each accepted WebSocket at INFO: an access line per reader, which a
# reconnect storm turns into tens of thousands. Like the HTTP access log, it is off.
handshake_logger = logging.getLogger(f"{__name__}.handshakes")
handshake_logger.setLevel(logging.WARNING)


class FanoutProtocol(WebSocketsSansIOProtocol):
    def __init__(self, config: Any, *args: Any, **kwargs: Any) -> None:
        # Frames are encoded once for everybody: per-connection compression would break that.
        assert not config.ws_per_message_deflate, "permessage-deflate must be off"
        super().__init__(config, *args, **kwargs)
        self.logger = handshake_logger
        self.queue = Inbox()  # type: ignore[assignment]
        self.writable = Flag()  # type: ignore[assignment]
        self.detached = False
        self.on_lost: Callable[[], None] | None = None
        self.flood_window = 0.0
        self.flood_count = 0
        self.buffer_limit = READER_BUFFER

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        sock = transport.get_extra_info("socket")
        if sock is not None and hasattr(socket, "TCP_NOTSENT_LOWAT"):
            # Without this the kernel takes up to 4 MiB a socket that the reader has not
            # read: a stalled reader would hold that much before the hub's limit noticed.
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NOTSENT_LOWAT, KERNEL_UNSENT)

    def data_received(self, data: bytes) -> None:
        """uvicorn's, except that the frames parsed before a protocol error are handled
        first, in order: a reader closed for its 31st message or for text that is not
        UTF-8 gets that code even when a bad frame follows in the same read."""
        self.conn.receive_data(data)
        self.handle_events()
        if self.conn.parser_exc is not None and not self.transport.is_closing():
            self.handle_parser_exception()

    # Keepalive through the shared `keepalive` queues instead of a timer per connection.

    def schedule_ping(self) -> None:
        assert self.ping_interval is not None
        keepalive.ping_later(self, self.ping_interval)

    def send_keepalive_ping(self) -> None:
        if self.close_sent or self.transport.is_closing():
            return
        self.pending_ping_payload = payload = struct.pack("!I", random.getrandbits(32))
        self.ping_sent_at = self.loop.time()
        self.conn.send_ping(payload)
        self.transport.write(b"".join(self.conn.data_to_send()))
        if self.ping_timeout is not None:
            keepalive.pong_by(self, self.ping_timeout, payload)
        else:
            self.schedule_ping()

    def handle_ping(self) -> None:
        """Answer a ping, counting the pong like every byte queued for this reader.

        uvicorn writes each pong at once, whatever is buffered: a client that sends pings
        and never reads the pongs grew the server's memory without bound. Here a ping is a
        message like any other (past `CLIENT_MESSAGES_PER_MINUTE`, 1008), a pong that
        would take the reader's buffer past its limit closes it as too slow (1013), and
        once a close is sent no pong is queued. Close frames, one per connection, are the
        only bytes written past the limit.
        """
        if self.conn.state is not State.OPEN:
            return  # the peer's close came in the same read: `handle_close` sends its echo
        pong = b"".join(self.conn.data_to_send())
        if self.close_sent or self.transport.is_closing() or self.flooding():
            return
        if self.buffered() + len(pong) > self.buffer_limit:
            self.close_too_slow()
            return
        self.transport.write(pong)

    def flooding(self) -> bool:
        """Count a message from the client; past the limit close it (1008) and say so."""
        now = time.monotonic()
        if now - self.flood_window > 60:
            self.flood_window, self.flood_count = now, 0
        self.flood_count += 1
        if self.flood_count <= CLIENT_MESSAGES_PER_MINUTE:
            return False
        logger.info("reader closed for flooding")
        self.close_now(CloseCode.POLICY_VIOLATION, "readers do not send messages")
        return True

    def handle_pong(self, event: Frame) -> None:
        if self.pending_ping_payload is None or bytes(event.data) != self.pending_ping_payload:
            return  # unsolicited, or the answer to an earlier ping
        self.last_ping_rtt = self.loop.time() - self.ping_sent_at
        self.pending_ping_payload = None
        if self.ping_timeout is not None:
            self.schedule_ping()

    def stop_keepalive(self) -> None:
        # Queued entries of a closed connection are skipped when they come due.
        self.pending_ping_payload = None

    def keepalive_timeout(self) -> None:
        """A reader that did not answer the ping is gone: drop the connection rather
        than wait, maybe forever, to flush what it will never read (uvicorn's close()
        waits for the write buffer to drain)."""
        unanswered = not self.close_sent and not self.transport.is_closing()
        super().keepalive_timeout()
        if unanswered and self.transport.get_write_buffer_size():
            self.transport.abort()

    async def accept(self) -> None:
        await self.send({"type": "websocket.accept"})

    async def deny(self, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        """Refuse the handshake with an HTTP response."""
        await self.send(
            {"type": "websocket.http.response.start", "status": status, "headers": headers}
        )
        await self.send({"type": "websocket.http.response.body", "body": body})

    # The Sink interface (server.hub.fanout.Sink)

    def write(self, frame: bytes) -> None:
        if not self.close_sent and not self.transport.is_closing():
            self.transport.write(frame)

    def buffered(self) -> int:
        return int(self.transport.get_write_buffer_size())

    def close_too_slow(self) -> None:
        self.close_now(CloseCode.TRY_AGAIN_LATER, "reader too slow")

    def close_now(self, code: int, reason: str) -> None:
        """Queue a close frame behind what is buffered; drop the connection if the
        reader has not taken it within the close timeout. Nothing if the reader's own
        close came first (in the same read, parsed before this): its echo goes out."""
        if self.close_sent or self.transport.is_closing() or self.conn.state is not State.OPEN:
            return
        if not self.detached:
            self.queue.put_nowait({"type": "websocket.disconnect", "code": code, "reason": reason})
        self.conn.send_close(code, reason)
        self.transport.write(b"".join(self.conn.data_to_send()))
        self.close_sent = True
        if self.read_paused:
            self.read_paused = False
            self.transport.resume_reading()
        self.close_timer = self.loop.call_later(self.close_timeout, self.transport.abort)

    async def drained(self, patience: float) -> bool:
        """Wait until the transport takes more; False if it did not within `patience` s."""
        try:
            async with asyncio.timeout(patience):
                await self.writable.wait()
        except TimeoutError:
            return False
        return True

    # Detached readers: the connection without its ASGI task

    def detach(self, on_lost: Callable[[], None]) -> None:
        """The app is done with this reader and its task may end: the connection stays
        open, the hub keeps writing to it, and `on_lost` runs once it is gone (at once if
        it already is)."""
        if self.disconnected:
            on_lost()
            return
        self.detached = True
        self.on_lost = on_lost
        # Only the handshake and the app needed these.
        self.request = None  # type: ignore[assignment]
        self.response = None  # type: ignore[assignment]
        self.scope = None  # type: ignore[assignment]
        self.queue = Inbox()  # type: ignore[assignment]
        if self.read_paused:
            self.read_paused = False
            self.transport.resume_reading()
        freezer.note(self.loop)

    def send_receive_event_to_app(self) -> None:
        if not self.detached:
            super().send_receive_event_to_app()
            return
        data = b"".join(self.frames)
        self.frames = []
        if self.close_sent:
            return
        if self.curr_msg_data_type == "text" and not valid_utf8(data):
            self.close_now(CloseCode.INVALID_DATA, "text is not UTF-8")
            return
        self.flooding()

    def connection_lost(self, exc: Exception | None) -> None:
        super().connection_lost(exc)
        # The frame parser is a generator whose frame refers back to its protocol: a
        # reference cycle, which a frozen reader would never lose. Closing it breaks it.
        self.conn.parser.close()
        on_lost, self.on_lost = self.on_lost, None
        if on_lost is not None:
            on_lost()

    async def run_asgi(self) -> None:
        """uvicorn's, except that the reader service serves the paths it claims, and a
        detached connection stays open when that returns."""
        readers: ReaderService | None = self.app_state.get(READER_SERVICE)
        path = self.scope["path"]
        result = None
        try:
            if readers is not None and readers.claims(path):
                await readers.serve(self, path, self.scope["query_string"])
            else:
                result = await self.app(self.scope, self.receive, self.send)
        except ClientDisconnected:
            pass
        except BaseException:
            self.logger.exception("Exception in ASGI application\n")
            self.send_500_response()
        else:
            if not self.handshake_complete:
                self.logger.error("ASGI callable returned without completing handshake.")
                self.send_500_response()
            elif result is not None:
                self.logger.error("ASGI callable should return None, but returned '%s'.", result)
        if self.close_timer is None and not self.detached:
            self.transport.close()
