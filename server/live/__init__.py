"""The reader path: `WS /ws/hearings/{slug}?after=N`, from the socket to the hub.

- `protocol`: the connection, WebSocket over websockets' sans-I/O protocol on uvicorn's
  transport; the `Sink` the hub writes to.
- `readers`: the reader service, catch-up from memory or SQLite, join; `start_reading`
  serves Server-Sent Events (courtwire.sse) the same way.
- `keepalive`: pings and pong deadlines of every reader, on one timer per app.
- `freezer`: keeps long-lived readers out of the garbage collector's full collections.

The app's lifespan makes one `Live` (service, keepalive, freezer) and yields it under
`LIVE`; uvicorn hands that state to every `ReaderProtocol`. Nothing here is a module
singleton: two apps in one process share nothing.
"""

from __future__ import annotations

from courtwire.live.protocol import CLIENT_MESSAGES_PER_MINUTE, LIVE, Live, ReaderProtocol
from courtwire.live.readers import (
    BACKLOG_PAGE,
    READER_PATH,
    Readers,
    catch_up,
    open_channel,
    start_reading,
)

__all__ = [
    "BACKLOG_PAGE",
    "CLIENT_MESSAGES_PER_MINUTE",
    "LIVE",
    "READER_PATH",
    "Live",
    "ReaderProtocol",
    "Readers",
    "catch_up",
    "open_channel",
    "start_reading",
]
