"""Hearings and entries in SQLite: every change appends its event in the same transaction.

Each write is one function run by `Database.write()` on the writer thread: it reads the
hearing's `last_seq`, stores the change and the event with `last_seq + 1`, and registers
the hub publish to run after the commit. A request whose client hangs up mid-write
still commits and publishes, or does neither (`Database.write`).
"""

from __future__ import annotations

import json
import logging
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import aiosqlite

from server import markup
from server.db import Database, Transaction
from server.entries import Draft, check_restrictions, restriction_breach
from server.events import Event, encode_json, tombstone_data
from server.exceptions import Conflict, Forbidden, NotFound
from server.hearings import slugify
from server.hub.base import Message
from server.hub.fanout import Hub
from server.model import LIVE_ORDER, EventType, HearingStatus, Role
from server.times import format_time, now
from server.types import JSONObject

logger = logging.getLogger(__name__)


PUBLIC_HEARING_FIELDS = (
    "slug",
    "title",
    "court",
    "case_ref",
    "location",
    "timezone",
    "status",
    "scheduled_start",
    "description",
    "last_seq",
)


@dataclass(frozen=True)
class Actor:
    """The signed-in user a change is made by."""

    id: int
    username: str
    role: Role


@dataclass(frozen=True)
class Hearing:
    id: int
    fields: JSONObject
    """Every public field plus `restricted_terms`."""

    @property
    def slug(self) -> str:
        return str(self.fields["slug"])

    @property
    def last_seq(self) -> int:
        return int(self.fields["last_seq"])

    @property
    def restricted_terms(self) -> list[str]:
        return list(self.fields["restricted_terms"])

    def public(self) -> JSONObject:
        return {name: self.fields[name] for name in PUBLIC_HEARING_FIELDS}

    def for_staff(self) -> JSONObject:
        return self.public() | {"restricted_terms": self.restricted_terms}


@dataclass(frozen=True)
class Written:
    """The outcome of an entry write: the entry as it stands, its seq, and whether new."""

    entry: JSONObject
    seq: int
    created: bool = True


def _hearing(row: sqlite3.Row) -> Hearing:
    fields = {name: row[name] for name in PUBLIC_HEARING_FIELDS}
    fields["restricted_terms"] = json.loads(row["restricted_terms"])
    return Hearing(int(row["id"]), fields)


def _utc_key(moment: str) -> str:
    """Sortable text for a time: UTC, fixed width."""
    return datetime.fromisoformat(moment).astimezone(UTC).isoformat(timespec="microseconds")


