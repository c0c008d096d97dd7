"""The API's replies beyond entries and hearings (courtwire.records): accounts, the audit
trail, the queue, withheld entries, pages, a write's answer, photos. Each is a dataclass
the handlers build and write with `courtwire.schemas.members`, and the OpenAPI document
derives its schema from the same class (courtwire.openapi), so the two cannot drift.

An entry inside a reply is still the JSON object the store reads
(`Annotated[JSONObject, Entry]`: a JSON object in `Entry`'s shape).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from courtwire.entries import Speaker
from courtwire.events import Event
from courtwire.exceptions import ERROR_CODES
from courtwire.model import EntryKind, QueueReason, Role
from courtwire.records import Entry, PublicHearing
from courtwire.register import Restriction
from courtwire.schemas import ABSENT, Absent, schema
from courtwire.types import JSONObject

TIME: dict[str, Any] = schema(format="date-time")
COUNT: dict[str, Any] = schema(minimum=0)
ROLE: dict[str, Any] = schema(enum=[role.label for role in Role])
GENERATED: dict[str, Any] = schema(description="Only when generated.")
EntryJSON = Annotated[JSONObject, Entry]
"""An entry as the store reads it."""
HearingJSON = Annotated[JSONObject, PublicHearing]
"""A hearing as `Hearing.public()` or `Hearing.for_staff()` writes it."""


# Every operation


@dataclass(frozen=True, slots=True)
class ErrorDetail:
    code: str = field(metadata=schema(enum=sorted(ERROR_CODES)))
    message: str
    field: str | None


@dataclass(frozen=True, slots=True)
class ErrorReply:
    """A refusal: its code (courtwire.exceptions.ERROR_CODES), words, and the field."""

    error: ErrorDetail


@dataclass(frozen=True, slots=True)
class Health:
    status: Literal["ok"]


# Accounts


@dataclass(frozen=True, slots=True)
class User:
    """An account: its name and role; the staff list and the answers to changes add the
    rest."""

    username: str
    role: str = field(metadata=ROLE)
    display_name: str | Absent | None = field(
        default=ABSENT, metadata=schema(description="The byline of its entries on public pages.")
    )
    disabled: bool | Absent = field(
        default=ABSENT, metadata=schema(description="In the staff list only.")
    )
    disabled_at: str | Absent | None = field(default=ABSENT, metadata=TIME)
    created_at: str | Absent = field(default=ABSENT, metadata=TIME)
    last_seen: str | Absent | None = field(
        default=ABSENT,
        metadata=schema(
            format="date-time",
            description="Last use of any of its tokens, to within a few minutes.",
        ),
    )
    tokens: int | Absent = field(
        default=ABSENT,
        metadata=schema(minimum=0, description="Tokens neither revoked nor expired."),
    )

    @classmethod
    def named(cls, username: str, role: Role) -> User:
        return cls(username, role.label)


@dataclass(frozen=True, slots=True)
class SignedIn:
    token: str
    user: User


@dataclass(frozen=True, slots=True)
class UserReply:
    user: User


@dataclass(frozen=True, slots=True)
class Users:
    users: list[User]


@dataclass(frozen=True, slots=True)
class NewUser:
    user: User
    password: str | Absent = field(default=ABSENT, metadata=GENERATED)


@dataclass(frozen=True, slots=True)
class AccountChange:
    user: User
    revoked: int = field(metadata=schema(minimum=0, description="Tokens revoked."))


@dataclass(frozen=True, slots=True)
class PasswordSet(AccountChange):
    password: str | Absent = field(default=ABSENT, metadata=GENERATED)


@dataclass(frozen=True, slots=True)
class Revoked:
    revoked: int = field(metadata=COUNT)


# The audit trail


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One change to the record: who did what to which hearing or entry, and why."""

    seq: int = field(metadata=schema(minimum=1))
    at: str = field(metadata=TIME)
    actor: str
    action: str
    hearing: str | None
    target: str | None
    before: Any
    after: Any
    reason: str | None


@dataclass(frozen=True, slots=True)
class AuditPage:
    records: list[AuditRecord]
    last_seq: int = field(metadata=COUNT)


# Hearings and their restrictions


@dataclass(frozen=True, slots=True)
class Hearings:
    hearings: list[HearingJSON]


@dataclass(frozen=True, slots=True)
class Restrictions:
    restrictions: list[Restriction]


@dataclass(frozen=True, slots=True)
class RestrictionAdded:
    restriction: Restriction
    withheld: list[str] = field(
        metadata=schema(description="Ids of the entries the change withheld.")
    )
    hearing: HearingJSON


@dataclass(frozen=True, slots=True)
class RestrictionLifted:
    restriction: Restriction
    hearing: HearingJSON


@dataclass(frozen=True, slots=True)
class BylinesReply:
    """The display names a hearing's entries are signed with, by author."""

    bylines: dict[str, str]


# Waiting and withheld entries


