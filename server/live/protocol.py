"""The reader connection: WebSocket over websockets' sans-I/O `ServerProtocol`, on
uvicorn's transport, with a `Sink` the hub writes pre-encoded frames to.

What it needs from uvicorn is the small interface uvicorn keeps for its `ws` protocol
class (`uvicorn.run(ws=ReaderProtocol)`), and nothing else:

- the constructor, called with keywords `config=`, `server_state=`, `app_state=`
  (`H11Protocol.handle_websocket_upgrade`); of `config` it reads `ws_max_size`, of
  `server_state` the `connections` and `tasks` sets, and `app_state` is the dict the
  app's lifespan yielded, where it finds `LIVE` (a `Live`: the reader service, the
  keepalive, the freezer, the per-reader limit);
- `asyncio.Protocol`: `connection_made(transport)`, then `data_received` with the whole
  upgrade request re-serialized by uvicorn, then the transport calls it directly
  (`set_protocol`); `pause_writing`/`resume_writing`, `eof_received`, `connection_lost`;
- membership in `server_state.connections` while the connection is open (uvicorn waits
  for that set to empty on shutdown), tasks in `server_state.tasks`;
- `shutdown()`, which uvicorn calls on every connection when the server stops: close
  with 1012.

`tests/test_uvicorn_contract.py` checks each point against the installed uvicorn.

WebSocket itself is websockets' public sans-I/O API: `receive_data`/`receive_eof` in,
`events_received()` out (the handshake `Request`, then frames), `accept`/
`send_response`, `send_ping`, `send_close`, `fail`, `close_expected`, and
`data_to_send()` written to the transport (an empty chunk: close the TCP connection).
Data frames to readers are written to the transport directly: the hub encodes each
event once and the same bytes go to every reader (so no compression is negotiated).

Limits: client frames (messages) over `ws_max_size` → 1009 (websockets' parser);
more than `CLIENT_MESSAGES_PER_MINUTE` frames a minute → 1008 (readers have nothing to
say); every byte queued for a reader - data, pongs, closes - counts against the limit:
the hub closes a reader past it with 1013 when it writes the next event, and this
protocol closes one with 1008 when its own replies (pongs to a ping flood it does not
read) take it past; a ping unanswered for the timeout drops the connection.

Once caught up, a reader costs this object, websockets' protocol and the transport:
no task, no timer (pings ride the app's `Keepalive`), no ASGI scope.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import struct
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, cast
from urllib.parse import unquote

from websockets.datastructures import Headers
from websockets.frames import Frame, Opcode
from websockets.http11 import Request, Response
from websockets.protocol import State
from websockets.server import ServerProtocol

from courtwire.exceptions import NotFound, RateLimited
from courtwire.hub.fanout import Channel
from courtwire.live.addresses import Addresses
from courtwire.live.freezer import Freezer
from courtwire.live.keepalive import Keepalive
from courtwire.live.readers import Readers, deny, reader_slug
from courtwire.model import CloseCode

logger = logging.getLogger(__name__)

LIVE = "courtwire.live"
"""Key, in the app's lifespan state, of its `Live`."""
KERNEL_UNSENT = 64 * 1024
"""Bytes not yet sent that the kernel holds for one reader (TCP_NOTSENT_LOWAT); the
rest waits in the transport's buffer, where it counts against the limit."""
CLIENT_MESSAGES_PER_MINUTE = 30
"""Readers have nothing to say; past this many frames a minute they are closed, 1008."""
CLOSE_TIMEOUT = 10.0
"""Seconds a closing reader has to take the close frame before the connection is dropped."""

# websockets logs every handshake and close at INFO/DEBUG: a line per reader, which a
# reconnect storm turns into tens of thousands. Like the HTTP access log, it is off.
handshake_logger = logging.getLogger(f"{__name__}.handshakes")
handshake_logger.setLevel(logging.WARNING)


@dataclass(frozen=True)
class Live:
    """What the reader connections of one app share; made in the app's lifespan."""

    readers: Readers
    keepalive: Keepalive
    freezer: Freezer
    buffer_limit: int
    """Bytes queued for one reader before it is closed (Settings.reader_buffer)."""
    addresses: Addresses
    """Reader connections per client address (Settings.readers_per_address)."""


