"""Ordering between the broker and the channels, on a loop of the test's own, with the
log as a list of encoded events: messages of several nodes interleave and some are lost,
and each reader still gets every event once and in order."""

from __future__ import annotations

import asyncio
import json

from courtwire.events import Event
from courtwire.exceptions import NotFound
from courtwire.hub.base import Message
from courtwire.hub.fanout import Hub, text_frame
from courtwire.hub.memory import MemoryBroker
from courtwire.hub.ordering import GAP_WAIT, Ordering
from courtwire.model import EventType
from tests.test_core_fanout import Sink, on_a_loop


class Reader(Sink):
    def close_now(self, code: int, reason: str) -> None:
        self.closed = True


def payload(frame: bytes) -> dict[str, object]:
    """The JSON of an unmasked server text frame (short, or with a 16-bit length)."""
    start = 4 if frame[1] & 0x7F == 126 else 2
    found: dict[str, object] = json.loads(frame[start:])
    return found


def encoded(seq: int, body: str = "An update.") -> str:
    data = {"id": f"e{seq}", "body": body}
    return Event(seq, EventType.ENTRY_PUBLISHED, "2026-01-01T00:00:00Z", "h", data).encode()


class Log:
    """The hearing's log as the database holds it; counts its reads."""

    def __init__(self, count: int) -> None:
        self.texts = [encoded(seq) for seq in range(1, count + 1)]
        self.reads = 0
        self.gone = False

    async def __call__(self, slug: str, after: int, limit: int) -> list[str]:
        self.reads += 1
        await asyncio.sleep(0)
        if self.gone:
            raise NotFound("No hearing.", code="hearing_not_found")
        return self.texts[after : after + limit]

    def message(self, seq: int, rewritten: tuple[tuple[int, str], ...] = ()) -> Message:
        return Message("h", seq, self.texts[seq - 1], f"e{seq}", rewritten)


def cluster(log: Log, last_seq: int) -> tuple[Hub, Reader]:
    hub = Hub(MemoryBroker(), keep=100, buffer_limit=1 << 20)
    hub.ordering = Ordering(hub, hub.broker, log, "epoch")
    reader = Reader()
    hub.channel("h", last_seq).join(reader)
    return hub, reader


def seqs(reader: Sink) -> list[object]:
    return [payload(frame)["seq"] for frame in reader.frames]


async def settle(seconds: float = GAP_WAIT * 3) -> None:
    await asyncio.sleep(seconds)


@on_a_loop
async def test_a_later_seq_waits_for_the_one_before_it_and_duplicates_are_dropped() -> None:
    log = Log(5)
    hub, reader = cluster(log, 2)
    for seq in (4, 3, 3, 5, 4):
        hub.broker.publish(log.message(seq))
    await settle()
    assert seqs(reader) == [3, 4, 5]
    assert log.reads == 0


@on_a_loop
async def test_a_gap_that_stays_open_is_read_from_the_log() -> None:
    log = Log(6)
    hub, reader = cluster(log, 2)
    hub.broker.publish(log.message(6))  # 3, 4, 5 were lost
    await asyncio.sleep(GAP_WAIT / 2)
    assert seqs(reader) == []
    await settle()
    assert seqs(reader) == [3, 4, 5, 6]
    assert hub.channels["h"].last_seq == 6


@on_a_loop
async def test_a_missed_redaction_is_taken_from_the_log_into_memory() -> None:
    log = Log(3)
    hub, reader = cluster(log, 0)
    for seq in (1, 2, 3):
        hub.broker.publish(log.message(seq))
    # Event 4 (lost on its way) took event 2 out of public view.
    log.texts[1] = encoded(2, "Withheld.")
    log.texts.append(encoded(4))
    log.texts.append(encoded(5))
    hub.broker.publish(log.message(5))
    await settle()
    assert seqs(reader) == [1, 2, 3, 4, 5]
    remembered = hub.channels["h"].recent_after(0)
    assert remembered is not None
    assert remembered[1] == text_frame(log.texts[1])


@on_a_loop
async def test_the_readers_of_a_slug_gone_from_the_log_get_a_reset() -> None:
    log = Log(3)
    hub, reader = cluster(log, 1)
    log.gone = True
    hub.broker.publish(log.message(3))
    await settle()
    assert "h" not in hub.channels
    assert payload(reader.frames[-1])["type"] == "reset"
    assert reader.closed


@on_a_loop
async def test_a_message_for_a_hearing_nobody_reads_here_makes_no_channel() -> None:
    log = Log(3)
    hub, _ = cluster(log, 0)
    hub.broker.publish(Message("renamed-meanwhile", 7, encoded(7), "e7"))
    await settle()
    assert set(hub.channels) == {"h"}
    assert log.reads == 0
