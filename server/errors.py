"""The one place errors become responses: `{"error": {"code", "message", "field"}}`."""

from __future__ import annotations

import logging
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from courtwire.audit import Record
from courtwire.exceptions import CourtwireError, RateLimited, RestrictedTerm
from courtwire.replies import ErrorDetail, ErrorReply
from courtwire.schemas import members

logger = logging.getLogger(__name__)


def error_response(error: CourtwireError) -> JSONResponse:
    headers = {}
    if isinstance(error, RateLimited):
        headers["Retry-After"] = str(error.retry_after)
    body = members(ErrorReply(ErrorDetail(error.code, error.message, error.field)))
    body.update(error.extra)
    return JSONResponse(body, status_code=error.status, headers=headers)


async def handle_courtwire_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, CourtwireError)
    if exc.status >= 500 and not exc.logged:
        logger.error("request failed path=%s code=%s", request.url.path, exc.code)
    elif getattr(request.state, "actor", None) is not None:
        await _audit_refusal(request, exc)
    return error_response(exc)


async def _audit_refusal(request: Request, error: CourtwireError) -> None:
    """A staff member's refused request, with what they sent: its own transaction, since
    the refused one stored nothing."""
    reason = f"{error.code}: {error.message}"
    if isinstance(error, RestrictedTerm) and error.term is not None:
        reason += f" (restricted term {error.term!r})"
    record = Record(
        actor=request.state.actor.username,
        action="request.refused",
        hearing=request.path_params.get("slug"),
        target=f"{request.method} {request.url.path}",
        after=without_secrets(getattr(request.state, "payload", None)),
        reason=reason,
    )
    try:
        await request.app.state.services.audit.append(record)
    except Exception:
        logger.exception("refusal not audited path=%s", request.url.path)


SECRET_FIELDS = ("password", "token")
NOT_RECORDED = "(not recorded)"


def without_secrets(payload: Any) -> Any:
    """A refused request's body for the trail: no password or token, however named."""
    if not isinstance(payload, dict):
        return payload
    return {
        name: NOT_RECORDED if any(word in name.lower() for word in SECRET_FIELDS) else value
        for name, value in payload.items()
    }


async def handle_http_exception(request: Request, exc: Exception) -> Response:
    """Starlette's own 404/405 in the same shape as ours."""
    assert isinstance(exc, HTTPException)
    codes = {404: "not_found", 405: "method_not_allowed"}
    error = CourtwireError(exc.detail, code=codes.get(exc.status_code, "http_error"))
    error.status = exc.status_code
    response = error_response(error)
    if exc.headers:  # a 405's Allow
        response.headers.update(exc.headers)
    if exc.status_code == 405:
        response.headers["Allow"] = ", ".join(allowed_methods(request))
    return response


def allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this path: Starlette's 405 names only those of
    the first route that matched the path, and ours have a route per method."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        if isinstance(route, Route) and route.path_regex.match(request.scope["path"]):
            methods |= route.methods or set()
    return sorted(methods)


async def handle_unexpected(request: Request, exc: Exception) -> Response:
    logger.exception("unhandled error path=%s", request.url.path)
    return error_response(CourtwireError("Something went wrong on our side."))
