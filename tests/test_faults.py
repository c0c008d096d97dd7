"""Nothing acknowledged is lost, nothing is published twice, no reader sees a gap, while
the server is killed with SIGKILL again and again and restarted on the same database."""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import websockets

from courtwire.auth import Accounts
from courtwire.model import Role
from tests.backend import ON_POSTGRESQL
from tests.support import LiveServer, Staff, auth, new_id, run

REPORTERS = 10
POSTS_EACH = 100
READERS = 5
KILLS = 11


@dataclass
class Reader:
    """A reader that resumes with `after=` the last seq it has, through every restart."""

    seqs: list[int] = field(default_factory=list)
    ids: dict[int, str] = field(default_factory=dict)
    connections: int = 0
    resets: int = 0
    epochs: set[str] = field(default_factory=set)

    @property
    def last(self) -> int:
        return max(self.seqs, default=0)

    async def follow(self, url: str, done: asyncio.Event, final: list[int]) -> None:
        rng = random.Random()
        while not (done.is_set() and self.last >= final[0]):
            query = f"?after={self.last}"
            if self.epochs:
                query += f"&epoch={next(iter(self.epochs))}"
            try:
                async with websockets.connect(
                    url + query, compression=None, open_timeout=5, close_timeout=1
                ) as ws:
                    self.connections += 1
                    while not (done.is_set() and self.last >= final[0]):
                        try:
                            raw = await asyncio.wait_for(ws.recv(), 0.5)
                        except TimeoutError:
                            continue
                        message = json.loads(raw)
                        if message["type"] == "hello":
                            self.epochs.add(message["epoch"])
                        elif message["type"] == "reset":
                            self.resets += 1
                        elif "seq" in message:
                            self.seqs.append(message["seq"])
                            self.ids.setdefault(message["seq"], message["data"]["id"])
            except (OSError, TimeoutError, websockets.WebSocketException):
                pass
            if done.is_set() and self.last >= final[0]:
                return
            await asyncio.sleep(rng.uniform(0.05, 0.2))  # backoff with jitter


async def report(
    server: LiveServer, token: str, slug: str, acked: dict[str, int], attempts: list[int]
) -> None:
    """Post 100 updates in order, each retried with the same id until acknowledged."""
    rng = random.Random()
    async with httpx.AsyncClient(base_url=server.url, headers=auth(token), timeout=10) as client:
        for n in range(POSTS_EACH):
            payload = {"id": new_id(), "kind": "note", "body": f"Update {n} from {token[:6]}"}
            while True:
                attempts[0] += 1
                try:
                    response = await client.post(f"/api/hearings/{slug}/entries", json=payload)
                except httpx.HTTPError:
                    await asyncio.sleep(rng.uniform(0.05, 0.2))
                    continue
                assert response.status_code in (200, 201, 503), response.text
                if response.status_code in (200, 201):
                    acked[payload["id"]] = response.json()["seq"]
                    break
                await asyncio.sleep(rng.uniform(0.05, 0.2))


async def issue_tokens(server: LiveServer, count: int) -> list[str]:
    """One reporter account (one password hash is slow enough) with a token a phone."""
    async with server.database() as db:
        accounts = Accounts(db)
        actor = await accounts.add_user("reporter", "correct horse battery", Role.REPORTER)
        return [await accounts.issue_token(actor) for _ in range(count)]


