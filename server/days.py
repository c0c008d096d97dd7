"""Court days: a trial runs for days or weeks, so the reader page dates every entry that
is not from today, heads each day's entries, and lists the hearing's days to jump to.

Days are the hearing's: an entry's day is the date of its court time in the hearing's time
zone, and "today" is today there. static/js/days.js does the same in the browser.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from courtwire.records import Entry
from courtwire.times import day_key, in_zone, now

Formatter = Callable[[str, str], str]
"""A stored time and a time zone → text in the page's language (`courtwire.i18n.Words`)."""


def today(timezone: str) -> date:
    return now().astimezone(ZoneInfo(timezone)).date()


def entry_time(value: str, timezone: str, on: date, *, clock: Formatter, dated: Formatter) -> str:
    """An entry's court time: the `clock` alone on day `on` (today), else `dated`."""
    return (clock if in_zone(value, timezone).date() == on else dated)(value, timezone)


@dataclass(frozen=True)
class Day:
    """A court day of a hearing's published entries."""

    key: str
    label: str
    page_before: int | None
    """The `before` cursor of the reader page that opens with the day's newest entry
    (None: the first page)."""


def hearing_days(
    rows: list[tuple[str, int]], timezone: str, page_size: int, label: Formatter
) -> list[Day]:
    """The days of a hearing, oldest first, from its published entries' (court time,
    published seq) in the reader page's order: newest court time first."""
    days: list[Day] = []
    current: datetime | None = None
    for index, (occurred, _) in enumerate(rows):
        moment = in_zone(occurred, timezone)
        if current is not None and current.date() == moment.date():
            continue
        current = moment
        before = rows[index - 1][1] if index >= page_size else None
        days.append(Day(day_key(moment), label(occurred, timezone), before))
    return days[::-1]


def by_day(
    entries: list[Entry], timezone: str, label: Formatter
) -> list[tuple[str, str, list[Entry]]]:
    """Entries in runs of one court day, in the order given: (key, label, entries)."""
    runs: list[tuple[str, str, list[Entry]]] = []
    for entry in entries:
        moment = in_zone(entry.occurred_at, timezone)
        key = day_key(moment)
        if not runs or runs[-1][0] != key:
            runs.append((key, label(entry.occurred_at, timezone), []))
        runs[-1][2].append(entry)
    return runs
