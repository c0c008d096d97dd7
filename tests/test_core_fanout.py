"""The channel's memory of recent events and its live set, driven with plain messages
on an event loop of the test's own (broadcasts run on the loop, a chunk a turn)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from courtwire.hub.fanout import CHUNK, Channel, Hub, text_frame
from courtwire.hub.memory import MemoryBroker
from courtwire.messages import Message
from tests.support import run


class Sink:
    """A reader that records frames; `backlog` simulates unsent bytes."""

    def __init__(self, backlog: int = 0) -> None:
        self.frames: list[bytes] = []
        self.backlog = backlog
        self.closed = False

    def write(self, frame: bytes) -> None:
        self.frames.append(frame)

    def buffered(self) -> int:
        return self.backlog

    def close_too_slow(self) -> None:
        self.closed = True


def message(seq: int, entry: str = "e") -> Message:
    return Message("h", seq, f'{{"seq":{seq}}}', entry)


async def turn() -> None:
    """Let the loop run what is ready: one chunk of every broadcast under way."""
    await asyncio.sleep(0)


def on_a_loop(test: Callable[[], Coroutine[Any, Any, None]]) -> Callable[[], None]:
    return lambda: run(test())


def test_recent_after_covers_only_what_memory_holds() -> None:
    channel = Channel("h", last_seq=10, keep=3, buffer_limit=100)
    assert channel.recent_after(10) == []
    assert channel.recent_after(9) is None  # seq 10 was never seen here
    for seq in (11, 12, 13, 14):
        channel.receive(message(seq))
    assert channel.recent_after(14) == []
    assert channel.recent_after(11) == [text_frame(f'{{"seq":{s}}}') for s in (12, 13, 14)]
    assert channel.recent_after(10) is None  # 11 fell out of the window of 3


@on_a_loop
async def test_duplicates_are_ignored_and_a_gap_drops_live_readers() -> None:
    channel = Channel("h", last_seq=5, keep=10, buffer_limit=100)
    reader = Sink()
    channel.join(reader)
    channel.receive(message(5))
    channel.receive(message(6))
    await turn()
    assert reader.frames == [text_frame('{"seq":6}')]
    channel.receive(message(8))
    assert reader.closed
    assert reader not in channel.live
    assert channel.last_seq == 8


@on_a_loop
async def test_a_reader_over_its_buffer_is_closed_and_the_others_still_get_the_frame() -> None:
    channel = Channel("h", last_seq=0, keep=10, buffer_limit=100)
    slow, fast = Sink(backlog=101), Sink()
    channel.join(slow)
    channel.join(fast)
    channel.receive(message(1))
    await turn()
    assert slow.closed
    assert slow.frames == []
    assert fast.frames == [text_frame('{"seq":1}')]
    assert channel.live == {fast}


@on_a_loop
async def test_one_frame_object_is_shared_by_every_reader() -> None:
    channel = Channel("h", last_seq=0, keep=10, buffer_limit=100)
    readers = [Sink() for _ in range(3)]
    for reader in readers:
        channel.join(reader)
    channel.receive(message(1))
    await turn()
    assert readers[0].frames[0] is readers[1].frames[0] is readers[2].frames[0]


@on_a_loop
async def test_a_large_fan_out_goes_a_chunk_a_turn_in_order_to_the_readers_of_its_moment() -> None:
    channel = Channel("h", last_seq=0, keep=10, buffer_limit=100)
    first = [Sink() for _ in range(2 * CHUNK + 50)]
    for reader in first:
        channel.join(reader)
    channel.receive(message(1))
    assert sum(len(r.frames) for r in first) == 0  # nothing inside the publish
    await turn()
    assert sum(len(r.frames) for r in first) == CHUNK
    late = Sink()
    channel.join(late)  # it would have had event 1 from memory
    channel.receive(message(2))  # queued behind the fan-out of event 1
    for _ in range(5):
        await turn()
    one, two = text_frame('{"seq":1}'), text_frame('{"seq":2}')
    assert all(reader.frames == [one, two] for reader in first)
    assert late.frames == [two]


def test_deletion_redacts_remembered_frames() -> None:
    channel = Channel("h", last_seq=0, keep=10, buffer_limit=100)
    channel.receive(message(1, "a"))
    channel.receive(Message("h", 2, '{"seq":2,"deleted":true}', "a", ((1, '{"seq":1,"x":0}'),)))
    assert channel.recent_after(0) == [
        text_frame('{"seq":1,"x":0}'),
        text_frame('{"seq":2,"deleted":true}'),
    ]


def test_hub_makes_a_channel_for_an_event_of_a_hearing_nobody_watches() -> None:
    hub = Hub(MemoryBroker(), keep=5, buffer_limit=100)
    hub.publish(message(1))
    assert hub.channel("h", 0).last_seq == 1  # the existing channel knows better
    assert hub.readers() == 0
