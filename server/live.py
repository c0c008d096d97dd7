"""The reader WebSocket: hello, the log after `after=N`, then live events; never a gap.

The order that makes resume exact: everything the reader lacks is read first (from the
database while it is older than the hub's memory, then from memory), and the step that
sends the remembered events also joins the live set, with no `await` in between, so
every later event is pushed and every earlier one was sent. Seqs are contiguous in
both, so nothing is sent twice.
"""

from __future__ import annotations

import logging

from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket

from server import benchstats
from server.errors import error_response
from server.events import encode_json
from server.exceptions import BadRequest, CourtwireError
from server.hub.fanout import Channel, text_frame
from server.model import CloseCode
from server.services import Services
from server.sockets import CLIENT_MESSAGES_PER_MINUTE, SINK_EXTENSION, FanoutProtocol

__all__ = ["CLIENT_MESSAGES_PER_MINUTE", "reader_socket", "routes"]

logger = logging.getLogger(__name__)

BACKLOG_PAGE = 500
DRAIN_TIMEOUT = 30.0


def parse_after(raw: str | None) -> int:
    if raw is None:
        return 0
    # ASCII digits only ("²".isdigit() is true); a longer number is beyond any log anyway.
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 15:
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
    hearing = None
    while True:
        recent = channel.recent_after(cursor)
        if recent is not None:
            for frame in recent:
                sink.write(frame)
            channel.join(sink)
            if cursor == after:
                benchstats.counters["resumes_from_memory"] += 1
            return True
        benchstats.counters["backlog_db_reads"] += 1
        hearing = hearing or await found.store.hearing(channel.hearing)
        page = await found.store.events_after(hearing, cursor, BACKLOG_PAGE)
        # Storage may be ahead of memory: an event committed whose publish has not run
        # yet. It reaches this reader live once it joins; sent now too, it came twice.
        page = page[: max(0, channel.last_seq - cursor)]
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
        caught_up = await catch_up(found, sink, channel, after)
    except BaseException:
        channel.leave(sink)
        raise
    if not caught_up:
        channel.leave(sink)
        sink.close_too_slow()
        return
    # The hub writes to it from now on; the protocol answers pings, counts what the
    # reader sends (closing a chatty one with 1008) and leaves the channel when it goes.
    sink.detach(lambda: channel.leave(sink))


routes = [WebSocketRoute("/ws/hearings/{slug}", reader_socket)]
