"""The register of reporting restrictions: what a court forbids publishing, and the check
that a set of published fields names none of it.

Staff-only everywhere: a restriction is never part of a public event, page, export or
log line at info, and a refusal tells the reporter where the term is, not what it is.
Pure: value objects and input parsing, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from courtwire.exceptions import Invalid, RestrictedTerm
from courtwire.model import RestrictionKind
from courtwire.restrictions import find_restricted, normalize_term
from courtwire.schemas import schema
from courtwire.times import format_time, parse_time
from courtwire.types import JSONObject

MAX_TERM_CHARS = 200
MAX_ALIASES = 20
MAX_ORDER_CHARS = 500
MAX_TERMS = 200
"""Terms and aliases of one hearing, all restrictions together."""

RESTRICTION_FIELDS = frozenset({"term", "aliases", "kind", "order", "expires_at", "hearing"})


@dataclass(frozen=True)
class NewRestriction:
    """A restriction as an editor asks for it."""

    term: str = field(metadata=schema(maxLength=MAX_TERM_CHARS))
    aliases: tuple[str, ...] = field(
        default=(),
        metadata=schema(
            maxItems=MAX_ALIASES, items={"type": "string", "maxLength": MAX_TERM_CHARS}
        ),
    )
    kind: RestrictionKind = RestrictionKind.OTHER
    order: str = field(default="", metadata=schema(maxLength=MAX_ORDER_CHARS))
    expires_at: str | None = field(default=None, metadata=schema(format="date-time"))

    @property
    def terms(self) -> tuple[str, ...]:
        return (self.term, *self.aliases)


@dataclass(frozen=True)
class Restriction(NewRestriction):
    """A restriction in the register."""

    id: int = 0
    added_by: str = ""
    added_at: str = field(default="", metadata=schema(format="date-time"))

    def active(self, moment: datetime) -> bool:
        return self.expires_at is None or datetime.fromisoformat(self.expires_at) > moment

    def to_json(self) -> JSONObject:
        return {
            "id": self.id,
            "term": self.term,
            "aliases": list(self.aliases),
            "kind": self.kind.value,
            "order": self.order,
            "expires_at": self.expires_at,
            "added_by": self.added_by,
            "added_at": self.added_at,
        }


def active_terms(restrictions: Iterable[Restriction], moment: datetime) -> list[str]:
    """Every term and alias of the restrictions in force at `moment`."""
    return [term for r in restrictions if r.active(moment) for term in r.terms]


def check_term(value: object, field: str) -> str:
    if not isinstance(value, str) or len(value) > MAX_TERM_CHARS:
        raise Invalid(f"A term is text of at most {MAX_TERM_CHARS} characters.", field=field)
    if not normalize_term(value):
        raise Invalid("A term needs at least one letter or digit.", field=field)
    return value.strip()


def _aliases(value: object, term: str) -> tuple[str, ...]:
    if not isinstance(value, list) or len(value) > MAX_ALIASES:
        raise Invalid(f"Expected a list of at most {MAX_ALIASES} aliases.", field="aliases")
    found: list[str] = []
    for alias in value:
        checked = check_term(alias, "aliases")
        if checked != term and checked not in found:
            found.append(checked)
    return tuple(found)


def parse_restriction(payload: Any) -> tuple[NewRestriction, Any]:
    """A new restriction, and the hearing changes sent with it (`hearing`, or None)."""
    if not isinstance(payload, dict):
        raise Invalid("Expected a JSON object.")
    for name in payload:
        if name not in RESTRICTION_FIELDS:
            raise Invalid(f"Unknown field {name!r}.", field=name, code="unknown_field")
    term = check_term(payload.get("term"), "term")
    try:
        kind = RestrictionKind(payload.get("kind", RestrictionKind.OTHER.value))
    except ValueError:
        choices = ", ".join(kind.value for kind in RestrictionKind)
        raise Invalid(f"Unknown kind; one of: {choices}.", field="kind") from None
    order = payload.get("order", "")
    if not isinstance(order, str) or len(order) > MAX_ORDER_CHARS:
        raise Invalid(f"Expected text of at most {MAX_ORDER_CHARS} characters.", field="order")
    expires = payload.get("expires_at")
    restriction = NewRestriction(
        term=term,
        aliases=_aliases(payload.get("aliases", []), term),
        kind=kind,
        order=order.strip(),
        expires_at=None if expires is None else format_time(parse_time(expires, "expires_at")),
    )
    return restriction, payload.get("hearing")


def breach(fields: Iterable[tuple[str, str | None]], terms: list[str]) -> RestrictedTerm | None:
    """The first of `(field, text)` that names one of `terms`, as the refusal to raise."""
    if not terms:
        return None
    for name, text in fields:
        hit = find_restricted(text or "", terms)
        if hit is not None:
            refused = RestrictedTerm(
                f"The {name} names a term under a reporting restriction "
                f"at characters {hit.start + 1}–{hit.end}; it cannot be published.",
                field=name,
            )
            refused.term = hit.term
            return refused
    return None