@dataclass(frozen=True, slots=True)
class QueueItem:
    """A post waiting, why (`state`, and `reason` in words) and until when."""

    entry: EntryJSON
    state: QueueReason
    release_at: str | None = field(metadata=TIME)
    reason: str


@dataclass(frozen=True, slots=True)
class Queue:
    queue: list[QueueItem]


@dataclass(frozen=True, slots=True)
class WithheldItem:
    """A withheld entry as it stood, and the restriction breach it holds, if one still does."""

    entry: EntryJSON
    field: str | None
    message: str | None


@dataclass(frozen=True, slots=True)
class Withheld:
    withheld: list[WithheldItem]


# Pages of entries and events


@dataclass(frozen=True, slots=True)
class EntriesPage:
    entries: list[EntryJSON]
    last_seq: int = field(metadata=COUNT)
    next_before: int | None


@dataclass(frozen=True, slots=True)
class EventsPage:
    events: list[Event]
    last_seq: int = field(metadata=COUNT)

    @staticmethod
    def encoded(events: list[str], last_seq: int) -> str:
        """The page's JSON from events already encoded (as the store keeps them), without
        decoding them again: the same members as `members(EventsPage(...))`."""
        return '{"events":[' + ",".join(events) + '],"last_seq":' + str(last_seq) + "}"


# An entry's versions


@dataclass(frozen=True, slots=True)
class Version:
    """A version of an entry readers were shown: its content, or only its time once
    withdrawn."""

    at: str = field(metadata=TIME)
    withdrawn: Literal[True] | Absent = field(
        default=ABSENT, metadata=schema(description="Taken out of view: no content.")
    )
    revision: int | Absent = field(default=ABSENT, metadata=schema(minimum=1))
    kind: str | Absent = field(
        default=ABSENT, metadata=schema(enum=[kind.value for kind in EntryKind])
    )
    body: str | Absent = ABSENT
    html: str | Absent = ABSENT
    speaker: Annotated[JSONObject, Speaker] | Absent | None = ABSENT
    occurred_at: str | Absent = field(default=ABSENT, metadata=TIME)
    correction: str | Absent | None = ABSENT


@dataclass(frozen=True, slots=True)
class EntryVersions:
    id: str = field(metadata=schema(format="uuid"))
    revisions: list[Version]


# A write's answer


@dataclass(frozen=True, slots=True)
class Tombstone:
    """A deleted, withheld or discarded entry: {id, deleted: true}, {id, withheld: true}
    or {id, discarded: true}."""

    id: str
    deleted: Literal[True] | Absent = ABSENT
    withheld: Literal[True] | Absent = ABSENT
    discarded: Literal[True] | Absent = ABSENT


WRITE_STATES = [*(reason.value for reason in QueueReason), "discarded"]


@dataclass(frozen=True, slots=True)
class WrittenReply:
    """Published: entry and seq. Waiting (202): entry, state (held, delayed, review) and
    release_at. Discarded: entry {id, discarded} and state discarded."""

    entry: Annotated[JSONObject, Entry | Tombstone]
    seq: int | Absent = field(default=ABSENT, metadata=schema(minimum=1))
    state: str | Absent = field(default=ABSENT, metadata=schema(enum=WRITE_STATES))
    release_at: str | Absent | None = field(default=ABSENT, metadata=TIME)


# Photos


VARIANT_TYPES = ("image/avif", "image/webp", "image/jpeg")
"""What a stored variant may be (a photo stored before AVIF has WebP and JPEG only)."""


@dataclass(frozen=True, slots=True)
class PhotoVariant:
    width: int = field(metadata=schema(minimum=1))
    height: int = field(metadata=schema(minimum=1))
    type: str = field(metadata=schema(enum=list(VARIANT_TYPES)))
    url: str = field(metadata=schema(pattern="^/media/"))


@dataclass(frozen=True, slots=True)
class Photo:
    """A stored photo: its size and the variants it is served as."""

    id: str
    width: int = field(metadata=schema(minimum=1))
    height: int = field(metadata=schema(minimum=1))
    variants: list[PhotoVariant]

    def carried(self, alt: str, caption: str | None) -> EntryPhoto:
        """The photo as an entry carries it, with this alt text and caption."""
        return EntryPhoto(self.id, self.width, self.height, self.variants, alt, caption)


@dataclass(frozen=True, slots=True)
class EntryPhoto(Photo):
    """A photo as an entry carries it: with its alt text and caption."""

    alt: str
    caption: str | None


@dataclass(frozen=True, slots=True)
class Uploaded:
    photo: Photo


@dataclass(frozen=True, slots=True)
class UploadHeld:
    """How much of a photo uploaded in pieces the server holds."""

    offset: int = field(metadata=COUNT)
    length: int = field(metadata=schema(minimum=1))


@dataclass(frozen=True, slots=True)
class UploadProgress:
    upload: UploadHeld
