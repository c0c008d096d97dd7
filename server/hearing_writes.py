"""Changes of a hearing and of its register of restrictions, as write transactions.

One function, `change`, applies every kind (a PATCH, a restriction added or removed), so
the rules hold the same way for all: a hearing's published fields never name a term in
force; a new restriction that the hearing's own fields name is refused unless the same
request changes those fields; what already names a new restriction is withheld in the
same transaction (`courtwire.withholding`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from courtwire import audit
from courtwire.db import Connection, Transaction
from courtwire.events import encode_json
from courtwire.exceptions import Conflict, Invalid, NotFound, RestrictedTerm
from courtwire.hearings import slug_breach, slugify
from courtwire.ledger import (
    JSON_HEARING_FIELDS,
    Log,
    Removal,
    field_root,
    hearing_in,
    published_texts,
)
from courtwire.model import EventType, RestrictionKind
from courtwire.records import Hearing
from courtwire.register import MAX_TERMS, NewRestriction, Restriction, breach
from courtwire.times import format_time
from courtwire.types import JSONObject
from courtwire.withholding import rename, withhold


@dataclass
class Change:
    """One request's changes to a hearing."""

    fields: JSONObject = field(default_factory=dict)
    """Validated field changes (`slug` included)."""
    added: list[NewRestriction] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)
    """Ids of restrictions to remove."""
    actor: str = "system"
    event: bool = True
    """Append `hearing.updated` even when nothing public changed (a PATCH always does)."""


@dataclass(frozen=True)
class Changed:
    hearing: Hearing
    withheld: list[str]
    """Ids of the entries this change withheld."""
    added: list[Restriction]
    removed: list[Restriction]


def _free_slug(conn: Connection, base: str) -> str:
    rows = conn.execute(
        "SELECT slug FROM hearings WHERE slug = ? OR slug LIKE ?", (base, f"{base}-%")
    )
    taken = {row[0] for row in rows}
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def _lock_slugs(tx: Transaction) -> None:
    """Wait for any other transaction claiming a slug to commit (the `slugs` counter row):
    two creations or renames to one slug on two nodes get one 201 and one `slug_taken`,
    as they would one after the other, and a slug made from a title is free when stored."""
    tx.take("slugs")


def _claim_slug(conn: Connection, slug: str) -> None:
    if conn.execute("SELECT 1 FROM hearings WHERE slug = ?", (slug,)).fetchall():
        raise Conflict(f"The slug {slug!r} is taken.", field="slug", code="slug_taken")


def _insert_restriction(
    conn: Connection, hearing_id: int, new: NewRestriction, actor: str, at: str
) -> Restriction:
    restriction_id: int = conn.execute(
        "INSERT INTO restrictions (hearing_id, term, aliases, kind, court_order, expires_at,"
        " added_by, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (
            hearing_id,
            new.term,
            encode_json(list(new.aliases)),
            new.kind.value,
            new.order,
            new.expires_at,
            actor,
            at,
        ),
    ).fetchone()[0]
    return Restriction(
        term=new.term,
        aliases=new.aliases,
        kind=new.kind,
        order=new.order,
        expires_at=new.expires_at,
        id=restriction_id,
        added_by=actor,
        added_at=at,
    )


def shorthand(hearing: Hearing, changes: JSONObject) -> Change:
    """A PATCH's `restricted_terms` as register changes: a new string becomes a restriction
    of kind `other`; a restriction whose term is left out is removed."""
    fields = dict(changes)
    terms = fields.pop("restricted_terms", None)
    request = Change(fields=fields)
    if terms is None:
        return request
    known = {term for r in hearing.restrictions for term in r.terms}
    request.added = [
        NewRestriction(term, kind=RestrictionKind.OTHER) for term in terms if term not in known
    ]
    request.removed = [r.id for r in hearing.restrictions if r.term not in terms]
    return request


def create(tx: Transaction, fields: JSONObject, actor: str, moment: datetime) -> Hearing:
    """A new hearing; `restricted_terms` become its first restrictions. No event."""
    conn = tx.conn
    stamp = format_time(moment)
    _lock_slugs(tx)
    slug = fields.get("slug") or _free_slug(conn, slugify(fields["title"]))
    _claim_slug(conn, slug)
    terms = fields.get("restricted_terms") or []
    refused = _breach(fields, slug, terms)
    if refused is not None:
        raise refused
    hearing_id: int = conn.execute(
        "INSERT INTO hearings (slug, title, court, case_ref, location, timezone, status,"
        " scheduled_start, description, reporting, reporting_note, publish_delay, review_kinds,"
        ' language, photo_confirmation, "cast", created_at, updated_at)'
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " RETURNING id",
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
            fields["reporting"],
            fields["reporting_note"],
            fields["publish_delay"],
            encode_json(fields["review_kinds"]),
            fields["language"],
            fields["photo_confirmation"],
            encode_json(fields["cast"]),
            stamp,
            stamp,
        ),
    ).fetchone()[0]
    for term in terms:
        _insert_restriction(conn, hearing_id, NewRestriction(term), actor, stamp)
    created = hearing_in(conn, slug)
    audit.record(tx, audit.Record(actor, "hearing.created", slug, slug, None, created.for_staff()))
    return created