class Store:
    def __init__(self, db: Database, hub: Hub) -> None:
        self.db = db
        self.hub = hub

    # Reads

    async def hearing(self, slug: str) -> Hearing:
        async with self.db.read() as conn:
            return await self._load_hearing(conn, slug)

    async def hearings(self) -> list[Hearing]:
        async with self.db.read() as conn:
            rows = await conn.execute_fetchall("SELECT * FROM hearings")
        found = [_hearing(row) for row in rows]
        found.sort(key=lambda h: h.fields["scheduled_start"] or "", reverse=True)
        found.sort(key=lambda h: LIVE_ORDER[HearingStatus(h.fields["status"])])
        return found

    async def count_hearings(self) -> int:
        async with self.db.read() as conn:
            rows = list(await conn.execute_fetchall("SELECT count(*) FROM hearings"))
        return int(rows[0][0])

    async def entries(
        self, hearing: Hearing, *, limit: int, before_seq: int | None = None
    ) -> tuple[list[JSONObject], int | None]:
        """A page of visible entries, newest court time first, and the cursor for the next
        (older) page or None. `before_seq` is such a cursor: the seq that published the
        last entry of the previous page."""
        query = "SELECT entry, published_seq FROM entries WHERE hearing_id = ? AND deleted = 0"
        params: list[Any] = [hearing.id]
        if before_seq is not None:
            query += (
                " AND (occurred_utc, published_seq) < (SELECT occurred_utc, published_seq"
                " FROM entries WHERE hearing_id = ? AND published_seq = ?)"
            )
            params.extend((hearing.id, before_seq))
        query += " ORDER BY occurred_utc DESC, published_seq DESC LIMIT ?"
        params.append(limit + 1)
        async with self.db.read() as conn:
            rows = list(await conn.execute_fetchall(query, params))
        cursor = int(rows[limit - 1][1]) if len(rows) > limit else None
        return [json.loads(row[0]) for row in rows[:limit]], cursor

    async def restricted_entries(self, hearing: Hearing) -> list[JSONObject]:
        """Published entries that name one of the hearing's restricted terms now: terms
        added after publication do not withdraw anything by themselves, so the desk is
        told which entries to correct or delete."""
        terms = hearing.restricted_terms
        if not terms:
            return []
        found: list[JSONObject] = []
        cursor: int | None = None
        while True:
            page, cursor = await self.entries(hearing, limit=500, before_seq=cursor)
            for entry in page:
                breach = restriction_breach(entry, terms)
                if breach is not None:
                    found.append(
                        {"id": entry["id"], "field": breach.field, "message": breach.message}
                    )
            if cursor is None:
                return found

    async def events_after(self, hearing: Hearing, after: int, limit: int) -> list[str]:
        """Encoded events with seq > after, in seq order (tombstones for deleted entries)."""
        async with self.db.read() as conn:
            rows = await conn.execute_fetchall(
                "SELECT data FROM events WHERE hearing_id = ? AND seq > ? ORDER BY seq LIMIT ?",
                (hearing.id, after, limit),
            )
        return [row[0] for row in rows]

    async def events(self, hearing: Hearing) -> list[Event]:
        """The whole log, in pages; for replays and exports of one hearing."""
        events: list[Event] = []
        while True:
            page = await self.events_after(hearing, len(events), 1000)
            events.extend(Event.decode(text) for text in page)
            if len(page) < 1000:
                return events

    # Hearings

    async def create_hearing(self, fields: JSONObject, *, at: datetime | None = None) -> Hearing:
        stamp = format_time(at or now())

        def create(tx: Transaction) -> Hearing:
            slug = fields.get("slug") or _free_slug(tx.conn, slugify(fields["title"]))
            if tx.conn.execute("SELECT 1 FROM hearings WHERE slug = ?", (slug,)).fetchall():
                raise Conflict(f"The slug {slug!r} is taken.", field="slug", code="slug_taken")
            tx.conn.execute(
                "INSERT INTO hearings (slug, title, court, case_ref, location, timezone, status,"
                " scheduled_start, description, restricted_terms, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    slug,
                    fields["title"],
                    fields["court"],
                    fields["case_ref"],
                    fields["location"],
                    fields["timezone"],
                    fields["status"],
                    fields["scheduled_start"],
                    fields["description"],
                    encode_json(fields["restricted_terms"]),
                    stamp,
                    stamp,
                ),
            )
            return _hearing_in(tx.conn, slug)

        return await self.db.write(create)

    async def update_hearing(
        self, slug: str, changes: JSONObject, *, at: datetime | None = None
    ) -> tuple[Hearing, int]:
        def update(tx: Transaction) -> tuple[Hearing, int]:
            hearing = _hearing_in(tx.conn, slug)
            fields = hearing.fields | changes
            seq = hearing.last_seq + 1
            fields["last_seq"] = seq
            assignments = ", ".join(f"{name} = ?" for name in changes)
            values = [
                encode_json(value) if name == "restricted_terms" else value
                for name, value in changes.items()
            ]
            tx.conn.execute(
                f"UPDATE hearings SET {assignments}, updated_at = ? WHERE id = ?",  # noqa: S608 - names are validated field names
                (*values, format_time(at or now()), hearing.id),
            )
            updated = Hearing(hearing.id, fields)
            self._append(tx, hearing, EventType.HEARING_UPDATED, updated.public(), at)
            return updated, seq

        return await self.db.write(update)

    # Entries

    async def post_entry(
        self, slug: str, draft: Draft, actor: Actor, *, at: datetime | None = None
    ) -> Written:
        """Publish a new entry, or return the stored one for a retry of the same post."""
        html = markup.render(draft.body)
        fingerprint = draft.fingerprint()

        def post(tx: Transaction) -> Written:
            hearing = _hearing_in(tx.conn, slug)
            stored = tx.conn.execute(
                "SELECT hearing_id, fingerprint, published_seq, entry FROM entries WHERE id = ?",
                (draft.id,),
            ).fetchone()
            if stored is not None:
                if stored["hearing_id"] != hearing.id or stored["fingerprint"] != fingerprint:
                    raise Conflict(
                        "An entry with this id exists with other content.",
                        field="id",
                        code="id_conflict",
                    )
                return Written(json.loads(stored["entry"]), stored["published_seq"], False)
            if hearing.fields["status"] == HearingStatus.CLOSED:
                raise Conflict("The hearing is closed.", code="hearing_closed")
            if draft.pinned and actor.role < Role.EDITOR:
                raise Forbidden("Only editors pin entries.", field="pinned")
            moment = at or now()
            entry: JSONObject = {
                "id": draft.id,
                "kind": draft.kind.value,
                "body": draft.body,
                "html": html,
                "speaker": draft.speaker.to_json() if draft.speaker else None,
                "occurred_at": draft.occurred_at
                or format_time(moment.astimezone(ZoneInfo(hearing.fields["timezone"]))),
                "published_at": format_time(moment),
                "author": actor.username,
                "key": draft.key,
                "pinned": draft.pinned,
                "revision": 1,
                "correction": None,
                "revised_at": None,
            }
            check_restrictions(entry, hearing.restricted_terms)
            seq = hearing.last_seq + 1
            tx.conn.execute(
                "INSERT INTO entries (id, hearing_id, author_id, occurred_utc, published_seq,"
                " fingerprint, entry) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    draft.id,
                    hearing.id,
                    actor.id,
                    _utc_key(entry["occurred_at"]),
                    seq,
                    fingerprint,
                    encode_json(entry),
                ),
            )
            self._append(tx, hearing, EventType.ENTRY_PUBLISHED, entry, at)
            return Written(entry, seq)

        return await self.db.write(post)

    async def revise_entry(
        self,
        slug: str,
        entry_id: str,
        changes: JSONObject,
        actor: Actor,
        *,
        at: datetime | None = None,
    ) -> Written:
        html = markup.render(changes["body"]) if "body" in changes else None

        def revise(tx: Transaction) -> Written:
            hearing = _hearing_in(tx.conn, slug)
            entry = _editable_entry(tx.conn, hearing, entry_id, actor)
            if "pinned" in changes and actor.role < Role.EDITOR:
                raise Forbidden("Only editors pin entries.", field="pinned")
            revised = entry | changes
            if html is not None:
                revised["html"] = html
            revised["revision"] = entry["revision"] + 1
            revised["revised_at"] = format_time(at or now())
            check_restrictions(revised, hearing.restricted_terms)
            seq = hearing.last_seq + 1
            tx.conn.execute(
                "UPDATE entries SET entry = ?, occurred_utc = ? WHERE id = ?",
                (encode_json(revised), _utc_key(revised["occurred_at"]), entry_id),
            )
            self._append(tx, hearing, EventType.ENTRY_REVISED, revised, at)
            return Written(revised, seq)

        return await self.db.write(revise)

    async def delete_entry(
        self, slug: str, entry_id: str, actor: Actor, *, at: datetime | None = None
    ) -> Written:
        """Delete an entry and replace every earlier event about it with a tombstone."""

        def delete(tx: Transaction) -> Written:
            hearing = _hearing_in(tx.conn, slug)
            row = tx.conn.execute(
                "SELECT deleted FROM entries WHERE id = ? AND hearing_id = ?",
                (entry_id, hearing.id),
            ).fetchone()
            if row is not None and row["deleted"]:
                return _existing_deletion(tx.conn, hearing, entry_id)
            _editable_entry(tx.conn, hearing, entry_id, actor)
            rewritten = tuple(
                (int(row["seq"]), Event.decode(row["data"]).tombstone().encode())
                for row in tx.conn.execute(
                    "SELECT seq, data FROM events WHERE hearing_id = ? AND entry_id = ?",
                    (hearing.id, entry_id),
                )
            )
            tx.conn.executemany(
                "UPDATE events SET data = ? WHERE hearing_id = ? AND seq = ?",
                [(text, hearing.id, seq) for seq, text in rewritten],
            )
            tombstone = tombstone_data(entry_id)
            tx.conn.execute(
                "UPDATE entries SET deleted = 1, entry = ? WHERE id = ?",
                (encode_json(tombstone), entry_id),
            )
            seq = self._append(tx, hearing, EventType.ENTRY_DELETED, tombstone, at, rewritten)
            return Written(tombstone, seq)

        return await self.db.write(delete)

    # Helpers

    def _append(
        self,
        tx: Transaction,
        hearing: Hearing,
        kind: EventType,
        data: JSONObject,
        at: datetime | None,
        rewritten: tuple[tuple[int, str], ...] = (),
    ) -> int:
        seq = hearing.last_seq + 1
        event = Event(seq, kind, format_time((at or now()).astimezone(UTC)), hearing.slug, data)
        text = event.encode()
        tx.conn.execute(
            "INSERT INTO events (hearing_id, seq, entry_id, data) VALUES (?, ?, ?, ?)",
            (hearing.id, seq, event.entry_id, text),
        )
        tx.conn.execute("UPDATE hearings SET last_seq = ? WHERE id = ?", (seq, hearing.id))
        message = Message(hearing.slug, seq, text, event.entry_id, rewritten)
        tx.after_commit(lambda: self._committed(message, kind))
        return seq

    def _committed(self, message: Message, kind: EventType) -> None:
        logger.info(
            "event committed hearing=%s seq=%d type=%s entry=%s",
            message.hearing,
            message.seq,
            kind.value,
            message.entry_id or "-",
        )
        self.hub.publish(message)

    async def _load_hearing(self, conn: aiosqlite.Connection, slug: str) -> Hearing:
        return _only_hearing(list(await conn.execute_fetchall(HEARING_BY_SLUG, (slug,))), slug)