class ReaderProtocol(asyncio.Protocol):
    """One WebSocket connection; a reader socket or a 404."""

    __slots__ = (
        "_drain",
        "accepted",
        "channel",
        "client",
        "closing",
        "conn",
        "connections",
        "frames",
        "frozen",
        "gone",
        "live",
        "loop",
        "ping",
        "pinged",
        "response",
        "task",
        "tasks",
        "timer",
        "transport",
        "window",
    )

    def __init__(
        self,
        config: Any,
        server_state: Any,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        self.live: Live | None = app_state.get(LIVE)
        self.connections: set[Any] = server_state.connections
        self.tasks: set[asyncio.Task[None]] = server_state.tasks
        self.loop = _loop or asyncio.get_running_loop()
        self.conn = ServerProtocol(max_size=config.ws_max_size, logger=handshake_logger)
        self.transport: asyncio.Transport | None = None
        self.response: Response | None = None
        self.channel: Channel | None = None
        self.client: str | None = None
        self.task: asyncio.Task[None] | None = None
        self.timer: asyncio.TimerHandle | None = None
        self._drain: asyncio.Future[None] | None = None
        self.accepted = False
        self.closing = False
        self.gone = False
        self.ping = 0  # the number of the ping awaiting its pong; 0: none
        self.pinged = 0
        self.window = 0.0
        self.frames = 0
        self.frozen = 0

    # asyncio.Protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports are not subclasses of asyncio.Transport, only alike.
        self.transport = transport = cast(asyncio.Transport, transport)
        self.connections.add(self)
        sock = transport.get_extra_info("socket")
        if sock is not None and hasattr(socket, "TCP_NOTSENT_LOWAT"):
            # Without this the kernel takes up to 4 MiB a socket that the reader has not
            # read: a stalled reader would hold that much before the limit noticed.
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NOTSENT_LOWAT, KERNEL_UNSENT)

    def data_received(self, data: bytes) -> None:
        conn = self.conn
        conn.receive_data(data)
        for event in conn.events_received():
            if isinstance(event, Frame):
                self._frame(event)
            elif isinstance(event, Request):
                self._handshake(event)
        self._flush()

    def eof_received(self) -> bool | None:
        self.conn.receive_eof()
        self._flush()
        return None

    def pause_writing(self) -> None:
        if self._drain is None:
            self._drain = self.loop.create_future()

    def resume_writing(self) -> None:
        drain, self._drain = self._drain, None
        if drain is not None and not drain.done():
            drain.set_result(None)

    def connection_lost(self, exc: Exception | None) -> None:
        self.gone = True
        self.connections.discard(self)
        self.conn.receive_eof()
        self.resume_writing()
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        channel, self.channel = self.channel, None
        if channel is not None:
            channel.leave(self)
            if self.live is not None:
                self.live.freezer.left(self.frozen)
        client, self.client = self.client, None
        if client is not None and self.live is not None:
            self.live.addresses.leave(client)

    def shutdown(self) -> None:
        """The server is stopping: close with 1012 (uvicorn calls this)."""
        if self.task is not None:
            self.task.cancel()
        if self.accepted:
            self.close_now(CloseCode.SERVICE_RESTART, "server restarting")
        if self.transport is not None:
            self.transport.close()

    # The handshake

    def _handshake(self, request: Request) -> None:
        response = self.conn.accept(request)
        if response.status_code != 101:  # not a valid WebSocket handshake
            self.conn.send_response(response)
            return
        path, _, query = request.path.partition("?")
        slug = reader_slug(unquote(path))
        if slug is None or self.live is None:
            deny(self, NotFound("There is no WebSocket at this address."))
            return
        assert self.transport is not None
        peer = self.transport.get_extra_info("peername")
        addresses = self.live.addresses
        client = addresses.client(peer[0] if peer else None, request.headers.get("X-Forwarded-For"))
        if not addresses.admit(client):
            refused = RateLimited("Too many live connections from your address.", retry_after=30)
            deny(self, refused)
            return
        self.client = client
        self.response = response
        later = self.live.readers.serve(self, slug, query)
        if later is not None:
            # websockets parses frames as soon as the request is in, and would queue its
            # pongs ahead of the response: nothing more is read until that is sent.
            assert self.transport is not None
            self.transport.pause_reading()
            self.task = task = self.loop.create_task(later)
            self.tasks.add(task)
            task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task[None]) -> None:
        self.tasks.discard(task)
        self.task = None
        if not task.cancelled() and task.exception() is not None:
            logger.error("reader socket failed", exc_info=task.exception())
            if not self.accepted and not self.gone:
                self.deny(500, [(b"content-length", b"0")], b"")
            else:
                self.close_now(CloseCode.INTERNAL_ERROR, "")

    # The ReaderSocket interface (courtwire.live.readers)

    def accept(self) -> None:
        assert self.response is not None
        if self.gone:
            return
        self.conn.send_response(self.response)
        self.response = None
        self.accepted = True
        self._flush()
        self._read_again()
        if self.live is not None and self.live.keepalive.enabled:
            self.live.keepalive.ping_later(self)

    def deny(self, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        if self.gone:
            return
        self.response = None
        fields = Headers([(name.decode(), value.decode("latin-1")) for name, value in headers])
        self.conn.send_response(Response(status, HTTPStatus(status).phrase, fields, body))
        self._flush()
        self._read_again()

    def _read_again(self) -> None:
        if self.task is not None and self.transport is not None and not self.gone:
            self.transport.resume_reading()

    async def drained(self, patience: float) -> bool:
        drain = self._drain
        if drain is not None:
            try:
                async with asyncio.timeout(patience):
                    await asyncio.shield(drain)
            except TimeoutError:
                return False
        return not self.gone

    def listen(self, channel: Channel) -> None:
        if self.gone:
            channel.leave(self)
            return
        self.channel = channel
        if self.live is not None:
            self.frozen = self.live.freezer.joined()

    # The Sink interface (courtwire.hub.fanout)

    def write(self, frame: bytes) -> None:
        if not self.closing and not self.gone:
            assert self.transport is not None
            self.transport.write(frame)

    def buffered(self) -> int:
        return 0 if self.transport is None else self.transport.get_write_buffer_size()

    def close_too_slow(self) -> None:
        self.close_now(CloseCode.TRY_AGAIN_LATER, "reader too slow")

    def close_now(self, code: int, reason: str) -> None:
        """Queue a close frame behind what is buffered; drop the connection if the
        reader has not taken it within `CLOSE_TIMEOUT`."""
        if self.closing or self.gone or self.conn.state is not State.OPEN:
            return
        self.conn.send_close(code, reason)
        self.closing = True
        self._flush(owed=True)
        if self.timer is None and self.transport is not None:
            self.timer = self.loop.call_later(CLOSE_TIMEOUT, self.transport.abort)

    # Keepalive (courtwire.live.keepalive)

    def keepalive_ping(self) -> None:
        if self.closing or self.gone or self.live is None:
            return
        self.pinged = self.pinged % 0xFFFFFFFF + 1
        self.ping = self.pinged
        self.conn.send_ping(struct.pack("!I", self.ping))
        self._flush()
        self.live.keepalive.pong_by(self, self.ping)

    def pong_overdue(self, ping: int) -> None:
        """The reader did not answer: it is gone. Drop the connection rather than wait,
        maybe forever, to flush what it will never read."""
        if ping != self.ping or self.closing or self.gone:
            return
        self.ping = 0
        self.conn.fail(CloseCode.INTERNAL_ERROR, "keepalive ping timeout")
        self.closing = True
        self._flush(owed=True)
        if self.transport is not None and self.transport.get_write_buffer_size():
            self.transport.abort()

    # Frames from the reader

    def _frame(self, frame: Frame) -> None:
        if frame.opcode is Opcode.CLOSE:
            return  # websockets answers it
        if frame.opcode is Opcode.PONG and self.ping and frame.data == struct.pack("!I", self.ping):
            self.ping = 0
            assert self.live is not None
            self.live.keepalive.ping_later(self)
            return
        # Anything else - a message, a ping, a pong nobody asked for - counts.
        now = self.loop.time()
        if now - self.window > 60:
            self.window, self.frames = now, 0
        self.frames += 1
        if self.frames > CLIENT_MESSAGES_PER_MINUTE:
            logger.info("reader closed for flooding")
            self.close_now(CloseCode.POLICY_VIOLATION, "readers do not send messages")

    def _flush(self, owed: bool = False) -> None:
        """Write what websockets has to send; close the connection when it says so.
        Once closing, only the close frame itself is `owed`; pongs are not."""
        transport = self.transport
        if transport is None or self.gone:
            return
        for chunk in self.conn.data_to_send():
            if not chunk:
                transport.close()
            elif owed or not self.closing:
                transport.write(chunk)
        if (
            not self.closing
            and self.accepted
            and self.live is not None
            and transport.get_write_buffer_size() > self.live.buffer_limit
        ):
            # Replies it does not read (pongs to a ping flood) count like events.
            logger.info("reader closed for unread replies")
            self.close_now(CloseCode.POLICY_VIOLATION, "too much unread")
        if self.conn.close_expected() and self.timer is None and not transport.is_closing():
            self.timer = self.loop.call_later(CLOSE_TIMEOUT, transport.abort)
