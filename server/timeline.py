"""Folding a hearing's events into its state: the replay, and the check that the log tells all.

`Timeline.apply` is the only place that knows what each event type does to the state.
The browser's replay player (static/js/timeline.js) mirrors it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from courtwire.events import Event
from courtwire.model import EventType
from courtwire.records import Entry
from courtwire.types import JSONObject


@dataclass
class Timeline:
    hearing: JSONObject = field(default_factory=dict)
    entries: dict[str, Entry] = field(default_factory=dict)
    """Entries by id in publication order; deleted and withheld ones are removed."""
    last_seq: int = 0
    last_at: str | None = None
    """When the last event was appended: the moment the state is as of."""

    def apply(self, event: Event) -> None:
        assert event.seq == self.last_seq + 1, f"gap: {self.last_seq} then {event.seq}"
        self.last_seq = event.seq
        self.last_at = event.at
        if event.type == EventType.HEARING_UPDATED:
            self.hearing = dict(event.data)
        elif event.type in (EventType.ENTRY_DELETED, EventType.ENTRY_WITHHELD) or (
            event.is_tombstone
        ):
            self.entries.pop(event.data["id"], None)
        else:
            self.entries[event.data["id"]] = Entry.from_json(event.data)

    def visible(self) -> list[Entry]:
        """Entries as readers see them: newest court time first."""
        return sorted(self.entries.values(), key=_court_order, reverse=True)


def _court_order(entry: Entry) -> tuple[datetime, datetime]:
    return datetime.fromisoformat(entry.occurred_at), datetime.fromisoformat(entry.published_at)


def replay(events: Iterable[Event], until: datetime | None = None) -> Timeline:
    """The state after every event, or after those at or before the moment `until`."""
    timeline = Timeline()
    for event in events:
        if until is not None and datetime.fromisoformat(event.at) > until:
            break
        timeline.apply(event)
    return timeline