def _breach(fields: JSONObject, slug: str, terms: list[str]) -> RestrictedTerm | None:
    """The refusal of a hearing whose published fields or slug name one of `terms`."""
    return breach(published_texts(fields | {"slug": slug}), terms) or slug_breach(slug, terms)


def change(
    tx: Transaction, hearing: Hearing, log: Log, request: Change, moment: datetime
) -> Changed:
    conn = tx.conn
    stamp = format_time(moment)
    removed = [_find(hearing, restriction_id) for restriction_id in request.removed]
    for restriction in removed:
        conn.execute(
            "UPDATE restrictions SET removed_by = ?, removed_at = ? WHERE id = ?",
            (request.actor, stamp, restriction.id),
        )
    added = [
        _insert_restriction(conn, hearing.id, new, request.actor, stamp) for new in request.added
    ]
    kept = [r for r in hearing.restrictions if r not in removed]
    if sum(len(r.terms) for r in kept + added) > MAX_TERMS:
        raise Invalid(
            f"A hearing has at most {MAX_TERMS} restricted terms.", field="restricted_terms"
        )
    old_slug = hearing.slug
    fields = hearing.fields | request.fields
    if fields["slug"] != old_slug:
        _lock_slugs(tx)
        _claim_slug(conn, fields["slug"])
    _check_fields(fields, request.fields, kept + added, moment)
    if request.fields:
        assignments = ", ".join(f'"{name}" = ?' for name in request.fields)
        conn.execute(
            f"UPDATE hearings SET {assignments}, updated_at = ? WHERE id = ?",  # noqa: S608 - names are validated field names
            (
                *(
                    encode_json(value) if name in JSON_HEARING_FIELDS else value
                    for name, value in request.fields.items()
                ),
                stamp,
                hearing.id,
            ),
        )
    updated = Hearing(hearing.id, fields, tuple(kept + added))
    _record(tx, request, hearing, updated, added, removed)
    removal = Removal(reason="withheld", actor=request.actor, at=stamp)
    withheld = withhold(tx, updated, [r for r in added if r.active(moment)], removal)
    for entry_id, rewritten in withheld.entries:
        log.append(updated, EventType.ENTRY_WITHHELD, {"id": entry_id, "withheld": True}, rewritten)
    if request.event or request.fields or withheld.history:
        public = updated.public().to_json() | {"last_seq": log.last(updated) + 1}
        log.append(updated, EventType.HEARING_UPDATED, public, tuple(withheld.history))
    if fields["slug"] != old_slug:
        rename(tx, updated, old_slug)
        log.retire(old_slug, log.last(updated))
    return Changed(
        hearing_in(conn, updated.slug),
        [entry_id for entry_id, _ in withheld.entries],
        added,
        removed,
    )


def _record(
    tx: Transaction,
    request: Change,
    hearing: Hearing,
    updated: Hearing,
    added: list[Restriction],
    removed: list[Restriction],
) -> None:
    """The change in the audit trail: the fields before and after, each restriction."""
    slug = updated.slug
    if request.fields:
        before = {name: hearing.fields[name] for name in request.fields}
        after = {name: updated.fields[name] for name in request.fields}
        audit.record(tx, audit.Record(request.actor, "hearing.updated", slug, slug, before, after))
    for restriction in added:
        target = str(restriction.id)
        record = audit.Record(
            request.actor, "restriction.added", slug, target, None, restriction.to_json()
        )
        audit.record(tx, record)
    for restriction in removed:
        target = str(restriction.id)
        record = audit.Record(
            request.actor, "restriction.removed", slug, target, restriction.to_json(), None
        )
        audit.record(tx, record)


def _find(hearing: Hearing, restriction_id: int) -> Restriction:
    for restriction in hearing.restrictions:
        if restriction.id == restriction_id:
            return restriction
    raise NotFound("No such restriction on this hearing.", code="restriction_not_found")


def _check_fields(
    fields: JSONObject,
    changed: JSONObject,
    restrictions: list[Restriction],
    moment: datetime,
) -> None:
    """Refuse published fields that name a term in force: 422 for a value this request
    sets, 409 `restriction_in_hearing` for one it leaves as it was."""
    terms = [term for r in restrictions if r.active(moment) for term in r.terms]
    refused = _breach(fields, fields["slug"], terms)
    if refused is None:
        return
    if field_root(refused.field or "") in changed:
        raise refused
    raise Conflict(
        f"The hearing's {refused.field} names the restricted term; change it in the same request.",
        field=refused.field,
        code="restriction_in_hearing",
    )
