"""The writer thread: one transaction at a time, callbacks in commit order, and a write
that has started outlives the request that asked for it."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import pytest

from courtwire.db import Transaction
from tests.support import LiveServer, run


@pytest.fixture
def store(tmp_path: Path) -> LiveServer:
    """A database of the test's own on the suite's engine (the server is not started)."""
    return LiveServer(tmp_path)


def hearing_count(store: LiveServer) -> int:
    with store.connect() as conn:
        return int(conn.execute("SELECT count(*) FROM hearings").fetchone()[0])


def insert_hearing(tx: Transaction, slug: str) -> int:
    hearing_id: int = tx.conn.execute(
        "INSERT INTO hearings (slug, title, court, case_ref, location, timezone, status,"
        " scheduled_start, description, created_at, updated_at)"
        " VALUES (?, 't', '', '', '', 'UTC', 'scheduled', NULL, '', '', '') RETURNING id",
        (slug,),
    ).fetchone()[0]
    return hearing_id


def test_callbacks_run_in_commit_order_on_the_loop(store: LiveServer) -> None:
    seen: list[tuple[int, threading.Thread]] = []
    loop_threads: list[threading.Thread] = []

    async def main() -> None:
        loop_threads.append(threading.current_thread())
        async with store.database() as db:

            async def write(n: int) -> int:
                def work(tx: Transaction) -> int:
                    row = insert_hearing(tx, f"h-{n}")
                    tx.after_commit(lambda: seen.append((row, threading.current_thread())))
                    return row

                return await db.write(work)

            rows = await asyncio.gather(*(write(n) for n in range(200)))
            assert sorted(rows) == list(range(1, 201))

    run(main())
    assert [row for row, _ in seen] == list(range(1, 201))
    assert {thread for _, thread in seen} == set(loop_threads)
    assert hearing_count(store) == 200


def test_a_failed_write_rolls_back_and_runs_no_callback(store: LiveServer) -> None:
    called: list[str] = []

    async def main() -> None:
        async with store.database() as db:

            def work(tx: Transaction) -> None:
                insert_hearing(tx, "kept-out")
                tx.after_commit(lambda: called.append("published"))
                insert_hearing(tx, "kept-out")  # the slug is unique: this raises

            with pytest.raises(db.integrity_error):
                await db.write(work)
            await db.write(lambda tx: insert_hearing(tx, "next"))

    run(main())
    assert called == []
    assert hearing_count(store) == 1


def test_a_cancelled_caller_does_not_cancel_a_started_write(store: LiveServer) -> None:
    called: list[str] = []
    started = threading.Event()

    async def main() -> None:
        async with store.database() as db:

            def slow(tx: Transaction) -> int:
                started.set()
                time.sleep(0.3)
                tx.after_commit(lambda: called.append("published"))
                return insert_hearing(tx, "slow")

            task = asyncio.create_task(db.write(slow))
            await asyncio.to_thread(started.wait, 5)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            # The next write queues behind it, so once it is back the first has committed.
            await db.write(lambda tx: insert_hearing(tx, "after"))
            await asyncio.sleep(0)

    run(main())
    assert called == ["published"]
    assert hearing_count(store) == 2
