"""Photo uploads in pieces, for networks that cannot carry a whole photo at once.

A session is opened with the upload's Idempotency-Key, its length and its type; pieces
follow, each at the offset the server holds (a piece sent again with the same bytes, as
after a lost answer, changes nothing). The server answers every piece with the offset it
holds, so a client that lost an answer, or the connection, asks again and resumes from
there. The last piece finishes the session into a photo through `Photos.upload`: the same
checks as a photo sent whole, and the same key, so a photo is never stored twice; a
refusal removes the session and its pieces, and nothing is kept.

Sessions and pieces are rows of the database, so every node sees them; the sweep
(`courtwire.sweep`) removes a session left untouched for too long.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

from courtwire.db import Database, Row, Transaction
from courtwire.exceptions import Conflict, CourtwireError, NotFound, PayloadTooLarge
from courtwire.photos import Photos, check_open
from courtwire.records import Actor, Hearing
from courtwire.replies import Photo, Uploaded, UploadHeld, UploadProgress
from courtwire.schemas import members
from courtwire.times import format_time, now
from courtwire.types import JSONObject

logger = logging.getLogger(__name__)

OPEN_PER_ACCOUNT = 8
"""Unfinished uploads an account may hold. The reporter app sends one photo at a time, so
more are abandoned (an update discarded on the phone); opening one more drops the one
left untouched longest, which bounds what an account can leave in the database at
OPEN_PER_ACCOUNT × COURTWIRE_PHOTO_BYTES without ever refusing a reporter."""


@dataclass(frozen=True)
class Outcome:
    """What an upload call answers: the photo once the upload is whole (`created` when
    this call stored it), else how much is held (`opened` when this call started it)."""

    photo: Photo | None = None
    held: UploadHeld | None = None
    created: bool = False
    opened: bool = False

    def to_json(self) -> JSONObject:
        if self.photo is not None:
            return members(Uploaded(self.photo))
        assert self.held is not None
        return members(UploadProgress(self.held))

    @property
    def status(self) -> int:
        return 201 if self.created or self.opened else 200


def _drop_the_oldest_beyond(tx: Transaction, actor: Actor, kept: int) -> None:
    """Remove the account's unfinished uploads but the `kept` touched last (their pieces
    go with them)."""
    rows = tx.conn.execute(
        "SELECT id FROM uploads WHERE uploader_id = ? ORDER BY updated_at DESC, id",
        (actor.id,),
    ).fetchall()
    dropped = [str(row[0]) for row in rows[kept:]]
    if not dropped:
        return
    marks = ", ".join("?" for _ in dropped)
    tx.conn.execute(f"DELETE FROM uploads WHERE id IN ({marks})", dropped)  # noqa: S608
    logger.info(
        "uploads dropped username=%s count=%d reason=open_per_account", actor.username, len(dropped)
    )


def _key_conflict() -> Conflict:
    return Conflict(
        "This Idempotency-Key was used for another upload.",
        field="Idempotency-Key",
        code="idempotency_conflict",
    )


class Uploads:
    def __init__(self, db: Database, photos: Photos, *, max_bytes: int) -> None:
        self.db = db
        self.photos = photos
        self.max_bytes = max_bytes

    async def start(
        self, hearing: Hearing, key: str, length: int, declared: str, actor: Actor
    ) -> Outcome:
        """Open the session of `key` (or find it, or the photo it finished into)."""
        if length > self.max_bytes:
            raise PayloadTooLarge(f"The photo is over {self.max_bytes} bytes.")
        photo = await self.photos.by_key(actor, key, hearing)
        if photo is not None:
            return Outcome(photo=photo)
        check_open(hearing)

        def open_session(tx: Transaction) -> Outcome:
            row = _session(tx, actor, key)
            if row is not None:
                if (row["hearing_id"], row["length"], row["media_type"]) != (
                    hearing.id,
                    length,
                    declared,
                ):
                    raise _key_conflict()
                return Outcome(held=UploadHeld(row["received"], length))
            _drop_the_oldest_beyond(tx, actor, OPEN_PER_ACCOUNT - 1)
            tx.conn.execute(
                "INSERT INTO uploads (id, hearing_id, uploader_id, idempotency_key, media_type,"
                " length, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    secrets.token_urlsafe(12),
                    hearing.id,
                    actor.id,
                    key,
                    declared,
                    length,
                    format_time(now()),
                ),
            )
            return Outcome(held=UploadHeld(0, length), opened=True)

        return await self.db.write(open_session)

    async def piece(
        self, hearing: Hearing, key: str, start: int, data: bytes, total: int, actor: Actor
    ) -> Outcome:
        """Add the piece at `start` of an upload `total` bytes long; the last one makes it
        the photo. A piece at another offset than the one held is refused (409
        `upload_offset`, with what is held), unless it is one already held, byte for byte."""

        def append(tx: Transaction) -> tuple[str, str, UploadHeld] | None:
            row = _session(tx, actor, key)
            if row is None:
                return None
            if row["hearing_id"] != hearing.id or row["length"] != total:
                raise _key_conflict()
            held = UploadHeld(row["received"], row["length"])
            if start == held.offset:
                if start + len(data) > held.length:
                    raise PayloadTooLarge(f"The piece goes past the upload's {total} bytes.")
                tx.conn.execute(
                    "INSERT INTO upload_pieces (upload_id, start, data) VALUES (?, ?, ?)",
                    (row["id"], start, data),
                )
                held = UploadHeld(start + len(data), held.length)
                tx.conn.execute(
                    "UPDATE uploads SET received = ?, updated_at = ? WHERE id = ?",
                    (held.offset, format_time(now()), row["id"]),
                )
            elif not _held_already(tx, row["id"], start, data):
                raise Conflict(
                    f"The server holds {held.offset} bytes of this upload: send the piece"
                    f" that starts there, not at {start}.",
                    field="Content-Range",
                    code="upload_offset",
                    extra={"upload": members(held)},
                )
            return row["id"], row["media_type"], held

        appended = await self.db.write(append)
        if appended is None:
            return await self._finished(hearing, key, actor)
        upload_id, declared, held = appended
        if held.offset < held.length:
            return Outcome(held=held)
        return await self._finish(hearing, upload_id, declared, key, actor, held.length)

    async def _finished(self, hearing: Hearing, key: str, actor: Actor) -> Outcome:
        """A piece for a session that is gone: the photo it finished into, if it did."""
        photo = await self.photos.by_key(actor, key, hearing)
        if photo is None:
            raise NotFound(
                "No upload with this Idempotency-Key is open (it finished, failed or expired):"
                " start it again.",
                code="upload_not_found",
            )
        return Outcome(photo=photo)

    async def _finish(
        self,
        hearing: Hearing,
        upload_id: str,
        declared: str,
        key: str,
        actor: Actor,
        length: int,
    ) -> Outcome:
        async with self.db.read() as conn:
            pieces = await conn.execute_fetchall(
                "SELECT data FROM upload_pieces WHERE upload_id = ? ORDER BY start", (upload_id,)
            )
            data = b"".join(bytes(row[0]) for row in pieces)
        if len(data) != length:
            # The same last piece twice at once: the other request finished it meanwhile.
            return await self._finished(hearing, key, actor)
        try:
            photo, created = await self.photos.upload(hearing, data, declared, key, actor)
        except CourtwireError:
            await self._discard(upload_id)
            raise
        await self._discard(upload_id)
        return Outcome(photo=photo, created=created)

    async def _discard(self, upload_id: str) -> None:
        await self.db.write(
            lambda tx: tx.conn.execute("DELETE FROM uploads WHERE id = ?", (upload_id,))
        )


SESSION = "SELECT * FROM uploads WHERE uploader_id = ? AND idempotency_key = ?"


def _session(tx: Transaction, actor: Actor, key: str) -> Row | None:
    row: Row | None = tx.conn.execute(
        SESSION + tx.conn.dialect.lock_suffix, (actor.id, key)
    ).fetchone()
    return row


def _held_already(tx: Transaction, upload_id: str, start: int, data: bytes) -> bool:
    """Whether the piece at `start` is held with exactly these bytes (a retried piece)."""
    row = tx.conn.execute(
        "SELECT data FROM upload_pieces WHERE upload_id = ? AND start = ?", (upload_id, start)
    ).fetchone()
    return row is not None and bytes(row[0]) == data
