"""Hearings and entries in SQLite: every change appends its event in the same transaction.

Each write is one function run by `Database.write()` on the writer thread: it stores the
change and its events with the hearing's next seqs, and registers their publish to run
after the commit (a callable handed in: storage knows nothing of the hub). A request whose
client hangs up mid-write still commits and publishes, or does neither (`Database.write`).
Changes of a hearing and of its restrictions are in `courtwire.hearing_writes`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from courtwire import audit, markup
from courtwire.bylines import Bylines, safe_bylines
from courtwire.db import Connection, Database, Row, Transaction
from courtwire.entries import (
    Draft,
    EntryChanges,
    already_applied,
    check_not_future,
    check_restrictions,
    restriction_breach,
)
from courtwire.events import Event, discarded_data, encode_json, tombstone_data
from courtwire.exceptions import Conflict, Forbidden, NotFound
from courtwire.hearing_writes import Change, Changed, change, create, shorthand
from courtwire.holding import QUEUE, Waiting, dequeue, enqueue, queue_item, waiting, waiting_for
from courtwire.ledger import (
    HEARING_BY_SLUG,
    RESTRICTIONS,
    Log,
    Removal,
    hearing_in,
    hearings_from,
    only_hearing,
    withheld_content,
)
from courtwire.messages import Publish, Retire
from courtwire.model import LIVE_ORDER, EntryState, EventType, HearingStatus, QueueReason, Role
from courtwire.photos import attach, detached
from courtwire.records import Actor, Entry, Hearing
from courtwire.register import NewRestriction
from courtwire.replies import QueueItem, WithheldItem
from courtwire.schemas import Absent
from courtwire.times import format_time, now
from courtwire.types import JSONObject
from courtwire.withholding import tombstone_events

__all__ = ["Actor", "Hearing", "Store", "Written"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Written:
    """The outcome of an entry write: the entry as it stands, its seq, and whether new."""

    entry: JSONObject
    seq: int
    created: bool = True
    waiting: Waiting | None = None
    """Set while the entry waits in the queue (it has no seq then)."""
    discarded: bool = False


class Marked(NamedTuple):
    """A pinned or key entry, and where the reader page shows it."""

    entry: Entry
    page_before: int | None
    """The `before` cursor of the page of entries that the entry opens (None: the first)."""


def _utc_key(moment: str) -> str:
    """Sortable text for a time: UTC, fixed width."""
    return datetime.fromisoformat(moment).astimezone(UTC).isoformat(timespec="microseconds")


class Store:
    def __init__(self, db: Database, publish: Publish, retire: Retire) -> None:
        self.db = db
        self.publish = publish
        """Hands each committed event on to its readers (the hub, wired in `courtwire.app`)."""
        self.retire = retire
        """Resets and closes the readers of a slug a hearing left."""
        self.on_delayed: Callable[[str, str], None] = lambda entry_id, due: None
        """Told of each delayed post once it is stored: (entry id, release time)."""
        self.on_photos_removed: Callable[[list[str]], None] = lambda photo_ids: None
        """Told of the photos an entry no longer carries (deleted, discarded, replaced),
        once that is committed: their files are to be removed."""

    # Reads

    async def hearing(self, slug: str) -> Hearing:
        async with self.db.read() as conn:
            rows = list(await conn.execute_fetchall(HEARING_BY_SLUG, (slug,)))
            if not rows:
                return only_hearing([], slug)
            restrictions = await conn.execute_fetchall(
                f"{RESTRICTIONS} AND hearing_id = ?", (rows[0]["id"],)
            )
        return only_hearing(hearings_from(rows, restrictions), slug)

    async def hearings(self) -> list[Hearing]:
        async with self.db.read() as conn:
            rows = await conn.execute_fetchall("SELECT * FROM hearings")
            restrictions = await conn.execute_fetchall(RESTRICTIONS)
        found = hearings_from(rows, restrictions)
        found.sort(key=lambda h: h.fields["scheduled_start"] or "", reverse=True)
        found.sort(key=lambda h: LIVE_ORDER[HearingStatus(h.fields["status"])])
        return found

    async def count_hearings(self) -> int:
        async with self.db.read() as conn:
            rows = list(await conn.execute_fetchall("SELECT count(*) FROM hearings"))
        return int(rows[0][0])

    async def entries(
        self, hearing: Hearing, *, limit: int, before_seq: int | None = None
    ) -> tuple[list[Entry], int | None]:
        """A page of published entries, newest court time first, and the cursor for the
        next (older) page or None. `before_seq` is such a cursor: the seq that published
        the last entry of the previous page."""
        query = "SELECT entry, published_seq FROM entries WHERE hearing_id = ? AND state = ?"
        params: list[Any] = [hearing.id, EntryState.PUBLISHED.value]
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
        return [Entry.from_json(json.loads(row[0])) for row in rows[:limit]], cursor

    async def bylines(self, hearing: Hearing) -> Bylines:
        """The bylines of the authors of the hearing's published entries (`courtwire.bylines`:
        none that names one of its restricted terms in force)."""
        rows = await self._of_published(
            hearing,
            "SELECT DISTINCT u.username, u.display_name FROM entries AS e"
            " JOIN users AS u ON u.id = e.author_id"
            " WHERE e.hearing_id = ? AND e.state = ? AND u.display_name IS NOT NULL",
        )
        return safe_bylines(((row[0], row[1]) for row in rows), hearing.restricted_terms())

    async def entry_events(self, hearing: Hearing, entry_id: str) -> list[Event]:
        """The public events of a published entry, in seq order (NotFound if the entry is
        not published: unknown, waiting, withheld, deleted or discarded)."""
        async with self.db.read() as conn:
            found = await conn.execute_fetchall(
                "SELECT 1 FROM entries WHERE id = ? AND hearing_id = ? AND state = ?",
                (entry_id, hearing.id, EntryState.PUBLISHED.value),
            )
            if not found:
                raise NotFound(f"No published entry {entry_id} in this hearing.")
            rows = await conn.execute_fetchall(
                "SELECT data FROM events WHERE hearing_id = ? AND entry_id = ? ORDER BY seq",
                (hearing.id, entry_id),
            )
        return [Event.decode(row[0]) for row in rows]

    async def court_times(self, hearing: Hearing) -> list[tuple[str, int]]:
        """Every published entry's (court time, published seq), in the reader page's order
        (newest court time first): what the list of a hearing's days is made from."""
        rows = await self._of_published(
            hearing,
            f"SELECT {self.db.dialect.json_text('entry', 'occurred_at')}, published_seq"  # noqa: S608 - the dialect's SQL
            " FROM entries WHERE hearing_id = ? AND state = ?"
            " ORDER BY occurred_utc DESC, published_seq DESC",
        )
        return [(str(row[0]), int(row[1])) for row in rows]

    async def _of_published(self, hearing: Hearing, query: str) -> list[Any]:
        """The rows of `query`, whose parameters are the hearing's id and the published state."""
        async with self.db.read() as conn:
            return list(
                await conn.execute_fetchall(query, (hearing.id, EntryState.PUBLISHED.value))
            )

    async def marked_entries(self, hearing: Hearing, mark: str) -> list[Marked]:
        """Published entries with `mark` ("pinned" or "key") from the whole hearing, newest
        court time first, each with the page of entries that it opens."""
        assert mark in ("pinned", "key")
        async with self.db.read() as conn:
            rows = await conn.execute_fetchall(
                "SELECT e.entry, (SELECT n.published_seq FROM entries AS n"  # noqa: S608 - the dialect's SQL
                " WHERE n.hearing_id = e.hearing_id AND n.state = e.state"
                " AND (n.occurred_utc, n.published_seq) > (e.occurred_utc, e.published_seq)"
                " ORDER BY n.occurred_utc, n.published_seq LIMIT 1) AS newer"
                " FROM entries AS e WHERE e.hearing_id = ? AND e.state = ?"
                f" AND {self.db.dialect.json_flag('e.entry')}"
                " ORDER BY e.occurred_utc DESC, e.published_seq DESC LIMIT 200",
                (hearing.id, EntryState.PUBLISHED.value, mark),
            )
        return [Marked(Entry.from_json(json.loads(row[0])), row[1]) for row in rows]

    async def withheld_entries(self, hearing: Hearing) -> list[WithheldItem]:
        """Staff only: withheld entries as they stood, each with what it names now."""
        async with self.db.read() as conn:
            rows = list(
                await conn.execute_fetchall(
                    "SELECT entries.id, (SELECT before FROM audit WHERE target = entries.id"
                    " AND action = 'event.redacted' ORDER BY seq DESC LIMIT 1) AS original"
                    " FROM entries"
                    " WHERE hearing_id = ? AND state = ? ORDER BY occurred_utc",
                    (hearing.id, EntryState.WITHHELD.value),
                )
            )
        terms = hearing.restricted_terms()
        found = []
        for row in rows:
            entry = json.loads(row["original"])["data"]
            breach = restriction_breach(entry, terms)
            found.append(
                WithheldItem(
                    entry | {"withheld": True},
                    breach.field if breach else None,
                    breach.message if breach else None,
                )
            )
        return found

    async def events_after(self, hearing: Hearing, after: int, limit: int) -> list[str]:
        """Encoded events with seq > after, in seq order (tombstones for deleted entries)."""
        async with self.db.read() as conn:
            rows = await conn.execute_fetchall(
                "SELECT data FROM events WHERE hearing_id = ? AND seq > ? ORDER BY seq LIMIT ?",
                (hearing.id, after, limit),
            )
        return [row[0] for row in rows]

    async def closed_at(self, hearing: Hearing) -> str | None:
        """When the hearing was last closed: the first of the `hearing.updated` events
        at the end of its log that leave it closed (None unless it is closed now)."""
        if hearing.fields["status"] != "closed":
            return None
        async with self.db.read() as conn:
            rows = await conn.execute_fetchall(
                "SELECT data FROM events WHERE hearing_id = ? AND entry_id IS NULL"
                " ORDER BY seq DESC LIMIT 100",
                (hearing.id,),
            )
        closed = None
        for row in rows:
            event = Event.decode(row[0])
            if event.data.get("status") != "closed":
                break
            closed = event.at
        return closed

    async def events(self, hearing: Hearing) -> list[Event]:
        """The whole log, in pages; for replays and exports of one hearing."""
        events: list[Event] = []
        while True:
            page = await self.events_after(hearing, len(events), 1000)
            events.extend(Event.decode(text) for text in page)
            if len(page) < 1000:
                return events

    # Hearings (the transactions are in `courtwire.hearing_writes`)

    async def create_hearing(
        self, fields: JSONObject, actor: Actor | None = None, *, at: datetime | None = None
    ) -> Hearing:
        moment = at or now()
        return await self.db.write(lambda tx: create(tx, fields, _name(actor), moment))

    async def update_hearing(
        self,
        slug: str,
        changes: JSONObject,
        actor: Actor | None = None,
        *,
        at: datetime | None = None,
    ) -> Changed:
        """Apply a PATCH: fields, and `restricted_terms` as the shorthand for the register."""
        moment = at or now()

        def update(tx: Transaction) -> Changed:
            hearing = hearing_in(tx.conn, slug)
            request = shorthand(hearing, changes)
            request.actor = _name(actor)
            return change(tx, hearing, self._log(tx, moment), request, moment)

        return await self.db.write(update)

    async def add_restriction(
        self, slug: str, new: NewRestriction, changes: JSONObject, actor: Actor
    ) -> Changed:
        moment = now()

        def add(tx: Transaction) -> Changed:
            hearing = hearing_in(tx.conn, slug)
            request = Change(fields=changes, added=[new], actor=actor.username, event=bool(changes))
            return change(tx, hearing, self._log(tx, moment), request, moment)

        return await self.db.write(add)

    async def remove_restriction(self, slug: str, restriction_id: int, actor: Actor) -> Changed:
        moment = now()

        def remove(tx: Transaction) -> Changed:
            hearing = hearing_in(tx.conn, slug)
            request = Change(removed=[restriction_id], actor=actor.username, event=False)
            return change(tx, hearing, self._log(tx, moment), request, moment)

        return await self.db.write(remove)

    # The queue: held, delayed and review posts

    async def queue(self, hearing: Hearing, actor: Actor) -> list[QueueItem]:
        """Waiting posts in court order: all of them for an editor, a reporter's own."""
        query = QUEUE
        params: list[Any] = [hearing.id]
        if actor.role < Role.EDITOR:
            query += " AND entries.author_id = ?"
            params.append(actor.id)
        query += " ORDER BY entries.occurred_utc, queue.queued_at"
        async with self.db.read() as conn:
            rows = await conn.execute_fetchall(query, params)
        return [queue_item(hearing, row) for row in rows]

    async def delayed(self) -> list[tuple[str, str]]:
        """Every delayed post still waiting: (entry id, release time), due first."""
        async with self.db.read() as conn:
            rows = await conn.execute_fetchall(
                "SELECT entry_id, release_at FROM queue WHERE reason = ? ORDER BY release_at",
                (QueueReason.DELAYED.value,),
            )
        return [(row[0], row[1]) for row in rows]

    async def release(
        self, entry_id: str, actor: Actor | None, *, slug: str | None = None, due: bool = False
    ) -> Written:
        """Publish a waiting post now (its court time kept). `due`: the delay ran out, and
        only a delayed post is released; a post released already answers as it stands."""
        moment = now()

        def release(tx: Transaction) -> Written:
            hearing = _hearing_of(tx.conn, entry_id)
            if hearing is None or (slug is not None and hearing.slug != slug):
                raise NotFound("No such entry in this hearing.", code="entry_not_found")
            row = tx.conn.execute(
                "SELECT entry, state, published_seq FROM entries WHERE id = ?", (entry_id,)
            ).fetchone()
            waits = waiting(tx.conn, entry_id)
            if waits is None:
                if row["state"] == EntryState.DISCARDED:
                    raise Conflict("The entry was discarded.", code="entry_discarded")
                return Written(json.loads(row["entry"]), int(row["published_seq"]), False)
            if due and not waits.due(moment):
                return Written(json.loads(row["entry"]), 0, False, waiting=waits)
            entry = json.loads(row["entry"]) | {"published_at": format_time(moment)}
            check_restrictions(entry, hearing.restricted_terms(moment))
            if not dequeue(tx.conn, entry_id):
                return Written(json.loads(row["entry"]), 0, False)  # released by another
            seq = self._log(tx, moment).append(hearing, EventType.ENTRY_PUBLISHED, entry)
            tx.conn.execute(
                "UPDATE entries SET state = ?, entry = ?, published_seq = ? WHERE id = ?",
                (EntryState.PUBLISHED.value, encode_json(entry), seq, entry_id),
            )
            _audit(tx, actor, "entry.released", hearing, entry_id, None, entry, waits.reason)
            return Written(entry, seq)

        return await self.db.write(release)

    async def discard(self, slug: str, entry_id: str, actor: Actor) -> Written:
        """Take a post out of the queue for good: an editor, or its author while it is only
        delayed (pulling it back)."""

        def discard(tx: Transaction) -> Written:
            hearing = hearing_in(tx.conn, slug)
            row = tx.conn.execute(
                "SELECT author_id, state, entry FROM entries WHERE id = ? AND hearing_id = ?",
                (entry_id, hearing.id),
            ).fetchone()
            if row is None:
                raise NotFound("No such entry in this hearing.", code="entry_not_found")
            if row["state"] == EntryState.DISCARDED:
                return Written(json.loads(row["entry"]), 0, False, discarded=True)
            waits = waiting(tx.conn, entry_id)
            if waits is None:
                raise Conflict("The entry is published already.", code="entry_published")
            own_delayed = row["author_id"] == actor.id and waits.reason == QueueReason.DELAYED
            if actor.role < Role.EDITOR and not own_delayed:
                raise Forbidden("Only an editor, or its author while it is delayed, may.")
            if not dequeue(tx.conn, entry_id):
                raise Conflict("The entry is published already.", code="entry_published")
            gone = discarded_data(entry_id)
            tx.conn.execute(
                "UPDATE entries SET state = ?, entry = ? WHERE id = ?",
                (EntryState.DISCARDED.value, encode_json(gone), entry_id),
            )
            self._forget_photos(tx, detached(tx.conn, entry_id))
            before = json.loads(row["entry"])
            _audit(tx, actor, "entry.discarded", hearing, entry_id, before, None, waits.reason)
            return Written(gone, 0, discarded=True)

        return await self.db.write(discard)

    # Entries

    async def post_entry(
        self, slug: str, draft: Draft, actor: Actor, *, at: datetime | None = None
    ) -> Written:
        """Publish a new entry, or return the stored one for a retry of the same post."""
        html = markup.render(draft.body)
        fingerprint = draft.fingerprint()
        moment = at or now()

        def post(tx: Transaction) -> Written:
            hearing = hearing_in(tx.conn, slug)
            stored = tx.conn.execute(
                "SELECT id, hearing_id, fingerprint, published_seq, state, entry FROM entries"
                " WHERE id = ?",
                (draft.id,),
            ).fetchone()
            if stored is not None:
                if stored["hearing_id"] != hearing.id or stored["fingerprint"] != fingerprint:
                    raise Conflict(
                        "An entry with this id exists with other content.",
                        field="id",
                        code="id_conflict",
                    )
                return _as_stored(tx.conn, stored)
            if hearing.fields["status"] == HearingStatus.CLOSED:
                raise Conflict("The hearing is closed.", code="hearing_closed")
            if draft.pinned and actor.role < Role.EDITOR:
                raise Forbidden("Only editors pin entries.", field="pinned")
            entry = Entry.posted(
                draft.id,
                draft.kind,
                draft.body,
                html,
                at=format_time(moment),
                author=actor.username,
                occurred_at=draft.occurred_at
                or format_time(moment.astimezone(ZoneInfo(hearing.fields["timezone"]))),
                speaker=draft.speaker,
                key=draft.key,
                pinned=draft.pinned,
            ).to_json()
            if draft.photo is not None:
                entry["photo"], replaced = attach(tx.conn, hearing, draft.id, draft.photo)
                self._forget_photos(tx, replaced)
            check_not_future(entry["occurred_at"], moment)
            check_restrictions(entry, hearing.restricted_terms(moment))
            waits = waiting_for(hearing, draft.kind, moment)
            if waits is None:
                seq = self._log(tx, moment).append(hearing, EventType.ENTRY_PUBLISHED, entry)
                _audit(tx, actor, "entry.posted", hearing, draft.id, None, entry)
            else:
                seq = 0
                _audit(tx, actor, "entry.queued", hearing, draft.id, None, entry, waits.reason)
            tx.conn.execute(
                "INSERT INTO entries (id, hearing_id, author_id, occurred_utc, published_seq,"
                " fingerprint, state, entry) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    draft.id,
                    hearing.id,
                    actor.id,
                    _utc_key(entry["occurred_at"]),
                    seq,
                    fingerprint,
                    EntryState.PUBLISHED.value if waits is None else EntryState.QUEUED.value,
                    encode_json(entry),
                ),
            )
            if waits is None:
                return Written(entry, seq)
            enqueue(tx.conn, hearing, draft.id, waits, format_time(moment))
            if waits.release_at is not None:
                due = waits.release_at
                tx.after_commit(lambda: self.on_delayed(draft.id, due))
            return Written(entry, 0, waiting=waits)

        try:
            return await self.db.write(post)
        except self.db.integrity_error:
            # The same id was posted to another hearing at once (on another node, which
            # locks another hearing's row): that post was stored first. Run again, to
            # answer as a post after it does (`id_conflict`).
            return await self.db.write(post)

    async def revise_entry(
        self,
        slug: str,
        entry_id: str,
        changes: EntryChanges,
        actor: Actor,
        *,
        at: datetime | None = None,
    ) -> Written:
        """Revise an entry; a withheld one whose revision names no term is published again.

        With the revision the client changed: a retry whose change is already the current
        revision answers with it and appends nothing; any other revision → 409
        `revision_conflict`, carrying the entry as it stands."""
        html = None if isinstance(changes.body, Absent) else markup.render(changes.body)
        revision = changes.written_against
        changed = changes.stored()
        moment = at or now()

        def revise(tx: Transaction) -> Written:
            hearing = hearing_in(tx.conn, slug)
            entry = _editable_entry(tx.conn, hearing, entry_id, actor)
            if revision is not None and revision != entry["revision"]:
                if revision + 1 == entry["revision"] and already_applied(entry, changed):
                    return Written(entry, _last_event(tx.conn, hearing, entry_id), False)
                raise Conflict(
                    f"The entry is at revision {entry['revision']}, not {revision}: someone"
                    " changed it meanwhile.",
                    field="revision",
                    code="revision_conflict",
                    extra={"entry": entry},
                )
            if "pinned" in changed and actor.role < Role.EDITOR:
                raise Forbidden("Only editors pin entries.", field="pinned")
            revised = entry | changed
            if html is not None:
                revised["html"] = html
            if not isinstance(changes.photo, Absent):
                revised["photo"], replaced = attach(tx.conn, hearing, entry_id, changes.photo)
                if revised["photo"] is None:
                    del revised["photo"]
                self._forget_photos(tx, replaced)
            revised["revision"] = entry["revision"] + 1
            revised["revised_at"] = format_time(moment)
            if "occurred_at" in changed:
                check_not_future(revised["occurred_at"], moment)
            check_restrictions(revised, hearing.restricted_terms(moment))
            waits = waiting(tx.conn, entry_id)
            if waits is not None:
                # Still waiting: changed in place, with no event (nothing public knows it).
                tx.conn.execute(
                    "UPDATE entries SET entry = ?, occurred_utc = ? WHERE id = ?",
                    (encode_json(revised), _utc_key(revised["occurred_at"]), entry_id),
                )
                _audit(tx, actor, "entry.revised", hearing, entry_id, entry, revised, "queued")
                return Written(revised, 0, waiting=waits)
            seq = self._log(tx, moment).append(hearing, EventType.ENTRY_REVISED, revised)
            _audit(tx, actor, "entry.revised", hearing, entry_id, entry, revised)
            tx.conn.execute(
                "UPDATE entries SET entry = ?, occurred_utc = ?, state = ? WHERE id = ?",
                (
                    encode_json(revised),
                    _utc_key(revised["occurred_at"]),
                    EntryState.PUBLISHED.value,
                    entry_id,
                ),
            )
            return Written(revised, seq)

        return await self.db.write(revise)

    async def delete_entry(
        self, slug: str, entry_id: str, actor: Actor, *, at: datetime | None = None
    ) -> Written:
        """Delete an entry and replace every earlier event about it with a tombstone."""
        moment = at or now()

        def delete(tx: Transaction) -> Written:
            hearing = hearing_in(tx.conn, slug)
            row = tx.conn.execute(
                "SELECT state FROM entries WHERE id = ? AND hearing_id = ?",
                (entry_id, hearing.id),
            ).fetchone()
            if row is not None and row["state"] == EntryState.DELETED:
                return _existing_deletion(tx.conn, hearing, entry_id)
            if row is not None and row["state"] == EntryState.QUEUED:
                raise Conflict(
                    "The entry waits in the queue: discard it there.", code="entry_queued"
                )
            entry = _editable_entry(tx.conn, hearing, entry_id, actor)
            _audit(tx, actor, "entry.deleted", hearing, entry_id, entry, None)
            removal = Removal("deleted", actor.username, format_time(moment))
            rewritten = tombstone_events(tx, hearing, entry_id, removal)
            tombstone = tombstone_data(entry_id)
            self._forget_photos(tx, detached(tx.conn, entry_id))
            tx.conn.execute(
                "UPDATE entries SET state = ?, entry = ? WHERE id = ?",
                (EntryState.DELETED.value, encode_json(tombstone), entry_id),
            )
            log = self._log(tx, moment)
            seq = log.append(hearing, EventType.ENTRY_DELETED, tombstone, rewritten)
            return Written(tombstone, seq)

        return await self.db.write(delete)

    def _forget_photos(self, tx: Transaction, photo_ids: list[str]) -> None:
        if photo_ids:
            tx.after_commit(lambda: self.on_photos_removed(photo_ids))

    def _log(self, tx: Transaction, at: datetime) -> Log:
        return Log(tx, at, self.publish, self.retire, self.db.epoch)


