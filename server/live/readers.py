"""The reader service: hello, the log after `after=N`, then live events; never a gap.

The order that makes resume exact: everything the reader lacks is read first (from the
database while it is older than the hub's memory, then from memory), and the step that
sends the remembered events also joins the live set, with no `await` in between, so
every later event is pushed and every earlier one was sent. Seqs are contiguous in
both, so nothing is sent twice.

A reconnect storm is thousands of handshakes a second on one core, so the common case
runs with no task at all: the hearing's channel is in memory and so is the reader's
backlog, and `serve` does it all in the handshake's own `data_received`. Only a
database read (the first reader of a hearing, a reader far behind) makes it return a
coroutine, which the connection runs as a task until the reader has joined.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, Protocol
from urllib.parse import parse_qsl

from courtwire.errors import error_response
from courtwire.events import encode_json
from courtwire.exceptions import CourtwireError
from courtwire.hub.fanout import Channel, Sink, text_frame
from courtwire.inputs import query_int
from courtwire.model import CloseCode
from courtwire.services import Services

READER_PATH = "/ws/hearings/"
BACKLOG_PAGE = 500
DRAIN_TIMEOUT = 30.0

Count = Callable[[str], None]
"""Bench counters (courtwire.benchstats): called with a counter's name, when set."""


class Reader(Sink, Protocol):
    """A reader's connection while it catches up (a socket, or a Server-Sent Events
    stream): a `Sink` that can be waited on."""

    async def drained(self, patience: float) -> bool:
        """Wait until the network takes more; False if not within `patience` s."""


