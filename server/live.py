"""The reader WebSocket: hello, the log after `after=N`, then live events; never a gap.

The order that makes resume exact: everything the reader lacks is read first (from the
database while it is older than the hub's memory, then from memory), and the step that
sends the remembered events also joins the live set, with no `await` in between, so
every later event is pushed and every earlier one was sent. Seqs are contiguous in
both, so nothing is sent twice.
"""

from __future__ import annotations

import logging
import time

from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket

from server.errors import error_response
from server.events import encode_json
from server.exceptions import BadRequest, CourtwireError
from server.hub.fanout import Channel, text_frame
from server.model import CloseCode
from server.services import Services
from server.sockets import SINK_EXTENSION, FanoutProtocol

logger = logging.getLogger(__name__)

BACKLOG_PAGE = 500
DRAIN_TIMEOUT = 30.0
CLIENT_MESSAGES_PER_MINUTE = 30


def parse_after(raw: str | None) -> int:
    if raw is None:
        return 0
    if not raw.isdigit():
        raise BadRequest("after must be a non-negative whole number.", field="after")
    return int(raw)


async def open_channel(found: Services, slug: str) -> Channel:
    """The hearing's channel; a database read only for the first reader of a hearing."""
    channel = found.hub.channels.get(slug)
    if channel is None:
        hearing = await found.store.hearing(slug)
        channel = found.hub.channel(slug, hearing.last_seq)
    return channel


async def catch_up(found: Services, sink: FanoutProtocol, channel: Channel, after: int) -> bool:
    """Send every event after `after` and join the live set; False if the reader stalled."""
    cursor = after
    while True:
        recent = channel.recent_after(cursor)
        if recent is not None:
            for frame in recent:
                sink.write(frame)
            channel.join(sink)
            return True
        hearing = await found.store.hearing(channel.hearing)
        page = await found.store.events_after(hearing, cursor, BACKLOG_PAGE)
        if not page:
            return False  # memory is ahead of storage: only a broker fault does this
        for text in page:
            sink.write(text_frame(text))
        cursor += len(page)
        if not await sink.drained(DRAIN_TIMEOUT):
            return False


async def reader_socket(websocket: WebSocket) -> None:
    found: Services = websocket.app.state.services
    slug = websocket.path_params["slug"]
    try:
        after = parse_after(websocket.query_params.get("after"))
        channel = await open_channel(found, slug)
    except CourtwireError as error:
        await websocket.send_denial_response(error_response(error))
        return
    sink = websocket.scope["extensions"].get(SINK_EXTENSION)
    if not isinstance(sink, FanoutProtocol):
        raise RuntimeError("the reader socket needs courtwire's uvicorn protocol (courtwire serve)")
    await websocket.accept()
    if found.hub.readers() >= found.settings.max_readers:
        sink.close_now(CloseCode.TRY_AGAIN_LATER, "server full")
        return
    epoch = found.db.epoch
    hello = {"type": "hello", "hearing": slug, "last_seq": channel.last_seq, "epoch": epoch}
    sink.write(text_frame(encode_json(hello)))
    client_epoch = websocket.query_params.get("epoch")
    if after > channel.last_seq or (client_epoch is not None and client_epoch != epoch):
        reset = {"type": "reset", "last_seq": channel.last_seq, "epoch": epoch}
        sink.write(text_frame(encode_json(reset)))
        sink.close_now(CloseCode.NORMAL, "reset")
        return
    try:
        if not await catch_up(found, sink, channel, after):
            sink.close_too_slow()
            return
        await listen(websocket, sink)
    finally:
        channel.leave(sink)


async def listen(websocket: WebSocket, sink: FanoutProtocol) -> None:
    """Readers have nothing to say; a chatty one is closed with 1008."""
    window_start = time.monotonic()
    count = 0
    while True:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            return
        now = time.monotonic()
        if now - window_start > 60:
            window_start, count = now, 0
        count += 1
        if count > CLIENT_MESSAGES_PER_MINUTE:
            logger.info("reader closed for flooding path=%s", websocket.url.path)
            sink.close_now(CloseCode.POLICY_VIOLATION, "readers do not send messages")
            return


routes = [WebSocketRoute("/ws/hearings/{slug}", reader_socket)]
