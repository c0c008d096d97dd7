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
├── RateLimited (429)         carries retry_after seconds
│   └── ServerFull (503)      as many readers as this process may hold
└── MediaUnavailable (503)    the photo store cannot be reached (logged where it is found)
"""

from __future__ import annotations

from typing import Any

ERROR_CODES: dict[str, tuple[int, str]] = {
    # code: (status, when) — every code the server answers, listed once.
    "internal_error": (500, "Something went wrong on the server's side."),
    "bad_request": (400, "The request is malformed."),
    "malformed_json": (400, "The body is not valid JSON."),
    "too_deep": (400, "The JSON body nests deeper than the limit."),
    "unauthorized": (401, "Sign in first."),
    "no_token": (401, "The call needs a staff token."),
    "bad_token": (401, "The token is unknown or revoked."),
    "token_expired": (401, "The token went unused for too long; sign in again."),
    "bad_credentials": (401, "Wrong username or password."),
    "forbidden": (403, "The signed-in role may not do this."),
    "account_disabled": (403, "The account is disabled."),
    "wrong_password": (403, "The old password is wrong."),
    "not_found": (404, "Nothing at this address."),
    "hearing_not_found": (404, "No such hearing."),
    "entry_not_found": (404, "No such entry in this hearing."),
    "user_not_found": (404, "No such user."),
    "upload_not_found": (404, "No upload in pieces is open under this Idempotency-Key."),
    "restriction_not_found": (404, "No such restriction on this hearing."),
    "method_not_allowed": (405, "The address does not take this method."),
    "http_error": (400, "Another HTTP-level refusal."),
    "conflict": (409, "The request conflicts with the current state."),
    "slug_taken": (409, "Another hearing has this slug."),
    "username_taken": (409, "Another account has this username."),
    "id_conflict": (409, "An entry with this id exists with other content."),
    "hearing_closed": (409, "The hearing is closed."),
    "revision_conflict": (409, "The entry changed since the revision sent; the answer has it."),
    "restriction_in_hearing": (409, "The hearing's own fields name the term."),
    "entry_queued": (409, "The entry waits in the queue."),
    "entry_published": (409, "The entry is published already."),
    "entry_discarded": (409, "The entry was discarded."),
    "password_changed": (409, "The password changed meanwhile."),
    "photo_in_use": (409, "The photo belongs to another update."),
    "idempotency_conflict": (409, "The Idempotency-Key was used for another upload."),
    "upload_offset": (409, "The piece is not at the offset held; the answer has the offset."),
    "last_admin": (409, "The change would leave no enabled admin."),
    "cannot_disable_self": (409, "An admin cannot disable their own account."),
    "cannot_change_own_role": (409, "An admin cannot change their own role."),
    "payload_too_large": (413, "The request body is over the size limit."),
    "unsupported_media_type": (415, "The body is not of a type this operation takes."),
    "invalid": (422, "A field is invalid."),
    "unknown_field": (422, "A field the operation does not take."),
    "no_changes": (422, "Nothing to change."),
    "too_long": (422, "A text is over its length limit."),
    "old_password_required": (422, "Changing one's own password needs the old one."),
    "too_many_pixels": (422, "The image has more pixels than the limit."),
    "restricted_term": (422, "A published text names a term under a reporting restriction."),
    "rate_limited": (429, "Too many requests; wait as Retry-After says."),
    "server_full": (503, "The server holds as many readers as it may; try again shortly."),
    "media_unavailable": (503, "The photo store cannot be reached; try again shortly."),
}


class CourtwireError(Exception):
    status = 500
    code = "internal_error"

    logged = False
    """True when the error was logged where it was found (once per outage), so that the
    response need not log it again."""

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
        assert self.code in ERROR_CODES, f"unregistered error code {self.code!r}"
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


class ServerFull(RateLimited):
    status = 503
    code = "server_full"


class MediaUnavailable(CourtwireError):
    """The photo store (a directory, a bucket) failed: its files are there, or will be,
    but cannot be read or written now. The store logs the outage once (courtwire.media)."""

    status = 503
    code = "media_unavailable"
    logged = True
