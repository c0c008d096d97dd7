"""PostgreSQL LISTEN/NOTIFY between nodes, for a deployment whose storage is PostgreSQL
and that wants no Redis: every committed event and every notice, to every node
(`remote.py` has what every transport shares).

A NOTIFY payload must be shorter than 8000 bytes. An event that does not fit (a long
body in Cyrillic, a redaction that rewrites many events) travels as a pointer instead:
the notice `UNCARRIED` with its hearing and seq, and every node reads it from the log,
where it was committed before it was published (docs/benchmarks.md has what the pointer
costs). Notifications of one sender arrive in the order sent, pointers included.

Each NOTIFY is a transaction of its own; it writes no data, so its commit does not wait
for a WAL flush (measured: docs/benchmarks.md).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import psycopg
from psycopg import sql

from courtwire.hub.base import UNCARRIED
from courtwire.hub.remote import HEARTBEAT, RemoteBroker, encode, notice
from courtwire.messages import Message

logger = logging.getLogger(__name__)

ERRORS = (psycopg.Error, OSError)
"""What a failed PostgreSQL connection raises (a timeout is an OSError)."""
PAYLOAD_LIMIT = 8000
"""Bytes a NOTIFY payload must stay under (PostgreSQL's build default)."""
APPLICATION = "courtwire-broker"
"""The broker's connections' `application_name`, as `pg_stat_activity` shows them."""
SEND_TIMEOUT = 2.0
"""Seconds a NOTIFY may take before its connection is given up and the payload sent on a
new one: a connection that stopped carrying bytes (a partition, a NAT that forgot it)
fails no call of its own, it only stops answering."""


def fits(payload: str) -> bool:
    return len(payload.encode()) < PAYLOAD_LIMIT


def channel(namespace: str) -> str:
    return f"courtwire_{namespace}"


async def connect(url: str) -> psycopg.AsyncConnection[tuple[object, ...]]:
    # TCP keepalives (libpq's): an idle connection to a peer that is gone fails within
    # about 11 s, not the system's two hours.
    return await psycopg.AsyncConnection.connect(
        url,
        autocommit=True,
        application_name=APPLICATION,
        connect_timeout=2,
        keepalives=1,
        keepalives_idle=5,
        keepalives_interval=2,
        keepalives_count=3,
    )


async def _given_up(sending: asyncio.Future[None]) -> None:
    """Stop a NOTIFY that gets no answer. psycopg answers a first cancellation by asking
    the server to cancel the query and waiting for that (seconds, on a dead path); a
    second one, once it is at that, makes it close the connection at once. Cancelled
    again until it is done, for at most about a second; a call that still lingers ends on
    its own, its outcome collected then."""
    sending.add_done_callback(_collected)
    for _ in range(10):
        if sending.done():
            return
        sending.cancel()
        await asyncio.wait({sending}, timeout=0.1)


def _collected(sending: asyncio.Future[None]) -> None:
    if not sending.cancelled():
        sending.exception()


async def notify(
    conn: psycopg.AsyncConnection[tuple[object, ...]], name: str, payload: str
) -> None:
    await conn.execute("SELECT pg_notify(%s, %s)", (name, payload))


async def announce_once(url: str, namespace: str, topic: str, data: str) -> None:
    """Tell every node, from a process that is not one (the `courtwire` command)."""
    async with await connect(url) as conn:
        await notify(conn, channel(namespace), notice("@cli", topic, data))


class PgBroker(RemoteBroker):
    """`namespace`: the database's epoch, so that a restored database starts afresh."""

    errors = ERRORS

    def __init__(self, url: str, namespace: str) -> None:
        super().__init__()
        self.url = url
        self.channel = channel(namespace)
        self._sender: psycopg.AsyncConnection[tuple[object, ...]] | None = None

    def _carried(self, message: Message) -> str:
        payload = encode(self.node, message)
        if fits(payload):
            return payload
        return notice(self.node, UNCARRIED, json.dumps([message.hearing, message.seq]))

    def announce(self, topic: str, data: str) -> None:
        """A notice too large (none is: a slug, an id, a reset) would be refused by the
        database again and again, holding up the outbox: it is left to its fallback."""
        if fits(notice(self.node, topic, data)):
            super().announce(topic, data)
        else:
            logger.error("notice too large for NOTIFY, left to its fallback topic=%s", topic)

    async def _transmit(self, payload: str) -> None:
        if self._sender is None or self._sender.closed:
            self._sender = await connect(self.url)
        sending = asyncio.ensure_future(notify(self._sender, self.channel, payload))
        try:
            done, _ = await asyncio.wait({sending}, timeout=SEND_TIMEOUT)
            if not done:
                await _given_up(sending)
                raise TimeoutError(f"NOTIFY unanswered after {SEND_TIMEOUT} s")
            sending.result()
        except ERRORS:
            await self._release()  # the next payload opens a new connection
            raise
        finally:
            if not sending.done():  # this call cancelled itself: the broker is closing
                sending.add_done_callback(_collected)
                sending.cancel()

    async def _release(self) -> None:
        sender, self._sender = self._sender, None
        if sender is not None:
            await sender.close()

    @asynccontextmanager
    async def _subscription(self) -> AsyncIterator[AsyncIterator[str]]:
        conn = await connect(self.url)
        try:
            await conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))
            yield _payloads(conn)
        finally:
            await conn.close()


async def _payloads(conn: psycopg.AsyncConnection[tuple[object, ...]]) -> AsyncIterator[str]:
    """Notifications that come while the connection is checked are kept by psycopg and
    given by the next `notifies()`."""
    while True:
        async for item in conn.notifies(timeout=HEARTBEAT):
            yield item.payload
        async with asyncio.timeout(HEARTBEAT * 2):
            await conn.execute("SELECT 1")
