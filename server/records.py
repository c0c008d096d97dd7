"""The public shapes of an entry and a hearing, and the actor who changes them: each defined
once, here.

The store builds an entry's JSON from `Entry` and reads stored entries back as `Entry`
records (`from_json`), a hearing's public fields are read as a `PublicHearing`: the pages,
the feed and the exports read their attributes, and JSON is made only at the edge (a JSON
response, an event) by `to_json`, byte for byte the stored text. The hearing's public and
staff fields are `PublicHearing`'s and `StaffHearing`'s fields, and the OpenAPI document
derives its `Entry`
and `Hearing` schemas from these classes (type hints, plus the `schema` metadata for what a
type hint cannot say: formats and limits). A new entry field is one more field of `Entry`
(in the order it appears in the JSON); a new hearing field one more of `PublicHearing` (or
`StaffHearing` if readers must not see it) and a column read by `ledger.hearings_from`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from courtwire.entries import Speaker
from courtwire.hearings import (
    MAX_CAST,
    MAX_CAST_NAME,
    MAX_PUBLISH_DELAY,
    MAX_SLUG_CHARS,
    SLUG_PATTERN,
    TEXT_LIMITS,
)
from courtwire.model import EntryKind, HearingStatus, Language, Reporting, Role, SpeakerRole
from courtwire.register import Restriction, active_terms
from courtwire.schemas import schema
from courtwire.times import now
from courtwire.types import JSONObject

TIME: JSONObject = {"format": "date-time"}


def _text(name: str) -> dict[str, Any]:
    return schema(maxLength=TEXT_LIMITS[name])


@dataclass(frozen=True, slots=True)
class Actor:
    """The signed-in user a change is made by."""

    id: int
    username: str
    role: Role


@dataclass(slots=True)
class Entry:
    """An entry as readers get it: stored, in events, in the API and in exports."""

    id: str = field(metadata=schema(format="uuid"))
    kind: EntryKind
    body: str
    html: str
    speaker: Speaker | None
    occurred_at: str = field(metadata=schema(**TIME))
    published_at: str = field(metadata=schema(**TIME))
    author: str
    key: bool
    pinned: bool
    revision: int = field(metadata=schema(minimum=1))
    correction: str | None
    revised_at: str | None = field(metadata=schema(**TIME))
    photo: JSONObject | None = None
    """The photo as stored (`courtwire.photos`); the JSON has no `photo` member without one."""

    @classmethod
    def posted(
        cls,
        entry_id: str,
        kind: EntryKind,
        body: str,
        html: str,
        *,
        at: str,
        author: str,
        occurred_at: str | None = None,
        speaker: Speaker | None = None,
        key: bool = False,
        pinned: bool = False,
    ) -> Entry:
        """An entry as first published `at`: revision 1, never corrected; it happened `at`
        unless `occurred_at` says otherwise."""
        return cls(
            entry_id,
            kind,
            body,
            html,
            speaker,
            occurred_at or at,
            at,
            author,
            key,
            pinned,
            revision=1,
            correction=None,
            revised_at=None,
        )

    @classmethod
    def from_json(cls, entry: JSONObject) -> Entry:
        """An entry from the JSON `to_json` wrote: as stored, or as an event carries it."""
        speaker = entry["speaker"]
        return cls(
            entry["id"],
            _KINDS[entry["kind"]],
            entry["body"],
            entry["html"],
            Speaker(_ROLES[speaker["role"]], speaker["name"]) if speaker else None,
            entry["occurred_at"],
            entry["published_at"],
            entry["author"],
            entry["key"],
            entry["pinned"],
            entry["revision"],
            entry["correction"],
            entry["revised_at"],
            entry.get("photo"),
        )

    def to_json(self) -> JSONObject:
        """The entry's JSON object, its members in field order (`photo` only with one)."""
        entry = _entry_members(self)
        entry["kind"] = self.kind.value
        entry["speaker"] = self.speaker.to_json() if self.speaker else None
        if self.photo is not None:
            entry["photo"] = self.photo
        return entry


ENTRY_FIELDS = tuple(f.name for f in fields(Entry))
_KINDS = {kind.value: kind for kind in EntryKind}
_ROLES = {role.value: role for role in SpeakerRole}
"""Enum members by value: a dict lookup is several times faster than calling the enum,
and every entry read is decoded through them."""


