"""The sweep: photos uploaded but never put on an update, and uploads in pieces left
unfinished, are removed once they are older than COURTWIRE_PHOTO_UNATTACHED_HOURS.

It runs at start and then every quarter of that period (at most an hour apart), on every
node: each sweep claims its rows with one `DELETE … RETURNING`, so with several nodes on
one PostgreSQL database a photo is claimed by one of them, which removes its files.
A photo being put on an update is locked by that transaction (`photos.attach`), and the
sweep's DELETE, which waits for it, then finds it attached and leaves it.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta

from courtwire.db import Database, Transaction
from courtwire.photos import Photos
from courtwire.times import format_time, now

logger = logging.getLogger(__name__)

MAX_INTERVAL = 3600.0
"""Seconds between sweeps at most, however long the period."""


@dataclass(frozen=True)
class Swept:
    photos: list[str]
    uploads: int


class Sweep:
    def __init__(self, db: Database, photos: Photos, *, hours: float) -> None:
        self.db = db
        self.photos = photos
        self.period = timedelta(hours=hours)

    @property
    def interval(self) -> float:
        """Seconds between two sweeps: a quarter of the period, at most MAX_INTERVAL."""
        return min(MAX_INTERVAL, self.period.total_seconds() / 4)

    async def once(self) -> Swept:
        """Remove what is older than the period (rows now, files after the commit)."""
        before = format_time(now() - self.period)

        def claim(tx: Transaction) -> Swept:
            photos = tx.conn.execute(
                "DELETE FROM photos WHERE entry_id IS NULL AND created_at < ? RETURNING id",
                (before,),
            ).fetchall()
            uploads = tx.conn.execute(
                "DELETE FROM uploads WHERE updated_at < ? RETURNING id", (before,)
            ).fetchall()
            return Swept([str(row[0]) for row in photos], len(uploads))

        swept = await self.db.write(claim)
        self.photos.remove_files(swept.photos)
        logger.info(
            "sweep unattached_photos=%d unfinished_uploads=%d older_than=%s",
            len(swept.photos),
            swept.uploads,
            before,
        )
        return swept

    async def run(self) -> None:
        """Sweep now and then every `interval` seconds, until cancelled; a failed sweep
        is logged and tried again at the next turn."""
        while True:
            try:
                await self.once()
            except Exception:
                logger.exception("sweep failed")
            await asyncio.sleep(self.interval)