# The parts of a write transaction, run on the writer thread.

HEARING_BY_SLUG = "SELECT * FROM hearings WHERE slug = ?"


def _only_hearing(rows: list[sqlite3.Row], slug: str) -> Hearing:
    if not rows:
        raise NotFound(f"No hearing {slug!r}.", code="hearing_not_found")
    return _hearing(rows[0])


def _hearing_in(conn: sqlite3.Connection, slug: str) -> Hearing:
    return _only_hearing(conn.execute(HEARING_BY_SLUG, (slug,)).fetchall(), slug)


def _free_slug(conn: sqlite3.Connection, base: str) -> str:
    rows = conn.execute(
        "SELECT slug FROM hearings WHERE slug = ? OR slug LIKE ?", (base, f"{base}-%")
    )
    taken = {row[0] for row in rows}
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def _editable_entry(
    conn: sqlite3.Connection, hearing: Hearing, entry_id: str, actor: Actor
) -> JSONObject:
    row = conn.execute(
        "SELECT author_id, deleted, entry FROM entries WHERE id = ? AND hearing_id = ?",
        (entry_id, hearing.id),
    ).fetchone()
    if row is None or row["deleted"]:
        raise NotFound("No such entry in this hearing.", code="entry_not_found")
    if row["author_id"] != actor.id and actor.role < Role.EDITOR:
        raise Forbidden("Only the entry's author or an editor may change it.")
    entry: JSONObject = json.loads(row["entry"])
    return entry


def _existing_deletion(conn: sqlite3.Connection, hearing: Hearing, entry_id: str) -> Written:
    (seq,) = conn.execute(
        "SELECT max(seq) FROM events WHERE hearing_id = ? AND entry_id = ?",
        (hearing.id, entry_id),
    ).fetchone()
    return Written(tombstone_data(entry_id), int(seq), False)
