"""Readers of the log: hello, the log after `after=N`, then live events; never a gap.

The WebSocket (`Readers`, here) and Server-Sent Events (`server.sse`) share
`start_reading`: the hello, the reset for a reader that cannot resume here, and the
catch-up that joins the live set.

The order that makes resume exact: everything the reader lacks is read first (from the
database while it is older than the hub's memory, then from memory), and the step that
sends the remembered events also joins the live set, with no `await` in between, so
every later event is pushed and every earlier one was sent. Seqs are contiguous in
both, so nothing is sent twice.
"""

from __future__ import annotations

from typing import Protocol
from urllib.parse import parse_qsl

from server import benchstats
from server.errors import error_response
from server.events import encode_json
from server.exceptions import CourtwireError
from server.hub.fanout import Channel, Sink, text_frame
from server.inputs import query_int
from server.model import CloseCode
from server.services import Services
from server.sockets import CLIENT_MESSAGES_PER_MINUTE, FanoutProtocol

__all__ = ["CLIENT_MESSAGES_PER_MINUTE", "READER_PATH", "Reader", "Readers", "start_reading"]

READER_PATH = "/ws/hearings/"
BACKLOG_PAGE = 500
DRAIN_TIMEOUT = 30.0


async def open_channel(found: Services, slug: str) -> Channel:
    """The hearing's channel; a database read only for the first reader of a hearing."""
    channel = found.hub.channels.get(slug)
    if channel is None:
        hearing = await found.store.hearing(slug)
        channel = found.hub.channel(slug, hearing.last_seq)
    return channel


class Reader(Sink, Protocol):
    """A reader's connection while it catches up: a `Sink` that can be waited on."""

    async def drained(self, patience: float) -> bool:
        """Wait until the connection takes more; False if it did not within `patience` s."""


async def catch_up(found: Services, sink: Reader, channel: Channel, after: int) -> bool:
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


async def start_reading(
    found: Services, sink: Reader, channel: Channel, after: int, client_epoch: str | None
) -> bool:
    """Hello, then everything after `after`, then live: True once `sink` is in the live
    set. False when it is not and has been closed: a reset (`after` beyond the log, or
    another epoch) or a reader too slow to catch up."""
    epoch = found.db.epoch
    hello = {
        "type": "hello",
        "hearing": channel.hearing,
        "last_seq": channel.last_seq,
        "epoch": epoch,
    }
    sink.write(text_frame(encode_json(hello)))
    if after > channel.last_seq or (client_epoch is not None and client_epoch != epoch):
        reset = {"type": "reset", "last_seq": channel.last_seq, "epoch": epoch}
        sink.write(text_frame(encode_json(reset)))
        sink.close_now(CloseCode.NORMAL, "reset")
        return False
    try:
        caught_up = await catch_up(found, sink, channel, after)
    except BaseException:
        channel.leave(sink)
        raise
    if not caught_up:
        channel.leave(sink)
        sink.close_too_slow()
    return caught_up


class Readers:
    """Serves `/ws/hearings/{slug}` on the connection itself, with no app in between.

    A reconnect storm is thousands of handshakes a second on one core: the middleware
    stack, the router and a Starlette `WebSocket` per reader were a tenth of each one.
    `FanoutProtocol` hands over the paths this claims; any other WebSocket path still
    goes to the ASGI app (which refuses it).
    """

    def __init__(self, services: Services) -> None:
        self.services = services

    def claims(self, path: str) -> bool:
        slug = path.removeprefix(READER_PATH)
        return slug != path and bool(slug) and "/" not in slug

    async def serve(self, sink: FanoutProtocol, path: str, query_string: bytes) -> None:
        found = self.services
        sink.buffer_limit = found.settings.reader_buffer
        slug = path.removeprefix(READER_PATH)
        query = dict(parse_qsl(query_string.decode("latin-1"), keep_blank_values=True))
        try:
            after = query_int(query, "after", 0)
            channel = await open_channel(found, slug)
        except CourtwireError as error:
            response = error_response(error)
            await sink.deny(response.status_code, response.raw_headers, bytes(response.body))
            return
        await sink.accept()
        if found.hub.readers() >= found.settings.max_readers:
            sink.close_now(CloseCode.TRY_AGAIN_LATER, "server full")
            return
        if not await start_reading(found, sink, channel, after, query.get("epoch")):
            return
        # The hub writes to it from now on; the protocol answers pings, counts what the
        # reader sends (closing a chatty one with 1008) and leaves the channel when it goes.
        sink.detach(lambda: channel.leave(sink))
