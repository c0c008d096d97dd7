"""An entry's earlier public versions, so a reader can see what a correction changed.

Made from the hearing's public event log, never from the audit trail: a version is what
readers were shown by an `entry.published` or `entry.revised` event. A post that waited
in the queue was changed with no event, so its unpublished drafts are not versions. An
event taken out of view (a version that named a term restricted since, or an entry
withheld and published again) is a tombstone in the log: it stays a "withdrawn" version,
with its time and no content. A version is checked against the hearing's restrictions as
they stand too, and withdrawn if it names one. Events that changed no text (pinning, a
key-event mark) make no new version.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from courtwire.entries import restriction_breach
from courtwire.events import Event
from courtwire.replies import Version

CONTENT = ("kind", "body", "html", "speaker", "occurred_at", "correction")
"""The fields that make a version: what a reader reads."""


def public_versions(events: Iterable[Event], terms: list[str]) -> list[Version]:
    """The versions an entry's events showed, oldest first: each with its revision and
    CONTENT (`at`: when it was published), or only `at` and `withdrawn`."""
    versions: list[Version] = []
    for event in events:
        data = event.data
        if event.is_tombstone or restriction_breach(data, terms) is not None:
            version = Version(event.at, withdrawn=True)
        else:
            content: dict[str, Any] = {name: data.get(name) for name in CONTENT}
            version = Version(event.at, revision=data["revision"], **content)
        if versions and _same(versions[-1], version):
            continue
        versions.append(version)
    return versions


def _same(before: Version, after: Version) -> bool:
    if before.withdrawn is True or after.withdrawn is True:
        return before.withdrawn == after.withdrawn
    return all(getattr(before, name) == getattr(after, name) for name in CONTENT)
