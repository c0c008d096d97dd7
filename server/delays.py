"""Publishing delayed posts when they fall due, in this process, across restarts (and,
with several nodes, on each of them: the first release claims the post).

A delayed post's release time is stored with it (`queue.release_at`); this only keeps a
timer per waiting post. On start, every waiting post is scheduled again, and one that
fell due while the server was down is published at once. A release that finds the post
pulled back, discarded or already published does nothing, so a timer never publishes
twice.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from courtwire.exceptions import CourtwireError
from courtwire.store import Store
from courtwire.times import now

logger = logging.getLogger(__name__)


class Delays:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._running: set[asyncio.Task[None]] = set()
        store.on_delayed = self.schedule

    async def start(self) -> None:
        """Schedule every post still waiting; the overdue ones go out first, in order."""
        for entry_id, due in await self.store.delayed():
            self.schedule(entry_id, due)

    def schedule(self, entry_id: str, due: str) -> None:
        wait = max(0.0, (datetime.fromisoformat(due) - now()).total_seconds())
        loop = asyncio.get_running_loop()
        earlier = self._timers.pop(entry_id, None)
        if earlier is not None:
            earlier.cancel()
        self._timers[entry_id] = loop.call_later(wait, self._fire, entry_id)

    def _fire(self, entry_id: str) -> None:
        self._timers.pop(entry_id, None)
        task = asyncio.get_running_loop().create_task(self._release(entry_id))
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _release(self, entry_id: str) -> None:
        try:
            written = await self.store.release(entry_id, None, due=True)
            waits = written.waiting
            if waits is not None and waits.release_at is not None:
                # The timer's clock ran ahead of the wall clock: wait the rest.
                self.schedule(entry_id, waits.release_at)
                return
        except CourtwireError as refused:
            # E.g. it names a restriction added while it waited: it stays in the queue,
            # where the desk shows it, and an editor decides.
            logger.warning("delayed post not released entry=%s code=%s", entry_id, refused.code)
            return
        if written.created:
            logger.info("delayed post released entry=%s seq=%d", entry_id, written.seq)

    async def close(self) -> None:
        """Idempotent: stops the timers and waits for releases under way."""
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
        if self._running:
            await asyncio.gather(*self._running, return_exceptions=True)
