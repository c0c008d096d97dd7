"""What a write transaction reads and writes beside the change itself: the hearing with its
restrictions, and taking an event's text out of public view.

Run on the writer thread inside `Database.write()`. Every text taken out of public view
keeps its original in the audit trail, the one staff-only copy (`PRAGMA secure_delete`
keeps the overwritten row from lingering in the file's free pages).
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from courtwire import audit
from courtwire.db import Connection, Row, Transaction
from courtwire.events import Event, encode_json
from courtwire.exceptions import NotFound
from courtwire.messages import Message, Publish, Retire
from courtwire.model import EventType, RestrictionKind
from courtwire.records import PUBLIC_HEARING_FIELDS, STAFF_HEARING_FIELDS, Hearing
from courtwire.register import Restriction
from courtwire.times import format_time
from courtwire.types import JSONObject

logger = logging.getLogger(__name__)

PUBLISHED_HEARING_FIELDS = (
    "title",
    "description",
    "court",
    "location",
    "case_ref",
    "slug",
    "reporting_note",
)
"""A hearing's fields that readers read as text: each is checked against restrictions
(with the names of its `cast`, see `published_texts`)."""

JSON_HEARING_FIELDS = frozenset({"review_kinds", "cast"})
"""Fields stored as JSON text."""


def published_texts(fields: Mapping[str, Any]) -> list[tuple[str, str | None]]:
    """Every text of a hearing that readers read, as `(field, text)`; a cast member's
    name is `cast[i].name`."""
    texts: list[tuple[str, str | None]] = [
        (name, fields.get(name)) for name in PUBLISHED_HEARING_FIELDS
    ]
    for index, person in enumerate(fields.get("cast") or ()):
        texts.append((f"cast[{index}].name", person.get("name")))
    return texts


def field_root(name: str) -> str:
    """The hearing field a `published_texts` name is part of: `cast[1].name` → `cast`."""
    return name.split("[", 1)[0]


HEARING_BY_SLUG = "SELECT * FROM hearings WHERE slug = ?"
RESTRICTIONS = "SELECT * FROM restrictions WHERE removed_at IS NULL"


def restriction(row: Row) -> Restriction:
    return Restriction(
        id=int(row["id"]),
        term=row["term"],
        aliases=tuple(json.loads(row["aliases"])),
        kind=RestrictionKind(row["kind"]),
        order=row["court_order"],
        expires_at=row["expires_at"],
        added_by=row["added_by"],
        added_at=row["added_at"],
    )


def hearings_from(rows: Iterable[Row], restriction_rows: Iterable[Row]) -> list[Hearing]:
    """Hearings from their rows and the rows of their restrictions (any order)."""
    by_hearing: dict[int, list[Restriction]] = defaultdict(list)
    for row in restriction_rows:
        by_hearing[int(row["hearing_id"])].append(restriction(row))
    return [
        Hearing(
            int(row["id"]),
            {
                name: json.loads(row[name]) if name in JSON_HEARING_FIELDS else row[name]
                for name in (*PUBLIC_HEARING_FIELDS, *STAFF_HEARING_FIELDS)
            }
            | {
                "photo_confirmation": bool(row["photo_confirmation"]),
            },
            tuple(sorted(by_hearing[int(row["id"])], key=lambda r: r.id)),
        )
        for row in rows
    ]


def only_hearing(hearings: list[Hearing], slug: str) -> Hearing:
    if not hearings:
        raise NotFound(f"No hearing {slug!r}.", code="hearing_not_found")
    return hearings[0]


def hearing_in(conn: Connection, slug: str) -> Hearing:
    """The hearing as a write transaction sees it, its row locked until the commit: the
    transaction goes on to take its next seqs from `last_seq`."""
    rows = conn.execute(HEARING_BY_SLUG + conn.dialect.lock_suffix, (slug,)).fetchall()
    if not rows:
        return only_hearing([], slug)
    restrictions = conn.execute(f"{RESTRICTIONS} AND hearing_id = ?", (rows[0]["id"],))
    return only_hearing(hearings_from(rows, restrictions), slug)


@dataclass(frozen=True)
class Removal:
    """Why text leaves public view, for the staff-only archive."""

    reason: str
    """deleted, withheld or restricted (an earlier revision naming a restriction)"""
    actor: str
    at: str
    restriction_id: int | None = None


def replace_event(
    tx: Transaction,
    hearing: Hearing,
    seq: int,
    original: str,
    public: str,
    removal: Removal,
    entry_id: str | None,
) -> tuple[int, str]:
    """Serve `public` instead of event `seq` from now on; the original goes to the audit
    trail, the one staff-only copy."""
    tx.scrub_wal = True
    audit.record(
        tx,
        audit.Record(
            actor=removal.actor,
            action="event.redacted",
            hearing=hearing.slug,
            target=entry_id,
            before=json.loads(original),
            after=json.loads(public),
            reason=removal.reason
            + ("" if removal.restriction_id is None else f" restriction={removal.restriction_id}"),
        ),
        removal.at,
    )
    tx.conn.execute(
        "UPDATE events SET data = ? WHERE hearing_id = ? AND seq = ?", (public, hearing.id, seq)
    )
    return seq, public


def withheld_content(conn: Connection, entry_id: str) -> JSONObject:
    """A withheld entry as it stood when it was withheld: the last of its events that the
    audit trail keeps."""
    row = conn.execute(
        "SELECT before FROM audit WHERE target = ? AND action = 'event.redacted'"
        " ORDER BY seq DESC LIMIT 1",
        (entry_id,),
    ).fetchone()
    assert row is not None, f"withheld entry {entry_id} has no original in the audit trail"
    entry: JSONObject = json.loads(row["before"])["data"]
    return entry


class Log:
    """Appends a hearing's events inside one write transaction, and hands each to
    `publish` once the transaction has committed, in seq order."""

    def __init__(
        self, tx: Transaction, at: datetime, publish: Publish, retire: Retire, epoch: str
    ) -> None:
        self.tx = tx
        self.at = at
        self.publish = publish
        self.retire_readers = retire
        self.epoch = epoch
        self._last: dict[int, int] = {}

    def last(self, hearing: Hearing) -> int:
        """The hearing's last seq as this transaction has left it so far: as read with
        the hearing, until something is appended (no query on a post's path)."""
        return self._last.get(hearing.id, hearing.last_seq)

    def append(
        self,
        hearing: Hearing,
        kind: EventType,
        data: JSONObject,
        rewritten: tuple[tuple[int, str], ...] = (),
    ) -> int:
        conn = self.tx.conn
        seq = self._last[hearing.id] = self.last(hearing) + 1
        event = Event(seq, kind, format_time(self.at.astimezone(UTC)), hearing.slug, data)
        text = event.encode()
        conn.execute(
            "INSERT INTO events (hearing_id, seq, entry_id, data) VALUES (?, ?, ?, ?)",
            (hearing.id, seq, event.entry_id, text),
        )
        conn.execute("UPDATE hearings SET last_seq = ? WHERE id = ?", (seq, hearing.id))
        message = Message(hearing.slug, seq, text, event.entry_id, rewritten)
        self.tx.after_commit(lambda: self._committed(message, kind))
        return seq

    def retire(self, old_slug: str, last: int) -> None:
        """After commit, send the readers of a hearing's old slug a reset and close them."""
        reset = encode_json({"type": "reset", "last_seq": last, "epoch": self.epoch})
        self.tx.after_commit(lambda: self.retire_readers(old_slug, reset))

    def _committed(self, message: Message, kind: EventType) -> None:
        logger.info(
            "event committed hearing=%s seq=%d type=%s entry=%s",
            message.hearing,
            message.seq,
            kind.value,
            message.entry_id or "-",
        )
        self.publish(message)