class ReaderSocket(Reader, Protocol):
    """A reader's WebSocket as the service sees it (courtwire.live.protocol)."""

    def accept(self) -> None:
        """Complete the WebSocket handshake."""

    def deny(self, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        """Refuse the handshake with this HTTP response."""

    def listen(self, channel: Channel) -> None:
        """Caught up and joined: the connection lives on alone, leaving `channel` when
        it goes."""


def reader_slug(path: str) -> str | None:
    """The hearing of a reader socket's path, or None for any other path."""
    slug = path.removeprefix(READER_PATH)
    return slug if slug != path and slug and "/" not in slug else None


async def open_channel(found: Services, slug: str) -> Channel:
    """The hearing's channel; a database read only for the first reader of a hearing."""
    channel = found.hub.channels.get(slug)
    if channel is None:
        hearing = await found.store.hearing(slug)
        channel = found.hub.channel(slug, hearing.last_seq)
    return channel


async def catch_up(
    found: Services, sink: Reader, channel: Channel, after: int, count: Count | None = None
) -> bool:
    """Send every event after `after` and join the live set; False if the reader stalled."""
    cursor = after
    hearing = None
    while True:
        recent = channel.recent_after(cursor)
        if recent is not None:
            for frame in recent:
                sink.write(frame)
            channel.join(sink)
            return True
        if count is not None:
            count("backlog_db_reads")
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


def hello(found: Services, sink: Reader, channel: Channel, after: int, epoch: str | None) -> bool:
    """Write the hello; False, after a reset and a close, when the reader cannot resume
    here (`after` beyond the log, or a client from another epoch)."""
    current = found.db.epoch
    greeting = {
        "type": "hello",
        "hearing": channel.hearing,
        "last_seq": channel.last_seq,
        "epoch": current,
    }
    sink.write(text_frame(encode_json(greeting)))
    if after > channel.last_seq or (epoch is not None and epoch != current):
        reset = {"type": "reset", "last_seq": channel.last_seq, "epoch": current}
        sink.write(text_frame(encode_json(reset)))
        sink.close_now(CloseCode.NORMAL, "reset")
        return False
    return True


def behind(found: Services, channel: Channel, after: int) -> bool:
    """Whether a reader is ahead of this node: it saw more on another node, which this
    node has not delivered yet (several nodes: see `courtwire.hub.ordering`)."""
    return after > channel.last_seq and found.hub.ordering is not None


async def wait_for_node(found: Services, channel: Channel, after: int) -> None:
    """Let this node catch up with a reader that is ahead, rather than reset it."""
    assert found.hub.ordering is not None
    await found.hub.ordering.reach(channel.hearing, after)


async def start_reading(
    found: Services, sink: Reader, channel: Channel, after: int, epoch: str | None
) -> bool:
    """Hello, then everything after `after`, then live: True once `sink` is in the live
    set; False when it is not and has been closed (a reset, or a reader too slow to
    catch up). Server-Sent Events use it; the socket does the same with no task when
    its backlog is in memory."""
    if behind(found, channel, after):
        await wait_for_node(found, channel, after)
    if not hello(found, sink, channel, after, epoch):
        return False
    return await catch_up_or_close(found, sink, channel, after)


async def catch_up_or_close(
    found: Services, sink: Reader, channel: Channel, after: int, count: Count | None = None
) -> bool:
    """`catch_up`; a reader that did not make it leaves the live set (and one too slow
    is closed with 1013)."""
    try:
        caught_up = await catch_up(found, sink, channel, after, count)
    except BaseException:
        channel.leave(sink)
        raise
    if not caught_up:
        channel.leave(sink)
        sink.close_too_slow()
    return caught_up


Later = Coroutine[Any, Any, None]


class Readers:
    """Serves `/ws/hearings/{slug}` on the connection itself, with no app in between."""

    def __init__(self, services: Services, count: Count | None = None) -> None:
        self.services = services
        self.count = count

    def serve(self, sock: ReaderSocket, slug: str, query_string: str) -> Later | None:
        """Serve a reader whose handshake is valid: None if done (joined or refused),
        else what is left to do, to run as a task."""
        query = dict(parse_qsl(query_string, keep_blank_values=True, encoding="latin-1"))
        try:
            after = query_int(query, "after", 0)
        except CourtwireError as error:
            deny(sock, error)
            return None
        channel = self.services.hub.channels.get(slug)
        if channel is None:
            return self._open(sock, slug, after, query.get("epoch"))
        if behind(self.services, channel, after):
            return self._wait_then_admit(sock, channel, after, query.get("epoch"))
        return self._admit(sock, channel, after, query.get("epoch"))

    async def _wait_then_admit(
        self, sock: ReaderSocket, channel: Channel, after: int, epoch: str | None
    ) -> None:
        if behind(self.services, channel, after):
            await wait_for_node(self.services, channel, after)
        later = self._admit(sock, channel, after, epoch)
        if later is not None:
            await later

    async def _open(self, sock: ReaderSocket, slug: str, after: int, epoch: str | None) -> None:
        try:
            channel = await open_channel(self.services, slug)
        except CourtwireError as error:
            deny(sock, error)
            return
        await self._wait_then_admit(sock, channel, after, epoch)

    def _admit(
        self, sock: ReaderSocket, channel: Channel, after: int, client_epoch: str | None
    ) -> Later | None:
        found = self.services
        sock.accept()
        if found.hub.readers() >= found.settings.max_readers:
            sock.close_now(CloseCode.TRY_AGAIN_LATER, "server full")
            return None
        if not hello(found, sock, channel, after, client_epoch):
            return None
        recent = channel.recent_after(after)
        if recent is None:
            return self._catch_up(sock, channel, after)
        for frame in recent:
            sock.write(frame)
        channel.join(sock)
        if self.count is not None:
            self.count("resumes_from_memory")
        sock.listen(channel)
        return None

    async def _catch_up(self, sock: ReaderSocket, channel: Channel, after: int) -> None:
        if await catch_up_or_close(self.services, sock, channel, after, self.count):
            sock.listen(channel)


def deny(sock: ReaderSocket, error: CourtwireError) -> None:
    response = error_response(error)
    sock.deny(response.status_code, response.raw_headers, bytes(response.body))
