"""The one error hierarchy: each error carries a stable code, an HTTP status and a field.

CourtwireError
├── BadRequest (400)          malformed JSON, bad query parameters
├── Unauthorized (401)        no token, bad token, bad password
├── Forbidden (403)           role too low, not the author
├── NotFound (404)
├── Conflict (409)            slug taken, id reused with other content, hearing closed,
│                             an edit of a revision that is no longer current
├── PayloadTooLarge (413)
├── UnsupportedMediaType (415)
├── Invalid (422)             a field fails validation
│   └── RestrictedTerm        a hearing's restricted term in published text
└── RateLimited (429)         carries retry_after seconds
"""

from __future__ import annotations

from typing import Any


class CourtwireError(Exception):
    status = 500
    code = "internal_error"

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        code: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code
        self.extra = extra or {}
        """Members the response carries beside `error` (e.g. the current entry of a 409)."""


class BadRequest(CourtwireError):
    status = 400
    code = "bad_request"


class Unauthorized(CourtwireError):
    status = 401
    code = "unauthorized"


class Forbidden(CourtwireError):
    status = 403
    code = "forbidden"


class NotFound(CourtwireError):
    status = 404
    code = "not_found"


class Conflict(CourtwireError):
    status = 409
    code = "conflict"


class PayloadTooLarge(CourtwireError):
    status = 413
    code = "payload_too_large"


class UnsupportedMediaType(CourtwireError):
    status = 415
    code = "unsupported_media_type"


class Invalid(CourtwireError):
    status = 422
    code = "invalid"


class RestrictedTerm(Invalid):
    code = "restricted_term"
    term: str | None = None
    """The term found: for the staff-only audit trail, never for the response."""


class RateLimited(CourtwireError):
    status = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.retry_after = retry_after