def _members_reader(names: tuple[str, ...]) -> Callable[[Any], JSONObject]:
    """`lambda e: {"id": e.id, …}` for these field names, compiled once (as `dataclasses`
    compiles `__init__`): a dict display is several times faster than reading the fields in
    a loop, and an entry is built on every post (docs/benchmarks.md)."""
    for name in names:
        assert name.isidentifier(), name
    members = ", ".join(f"{name!r}: e.{name}" for name in names)
    reader: Callable[[Any], JSONObject] = eval(f"lambda e: {{{members}}}")  # noqa: S307
    return reader


_entry_members = _members_reader(tuple(name for name in ENTRY_FIELDS if name != "photo"))


@dataclass(frozen=True, slots=True)
class CastMember:
    """One person of a hearing as readers may see them (a restricted person only under a
    safe label such as "Witness A"); the name is checked against restrictions."""

    role: SpeakerRole
    name: str = field(metadata=schema(minLength=1, maxLength=MAX_CAST_NAME))

    def to_json(self) -> JSONObject:
        return {"role": self.role.value, "name": self.name}


@dataclass(frozen=True, slots=True)
class PublicHearing:
    """A hearing's fields as everyone sees them."""

    slug: str = field(metadata=schema(pattern=SLUG_PATTERN.pattern, maxLength=MAX_SLUG_CHARS))
    title: str = field(metadata=_text("title"))
    court: str = field(metadata=_text("court"))
    case_ref: str = field(metadata=_text("case_ref"))
    location: str = field(metadata=_text("location"))
    timezone: str = field(metadata=schema(description="IANA time zone name"))
    language: Language = field(metadata=schema(description="The language of the hearing's pages"))
    status: HearingStatus
    scheduled_start: str | None = field(metadata=schema(**TIME))
    description: str = field(metadata=_text("description"))
    reporting: Reporting
    reporting_note: str = field(metadata=_text("reporting_note"))
    cast: list[CastMember] = field(
        metadata=schema(
            maxItems=MAX_CAST,
            description="The people of the hearing; a name under restriction is refused"
            " (422 restricted_term, field cast[i].name).",
        )
    )
    last_seq: int = field(metadata=schema(minimum=0))

    @classmethod
    def from_json(cls, hearing: JSONObject) -> PublicHearing:
        """The public fields of a hearing's JSON (as stored, or a `Hearing`'s fields)."""
        public = {name: hearing[name] for name in PUBLIC_HEARING_FIELDS}
        return cls(
            **public
            | {
                "language": Language(public["language"]),
                "status": HearingStatus(public["status"]),
                "reporting": Reporting(public["reporting"]),
                "cast": [
                    CastMember(SpeakerRole(person["role"]), person["name"])
                    for person in public["cast"]
                ],
            }
        )

    def to_json(self) -> JSONObject:
        """The hearing's public JSON object, its members in field order."""
        return _public_members(self) | {
            "language": self.language.value,
            "status": self.status.value,
            "reporting": self.reporting.value,
            "cast": [person.to_json() for person in self.cast],
        }


@dataclass(frozen=True, slots=True)
class StaffHearing:
    """The hearing's publishing rules: staff see them, readers see their effect."""

    publish_delay: int = field(metadata=schema(minimum=0, maximum=MAX_PUBLISH_DELAY))
    review_kinds: list[EntryKind]
    photo_confirmation: bool = field(
        metadata=schema(
            description="Reporters confirm each photo was not taken inside the courtroom."
        )
    )


PUBLIC_HEARING_FIELDS = tuple(f.name for f in fields(PublicHearing))
STAFF_HEARING_FIELDS = tuple(f.name for f in fields(StaffHearing))
_public_members = _members_reader(PUBLIC_HEARING_FIELDS)


@dataclass(frozen=True)
class Hearing:
    id: int
    fields: JSONObject
    """Every field of `PublicHearing` and `StaffHearing`."""
    restrictions: tuple[Restriction, ...] = field(default=())
    """The register: restrictions not removed, expired ones included."""

    @property
    def slug(self) -> str:
        return str(self.fields["slug"])

    @property
    def last_seq(self) -> int:
        return int(self.fields["last_seq"])

    def restricted_terms(self, moment: datetime | None = None) -> list[str]:
        """Every term and alias in force now (or at `moment`)."""
        return active_terms(self.restrictions, moment or now())

    def public(self) -> PublicHearing:
        return PublicHearing.from_json(self.fields)

    def for_staff(self) -> JSONObject:
        staff = {name: self.fields[name] for name in STAFF_HEARING_FIELDS}
        return self.public().to_json() | staff | {"restricted_terms": self.restricted_terms()}
