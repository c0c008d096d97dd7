"""Readers whose connections are cut at random while reporters post: each resumes with
`after=` its last seq, and ends with the whole log, no gap, no duplicate, in order."""

from __future__ import annotations

import asyncio
import json
import random
import time

import httpx
import websockets

from courtwire.model import Role
from tests.support import LiveServer, Staff, auth, new_id, run

READERS = 200
REPORTERS = 10
POSTS_EACH = 20


class ChurningReader:
    def __init__(self, url: str, seed: int) -> None:
        self.url = url
        self.rng = random.Random(seed)
        self.seqs: list[int] = []
        self.connections = 0
        self.cuts = 0

    @property
    def last(self) -> int:
        return self.seqs[-1] if self.seqs else 0

    async def follow(self, done: asyncio.Event, final: list[int]) -> None:
        while not (done.is_set() and self.last >= final[0]):
            cut_at = time.monotonic() + self.rng.uniform(0.05, 1.0)
            try:
                async with websockets.connect(
                    f"{self.url}?after={self.last}",
                    compression=None,
                    open_timeout=10,
                    close_timeout=1,
                ) as ws:
                    self.connections += 1
                    while not (done.is_set() and self.last >= final[0]):
                        # Cut at random, unless the run is over (then read to the end).
                        if not done.is_set() and time.monotonic() > cut_at:
                            self.cuts += 1
                            if self.rng.random() < 0.5:
                                ws.transport.abort()  # the network drops
                            break  # else: the page closes the socket
                        try:
                            raw = await asyncio.wait_for(ws.recv(), 0.1)
                        except TimeoutError:
                            continue
                        message = json.loads(raw)
                        if "seq" in message:
                            self.seqs.append(message["seq"])
            except (OSError, websockets.WebSocketException):
                pass
            await asyncio.sleep(self.rng.uniform(0.0, 0.1))


async def post_all(server: LiveServer, token: str, slug: str) -> None:
    async with httpx.AsyncClient(base_url=server.url, headers=auth(token), timeout=30) as client:
        for n in range(POSTS_EACH):
            response = await client.post(
                f"/api/hearings/{slug}/entries", json={"id": new_id(), "body": f"Update {n}"}
            )
            assert response.status_code == 201, response.text
            await asyncio.sleep(0.02)


def test_200_readers_cut_at_random_while_10_reporters_post_see_no_gap(
    server: LiveServer, editor: Staff
) -> None:
    slug = editor.create_hearing("R v Churn", status="live")["slug"]
    tokens = [server.staff(f"churn-{n}", Role.REPORTER) for n in range(2)]
    url = f"{server.ws_url}/ws/hearings/{slug}"
    readers = [ChurningReader(url, seed) for seed in range(READERS)]
    total = REPORTERS * POSTS_EACH

    async def scenario() -> float:
        done = asyncio.Event()
        final = [total]
        following = [asyncio.create_task(reader.follow(done, final)) for reader in readers]
        started = time.monotonic()
        await asyncio.gather(*(post_all(server, tokens[n % 2], slug) for n in range(REPORTERS)))
        done.set()
        await asyncio.wait_for(asyncio.gather(*following), 60)
        return time.monotonic() - started

    elapsed = run(scenario())
    gaps = out_of_order = duplicates = 0
    for reader in readers:
        for a, b in zip(reader.seqs, reader.seqs[1:], strict=False):
            gaps += b > a + 1
            out_of_order += b < a
            duplicates += b == a
    cuts = sum(reader.cuts for reader in readers)
    connections = sum(reader.connections for reader in readers)
    print(
        f"\n{READERS} readers, {total} posts by {REPORTERS} reporters in {elapsed:.1f} s:"
        f" {cuts} cuts, {connections} connections; gaps {gaps}, out of order {out_of_order},"
        f" duplicates {duplicates}"
    )
    assert cuts >= READERS  # every reader was cut at least once on average
    assert gaps == 0
    assert out_of_order == 0
    assert duplicates == 0
    for reader in readers:
        assert reader.seqs == list(range(1, total + 1))
