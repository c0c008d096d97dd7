"""Bylines: entries signed with their author's display name on the public pages, the
feed, the schema.org data and the transcripts.

A display name is staff data, set by its owner or an admin (`courtwire.auth`), and can be
changed at any time, so a byline is looked up when a page is made, never stored in an
entry or its events. Court safety: a display name that names one of the hearing's
restricted terms in force is no byline at all on that hearing (the entries show none),
rather than a reason to withhold the entries themselves. An author without a display name
has no byline either: the username is an account's, not a name to publish.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from courtwire.restrictions import find_restricted

Bylines = dict[str, str]
"""Display names by username."""


def safe_bylines(names: Iterable[tuple[str, str]], terms: list[str]) -> Bylines:
    """(username, display name) pairs → the bylines that name none of `terms`."""
    return {user: name for user, name in names if find_restricted(name, terms) is None}


def bylines_tag(bylines: Bylines) -> str:
    """A short digest of the bylines, for ETags and cache keys: a page changes with them."""
    text = "\n".join(f"{user}\t{name}" for user, name in sorted(bylines.items()))
    return hashlib.sha256(text.encode()).hexdigest()[:16]
