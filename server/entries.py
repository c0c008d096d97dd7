"""Entry input: what a reporter may send, checked field by field before anything is stored.

Pure functions: they take decoded JSON and a hearing's restricted terms, and return
value objects or raise `Invalid`/`RestrictedTerm` naming the field.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from courtwire.events import encode_json
from courtwire.exceptions import Invalid, RestrictedTerm
from courtwire.model import EntryKind, SpeakerRole
from courtwire.register import breach
from courtwire.schemas import ABSENT, Absent, field_names, members, schema
from courtwire.times import format_time, parse_time
from courtwire.types import JSONObject

MAX_BODY_CHARS = 5000
MAX_NAME_CHARS = 200
MAX_CORRECTION_CHARS = 1000
MAX_ALT_CHARS = 1000
MAX_CAPTION_CHARS = 1000


@dataclass(frozen=True)
class PhotoRef:
    """A photo uploaded to the hearing, with its alt text (required), as a client sends
    it with an entry."""

    id: str = field(metadata=schema(minLength=1))
    alt: str = field(metadata=schema(minLength=1, maxLength=MAX_ALT_CHARS))
    caption: str | None = field(metadata=schema(maxLength=MAX_CAPTION_CHARS))

    def to_json(self) -> JSONObject:
        return {"id": self.id, "alt": self.alt, "caption": self.caption}


PHOTO_REF_FIELDS = field_names(PhotoRef)


def parse_photo_ref(value: object) -> PhotoRef | None:
    """`{"id", "alt", "caption"}` or null; alt text is required (readers who cannot see
    the photo read it)."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise Invalid('Expected {"id", "alt", "caption"} or null.', field="photo")
    for name in value:
        if name not in PHOTO_REF_FIELDS:
            raise Invalid(f"Unknown field {name!r}.", field=f"photo.{name}", code="unknown_field")
    photo_id = value.get("id")
    if not isinstance(photo_id, str) or not photo_id:
        raise Invalid("The photo's id, as its upload answered.", field="photo.id")
    alt = value.get("alt")
    if not isinstance(alt, str) or not alt.strip() or len(alt) > MAX_ALT_CHARS:
        raise Invalid(
            f"Describe the photo for readers who cannot see it (at most {MAX_ALT_CHARS}"
            " characters).",
            field="photo.alt",
        )
    caption = value.get("caption")
    if caption is not None and (not isinstance(caption, str) or len(caption) > MAX_CAPTION_CHARS):
        raise Invalid(
            f"The caption is text of at most {MAX_CAPTION_CHARS} characters.",
            field="photo.caption",
        )
    return PhotoRef(photo_id, alt.strip(), (caption or "").strip() or None)


MAX_REVISION = 2**31
FUTURE_SLACK = timedelta(minutes=15)
"""How far ahead of the server's clock a court time may be (a phone's clock runs fast)."""


@dataclass(frozen=True)
class Speaker:
    """Who is speaking: a role, and the name when it is known (it may be left out)."""

    role: SpeakerRole
    name: str | None = field(metadata=schema(maxLength=MAX_NAME_CHARS))

    def to_json(self) -> JSONObject:
        return {"role": self.role.value, "name": self.name}


BODY = schema(minLength=1, maxLength=MAX_BODY_CHARS)


@dataclass(frozen=True)
class Draft:
    """A new entry as the client sent it (absent fields are None)."""

    id: str = field(metadata=schema(format="uuid"))
    kind: EntryKind
    body: str = field(metadata=BODY)
    speaker: Speaker | None
    occurred_at: str | None = field(
        metadata=schema(format="date-time", description="In court; absent or null: on receipt.")
    )
    key: bool
    pinned: bool
    photo: PhotoRef | None = None

    OPTIONAL = ("kind", "speaker", "occurred_at", "key", "pinned", "photo")
    """The fields a client may leave out: a note, by no one named, at the time received."""

    def fingerprint(self) -> str:
        """Identifies "the same content" for idempotent retries."""
        content = {
            "kind": self.kind.value,
            "body": self.body,
            "speaker": self.speaker.to_json() if self.speaker else None,
            "occurred_at": self.occurred_at,
            "key": self.key,
            "pinned": self.pinned,
        }
        if self.photo is not None:
            content["photo"] = self.photo.to_json()
        return hashlib.sha256(encode_json(content).encode()).hexdigest()