# The parts of a write transaction, run on the writer thread.


def _audit(
    tx: Transaction,
    actor: Actor | None,
    action: str,
    hearing: Hearing,
    target: str,
    before: JSONObject | None,
    after: JSONObject | None,
    reason: str | None = None,
) -> None:
    record = audit.Record(_name(actor), action, hearing.slug, target, before, after, reason)
    audit.record(tx, record)


def _hearing_of(conn: Connection, entry_id: str) -> Hearing | None:
    """The entry's hearing, its row locked first, as every writer of an entry locks it
    (locking the entry's row first would deadlock with one of them on another node)."""
    rows = conn.execute(
        "SELECT slug FROM hearings WHERE id = (SELECT hearing_id FROM entries WHERE id = ?)"  # noqa: S608 - the dialect's SQL
        + conn.dialect.lock_suffix,
        (entry_id,),
    ).fetchall()
    return hearing_in(conn, rows[0]["slug"]) if rows else None


def _as_stored(conn: Connection, row: Row) -> Written:
    """A retried post's answer: the entry as it stands now, in whatever state."""
    entry = json.loads(row["entry"])
    if row["state"] == EntryState.QUEUED:
        return Written(entry, 0, False, waiting=waiting(conn, row["id"]))
    if row["state"] == EntryState.DISCARDED:
        return Written(entry, 0, False, discarded=True)
    return Written(entry, int(row["published_seq"]), False)


