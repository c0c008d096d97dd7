"""A hearing's seqs stay 1..N with no gap and no duplicate when several processes write to
it at once, some of their transactions rolled back: the write locks the hearing's row
(PostgreSQL: SELECT … FOR UPDATE; SQLite: BEGIN IMMEDIATE) before it takes the next seq."""

from __future__ import annotations

import asyncio
import contextlib
import json
import multiprocessing
import random
import time
from pathlib import Path

import httpx

from courtwire.db import Transaction
from courtwire.ledger import hearing_in
from courtwire.model import Role
from courtwire.settings import Settings
from courtwire.storage import open_database
from tests.support import LiveServer, Staff, auth, new_id, run

WRITERS = 4
WRITES = 40


class Abandoned(Exception):
    """Raised inside a transaction after it took its seq: the transaction rolls back."""


def write_many(db_path: str, database_url: str, slug: str, writer: int, seed: int) -> list[int]:
    """In a process of its own: WRITES transactions on the hearing, each appending one
    event the way the log does, holding the lock a moment; about one in five gives up
    after appending. The seqs that committed."""
    rng = random.Random(seed)
    settings = Settings(db_path=Path(db_path), database_url=database_url)

    async def main() -> list[int]:
        committed = []
        async with open_database(settings) as db:
            for n in range(WRITES):
                abandon = rng.random() < 0.2

                def append(tx: Transaction, n: int = n, abandon: bool = abandon) -> int:
                    hearing = hearing_in(tx.conn, slug)
                    seq = hearing.last_seq + 1
                    time.sleep(rng.uniform(0, 0.002))  # widen the window a second writer would hit
                    tx.conn.execute(
                        "INSERT INTO events (hearing_id, seq, entry_id, data) VALUES (?, ?, ?, ?)",
                        (hearing.id, seq, None, json.dumps({"writer": writer, "n": n})),
                    )
                    tx.conn.execute(
                        "UPDATE hearings SET last_seq = ? WHERE id = ?", (seq, hearing.id)
                    )
                    if abandon:
                        raise Abandoned
                    return seq

                with contextlib.suppress(Abandoned):
                    committed.append(await db.write(append))
        return committed

    return asyncio.run(main())


def test_concurrent_processes_take_every_seq_once_even_with_rollbacks(tmp_path: Path) -> None:
    seed = random.randrange(1 << 30)
    print(f"seed={seed}")
    store = LiveServer(tmp_path)  # its database only; the server is not started
    store.database().migrate()
    with store.connect() as db:
        db.execute(
            "INSERT INTO hearings (slug, title, court, case_ref, location, timezone, status,"
            " scheduled_start, description, created_at, updated_at)"
            " VALUES ('r-v-many', 't', '', '', '', 'UTC', 'live', NULL, '', '', '')"
        )
    with multiprocessing.get_context("spawn").Pool(WRITERS) as pool:
        results = pool.starmap(
            write_many,
            [
                (str(store.db_path), store.database_url, "r-v-many", writer, seed + writer)
                for writer in range(WRITERS)
            ],
        )
    committed = sorted(seq for seqs in results for seq in seqs)
    with store.connect() as db:
        stored = [row[0] for row in db.execute("SELECT seq FROM events ORDER BY seq")]
        last_seq = db.execute("SELECT last_seq FROM hearings").fetchone()[0]
        writes = {row[0] for row in db.execute("SELECT data FROM events")}
    assert 0 < len(committed) < WRITERS * WRITES  # some rolled back, most did not
    assert committed == list(range(1, len(committed) + 1))  # no gap, no duplicate
    assert stored == committed
    assert last_seq == len(committed)
    assert len(writes) == len(committed)


def test_servers_on_one_database_number_their_posts_as_one(tmp_path: Path) -> None:
    """Three servers on one database, reporters posting to all of them at once: every
    acknowledged post is stored once, and the seqs run 1..N."""
    for name in ("a", "b", "c"):
        (tmp_path / name).mkdir()
    first = LiveServer(tmp_path / "a")
    servers = [first] + [LiveServer(tmp_path / name, db_path=first.db_path) for name in "bc"]
    try:
        for server in servers:
            server.start()
        with Staff(first, first.staff("desk", Role.EDITOR)) as editor:
            slug = editor.create_hearing("R v Many", status="live")["slug"]
            token = editor.token

        async def post_all() -> dict[str, int]:
            acked: dict[str, int] = {}
            clients = [
                httpx.AsyncClient(base_url=server.url, headers=auth(token), timeout=30)
                for server in servers
            ]

            async def post(n: int) -> None:
                entry = {"id": new_id(), "kind": "note", "body": f"Update {n}"}
                client = clients[n % len(clients)]
                response = await client.post(f"/api/hearings/{slug}/entries", json=entry)
                assert response.status_code == 201, response.text
                acked[entry["id"]] = response.json()["seq"]

            try:
                await asyncio.gather(*(post(n) for n in range(60)))
            finally:
                for client in clients:
                    await client.aclose()
            return acked

        acked = run(post_all())
    finally:
        for server in servers:
            server.stop()
    assert sorted(acked.values()) == list(range(1, 61))
    with first.connect() as db:
        stored = dict(db.execute("SELECT id, published_seq FROM entries").fetchall())
        seqs = [row[0] for row in db.execute("SELECT seq FROM events ORDER BY seq")]
    assert stored == acked
    assert seqs == list(range(1, 61))
