"""Taking what names a new restriction out of every public channel, in the transaction
that adds it.

- An entry whose current text names the term is withheld: its public form becomes
  `{"id", "withheld": true}`, every event about it a tombstone; staff still see it.
- An earlier revision of an entry still published, or an earlier hearing event, that
  names the term is served as a tombstone (a hearing event: with the named fields as
  they read now).
- A new slug rewrites the hearing's name in every event of its log.

Run on the writer thread; the store appends the events and publishes after commit.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

from courtwire import audit
from courtwire.db import Transaction
from courtwire.entries import restriction_breach
from courtwire.events import Event, encode_json, withheld_data
from courtwire.ledger import Removal, field_root, published_texts, replace_event
from courtwire.model import EntryState, EventType
from courtwire.records import Hearing
from courtwire.register import Restriction
from courtwire.restrictions import find_restricted
from courtwire.types import JSONObject


@dataclass
class Withholding:
    """What one restriction change took out of public view."""

    entries: list[tuple[str, tuple[tuple[int, str], ...]]]
    """Withheld entries: (id, their events rewritten as tombstones)."""
    history: list[tuple[int, str]]
    """Other events rewritten: (seq, new text)."""


def _named_by(text: str, restrictions: list[Restriction]) -> Restriction | None:
    for restriction in restrictions:
        if find_restricted(text, restriction.terms) is not None:
            return restriction
    return None


def _entry_named_by(entry: JSONObject, restrictions: list[Restriction]) -> Restriction | None:
    for restriction in restrictions:
        if restriction_breach(entry, list(restriction.terms)) is not None:
            return restriction
    return None


def tombstone_events(
    tx: Transaction, hearing: Hearing, entry_id: str, removal: Removal
) -> tuple[tuple[int, str], ...]:
    """Every public event about the entry becomes a tombstone; originals to the audit trail."""
    rows = tx.conn.execute(
        "SELECT seq, data FROM events WHERE hearing_id = ? AND entry_id = ? ORDER BY seq",
        (hearing.id, entry_id),
    ).fetchall()
    rewritten = []
    for row in rows:
        event = Event.decode(row["data"])
        if not event.is_tombstone:
            public = event.tombstone().encode()
            rewritten.append(
                replace_event(tx, hearing, event.seq, row["data"], public, removal, entry_id)
            )
    return tuple(rewritten)


def withhold(
    tx: Transaction, hearing: Hearing, added: list[Restriction], removal: Removal
) -> Withholding:
    """Withhold the entries that `added` names, and clean the rest of the history."""
    result = Withholding([], [])
    if not added:
        return result
    rows = tx.conn.execute(
        "SELECT id, entry FROM entries WHERE hearing_id = ? AND state = ?",
        (hearing.id, EntryState.PUBLISHED.value),
    ).fetchall()
    for row in rows:
        named = _entry_named_by(json.loads(row["entry"]), added)
        if named is None:
            continue
        entry_id = row["id"]
        because = replace(removal, reason="withheld", restriction_id=named.id)
        rewritten = tombstone_events(tx, hearing, entry_id, because)
        tx.conn.execute(
            "UPDATE entries SET state = ?, entry = ? WHERE id = ?",
            (EntryState.WITHHELD.value, encode_json(withheld_data(entry_id)), entry_id),
        )
        result.entries.append((entry_id, rewritten))
        audit.record(
            tx,
            audit.Record(
                removal.actor,
                "entry.withheld",
                hearing.slug,
                entry_id,
                reason=f"restriction={named.id}",
            ),
            removal.at,
        )
    result.history = _clean_history(tx, hearing, added, removal)
    return result


def _clean_history(
    tx: Transaction, hearing: Hearing, added: list[Restriction], removal: Removal
) -> list[tuple[int, str]]:
    """Earlier revisions and hearing events that name `added`, served as tombstones."""
    rewritten = []
    for row in tx.conn.execute(
        "SELECT seq, data FROM events WHERE hearing_id = ? ORDER BY seq", (hearing.id,)
    ).fetchall():
        event = Event.decode(row["data"])
        if event.is_tombstone:
            continue
        if event.type == EventType.HEARING_UPDATED:
            public = _clean_hearing_event(event, hearing, added)
            named = None if public is None else _named_by(row["data"], added)
        else:
            named = _entry_named_by(event.data, added)
            public = None if named is None else event.tombstone()
        if public is not None:
            restriction_id = None if named is None else named.id
            because = replace(removal, reason="restricted", restriction_id=restriction_id)
            rewritten.append(
                replace_event(
                    tx, hearing, event.seq, row["data"], public.encode(), because, event.entry_id
                )
            )
    return rewritten


def _clean_hearing_event(event: Event, hearing: Hearing, added: list[Restriction]) -> Event | None:
    """The hearing event with each field that names `added` as it reads now; None if clean."""
    data = dict(event.data)
    changed = False
    for name, text in published_texts(data):
        if isinstance(text, str) and _named_by(text, added) is not None:
            data[field_root(name)] = hearing.fields[field_root(name)]
            changed = True
    if not changed:
        return None
    return Event(event.seq, event.type, event.at, event.hearing, data)


def rename(tx: Transaction, hearing: Hearing, old_slug: str) -> None:
    """Every event of the log under the hearing's new slug (the old one names a term)."""
    updates = []
    for row in tx.conn.execute(
        "SELECT seq, data FROM events WHERE hearing_id = ?", (hearing.id,)
    ).fetchall():
        event = Event.decode(row["data"])
        if event.hearing == old_slug:
            moved = Event(event.seq, event.type, event.at, hearing.slug, event.data)
            updates.append((moved.encode(), hearing.id, event.seq))
    tx.conn.executemany("UPDATE events SET data = ? WHERE hearing_id = ? AND seq = ?", updates)
