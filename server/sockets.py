"""uvicorn's sans-I/O WebSocket protocol with a `Sink` the hub can write frames to.

ASGI's `send()` is awaited once per message and, in uvicorn, waits while a client's
write buffer is full: a fan-out loop over it stalls on one slow reader and costs a
coroutine step per reader. This protocol adds, under the scope extension
`courtwire.sink`, a synchronous `write()` of one pre-encoded frame, the buffer size the
hub checks against the reader's limit, and a close with 1013 that does not wait for
the reader. Handshake, pings, limits and everything else stay uvicorn's.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.http11 import Request as HandshakeRequest

from server.model import CloseCode

SINK_EXTENSION = "courtwire.sink"
CLOSE_GRACE = 30.0
"""Seconds a closed reader has to take what is queued, the close frame last, before the
connection is dropped; its memory stays bounded by the reader buffer meanwhile."""


class FanoutProtocol(WebSocketsSansIOProtocol):
    def __init__(self, config: Any, *args: Any, **kwargs: Any) -> None:
        # Frames are encoded once for everybody: per-connection compression would break that.
        assert not config.ws_per_message_deflate, "permessage-deflate must be off"
        super().__init__(config, *args, **kwargs)

    def handle_connect(self, event: HandshakeRequest) -> None:
        super().handle_connect(event)
        scope = getattr(self, "scope", None)
        if scope is not None:
            scope["extensions"][SINK_EXTENSION] = self

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
        reader has not taken it within `CLOSE_GRACE`."""
        if self.close_sent or self.transport.is_closing():
            return
        self.queue.put_nowait({"type": "websocket.disconnect", "code": code, "reason": reason})
        self.conn.send_close(code, reason)
        self.transport.write(b"".join(self.conn.data_to_send()))
        self.close_sent = True
        if self.read_paused:
            self.read_paused = False
            self.transport.resume_reading()
        self.close_timer = self.loop.call_later(CLOSE_GRACE, self.transport.abort)

    async def drained(self, patience: float) -> bool:
        """Wait until the transport takes more; False if it did not within `patience` s."""
        try:
            async with asyncio.timeout(patience):
                await self.writable.wait()
        except TimeoutError:
            return False
        return True
