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

from courtwire.entries import restriction_breach
from courtwire.events import Event
from courtwire.types import JSONObject

CONTENT = ("kind", "body", "html", "speaker", "occurred_at", "correction")
"""The fields that make a version: what a reader reads."""


def public_versions(events: Iterable[Event], terms: list[str]) -> list[JSONObject]:
    """The versions an entry's events showed, oldest first: each `{"at", "revision",
    <CONTENT>}` (`at`: when it was published), or `{"at", "withdrawn": true}`."""
    versions: list[JSONObject] = []
    for event in events:
        data = event.data
        if event.is_tombstone or restriction_breach(data, terms) is not None:
            version: JSONObject = {"at": event.at, "withdrawn": True}
        else:
            version = {"at": event.at, "revision": data["revision"]}
            version |= {name: data.get(name) for name in CONTENT}
        if versions and _same(versions[-1], version):
            continue
        versions.append(version)
    return versions


def _same(before: JSONObject, after: JSONObject) -> bool:
    if before.get("withdrawn") or after.get("withdrawn"):
        return bool(before.get("withdrawn") and after.get("withdrawn"))
    return all(before[name] == after[name] for name in CONTENT)
