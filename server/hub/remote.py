"""A broker between nodes, whatever carries it (Redis pub/sub in `redis_broker.py`,
PostgreSQL LISTEN/NOTIFY in `pg_broker.py`): every committed event and every notice, to
every node.

The transport keeps nothing: a node that is disconnected misses what was published
meanwhile. That is fine because the log is the truth and the broker only makes it fast:
each node's `Ordering` reads from the log whatever it missed (a gap between two seqs, or
everything after the last seq while the broker is away), and `connections` tells it when
to look. A node's own events reach its readers at once, without the round trip; what it
could not send waits in a bounded outbox and goes out on reconnection (beyond the bound,
the others read it from the log).

Reconnection backs off from 50 ms to 2 s with jitter; readers are never disconnected
by a broker outage. A transport only says how to send one payload and how to listen.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import secrets
from abc import abstractmethod
from collections import deque
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from typing import Any, ClassVar

from courtwire.hub.base import Broker, Receiver
from courtwire.messages import Message

logger = logging.getLogger(__name__)

OUTBOX = 10_000
"""Payloads kept while the broker is away; beyond, the oldest are dropped (read from the log)."""
FIRST_BACKOFF = 0.05
LAST_BACKOFF = 2.0
HEARTBEAT = 1.0
"""Seconds of silence after which a subscription checks its connection, so a dead one is
noticed within about this long even when nothing is published."""


COMPACT: dict[str, Any] = {"ensure_ascii": False, "separators": (",", ":")}
"""Payloads as UTF-8 JSON without spaces: PostgreSQL's are limited in bytes."""


def notice(node: str, topic: str, data: str) -> str:
    return json.dumps({"node": node, "topic": topic, "data": data}, **COMPACT)


def encode(node: str, message: Message) -> str:
    return json.dumps(
        {
            "node": node,
            "hearing": message.hearing,
            "seq": message.seq,
            "text": message.text,
            "entry": message.entry_id,
            "rewritten": message.rewritten,
        },
        **COMPACT,
    )


def decode(payload: dict[str, Any]) -> Message:
    rewritten = tuple((int(seq), str(text)) for seq, text in payload["rewritten"])
    return Message(
        payload["hearing"], int(payload["seq"]), payload["text"], payload["entry"], rewritten
    )


class RemoteBroker(Broker):
    """The outbox, the subscription's reconnection and the dispatch of what arrives; a
    subclass is one transport."""

    errors: ClassVar[tuple[type[Exception], ...]]
    """What the transport raises when its connection fails (the loops retry on these)."""

    def __init__(self) -> None:
        super().__init__()
        self.node = secrets.token_hex(8)
        self.connections = 0
        self._up = False
        self._receiver: Receiver | None = None
        self._outbox: deque[str] = deque()
        self._pending = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    @abstractmethod
    async def _transmit(self, payload: str) -> None:
        """Send one payload to every node; raises one of `errors` when it could not."""

    @abstractmethod
    async def _release(self) -> None:
        """Close what `_transmit` opened."""

    @abstractmethod
    def _subscription(self) -> AbstractAsyncContextManager[AsyncIterator[str]]:
        """Listening once entered: every payload sent from then on, until the connection
        fails (raising one of `errors`)."""

    def _carried(self, message: Message) -> str:
        """The payload that stands for `message`."""
        return encode(self.node, message)

    @property
    def connected(self) -> bool:
        return self._up

    def start(self, receiver: Receiver) -> None:
        self._receiver = receiver
        loop = asyncio.get_running_loop()
        self._tasks = [loop.create_task(self._subscribe()), loop.create_task(self._send())]

    def publish(self, message: Message) -> None:
        assert self._receiver is not None, "broker not started"
        self._receiver(message)
        self._post(self._carried(message))

    def announce(self, topic: str, data: str) -> None:
        self._post(notice(self.node, topic, data))

    def _post(self, payload: str) -> None:
        if len(self._outbox) >= OUTBOX:
            self._outbox.popleft()
            logger.warning("broker outbox full: the oldest payload is left to the log")
        self._outbox.append(payload)
        self._pending.set()

    async def _send(self) -> None:
        """Send the outbox in order; on failure keep it and retry with backoff."""
        backoff = FIRST_BACKOFF
        try:
            while True:
                await self._pending.wait()
                self._pending.clear()
                while self._outbox:
                    try:
                        await self._transmit(self._outbox[0])
                    except self.errors as error:
                        logger.warning("broker publish failed: %s", error)
                        await asyncio.sleep(jittered(backoff))
                        backoff = min(backoff * 2, LAST_BACKOFF)
                        continue
                    backoff = FIRST_BACKOFF
                    self._outbox.popleft()
        finally:
            await self._release()

    async def _subscribe(self) -> None:
        backoff = FIRST_BACKOFF
        while True:
            try:
                async with self._subscription() as payloads:
                    self._up = True
                    self.connections += 1
                    backoff = FIRST_BACKOFF
                    logger.info("broker subscribed connections=%d", self.connections)
                    async for payload in payloads:
                        self._handle(payload)
            except self.errors as error:
                if self._up:
                    logger.warning("broker connection lost: %s", error)
            finally:
                self._up = False
            await asyncio.sleep(jittered(backoff))
            backoff = min(backoff * 2, LAST_BACKOFF)

    def _handle(self, payload: str) -> None:
        try:
            self._arrived(json.loads(payload))
        except Exception:
            logger.exception("broker payload not handled")

    def _arrived(self, payload: dict[str, Any]) -> None:
        if payload["node"] == self.node:
            return  # delivered here when published
        if "topic" in payload:
            listener = self.listeners.get(payload["topic"])
            if listener is not None:
                listener(payload["data"])
            return
        assert self._receiver is not None
        self._receiver(decode(payload))

    async def close(self) -> None:
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task


def jittered(delay: float) -> float:
    return delay * random.uniform(0.5, 1.5)
