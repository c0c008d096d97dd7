"""Photos: uploads decoded off the event loop, stored once per idempotency key, and served
only while the entry that carries them is published.

An upload (`Photos.upload`) is decoded in a small pool of its own, bounded by a
semaphore, so that a burst of uploads neither stalls the fan-out nor eats the machine.
Its variants are written to the media store under random names before its row is
committed; a refused upload stores nothing, and a lost race for the same key removes
its own files. The parts run inside entry transactions (`attach`, `detached`) are here
too: an entry carries its photo's variants in its JSON, so every channel has them.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import os
import secrets
import threading
from concurrent.futures import ThreadPoolExecutor

from courtwire import images
from courtwire.db import Connection, Database, Row
from courtwire.entries import PhotoRef
from courtwire.exceptions import Conflict, Invalid, MediaUnavailable, NotFound
from courtwire.media import MediaStore
from courtwire.model import EntryState, HearingStatus
from courtwire.records import Actor, Hearing
from courtwire.replies import Photo, PhotoVariant
from courtwire.schemas import members
from courtwire.times import format_time, now
from courtwire.types import JSONObject

logger = logging.getLogger(__name__)

MEDIA_PREFIX = "/media/"


def photo_view(row: Row) -> Photo:
    """A stored photo as its upload answers it (and as an entry carries it, with alt text)."""
    variants = [PhotoVariant(**variant) for variant in json.loads(row["variants"])]
    return Photo(row["id"], row["width"], row["height"], variants)


# Parts of entry transactions, run on the writer thread.

PHOTO_IN_HEARING = "SELECT * FROM photos WHERE id = ? AND hearing_id = ?"


def attach(
    conn: Connection, hearing: Hearing, entry_id: str, ref: PhotoRef | None
) -> tuple[JSONObject | None, list[str]]:
    """The entry's `photo` for `ref` (its variants with the alt text and caption), marked
    as the entry's; and the ids of photos the entry carried before and no longer does,
    whose rows are gone and whose files are to be removed after the commit."""
    photo: JSONObject | None = None
    if ref is not None:
        # Locked (PostgreSQL) so that another node's sweep cannot take it meanwhile.
        row = conn.execute(
            PHOTO_IN_HEARING + conn.dialect.lock_suffix,
            (ref.id, hearing.id),
        ).fetchone()
        if row is None:
            raise Invalid("No photo with this id was uploaded to this hearing.", field="photo.id")
        if row["entry_id"] not in (None, entry_id):
            raise Conflict(
                "This photo belongs to another update.", field="photo.id", code="photo_in_use"
            )
        conn.execute("UPDATE photos SET entry_id = ? WHERE id = ?", (entry_id, ref.id))
        photo = members(photo_view(row).carried(ref.alt, ref.caption))
    keep = ref.id if ref is not None else ""
    return photo, detached(conn, entry_id, keep)


def detached(conn: Connection, entry_id: str, keep: str = "") -> list[str]:
    """Forget the photos of `entry_id` (but `keep`): their ids, for their files to go."""
    gone = [
        str(row[0])
        for row in conn.execute(
            "SELECT id FROM photos WHERE entry_id = ? AND id != ?", (entry_id, keep)
        )
    ]
    conn.executemany("DELETE FROM photos WHERE id = ?", [(photo_id,) for photo_id in gone])
    return gone


def check_open(hearing: Hearing) -> None:
    """A closed hearing takes no more photos."""
    if hearing.fields["status"] == HearingStatus.CLOSED:
        raise Conflict("The hearing is closed.", code="hearing_closed")


PHOTO_NICENESS = 5
"""How much lower than the event loop's thread the decoding threads run (Linux schedules
threads one by one): a burst of uploads yields the CPU to the fan-out."""


def _lower_priority() -> None:
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), PHOTO_NICENESS)


class Photos:
    def __init__(self, db: Database, media: MediaStore, *, max_pixels: int, workers: int) -> None:
        self.db = db
        self.media = media
        self.max_pixels = max_pixels
        self._slots = asyncio.Semaphore(workers)
        self._pool = ThreadPoolExecutor(
            workers, thread_name_prefix="courtwire-photos", initializer=_lower_priority
        )

    def close(self) -> None:
        self._pool.shutdown(wait=True)

    async def upload(
        self, hearing: Hearing, data: bytes, declared: str, key: str, actor: Actor
    ) -> tuple[Photo, bool]:
        """The photo stored for this upload, and whether it is new: a retry with the same
        key (and the same bytes) answers with the one stored the first time."""
        digest = hashlib.sha256(data).hexdigest()
        stored = await self.by_key(actor, key, hearing, digest)
        if stored is not None:
            return stored, False
        check_open(hearing)
        photo_id = secrets.token_urlsafe(12)
        loop = asyncio.get_running_loop()
        async with self._slots:
            width, height, variants = await loop.run_in_executor(
                self._pool, self._store_files, photo_id, data, declared
            )

        def insert(tx_conn: Connection) -> None:
            tx_conn.execute(
                "INSERT INTO photos (id, hearing_id, uploader_id, idempotency_key, sha256,"
                " width, height, variants, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    photo_id,
                    hearing.id,
                    actor.id,
                    key,
                    digest,
                    width,
                    height,
                    json.dumps([members(variant) for variant in variants]),
                    format_time(now()),
                ),
            )

        try:
            await self.db.write(lambda tx: insert(tx.conn))
        except self.db.integrity_error:
            # The same key arrived twice at once and the other upload won: keep its photo.
            await loop.run_in_executor(self._pool, self.media.remove, photo_id)
            stored = await self.by_key(actor, key, hearing, digest)
            if stored is None:
                raise
            return stored, False
        except BaseException:
            await loop.run_in_executor(self._pool, self.media.remove, photo_id)
            raise
        logger.info(
            "photo stored id=%s hearing=%s bytes=%d width=%d height=%d",
            photo_id,
            hearing.slug,
            len(data),
            width,
            height,
        )
        return Photo(photo_id, width, height, variants), True

    def _store_files(
        self, photo_id: str, data: bytes, declared: str
    ) -> tuple[int, int, list[PhotoVariant]]:
        """Identify, decode, render and write every variant (in the pool's thread)."""
        image = images.identify(data, declared, self.max_pixels)
        rendered = images.render(image)
        variants: list[PhotoVariant] = []
        try:
            for variant in rendered.variants:
                name = f"{secrets.token_urlsafe(12)}.{variant.extension}"
                self.media.put(f"{photo_id}/{name}", variant.data)
                url = f"{MEDIA_PREFIX}{photo_id}/{name}"
                variants.append(
                    PhotoVariant(variant.width, variant.height, variant.media_type, url)
                )
        except BaseException:
            self.media.remove(photo_id)
            raise
        return rendered.width, rendered.height, variants

    async def by_key(
        self, actor: Actor, key: str, hearing: Hearing, digest: str | None = None
    ) -> Photo | None:
        """The photo `actor` stored under `key`, if any; refused (409) when it was another
        hearing's, or other bytes than those of `digest` (when given)."""
        async with self.db.read() as conn:
            rows = list(
                await conn.execute_fetchall(
                    "SELECT * FROM photos WHERE uploader_id = ? AND idempotency_key = ?",
                    (actor.id, key),
                )
            )
        if not rows:
            return None
        row = rows[0]
        if row["hearing_id"] != hearing.id or digest not in (None, row["sha256"]):
            raise Conflict(
                "This Idempotency-Key was used for another upload.",
                field="Idempotency-Key",
                code="idempotency_conflict",
            )
        return photo_view(row)

    async def public_file(self, photo_id: str, name: str) -> tuple[bytes, str]:
        """A variant's bytes and media type, if its photo's entry is published (a photo
        not yet on an update, or of a queued, withheld or deleted one, is not served)."""
        async with self.db.read() as conn:
            rows = list(
                await conn.execute_fetchall(
                    "SELECT photos.variants FROM photos JOIN entries"
                    " ON entries.id = photos.entry_id WHERE photos.id = ? AND entries.state = ?",
                    (photo_id, EntryState.PUBLISHED.value),
                )
            )
        url = f"{MEDIA_PREFIX}{photo_id}/{name}"
        found = [v for row in rows for v in json.loads(row[0]) if v["url"] == url]
        if not found:
            raise NotFound("No such photo.", code="not_found")
        data = await asyncio.get_running_loop().run_in_executor(
            None, self.media.get, f"{photo_id}/{name}"
        )
        if data is None:
            # Its row says it was stored: lost from the store since (a bucket's lifecycle
            # rule, a hand's deletion).
            logger.warning("photo file missing id=%s name=%s", photo_id, name)
            raise NotFound("No such photo.", code="not_found")
        return data, str(found[0]["type"])

    def variant_bytes(self, url: str) -> bytes | None:
        """A variant's bytes by its address (blocking: for a worker thread)."""
        if not url.startswith(MEDIA_PREFIX):
            return None
        return self.media.get(url.removeprefix(MEDIA_PREFIX))

    def remove_files(self, photo_ids: list[str]) -> None:
        """After a commit that forgot these photos: their files go, in the pool."""
        for photo_id in photo_ids:
            self._pool.submit(self._remove, photo_id)

    def _remove(self, photo_id: str) -> None:
        try:
            self.media.remove(photo_id)
        except MediaUnavailable:
            # Not served any more (its row is gone); its files stay in the store.
            logger.warning("photo files not removed id=%s", photo_id)
