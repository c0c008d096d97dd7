"""`/h/{slug}/events.sse`: the reader WebSocket's stream as Server-Sent Events.

For networks that let no WebSocket through. The guarantees are the socket's, because
the path is the socket's: `courtwire.live.start_reading` sends the hello (or a reset),
every event after `after` from memory or the database, and joins the hearing's live
set in the same step; the hub then writes to this stream as to any reader.

- Every message is the socket's JSON text as `data:`, the default event type; log
  events carry `id: <seq>`, so a client resumes with `Last-Event-ID` (which wins over
  `?after=`). A `reset` ends the stream: the client reloads instead of resuming.
- A comment (`: keepalive`) every `COURTWIRE_PING_INTERVAL` seconds with nothing to
  send keeps proxies from timing the stream out.
- Buffering is bounded like a socket's: bytes handed to the stream and not yet taken
  by the network count against `COURTWIRE_READER_BUFFER`; past it the stream ends and
  the client resumes from its last id.

The hub hands every reader the same WebSocket frame; `message_bytes` turns it into the
SSE text once per event (a small cache keyed by the frame, which every reader shares).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
from collections import deque

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from courtwire.errors import error_response
from courtwire.exceptions import RateLimited, ServerFull
from courtwire.hub.fanout import Channel
from courtwire.inputs import query_int
from courtwire.live import LIVE, Live, open_channel, start_reading
from courtwire.live.addresses import Addresses
from courtwire.services import Services

KEEPALIVE = b": keepalive\n\n"


@functools.lru_cache(maxsize=512)
def message_bytes(frame: bytes) -> bytes:
    """The SSE message for an unmasked server text frame (as `text_frame` makes them)."""
    length = frame[1] & 0x7F
    start = 2 if length < 126 else 4 if length == 126 else 10
    text = frame[start:]
    seq = json.loads(text).get("seq")
    head = b"id: %d\n" % seq if isinstance(seq, int) else b""
    # Compact JSON holds no newline, so one `data:` line carries the whole message.
    return head + b"data: " + text + b"\n\n"


class EventStream:
    """One SSE reader as the hub sees it (a `courtwire.live.Reader`): `write` queues the
    message and never blocks; `pump` hands the queue to the network."""

    def __init__(self) -> None:
        self._queue: deque[bytes] = deque()
        self._size = 0
        self._wake = asyncio.Event()
        self._empty = asyncio.Event()
        self._empty.set()
        self._ending = False
        self._dropped = False

    def write(self, frame: bytes) -> None:
        if self._ending:
            return
        message = message_bytes(frame)
        self._queue.append(message)
        self._size += len(message)
        self._empty.clear()
        self._wake.set()

    def buffered(self) -> int:
        return self._size

    def close_too_slow(self) -> None:
        """End the stream now, dropping what is queued: the client resumes by its last id."""
        self._ending = self._dropped = True
        self._wake.set()

    def close_now(self, code: int, reason: str) -> None:
        """End the stream once what is queued has gone."""
        self._ending = True
        self._wake.set()

    async def drained(self, patience: float) -> bool:
        try:
            async with asyncio.timeout(patience):
                await self._empty.wait()
        except TimeoutError:
            return False
        return True

    async def pump(self, send: Send, keepalive: float) -> None:
        """Send what is queued as it comes, a comment when idle, until the stream ends."""
        while not self._dropped:
            if self._queue:
                chunk = b"".join(self._queue)
                self._queue.clear()
                # Counted as buffered until the network takes it: `send` waits while the
                # client does not read.
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
                self._size -= len(chunk)
                if not self._queue:
                    self._empty.set()
                continue
            if self._ending:
                return
            self._wake.clear()
            try:
                async with asyncio.timeout(keepalive):
                    await self._wake.wait()
            except TimeoutError:
                await send({"type": "http.response.body", "body": KEEPALIVE, "more_body": True})


class EventStreamResponse(Response):
    """The stream of one reader, once its request has been checked."""

    def __init__(
        self,
        found: Services,
        channel: Channel,
        after: int,
        epoch: str | None,
        addresses: Addresses,
        client: str,
    ) -> None:
        # Not Response.__init__: it would declare `Content-Length: 0` for the empty body.
        self.status_code = 200
        self.background = None
        self.raw_headers = [
            (b"content-type", b"text/event-stream; charset=utf-8"),
            (b"cache-control", b"no-cache"),
            (b"x-accel-buffering", b"no"),  # nginx: pass each message on at once
        ]
        self.found = found
        self.channel = channel
        self.after = after
        self.epoch = epoch
        self.addresses = addresses
        self.client = client

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.addresses.admit(self.client):
            refused = RateLimited("Too many live connections from your address.", retry_after=30)
            await error_response(refused)(scope, receive, send)
            return
        try:
            await self._stream(receive, send)
        finally:
            self.addresses.leave(self.client)

    async def _stream(self, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
        stream = EventStream()
        keepalive = self.found.settings.ping_interval

        async def serve() -> None:
            pumping = asyncio.create_task(stream.pump(send, keepalive))
            try:
                await start_reading(self.found, stream, self.channel, self.after, self.epoch)
                await pumping
            finally:
                pumping.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await pumping

        async def gone() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass

        tasks = {asyncio.create_task(serve()), asyncio.create_task(gone())}
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            self.channel.leave(stream)
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        for task in done:
            task.result()  # an error in serving is the app's error, not swallowed
        await send({"type": "http.response.body", "body": b"", "more_body": False})


async def events_sse(request: Request) -> Response:
    found: Services = request.app.state.services
    # Last-Event-ID (a browser resuming) wins over `after`; one parser for both.
    resume = request.headers.get("last-event-id")
    after = query_int({"after": resume} if resume else request.query_params, "after", 0)
    channel = await open_channel(found, request.path_params["slug"])
    if found.hub.readers() >= found.settings.max_readers:
        raise ServerFull("Too many readers on this server; try again shortly.", retry_after=5)
    live: Live = request.scope["state"][LIVE]
    client = request.client.host if request.client else "unknown"
    epoch = request.query_params.get("epoch")
    return EventStreamResponse(found, channel, after, epoch, live.addresses, client)


routes = [Route("/h/{slug}/events.sse", events_sse)]
