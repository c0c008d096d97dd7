"""The named states and kinds of the domain: hearing status, entry kind, speaker and user roles."""

from __future__ import annotations

from enum import IntEnum, StrEnum


class HearingStatus(StrEnum):
    SCHEDULED = "scheduled"
    LIVE = "live"
    RECESS = "recess"
    ADJOURNED = "adjourned"
    CLOSED = "closed"


class Language(StrEnum):
    """The languages the pages speak: English, the catalogs' source language, and one
    catalog for each other in server/locale (`courtwire.i18n`)."""

    EN = "en"
    RU = "ru"
    KK = "kk"


class EntryKind(StrEnum):
    NOTE = "note"
    QUOTE = "quote"
    TESTIMONY = "testimony"
    RULING = "ruling"
    VERDICT = "verdict"
    SENTENCE = "sentence"
    PROCEDURAL = "procedural"
    OUTSIDE = "outside"
    SUMMARY = "summary"


class SpeakerRole(StrEnum):
    JUDGE = "judge"
    PROSECUTION = "prosecution"
    DEFENCE = "defence"
    DEFENDANT = "defendant"
    WITNESS = "witness"
    CLERK = "clerk"
    OTHER = "other"


class Role(IntEnum):
    """Staff roles, ordered so that a higher role may do what a lower one may."""

    REPORTER = 1
    EDITOR = 2
    ADMIN = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def from_label(cls, label: str) -> Role:
        return cls[label.upper()]


class EventType(StrEnum):
    ENTRY_PUBLISHED = "entry.published"
    ENTRY_REVISED = "entry.revised"
    ENTRY_DELETED = "entry.deleted"
    ENTRY_WITHHELD = "entry.withheld"
    HEARING_UPDATED = "hearing.updated"


class EntryState(StrEnum):
    """Only a published entry reaches a public channel."""

    QUEUED = "queued"
    """Held, delayed or in review: stored, acknowledged with 202, not public."""
    PUBLISHED = "published"
    WITHHELD = "withheld"
    """It names a restriction added after it went out: staff see it, readers do not."""
    DELETED = "deleted"
    DISCARDED = "discarded"
    """Taken out of the queue: never published."""


class QueueReason(StrEnum):
    """Why a post waits."""

    HELD = "held"
    """The hearing's reporting is held (e.g. legal argument in the jury's absence)."""
    DELAYED = "delayed"
    """The hearing has a publish delay; published at `release_at` unless pulled back."""
    REVIEW = "review"
    """Its kind needs an editor's approval."""


class Reporting(StrEnum):
    OPEN = "open"
    HELD = "held"


class RestrictionKind(StrEnum):
    PERSON = "person"
    PLACE = "place"
    ORGANISATION = "organisation"
    OTHER = "other"


class CloseCode(IntEnum):
    """WebSocket close codes the reader socket uses."""

    NORMAL = 1000
    GOING_AWAY = 1001
    PROTOCOL_ERROR = 1002
    INVALID_DATA = 1007
    POLICY_VIOLATION = 1008
    MESSAGE_TOO_BIG = 1009
    INTERNAL_ERROR = 1011
    SERVICE_RESTART = 1012
    TRY_AGAIN_LATER = 1013


def N_(message: str) -> str:
    """Marks a message for the catalogs where it is defined; it is translated where it is
    shown (`courtwire.i18n`)."""
    return message


STATUS_LABELS: dict[str, str] = {
    HearingStatus.SCHEDULED: N_("Scheduled"),
    HearingStatus.LIVE: N_("Live"),
    HearingStatus.RECESS: N_("In recess"),
    HearingStatus.ADJOURNED: N_("Adjourned"),
    HearingStatus.CLOSED: N_("Closed"),
}
"""How each status reads to a person (pages, transcripts)."""

KIND_LABELS: dict[str, str] = {
    EntryKind.NOTE: N_("Note"),
    EntryKind.QUOTE: N_("Quote"),
    EntryKind.TESTIMONY: N_("Testimony"),
    EntryKind.RULING: N_("Ruling"),
    EntryKind.VERDICT: N_("Verdict"),
    EntryKind.SENTENCE: N_("Sentence"),
    EntryKind.PROCEDURAL: N_("Procedure"),
    EntryKind.OUTSIDE: N_("Outside court"),
    EntryKind.SUMMARY: N_("Summary"),
}
"""How each entry kind reads to a person (pages, transcripts)."""

ROLE_LABELS: dict[str, str] = {
    SpeakerRole.JUDGE: N_("Judge"),
    SpeakerRole.PROSECUTION: N_("Prosecution"),
    SpeakerRole.DEFENCE: N_("Defence"),
    SpeakerRole.DEFENDANT: N_("Defendant"),
    SpeakerRole.WITNESS: N_("Witness"),
    SpeakerRole.CLERK: N_("Clerk"),
    SpeakerRole.OTHER: N_("Other"),
}
"""How each speaker role reads to a person."""

LIVE_ORDER = {
    HearingStatus.LIVE: 0,
    HearingStatus.RECESS: 1,
    HearingStatus.SCHEDULED: 2,
    HearingStatus.ADJOURNED: 3,
    HearingStatus.CLOSED: 4,
}
"""How hearing lists sort: the ones under way first."""