def _name(actor: Actor | None) -> str:
    return actor.username if actor else "system"


def _editable_entry(conn: Connection, hearing: Hearing, entry_id: str, actor: Actor) -> JSONObject:
    """The entry as it stands (a withheld one as staff see it), if `actor` may change it."""
    row = conn.execute(
        "SELECT author_id, state, entry FROM entries WHERE id = ? AND hearing_id = ?",
        (entry_id, hearing.id),
    ).fetchone()
    if row is None or row["state"] in (EntryState.DELETED, EntryState.DISCARDED):
        raise NotFound("No such entry in this hearing.", code="entry_not_found")
    if row["author_id"] != actor.id and actor.role < Role.EDITOR:
        raise Forbidden("Only the entry's author or an editor may change it.")
    if hearing.fields["status"] == HearingStatus.CLOSED and actor.role < Role.EDITOR:
        raise Conflict(
            "The hearing is closed: an editor may still correct it.", code="hearing_closed"
        )
    if row["state"] == EntryState.WITHHELD:
        return withheld_content(conn, entry_id)
    entry: JSONObject = json.loads(row["entry"])
    return entry


def _last_event(conn: Connection, hearing: Hearing, entry_id: str) -> int:
    (seq,) = conn.execute(
        "SELECT max(seq) FROM events WHERE hearing_id = ? AND entry_id = ?",
        (hearing.id, entry_id),
    ).fetchone()
    return int(seq)


def _existing_deletion(conn: Connection, hearing: Hearing, entry_id: str) -> Written:
    return Written(tombstone_data(entry_id), _last_event(conn, hearing, entry_id), False)
