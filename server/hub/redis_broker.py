"""Redis pub/sub between nodes: every committed event and every notice, to every node, on
one channel per deployment (`remote.py` has what every transport shares)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from courtwire.hub.remote import HEARTBEAT, RemoteBroker, notice

ERRORS = (RedisError, OSError)
"""What a failed Redis connection raises."""


def client(url: str, timeout: float = 2.0) -> aioredis.Redis:
    """A client that fails at once instead of retrying behind our back: a reconnection
    must be seen (messages may have been missed), and each caller has a fallback."""
    return aioredis.Redis.from_url(
        url, retry=Retry(NoBackoff(), 0), socket_connect_timeout=timeout, socket_timeout=timeout
    )


def channel(namespace: str) -> str:
    return f"courtwire:{namespace}:events"


async def announce_once(url: str, namespace: str, topic: str, data: str) -> None:
    """Tell every node, from a process that is not one (the `courtwire` command)."""
    sender = client(url)
    try:
        await sender.publish(channel(namespace), notice("@cli", topic, data))
    finally:
        await sender.aclose()


class RedisBroker(RemoteBroker):
    """`namespace`: the database's epoch, so that several deployments (or test runs) can
    share one Redis, and a restored database starts afresh."""

    errors = ERRORS

    def __init__(self, url: str, namespace: str) -> None:
        super().__init__()
        self.url = url
        self.channel = channel(namespace)
        self._sender = client(url)

    async def _transmit(self, payload: str) -> None:
        await self._sender.publish(self.channel, payload)

    async def _release(self) -> None:
        await self._sender.aclose()

    @asynccontextmanager
    async def _subscription(self) -> AsyncIterator[AsyncIterator[str]]:
        listener = client(self.url)
        try:
            async with listener.pubsub(ignore_subscribe_messages=True) as pubsub:
                await pubsub.subscribe(self.channel)
                yield _payloads(pubsub)
        finally:
            await listener.aclose()


async def _payloads(pubsub: aioredis.client.PubSub) -> AsyncIterator[str]:
    while True:
        item = await pubsub.get_message(timeout=HEARTBEAT)
        if item is None:
            await pubsub.ping()
        elif item["type"] == "message":
            yield item["data"].decode()
