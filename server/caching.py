"""HTTP caching of public answers: one rule for ETags and conditional GETs.

Public answers are revalidated on every use (`no-cache`) unless they say otherwise,
because a deletion, a withheld entry or a redaction must leave every cache at once; the
ETag makes that revalidation cheap (304). A closed hearing's pages may be kept longer;
the README says what a CDN must purge when a closed hearing is redacted.
"""

from __future__ import annotations

import secrets

from starlette.requests import Request
from starlette.responses import Response

REVALIDATE = "no-cache"
ARCHIVE = "public, max-age=300"
"""A closed hearing's page: it changes only on a correction, deletion or redaction."""

BOOT = secrets.token_hex(4)
"""Changes with every start of the process, so a new release's pages are new."""


def not_modified(request: Request, headers: dict[str, str]) -> Response | None:
    """A 304 with `headers` when the client's If-None-Match holds this ETag, else None."""
    wanted = request.headers.get("if-none-match")
    if wanted is None:
        return None
    tags = {tag.strip().removeprefix("W/") for tag in wanted.split(",")}
    if headers["ETag"] in tags or "*" in tags:
        return Response(status_code=304, headers=headers)
    return None