POST_FIELDS = field_names(Draft)


def _reject_unknown(payload: JSONObject, allowed: frozenset[str]) -> None:
    for name in payload:
        if name not in allowed:
            raise Invalid(f"Unknown field {name!r}.", field=name, code="unknown_field")


def speaker_text(speaker: Speaker | None, role_label: Callable[[str], str]) -> str:
    """How a speaker reads on a page or in a transcript: "Name (role)" or "Role", with
    the role's label in the page's language."""
    if not speaker:
        return ""
    label = role_label(speaker.role.value)
    return f"{speaker.name} ({label.lower()})" if speaker.name else label


def parse_entry_id(value: object) -> str:
    if not isinstance(value, str):
        raise Invalid("Each entry needs a client-generated UUID as its id.", field="id")
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise Invalid(f"{value!r} is not a UUID.", field="id") from None


def _kind(value: object) -> EntryKind:
    try:
        return EntryKind(str(value))
    except ValueError:
        choices = ", ".join(kind.value for kind in EntryKind)
        raise Invalid(f"Unknown kind; one of: {choices}.", field="kind") from None


def _body(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Invalid("The body must be non-empty text.", field="body")
    if len(value) > MAX_BODY_CHARS:
        raise Invalid(
            f"The body has {len(value)} characters; at most {MAX_BODY_CHARS}.",
            field="body",
            code="too_long",
        )
    return value


def _speaker(value: object) -> Speaker | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise Invalid('Expected {"role": ..., "name": ...} or null.', field="speaker")
    _reject_unknown(value, frozenset({"role", "name"}))
    try:
        role = SpeakerRole(str(value.get("role")))
    except ValueError:
        choices = ", ".join(role.value for role in SpeakerRole)
        raise Invalid(f"Unknown speaker role; one of: {choices}.", field="speaker.role") from None
    name = value.get("name")
    if name is not None:
        if not isinstance(name, str) or len(name) > MAX_NAME_CHARS:
            raise Invalid(
                f"The speaker's name must be text of at most {MAX_NAME_CHARS} characters.",
                field="speaker.name",
            )
        name = name.strip() or None
    return Speaker(role, name)


def _flag(value: object, field: str) -> bool:
    if not isinstance(value, bool):
        raise Invalid("Expected true or false.", field=field)
    return value


def _occurred_at(value: object) -> str | None:
    return None if value is None else format_time(parse_time(value, "occurred_at"))


def _correction(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > MAX_CORRECTION_CHARS:
        raise Invalid(
            f"The correction note must be text of at most {MAX_CORRECTION_CHARS} characters.",
            field="correction",
        )
    return value.strip() or None


def parse_draft(payload: Any) -> Draft:
    if not isinstance(payload, dict):
        raise Invalid("Expected a JSON object.")
    _reject_unknown(payload, POST_FIELDS)
    return Draft(
        id=parse_entry_id(payload.get("id")),
        kind=_kind(payload.get("kind", EntryKind.NOTE.value)),
        body=_body(payload.get("body")),
        speaker=_speaker(payload.get("speaker")),
        occurred_at=_occurred_at(payload.get("occurred_at")),
        key=_flag(payload.get("key", False), "key"),
        pinned=_flag(payload.get("pinned", False), "pinned"),
        photo=parse_photo_ref(payload.get("photo")),
    )


def _kept_occurred_at(value: object) -> str | None:
    if value is None:
        raise Invalid("occurred_at cannot be removed.", field="occurred_at")
    return _occurred_at(value)


@dataclass(frozen=True)
class EntryChanges:
    """A PATCH of an entry: the fields it changes (at least one; null removes an optional
    one) and the revision it was written against."""

    body: str | Absent = field(default=ABSENT, metadata=BODY)
    kind: EntryKind | Absent = ABSENT
    speaker: Speaker | Absent | None = ABSENT
    occurred_at: str | Absent = field(default=ABSENT, metadata=schema(format="date-time"))
    key: bool | Absent = ABSENT
    pinned: bool | Absent = ABSENT
    correction: str | Absent | None = field(
        default=ABSENT, metadata=schema(maxLength=MAX_CORRECTION_CHARS)
    )
    photo: PhotoRef | Absent | None = ABSENT
    revision: int | Absent = field(
        default=ABSENT,
        metadata=schema(
            minimum=1,
            maximum=MAX_REVISION,
            description="The revision changed: another one is 409 revision_conflict.",
        ),
    )

    def stored(self) -> JSONObject:
        """The changed fields in the entry's stored form (the revision is no change)."""
        changed = members(self)
        changed.pop("revision", None)
        return changed

    @property
    def written_against(self) -> int | None:
        """The revision the client saw and changed, if it said."""
        return None if isinstance(self.revision, Absent) else self.revision


def _revision(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_REVISION:
        raise Invalid("revision is the entry's revision you changed (1, 2, …).", field="revision")
    return value


_CHANGES: dict[str, Callable[[object], Any]] = {
    "body": _body,
    "kind": _kind,
    "speaker": _speaker,
    "occurred_at": _kept_occurred_at,
    "key": lambda value: _flag(value, "key"),
    "pinned": lambda value: _flag(value, "pinned"),
    "correction": _correction,
    "photo": parse_photo_ref,
}
"""Each field a PATCH may change, with the check that reads it."""
CHANGE_FIELDS = frozenset(_CHANGES)
assert CHANGE_FIELDS | {"revision"} == field_names(EntryChanges), "a change without its check"


def parse_changes(payload: Any) -> EntryChanges:
    """A PATCH's fields, each checked; at least one change (`revision`, the precondition,
    is not one)."""
    if not isinstance(payload, dict):
        raise Invalid("Expected a JSON object.")
    _reject_unknown(payload, CHANGE_FIELDS | {"revision"})
    changed = {name: _CHANGES[name](value) for name, value in payload.items() if name != "revision"}
    if not changed:
        raise Invalid("Nothing to change.", code="no_changes")
    if "revision" in payload:
        changed["revision"] = _revision(payload["revision"])
    return EntryChanges(**changed)


def already_applied(entry: JSONObject, changes: JSONObject) -> bool:
    """Whether `entry` already says what `changes` say (a retried PATCH whose answer was
    lost): a photo is compared by what the client sends of it (`id`, `alt`, `caption`),
    since the entry also carries its variants; a field set to null is one it lacks."""
    for name, value in changes.items():
        current = entry.get(name)
        if name == "photo" and value is not None and isinstance(current, dict):
            current = {part: current.get(part) for part in PHOTO_REF_FIELDS}
        if current != value:
            return False
    return True


def check_not_future(occurred_at: str, moment: datetime) -> None:
    """Refuse a court time in the future: it would keep an entry at the top of the page."""
    if datetime.fromisoformat(occurred_at) > moment + FUTURE_SLACK:
        raise Invalid("The court time is in the future.", field="occurred_at")


def restriction_breach(entry: JSONObject, terms: list[str]) -> RestrictedTerm | None:
    """The first restricted term in an entry's body, speaker name, correction, photo's
    alt text and caption, or author, if any. The author is the account's username, which
    every entry carries in public (`API.md`): a username that names a restricted term
    would publish it with each of its entries."""
    speaker = entry.get("speaker") or {}
    photo = entry.get("photo") or {}
    return breach(
        (
            ("body", entry.get("body")),
            ("speaker.name", speaker.get("name")),
            ("correction", entry.get("correction")),
            ("photo.alt", photo.get("alt")),
            ("photo.caption", photo.get("caption")),
            ("author", entry.get("author")),
        ),
        terms,
    )


def check_restrictions(entry: JSONObject, terms: list[str]) -> None:
    """Refuse an entry whose published texts name a restricted term."""
    refused = restriction_breach(entry, terms)
    if refused is not None:
        raise refused
