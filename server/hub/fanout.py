"""Local fan-out: each hearing's live readers and its recent events, in this process.

An event arrives once (as JSON text), becomes one WebSocket frame, and that same bytes
object is written to every live reader without awaiting: a reader is a `Sink` whose
`write` never blocks. A reader whose unsent bytes pass the limit is closed with 1013
and resumes later from its last seq; nobody else waits for it.

Readers are written `CHUNK` a turn of the event loop, from the turn after the event
arrived, so that a fan-out to 19k readers (~300 ms of `send()`) holds up neither the
reporter's ack nor anything else by more than about one chunk. Each broadcast writes to
the readers live when its event arrived (a snapshot; later joiners got the event from
memory), and broadcasts run strictly one after another, so every reader still sees
every event once and in order.

Each hearing keeps its most recent events in memory (`Channel.recent`), contiguous up
to the last published seq, so a reader resuming from a recent seq is served without a
database read, and joining the live set happens in the same step as reading the
window: no event can fall between backlog and live.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import deque
from dataclasses import dataclass
from typing import Protocol

from websockets.frames import Frame, Opcode

from courtwire.hub.base import Broker
from courtwire.hub.ordering import Ordering
from courtwire.messages import Message
from courtwire.model import CloseCode

logger = logging.getLogger(__name__)

CHUNK = 200
"""Readers written per turn of the event loop (~3 ms of `send()` on a small machine): a
reporter's post takes a few turns (its request, its write's hand-back) while a fan-out
may be going, and each waits for at most one chunk."""


def text_frame(text: str) -> bytes:
    """A complete unmasked server-to-client text frame."""
    return Frame(Opcode.TEXT, text.encode()).serialize(mask=False)


class Sink(Protocol):
    """A reader's connection as the fan-out sees it."""

    def write(self, frame: bytes) -> None:
        """Queue bytes for the reader; never blocks."""

    def buffered(self) -> int:
        """Bytes queued and not yet taken by the network."""

    def close_too_slow(self) -> None:
        """Close the connection with 1013 now, without waiting for the reader."""

    def close_now(self, code: int, reason: str) -> None:
        """Close the connection now with `code`, after what is already queued."""


@dataclass
class Recent:
    seq: int
    entry_id: str | None
    frame: bytes


@dataclass
class _Broadcast:
    frame: bytes
    sinks: list[Sink]
    done: int = 0