@pytest.mark.timeout(240)  # 45 s on a quiet machine; the margin is for a busy one
def test_nothing_acknowledged_is_lost_or_duplicated_through_repeated_sigkill(
    fresh_server: LiveServer,
) -> None:
    fresh_server.start()
    editor_token = fresh_server.staff("ed", Role.EDITOR)
    with Staff(fresh_server, editor_token) as editor:
        slug = editor.create_hearing("R v Crash", status="live")["slug"]
    tokens = run(issue_tokens(fresh_server, REPORTERS))
    url = f"{fresh_server.ws_url}/ws/hearings/{slug}"
    acked: dict[str, int] = {}
    attempts = [0]
    readers = [Reader() for _ in range(READERS)]
    kills = 0

    async def killer(posting: asyncio.Task[Any]) -> None:
        """SIGKILL at random moments spread over the run: when the acknowledged posts
        pass random marks, after a random fraction of a second more."""
        nonlocal kills
        rng = random.Random()
        marks = sorted(rng.sample(range(10, REPORTERS * POSTS_EACH - 50), KILLS))
        for mark in marks:
            while len(acked) < mark and not posting.done():
                await asyncio.sleep(0.01)
            await asyncio.sleep(rng.uniform(0, 0.3))
            await asyncio.to_thread(fresh_server.kill)
            kills += 1
            await asyncio.to_thread(fresh_server.start)

    async def scenario() -> None:
        done = asyncio.Event()
        final = [0]
        following = [asyncio.create_task(r.follow(url, done, final)) for r in readers]
        posting = asyncio.create_task(
            asyncio.wait_for(
                asyncio.gather(*(report(fresh_server, t, slug, acked, attempts) for t in tokens)),
                180,
            )
        )
        await killer(posting)
        await posting
        final[0] = len(acked)
        done.set()
        await asyncio.wait_for(asyncio.gather(*following), 30)

    started = time.monotonic()
    run(scenario())
    elapsed = time.monotonic() - started
    fresh_server.stop()

    with fresh_server.connect() as db:
        integrity = "ok" if ON_POSTGRESQL else db.execute("PRAGMA integrity_check").fetchone()[0]
        entry_rows = db.execute("SELECT id, published_seq FROM entries").fetchall()
        event_rows = db.execute("SELECT seq, entry_id FROM events ORDER BY seq").fetchall()
        last_seq = db.execute("SELECT last_seq FROM hearings WHERE slug = ?", (slug,)).fetchone()

    stored = dict(entry_rows)
    event_ids = [entry_id for _, entry_id in event_rows]
    lost = [entry_id for entry_id in acked if entry_id not in stored]
    duplicated = len(event_ids) - len(set(event_ids)) + len(entry_rows) - len(stored)
    unexpected = [entry_id for entry_id in stored if entry_id not in acked]
    wrong_seq = [entry_id for entry_id, seq in acked.items() if stored.get(entry_id) != seq]
    total = len(event_rows)
    gaps = 0
    for reader in readers:
        # Drop duplicates by seq (a resume may repeat nothing, but a reader that saw an
        # event just before a kill may legitimately see it once more); what is left must
        # be exactly 1..N in order, each seq naming the entry the log has under it.
        unique = list(dict.fromkeys(reader.seqs))
        gaps += sum(1 for a, b in itertools.pairwise(unique) if b != a + 1)
        gaps += (unique[:1] != [1]) + (unique[-1:] != [total])
        gaps += sum(1 for seq, entry_id in reader.ids.items() if event_ids[seq - 1] != entry_id)
    print(
        f"\nposts {REPORTERS * POSTS_EACH} (attempts {attempts[0]}), acked {len(acked)},"
        f" kills {kills}, lost {len(lost)}, duplicated {duplicated}, unexpected"
        f" {len(unexpected)}, gaps {gaps}; readers: connections"
        f" {[r.connections for r in readers]}, events received"
        f" {[len(r.seqs) for r in readers]} (repeats"
        f" {[len(r.seqs) - len(set(r.seqs)) for r in readers]}), in {elapsed:.1f} s"
    )
    assert kills >= 10
    assert integrity == "ok"
    assert len(acked) == REPORTERS * POSTS_EACH
    assert lost == []
    assert duplicated == 0
    assert unexpected == []
    assert wrong_seq == []
    assert [seq for seq, _ in event_rows] == list(range(1, total + 1))
    assert last_seq == (total,)
    assert total == REPORTERS * POSTS_EACH
    assert gaps == 0
    for reader in readers:
        assert list(dict.fromkeys(reader.seqs)) == list(range(1, total + 1))
        assert reader.resets == 0
        assert len(reader.epochs) == 1
