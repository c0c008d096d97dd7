"""The audit trail: who did what, when, to what, and what it was before and after.

Append-only: records are inserted in the transaction of the change they record, as its
last work (a refusal, whose own transaction rolled back, in one of its own), and SQLite triggers
refuse every UPDATE and DELETE of the table, so not even a bug here can rewrite one.
It is also the one staff-only copy of every text taken out of public view (action
`event.redacted`). Staff-only: editors read it through `/api/audit`.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, fields
from typing import Any

from courtwire.db import Database, Row, Transaction
from courtwire.events import encode_json
from courtwire.replies import AuditRecord
from courtwire.times import format_time, now

FIELDS = tuple(f.name for f in fields(AuditRecord))


@dataclass(frozen=True)
class Record:
    actor: str
    action: str
    hearing: str | None = None
    target: str | None = None
    before: Any = None
    """A JSON value (None: nothing before, e.g. a new entry)."""
    after: Any = None
    reason: str | None = None


def record(tx: Transaction, record: Record, at: str | None = None) -> None:
    """Append `record` at the end of the caller's transaction (see `_append`)."""
    tx.stage("audit", (record, at or format_time(now())), lambda rows: _append(tx, rows))


def _append(tx: Transaction, records: list[tuple[Record, str]]) -> None:
    """Insert the transaction's records as its last work, numbered from the `audit`
    counter: its row stays locked until the commit, so seqs are gap-free and committed in
    order across nodes, and a reader paging with `after=N` never misses one that commits
    late with a smaller seq."""
    last = tx.take("audit", len(records))
    tx.conn.executemany(
        "INSERT INTO audit (seq, at, actor, action, hearing, target, before, after, reason)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                seq,
                at,
                found.actor,
                found.action,
                found.hearing,
                found.target,
                None if found.before is None else encode_json(found.before),
                None if found.after is None else encode_json(found.after),
                found.reason,
            )
            for seq, (found, at) in enumerate(records, start=last - len(records) + 1)
        ],
    )


def _row(row: Row) -> AuditRecord:
    found = {name: row[name] for name in FIELDS}
    for name in ("before", "after"):
        if found[name] is not None:
            found[name] = json.loads(found[name])
    return AuditRecord(**found)


@dataclass(frozen=True)
class Query:
    hearing: str | None = None
    actor: str | None = None
    action: str | None = None
    after: int = 0
    limit: int = 100


class AuditTrail:
    """Reads the trail for editors, and records refusals in transactions of their own."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def append(self, entry: Record) -> None:
        await self.db.write(lambda tx: record(tx, entry))

    async def records(self, query: Query) -> tuple[list[AuditRecord], int]:
        """Records after `query.after`, oldest first, and the trail's last seq."""
        sql = "SELECT * FROM audit WHERE seq > ?"
        params: list[Any] = [query.after]
        for name in ("hearing", "actor", "action"):
            value = getattr(query, name)
            if value is not None:
                sql += f" AND {name} = ?"
                params.append(value)
        sql += " ORDER BY seq LIMIT ?"
        params.append(query.limit)
        async with self.db.read() as conn:
            rows = list(await conn.execute_fetchall(sql, params))
            last = list(await conn.execute_fetchall("SELECT coalesce(max(seq), 0) FROM audit"))
        return [_row(row) for row in rows], int(last[0][0])


def as_csv(records: list[AuditRecord]) -> str:
    """The records as CSV, one row each; `before` and `after` as JSON text."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(FIELDS)
    for found in records:
        values = [getattr(found, name) for name in FIELDS]
        writer.writerow(
            [
                value if name not in ("before", "after") or value is None else encode_json(value)
                for name, value in zip(FIELDS, values, strict=True)
            ]
        )
    return out.getvalue()
