"""Posts that wait: held (reporting paused), delayed (the hearing's publish delay) or in
review (a kind that needs an editor's approval), as parts of write transactions.

A waiting entry is stored in `entries` with state `queued` and one row in `queue`; it
has no event, so nothing public knows of it. Releasing it appends its `entry.published`
(court time kept, `published_at` the release time); discarding it keeps its text only in
the audit trail.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from courtwire.db import Connection, Row
from courtwire.model import EntryKind, QueueReason, Reporting
from courtwire.records import Hearing
from courtwire.replies import QueueItem
from courtwire.times import format_time


@dataclass(frozen=True)
class Waiting:
    """Why and until when an entry waits."""

    reason: QueueReason
    release_at: str | None = None

    def due(self, moment: datetime) -> bool:
        """A delayed post whose release time has come (never early, by the wall clock)."""
        return (
            self.reason == QueueReason.DELAYED
            and self.release_at is not None
            and datetime.fromisoformat(self.release_at) <= moment
        )

    def describe(self, hearing: Hearing) -> str:
        """How the wait reads to a person (the queue's `reason`)."""
        if self.reason == QueueReason.HELD:
            note = hearing.fields["reporting_note"]
            return f"Reporting is held{': ' + note if note else ''}."
        if self.reason == QueueReason.REVIEW:
            return "Needs an editor's approval before it is published."
        return f"Published at {self.release_at} unless pulled back."


def waiting_for(hearing: Hearing, kind: EntryKind, moment: datetime) -> Waiting | None:
    """Why a new post of `kind` must wait, if it must: a hold first, then review, then
    the delay (a held or reviewed post waits for an editor, not for a clock)."""
    if hearing.fields["reporting"] == Reporting.HELD:
        return Waiting(QueueReason.HELD)
    if kind.value in hearing.fields["review_kinds"]:
        return Waiting(QueueReason.REVIEW)
    delay = int(hearing.fields["publish_delay"])
    if delay > 0:
        return Waiting(QueueReason.DELAYED, format_time(moment + timedelta(seconds=delay)))
    return None


def enqueue(conn: Connection, hearing: Hearing, entry_id: str, waiting: Waiting, at: str) -> None:
    conn.execute(
        "INSERT INTO queue (entry_id, hearing_id, reason, release_at, queued_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (entry_id, hearing.id, waiting.reason.value, waiting.release_at, at),
    )


def waiting(conn: Connection, entry_id: str) -> Waiting | None:
    row = conn.execute(
        "SELECT reason, release_at FROM queue WHERE entry_id = ?", (entry_id,)
    ).fetchone()
    return None if row is None else Waiting(QueueReason(row["reason"]), row["release_at"])


def dequeue(conn: Connection, entry_id: str) -> bool:
    """Claim a waiting post: True for the one transaction that takes it out of the queue
    (several nodes may try to release it at once; only that one publishes it)."""
    removed: int = conn.execute("DELETE FROM queue WHERE entry_id = ?", (entry_id,)).rowcount
    return removed == 1


QUEUE = (
    "SELECT entries.entry, entries.author_id, queue.reason, queue.release_at FROM queue"
    " JOIN entries ON entries.id = queue.entry_id WHERE queue.hearing_id = ?"
)


def queue_item(hearing: Hearing, row: Row) -> QueueItem:
    waits = Waiting(QueueReason(row["reason"]), row["release_at"])
    entry = json.loads(row["entry"])
    return QueueItem(entry, waits.reason, waits.release_at, waits.describe(hearing))
