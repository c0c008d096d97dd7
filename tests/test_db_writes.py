"""The writer thread: one transaction at a time, callbacks in commit order, and a write
that has started outlives the request that asked for it."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from courtwire.db import Database, Transaction
from tests.support import run


def hearing_count(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT count(*) FROM hearings").fetchone()[0])


def insert_hearing(tx: Transaction, slug: str) -> int:
    cursor = tx.conn.execute(
        "INSERT INTO hearings (slug, title, court, case_ref, location, timezone, status,"
        " scheduled_start, description, created_at, updated_at)"
        " VALUES (?, 't', '', '', '', 'UTC', 'scheduled', NULL, '', '', '')",
        (slug,),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def test_callbacks_run_in_commit_order_on_the_loop(tmp_path: Path) -> None:
    seen: list[tuple[int, threading.Thread]] = []
    loop_threads: list[threading.Thread] = []

    async def main() -> None:
        loop_threads.append(threading.current_thread())
        async with Database(tmp_path / "order.db") as db:

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
    assert hearing_count(tmp_path / "order.db") == 200


def test_a_failed_write_rolls_back_and_runs_no_callback(tmp_path: Path) -> None:
    called: list[str] = []

    async def main() -> None:
        async with Database(tmp_path / "fail.db") as db:

            def work(tx: Transaction) -> None:
                insert_hearing(tx, "kept-out")
                tx.after_commit(lambda: called.append("published"))
                insert_hearing(tx, "kept-out")  # the slug is unique: this raises

            with pytest.raises(sqlite3.IntegrityError):
                await db.write(work)
            assert await db.write(lambda tx: insert_hearing(tx, "next")) == 1

    run(main())
    assert called == []
    assert hearing_count(tmp_path / "fail.db") == 1


def test_a_cancelled_caller_does_not_cancel_a_started_write(tmp_path: Path) -> None:
    called: list[str] = []
    started = threading.Event()

    async def main() -> None:
        async with Database(tmp_path / "cancel.db") as db:

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
    assert hearing_count(tmp_path / "cancel.db") == 2
