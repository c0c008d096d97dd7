"""Redis pub/sub between nodes: every committed event and every notice, to every node.

Pub/sub keeps nothing: a node that is disconnected misses what was published meanwhile.
That is fine because the log is the truth and pub/sub only makes it fast: each node's
`Ordering` reads from the log whatever it missed (a gap between two seqs, or everything
after the last seq while the broker is away), and `connections` tells it when to look.
A node's own events reach its readers at once, without the round trip; what it could not
send waits in a bounded outbox and goes out on reconnection (beyond the bound, the
others read it from the log).

Reconnection backs off from 50 ms to 2 s with jitter; readers are never disconnected
by a broker outage.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import secrets
from collections import deque
from typing import Any

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from courtwire.hub.base import Broker, Receiver
from courtwire.messages import Message

logger = logging.getLogger(__name__)

OUTBOX = 10_000
"""Payloads kept while Redis is away; beyond, the oldest are dropped (read from the log)."""
FIRST_BACKOFF = 0.05
LAST_BACKOFF = 2.0
HEARTBEAT = 1.0
"""Seconds of silence after which the subscription pings Redis, so a dead connection is
noticed within about this long even when nothing is published."""


def client(url: str, timeout: float = 2.0) -> aioredis.Redis:
    """A client that fails at once instead of retrying behind our back: a reconnection
    must be seen (messages may have been missed), and each caller has a fallback."""
    return aioredis.Redis.from_url(
        url, retry=Retry(NoBackoff(), 0), socket_connect_timeout=timeout, socket_timeout=timeout
    )


def channel(namespace: str) -> str:
    return f"courtwire:{namespace}:events"


def notice(node: str, topic: str, data: str) -> str:
    return json.dumps({"node": node, "topic": topic, "data": data})


async def announce_once(url: str, namespace: str, topic: str, data: str) -> None:
    """Tell every node, from a process that is not one (the `courtwire` command)."""
    sender = client(url)
    try:
        await sender.publish(channel(namespace), notice("@cli", topic, data))
    finally:
        await sender.aclose()


def encode(node: str, message: Message) -> str:
    return json.dumps(
        {
            "node": node,
            "hearing": message.hearing,
            "seq": message.seq,
            "text": message.text,
            "entry": message.entry_id,
            "rewritten": message.rewritten,
        }
    )


def decode(payload: dict[str, Any]) -> Message:
    rewritten = tuple((int(seq), str(text)) for seq, text in payload["rewritten"])
    return Message(
        payload["hearing"], int(payload["seq"]), payload["text"], payload["entry"], rewritten
    )


class RedisBroker(Broker):
    """`namespace`: the database's epoch, so that several deployments (or test runs) can
    share one Redis, and a restored database starts afresh."""

    def __init__(self, url: str, namespace: str) -> None:
        super().__init__()
        self.url = url
        self.channel = channel(namespace)
        self.node = secrets.token_hex(8)
        self.connections = 0
        self._up = False
        self._receiver: Receiver | None = None
        self._outbox: deque[str] = deque()
        self._pending = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

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
        self._post(encode(self.node, message))

    def announce(self, topic: str, data: str) -> None:
        self._post(notice(self.node, topic, data))

    def _post(self, payload: str) -> None:
        if len(self._outbox) >= OUTBOX:
            self._outbox.popleft()
            logger.warning("broker outbox full: the oldest payload is left to the log")
        self._outbox.append(payload)
        self._pending.set()

    async def _send(self) -> None:
        """Publish the outbox in order; on failure keep it and retry with backoff."""
        sender = client(self.url)
        backoff = FIRST_BACKOFF
        try:
            while True:
                await self._pending.wait()
                self._pending.clear()
                while self._outbox:
                    try:
                        await sender.publish(self.channel, self._outbox[0])
                    except (RedisError, OSError) as error:
                        logger.warning("broker publish failed: %s", error)
                        await asyncio.sleep(_jittered(backoff))
                        backoff = min(backoff * 2, LAST_BACKOFF)
                        continue
                    backoff = FIRST_BACKOFF
                    self._outbox.popleft()
        finally:
            await sender.aclose()

    async def _subscribe(self) -> None:
        backoff = FIRST_BACKOFF
        while True:
            listener = client(self.url)
            try:
                async with listener.pubsub(ignore_subscribe_messages=True) as pubsub:
                    await pubsub.subscribe(self.channel)
                    self._up = True
                    self.connections += 1
                    backoff = FIRST_BACKOFF
                    logger.info("broker subscribed connections=%d", self.connections)
                    await self._listen(pubsub)
            except (RedisError, OSError) as error:
                if self._up:
                    logger.warning("broker connection lost: %s", error)
            finally:
                self._up = False
                await listener.aclose()
            await asyncio.sleep(_jittered(backoff))
            backoff = min(backoff * 2, LAST_BACKOFF)

    async def _listen(self, pubsub: aioredis.client.PubSub) -> None:
        while True:
            item = await pubsub.get_message(timeout=HEARTBEAT)
            if item is None:
                await pubsub.ping()
            elif item["type"] == "message":
                try:
                    self._arrived(json.loads(item["data"]))
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


def _jittered(delay: float) -> float:
    return delay * random.uniform(0.5, 1.5)
