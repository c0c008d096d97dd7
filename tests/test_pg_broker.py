"""PostgreSQL's LISTEN/NOTIFY as the broker, on its own (the cluster tests run it between
real nodes): two brokers on one real database, as two nodes hold them."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from courtwire.exceptions import RateLimited
from courtwire.hub.base import UNCARRIED
from courtwire.hub.pg_broker import PAYLOAD_LIMIT, SEND_TIMEOUT, PgBroker
from courtwire.messages import Message
from courtwire.pg_limits import APPLICATION, PgLimits
from courtwire.postgres_db import migrate
from tests.backend import postgres
from tests.support import LiveServer, PostgresBroker, run


class Node:
    """A broker and what reached it: messages, and the pointers to uncarried events."""

    def __init__(self, url: str) -> None:
        self.broker = PgBroker(url, "test")
        self.messages: list[Message] = []
        self.pointers: list[list[object]] = []
        self.broker.listen(UNCARRIED, lambda data: self.pointers.append(json.loads(data)))
        self.broker.start(self.messages.append)


async def until(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.01)


def text(size: int) -> str:
    """An event's JSON text of about `size` bytes in UTF-8 (Cyrillic: two bytes a letter)."""
    return json.dumps({"body": "Ж" * (size // 2)}, ensure_ascii=False)


def test_events_cross_in_order_and_one_too_large_crosses_as_a_pointer() -> None:
    url = postgres().new_database()

    async def scenario() -> tuple[Node, Node, list[Message]]:
        a, b = Node(url), Node(url)
        try:
            await until(lambda: a.broker.connected and b.broker.connected)
            sent = [
                Message("r-v-size", 1, text(100), "e1"),
                Message("r-v-size", 2, text(PAYLOAD_LIMIT - 400), "e2", ((1, text(50)),)),
                Message("r-v-size", 3, text(PAYLOAD_LIMIT + 10), "e3"),
                Message("r-v-size", 4, text(100), "e4"),
            ]
            for message in sent:
                a.broker.publish(message)
            await until(lambda: len(b.messages) == 3 and len(b.pointers) == 1)
            await asyncio.sleep(0.2)  # nothing more comes
            return a, b, sent
        finally:
            await a.broker.close()
            await b.broker.close()

    a, b, sent = run(scenario())
    assert a.messages == sent  # a node's own events reach it at once, whole
    assert b.messages == [sent[0], sent[1], sent[3]]
    assert b.pointers == [["r-v-size", 3]]


def test_a_listener_terminated_reconnects_and_the_outbox_goes_out() -> None:
    url = postgres().new_database()
    outage = PostgresBroker()

    async def scenario() -> tuple[Node, int]:
        a, b = Node(url), Node(url)
        try:
            await until(lambda: a.broker.connected and b.broker.connected)
            a.broker.publish(Message("r-v-drop", 1, "{}"))
            await until(lambda: len(b.messages) == 1)
            await asyncio.to_thread(outage.kill)
            for seq in range(2, 12):
                a.broker.publish(Message("r-v-drop", seq, "{}"))
                await asyncio.sleep(0.02)
            await asyncio.to_thread(outage.start)
            # The last connection terminated may not be noticed yet: publish until one
            # comes through.
            seq = 11
            async with asyncio.timeout(20):
                while b.messages[-1].seq <= 11:
                    seq += 1
                    a.broker.publish(Message("r-v-drop", seq, "{}"))
                    await asyncio.sleep(0.05)
            return b, outage.kills
        finally:
            await a.broker.close()
            await b.broker.close()

    b, kills = run(scenario())
    assert kills >= 2
    seqs = [message.seq for message in b.messages]
    # What the listener missed while it was away is the log's to give (the Ordering);
    # what it got came once and in order.
    assert seqs == sorted(set(seqs))
    assert seqs[0] == 1
    assert seqs[-1] >= 12
    assert b.broker.connections > 1


class Stalling:
    """A TCP proxy to the run's PostgreSQL (on its Unix socket) whose `stall()` makes the
    connections it holds stop carrying bytes while they stay open, as after a partition
    or a NAT that forgot them; new connections go through."""

    def __init__(self, database_url: str) -> None:
        address = urlsplit(database_url)
        query = dict(parse_qsl(address.query))
        self.socket = f"{query['host']}/.s.PGSQL.{query['port']}"
        self.database = address.path.lstrip("/")
        self.held: list[dict[str, bool]] = []
        self.carrying: set[asyncio.Task[Any]] = set()
        self.server: asyncio.Server | None = None

    async def start(self) -> str:
        """Listening; the address of the database through the proxy."""
        self.server = await asyncio.start_server(self._carry, "127.0.0.1", 0)
        port = self.server.sockets[0].getsockname()[1]
        return f"postgresql://postgres@127.0.0.1:{port}/{self.database}"

    def stall(self) -> None:
        for connection in self.held:
            connection["stalled"] = True

    async def _carry(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self.carrying.add(task)
        up_reader, up_writer = await asyncio.open_unix_connection(self.socket)
        connection = {"stalled": False}
        self.held.append(connection)

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            while data := await source.read(65536):
                if not connection["stalled"]:
                    sink.write(data)
                    await sink.drain()

        try:
            await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        except (OSError, asyncio.CancelledError):
            pass
        finally:
            writer.close()
            up_writer.close()

    async def close(self) -> None:
        assert self.server is not None
        self.server.close()
        for task in self.carrying:
            task.cancel()
        await asyncio.gather(*self.carrying, return_exceptions=True)


def test_a_sender_whose_connection_stops_answering_sends_on_a_new_one() -> None:
    """A NOTIFY on a connection that no longer carries bytes fails no call: the sender
    gives it up after SEND_TIMEOUT and sends the outbox, in order, on a new connection."""
    url = postgres().new_database()
    proxy = Stalling(url)

    async def scenario() -> tuple[Node, float]:
        a, b = Node(await proxy.start()), Node(url)
        try:
            await until(lambda: a.broker.connected and b.broker.connected)
            a.broker.publish(Message("r-v-stall", 1, "{}"))
            await until(lambda: len(b.messages) == 1)
            proxy.stall()
            stalled_at = asyncio.get_running_loop().time()
            for seq in range(2, 6):
                a.broker.publish(Message("r-v-stall", seq, "{}"))
            # Usually SEND_TIMEOUT and a reconnection; at worst psycopg's own cancellation
            # of the stalled query runs its course first (5 s, then 5 s more).
            await until(lambda: len(b.messages) == 5, timeout=SEND_TIMEOUT + 25)
            return b, asyncio.get_running_loop().time() - stalled_at
        finally:
            await a.broker.close()
            await b.broker.close()
            await proxy.close()

    b, took = run(scenario())
    assert [message.seq for message in b.messages] == [1, 2, 3, 4, 5]
    assert took >= SEND_TIMEOUT * 0.9  # it waited for the stalled connection first
    print(f"stalled send recovered in {took:.2f} s")


def test_a_broker_address_of_another_database_is_refused_at_start(tmp_path: Path) -> None:
    """The shared limits' table and the epoch are in the deployment's database: a broker
    address that reaches another (here the server's `postgres` database) stops the start."""
    server = LiveServer(tmp_path, broker_url=postgres().url())
    try:
        with pytest.raises(RuntimeError, match="must reach the same PostgreSQL database"):
            server.start()
    finally:
        server.stop()


def test_the_limits_are_shared_and_survive_their_connection_terminated() -> None:
    """Two nodes' limits on one database count together; a terminated connection costs
    one check kept in memory (logged), and the next one is shared again."""
    url = postgres().new_database()
    epoch = migrate(url)

    async def scenario() -> list[str]:
        a, b = PgLimits(url, epoch, 2, 3), PgLimits(url, epoch, 2, 3)
        outcomes = []

        async def take(limits: PgLimits) -> None:
            try:
                await limits.take("reporter-1")
                outcomes.append("counted")
            except RateLimited:
                outcomes.append("refused")

        try:
            await a.check()
            await take(a)
            await take(b)
            await take(a)  # the third within the minute, on either node
            killed = await asyncio.to_thread(PostgresBroker.terminate_named, APPLICATION)
            assert killed == 2
            # Each node's connection is gone: one check in its memory, which has none...
            await take(b)
            await take(a)
            # ...and the next on a new connection: the shared count again.
            await take(b)
            await take(a)
        finally:
            await a.close()
            await b.close()
        return outcomes

    shared = ["counted", "counted", "refused"]
    assert run(scenario()) == [*shared, "counted", "counted", "refused", "refused"]