class Channel:
    """One hearing in this process: its last seq, recent frames and live readers."""

    def __init__(self, hearing: str, last_seq: int, keep: int, buffer_limit: int) -> None:
        self.hearing = hearing
        self.last_seq = last_seq
        self.recent: deque[Recent] = deque(maxlen=keep)
        self.live: set[Sink] = set()
        self._buffer_limit = buffer_limit
        self._jobs: deque[_Broadcast] = deque()
        self.redactions = 0
        """Bumped by every redaction of memory (courtwire.hub.ordering reads it)."""

    def recent_after(self, seq: int) -> list[bytes] | None:
        """Frames of the events after `seq` if memory holds all of them, else None."""
        if seq >= self.last_seq:
            return []
        if not self.recent or self.recent[0].seq > seq + 1:
            return None
        return [item.frame for item in self.recent if item.seq > seq]

    def join(self, sink: Sink) -> None:
        """Start pushing to `sink`; call right after sending it `recent_after(...)`."""
        self.live.add(sink)

    def leave(self, sink: Sink) -> None:
        self.live.discard(sink)

    def receive(self, message: Message) -> None:
        if message.seq <= self.last_seq:
            return  # already known: the channel was loaded after this commit
        if message.seq != self.last_seq + 1:
            logger.warning(
                "event gap hearing=%s last_seq=%d seq=%d: live readers resume",
                self.hearing,
                self.last_seq,
                message.seq,
            )
            self.recent.clear()
            self._drop(list(self.live))
        if message.rewritten:
            self.redact(dict(message.rewritten))
        self.last_seq = message.seq
        frame = text_frame(message.text)
        self.recent.append(Recent(message.seq, message.entry_id, frame))
        self.broadcast(frame)

    def broadcast(self, frame: bytes) -> None:
        """Write `frame` to every reader live now, `CHUNK` readers a turn of the loop from
        the next turn on, so that the publisher (a reporter's post, waiting for its ack)
        goes first."""
        if not self.live:
            return
        self._jobs.append(_Broadcast(frame, list(self.live)))
        if len(self._jobs) == 1:
            asyncio.get_running_loop().call_soon(self._work)

    def _work(self) -> None:
        budget = CHUNK
        jobs = self._jobs
        while jobs:
            job = jobs[0]
            budget = self._write(job, budget)
            if job.done >= len(job.sinks):
                jobs.popleft()
            if jobs and budget <= 0:
                asyncio.get_running_loop().call_soon(self._work)
                return

    def _write(self, job: _Broadcast, budget: int) -> int:
        """Write the job's frame to up to `budget` more readers; the budget left."""
        start = job.done
        sinks = job.sinks[start : start + budget]
        job.done = start + len(sinks)
        limit = self._buffer_limit
        frame = job.frame
        too_slow = []
        for sink in sinks:
            if sink.buffered() > limit:
                too_slow.append(sink)
            else:
                sink.write(frame)
        if too_slow:
            self._drop(too_slow)
        return budget - len(sinks)

    def _drop(self, sinks: list[Sink]) -> None:
        for sink in sinks:
            self.live.discard(sink)
            sink.close_too_slow()
        logger.info("readers closed as too slow hearing=%s count=%d", self.hearing, len(sinks))

    def retire(self, reset: str) -> None:
        """The hearing is gone under this name (its slug changed): every reader gets
        `reset` (the page reloads) and is closed; what memory held is dropped."""
        self._jobs.clear()
        self.recent.clear()
        frame = text_frame(reset)
        for sink in list(self.live):
            self.live.discard(sink)
            sink.write(frame)
            sink.close_now(CloseCode.NORMAL, "reset")

    def close(self) -> None:
        """Stop pushing: pending broadcasts are dropped and every reader let go."""
        self._jobs.clear()
        self.live.clear()

    def redact(self, texts: dict[int, str]) -> None:
        """Serve `texts` (seq → text) instead of the remembered events of those seqs."""
        self.redactions += 1
        for item in self.recent:
            if item.seq in texts:
                item.frame = text_frame(texts[item.seq])


RETIRE = "retire"
"""The broker's notice that a slug is gone: [slug, reset text]."""


class Hub:
    """Every hearing's channel in this process, fed by the broker (through `ordering`,
    when several nodes publish)."""

    def __init__(self, broker: Broker, *, keep: int, buffer_limit: int) -> None:
        self.broker = broker
        self.channels: dict[str, Channel] = {}
        self.ordering: Ordering | None = None
        self._keep = keep
        self._buffer_limit = buffer_limit
        broker.start(self._receive)
        broker.listen(RETIRE, self._retired)

    def publish(self, message: Message) -> None:
        self.broker.publish(message)

    def channel(self, hearing: str, last_seq: int) -> Channel:
        """The hearing's channel, made with `last_seq` (read from storage) if new.

        An existing channel knows better: it has seen every event published since.
        """
        channel = self.channels.get(hearing)
        if channel is None:
            channel = Channel(hearing, last_seq, self._keep, self._buffer_limit)
            self.channels[hearing] = channel
        return channel

    def retire(self, hearing: str, reset: str, *, tell: bool = True) -> None:
        """Close the readers of a slug that is gone, here and (`tell`) on every node."""
        channel = self.channels.pop(hearing, None)
        if channel is not None:
            channel.retire(reset)
        if tell:
            self.broker.announce(RETIRE, json.dumps([hearing, reset]))

    def _retired(self, data: str) -> None:
        hearing, reset = json.loads(data)
        self.retire(hearing, reset, tell=False)

    def readers(self) -> int:
        return sum(len(channel.live) for channel in self.channels.values())

    def _receive(self, message: Message) -> None:
        if self.ordering is None:
            self.deliver(message)
        else:
            self.ordering.receive(message)

    def deliver(self, message: Message) -> None:
        """Hand `message` to its channel, made for it if this node had none."""
        channel = self.channels.get(message.hearing)
        if channel is None:
            channel = self.channel(message.hearing, message.seq - 1)
        channel.receive(message)

    async def close(self) -> None:
        for channel in self.channels.values():
            channel.close()
        if self.ordering is not None:
            await self.ordering.close()
        await self.broker.close()
