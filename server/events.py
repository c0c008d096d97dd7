"""The event: one change to a hearing, the unit of the log, of live pushes and of replay.

An event is encoded once, when it is appended; the same JSON text is stored, served by
the events API and pushed to every reader.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from courtwire.model import EventType
from courtwire.schemas import schema
from courtwire.types import JSONObject


def encode_json(value: Any) -> str:
    """Compact UTF-8 JSON, the one encoding used on the wire and in storage."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class Event:
    seq: int = field(metadata=schema(minimum=1))
    type: EventType
    at: str = field(metadata=schema(format="date-time"))
    hearing: str
    data: JSONObject

    @property
    def entry_id(self) -> str | None:
        """The entry an entry event is about; None for hearing events."""
        if self.type == EventType.HEARING_UPDATED:
            return None
        entry_id = self.data.get("id")
        return entry_id if isinstance(entry_id, str) else None

    def to_json(self) -> JSONObject:
        return {
            "seq": self.seq,
            "type": self.type.value,
            "at": self.at,
            "hearing": self.hearing,
            "data": self.data,
        }

    def encode(self) -> str:
        return encode_json(self.to_json())

    @property
    def is_tombstone(self) -> bool:
        """An entry event whose content has already been taken out of public view."""
        return self.entry_id is not None and bool(
            self.data.get("deleted") or self.data.get("withheld")
        )

    def tombstone(self) -> Event:
        """This event with the entry's content removed (deleted, withheld or redacted)."""
        assert self.entry_id is not None, "only entry events have tombstones"
        return Event(self.seq, self.type, self.at, self.hearing, tombstone_data(self.entry_id))

    @classmethod
    def decode(cls, text: str) -> Event:
        raw = json.loads(text)
        return cls(raw["seq"], EventType(raw["type"]), raw["at"], raw["hearing"], raw["data"])


def tombstone_data(entry_id: str) -> JSONObject:
    return {"id": entry_id, "deleted": True}


def discarded_data(entry_id: str) -> JSONObject:
    """A discarded post's answer to a retry: it was never published and never will be."""
    return {"id": entry_id, "discarded": True}


def withheld_data(entry_id: str) -> JSONObject:
    """What an `entry.withheld` event, and the withheld entry's public form, carry."""
    return {"id": entry_id, "withheld": True}
