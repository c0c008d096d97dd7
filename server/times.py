"""Times on the wire: RFC 3339 with an offset, always."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from courtwire.exceptions import Invalid

MIN_YEAR = 1000
MAX_YEAR = 9998


def now() -> datetime:
    return datetime.now(UTC)


def format_time(moment: datetime) -> str:
    """RFC 3339 text; whole seconds unless the moment has a fraction."""
    spec = "milliseconds" if moment.microsecond else "seconds"
    return moment.isoformat(timespec=spec)


def parse_time(value: object, field: str) -> datetime:
    """A timezone-aware datetime from RFC 3339 text that carries an offset."""
    if not isinstance(value, str):
        raise Invalid("Expected a time as RFC 3339 text with an offset.", field=field)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise Invalid(
            f"{value!r} is not an RFC 3339 time (e.g. 2020-01-22T11:05:00+06:00).", field=field
        ) from None
    if moment.tzinfo is None:
        raise Invalid("The time needs an offset, e.g. +06:00 or Z.", field=field)
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        # Years at the edge of datetime's range overflow when shown in another zone.
        raise Invalid(f"The year must be from {MIN_YEAR} to {MAX_YEAR}.", field=field)
    return moment


def zone(name: object, field: str = "timezone") -> ZoneInfo:
    if not isinstance(name, str) or not name:
        raise Invalid("Expected an IANA time zone name such as Asia/Almaty.", field=field)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        # OSError: a name that is a directory ("Europe") or too long for a file name.
        raise Invalid(f"Unknown time zone {name!r}.", field=field) from None


def in_zone(value: str, timezone: str) -> datetime:
    """A stored RFC 3339 time shown in a hearing's time zone."""
    return datetime.fromisoformat(value).astimezone(ZoneInfo(timezone))


def zone_name(timezone: str) -> str:
    """A reader's name for a court's zone, not its IANA id: its city ("Almaty", "New
    York"; the pages say "Almaty time"), or "UTC"."""
    if timezone in ("UTC", "Etc/UTC", "Etc/GMT", "GMT"):
        return "UTC"
    return timezone.rsplit("/", 1)[-1].replace("_", " ")


def day_key(moment: datetime) -> str:
    """A court day as text for anchors (`#day-2026-03-14`): the moment's date, in the zone
    it is given in."""
    return moment.date().isoformat()
