"""Every event to this node's channels once, in seq order, with no gap, whatever the
broker brings: messages of several nodes interleave, and a broker outage loses some.

A message whose predecessor has not come yet is held for `GAP_WAIT`; if the gap is still
open then, it is read from the log (the database, where every committed event is), and
the held messages follow. While the broker is away, and at once when it comes back, the
log of each hearing with readers here is read every `POLL_DOWN` seconds; while it is up,
every `POLL_UP` seconds as a safety net (one small read per hearing; what it finds
missing is given `GAP_WAIT` to arrive through the broker first). A hearing without
readers here catches up at its next message, or when a reader comes. Duplicates are
dropped by seq. An event the broker could not carry (`UNCARRIED`) is read from the log
at once.

A message missed may have carried redactions (`Message.rewritten`) of events this node
remembers: whenever events came from the log, the channel's memory is read again from
the log too, unless a redaction arrived while that read was under way (then it is read
once more), so memory never keeps a text the log no longer serves.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from courtwire.events import Event, encode_json
from courtwire.exceptions import NotFound
from courtwire.hub.base import UNCARRIED, Broker
from courtwire.messages import Message

if TYPE_CHECKING:
    from courtwire.hub.fanout import Channel, Hub

logger = logging.getLogger(__name__)

GAP_WAIT = 0.1
"""Seconds a message waits for the ones before it before they are read from the log."""
POLL_DOWN = 0.25
POLL_UP = 1.0
PAGE = 500
REACH_PATIENCE = 2.0

LogReader = Callable[[str, int, int], Awaitable[list[str]]]
"""(slug, after, limit) → the encoded events after seq `after`, in seq order; raises
`NotFound` when no hearing has that slug any more."""


class Ordering:
    def __init__(self, hub: Hub, broker: Broker, log: LogReader, epoch: str) -> None:
        self.hub = hub
        self.broker = broker
        self.log = log
        self.epoch = epoch
        self._held: dict[str, dict[int, Message]] = {}
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._reading: dict[str, asyncio.Task[None]] = {}
        self._again: set[str] = set()
        """Hearings to read once more when their read ends: it may have begun before
        the event it was asked for was committed."""
        broker.listen(UNCARRIED, self._uncarried)

    def _uncarried(self, data: str) -> None:
        hearing, seq = json.loads(data)
        channel = self.hub.channels.get(hearing)
        if channel is None or seq <= channel.last_seq:
            return
        if hearing in self._reading:
            self._again.add(hearing)
        else:
            self.read(hearing)

    def receive(self, message: Message) -> None:
        channel = self.hub.channels.get(message.hearing)
        if channel is None:
            # Nobody reads the hearing here: its first reader reads where it stands from
            # the log. (Making a channel from a message could revive a slug renamed
            # meanwhile, from a message that came late.)
            return
        if message.seq <= channel.last_seq:
            return
        self._held.setdefault(message.hearing, {})[message.seq] = message
        self._drain(message.hearing)

    def _drain(self, hearing: str) -> None:
        """Deliver the held messages that follow on; wait for the rest, then read."""
        held = self._held.get(hearing, {})
        channel = self.hub.channels.get(hearing)
        if channel is not None:
            while (message := held.pop(channel.last_seq + 1, None)) is not None:
                channel.receive(message)
            for seq in [seq for seq in held if seq <= channel.last_seq]:
                del held[seq]
        if channel is None or not held:
            self._held.pop(hearing, None)
            timer = self._timers.pop(hearing, None)
            if timer is not None:
                timer.cancel()
        elif hearing not in self._timers and hearing not in self._reading:
            loop = asyncio.get_running_loop()
            self._timers[hearing] = loop.call_later(GAP_WAIT, self.read, hearing)

    def read(self, hearing: str, patience: float = 0.0) -> None:
        """Read from the log what this node lacks of `hearing` (one read at a time); what
        is missing is delivered from it after `patience` seconds if the broker has not
        brought it by then."""
        timer = self._timers.pop(hearing, None)
        if timer is not None:
            timer.cancel()
        if hearing in self._reading:
            return
        task = asyncio.get_running_loop().create_task(self._read(hearing, patience))
        self._reading[hearing] = task
        task.add_done_callback(lambda _: self._read_done(hearing))

    def _read_done(self, hearing: str) -> None:
        task = self._reading.pop(hearing)
        if not task.cancelled() and task.exception() is not None:
            logger.warning("log not read hearing=%s: %r", hearing, task.exception())
        if hearing in self._again:
            self._again.discard(hearing)
            self.read(hearing)
        self._drain(hearing)

    async def _read(self, hearing: str, patience: float) -> None:
        missed = 0
        while (channel := self.hub.channels.get(hearing)) is not None:
            try:
                texts = await self.log(hearing, channel.last_seq, PAGE)
            except NotFound:
                self._vanished(channel)
                return
            if texts and patience:
                await asyncio.sleep(patience)
                patience = 0.0
            if self.hub.channels.get(hearing) is not channel:
                return
            for text in texts:
                event = Event.decode(text)
                if event.seq == channel.last_seq + 1:
                    channel.receive(Message(hearing, event.seq, text, event.entry_id))
                    missed += 1
            if len(texts) < PAGE:
                break
        if missed:
            logger.info("events read from the log hearing=%s count=%d", hearing, missed)
            await self._refresh(hearing)

    async def _refresh(self, hearing: str) -> None:
        """The channel's memory as the log serves it now (see the module's docstring)."""
        while (channel := self.hub.channels.get(hearing)) is not None and channel.recent:
            first, redactions = channel.recent[0].seq, channel.redactions
            texts = await self.log(hearing, first - 1, channel.last_seq - first + 1)
            if self.hub.channels.get(hearing) is not channel:
                return
            if channel.redactions == redactions:
                channel.redact({Event.decode(text).seq: text for text in texts})
                return

    async def reach(self, hearing: str, seq: int, patience: float = REACH_PATIENCE) -> None:
        """Wait, at most `patience` seconds, until this node has delivered `seq` (a reader
        saw it on another node): the log is read at once. Returns sooner if the log has
        no such seq (then the reader gets its reset)."""
        self.read(hearing)
        deadline = time.monotonic() + patience
        while (channel := self.hub.channels.get(hearing)) is not None and channel.last_seq < seq:
            if hearing not in self._reading or time.monotonic() >= deadline:
                return
            await asyncio.sleep(0.01)

    def _vanished(self, channel: Channel) -> None:
        """The slug is gone (renamed elsewhere, and the notice missed): readers reload."""
        reset = {"type": "reset", "last_seq": channel.last_seq, "epoch": self.epoch}
        self.hub.retire(channel.hearing, encode_json(reset), tell=False)

    async def watch(self) -> None:
        """Read every channel's log while the broker is away, at once when it is back,
        and every `POLL_UP` seconds anyway; runs until cancelled."""
        seen = self.broker.connections
        looked = time.monotonic()
        while True:
            await asyncio.sleep(POLL_DOWN)
            moment = time.monotonic()
            back = self.broker.connections != seen
            if back or not self.broker.connected or moment - looked >= POLL_UP:
                patience = GAP_WAIT if self.broker.connected and not back else 0.0
                seen, looked = self.broker.connections, moment
                for hearing, channel in list(self.hub.channels.items()):
                    if channel.live:
                        self.read(hearing, patience)

    async def close(self) -> None:
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
        tasks = list(self._reading.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
