"""What was acknowledged survives: restarts and SIGKILL on the same SQLite file."""

from __future__ import annotations

import asyncio
import threading

import httpx

from courtwire.model import Role
from tests.backend import ON_POSTGRESQL
from tests.support import LiveServer, Staff, auth, new_id, run


def seqs_in_db(server: LiveServer) -> list[int]:
    with server.connect() as conn:
        return [row[0] for row in conn.execute("SELECT seq FROM events ORDER BY seq")]


def test_restart_keeps_the_log_and_seq_continues(fresh_server: LiveServer) -> None:
    fresh_server.start()
    with Staff(fresh_server, fresh_server.staff("ed", Role.EDITOR)) as editor:
        slug = editor.create_hearing("R v Restart", status="live")["slug"]
        before = [editor.post(slug, f"before {n}").json() for n in range(5)]
        fresh_server.stop()
        fresh_server.start()
        after = editor.post(slug, "after restart")
        events = httpx.get(f"{fresh_server.url}/api/hearings/{slug}/events").json()
    assert after.status_code == 201
    assert after.json()["seq"] == 6  # creating a hearing appends no event
    assert [e["seq"] for e in events["events"]] == list(range(1, 7))
    assert [e["data"]["id"] for e in events["events"][:5]] == [p["entry"]["id"] for p in before]


def test_sigkill_during_a_burst_loses_no_acknowledged_post(fresh_server: LiveServer) -> None:
    """Clients retry each post with the same id until acknowledged, across a SIGKILL and
    restart; afterwards every acknowledged post is stored exactly once."""
    fresh_server.start()
    token = fresh_server.staff("ed", Role.EDITOR)
    with Staff(fresh_server, token) as editor:
        slug = editor.create_hearing("R v Crash", status="live")["slug"]
    ids = [new_id() for _ in range(120)]
    acked: list[str] = []
    killed = threading.Event()

    async def post_until_acked(client: httpx.AsyncClient, entry_id: str) -> None:
        for _ in range(400):
            try:
                response = await client.post(
                    f"/api/hearings/{slug}/entries", json={"id": entry_id, "body": entry_id}
                )
            except httpx.HTTPError:
                await asyncio.sleep(0.05)
                continue
            assert response.status_code in (200, 201), response.text
            acked.append(entry_id)
            return
        raise AssertionError(f"{entry_id} never acknowledged")

    async def burst() -> None:
        async with httpx.AsyncClient(
            base_url=fresh_server.url, headers=auth(token), timeout=5
        ) as client:
            for chunk in range(0, len(ids), 4):
                await asyncio.gather(*(post_until_acked(client, i) for i in ids[chunk : chunk + 4]))

    def crash() -> None:
        while len(acked) < 30:
            threading.Event().wait(0.01)
        fresh_server.kill()
        killed.set()
        fresh_server.start()

    crasher = threading.Thread(target=crash)
    crasher.start()
    run(burst())
    crasher.join()
    assert killed.is_set()
    with fresh_server.connect() as conn:
        if not ON_POSTGRESQL:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = [row[0] for row in conn.execute("SELECT id FROM entries ORDER BY published_seq")]
    assert sorted(stored) == sorted(set(acked))
    assert len(stored) == len(ids)
    assert seqs_in_db(fresh_server) == list(range(1, len(ids) + 1))
