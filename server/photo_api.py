"""Photo endpoints (API.md "Photos"): the upload, whole or in pieces, and the public
media files.

`POST /api/hearings/{slug}/photos` takes the image as the body (its type in
`Content-Type`) with an `Idempotency-Key` header. In pieces (`courtwire.uploads`):
`POST /api/hearings/{slug}/uploads` opens (or finds) the upload of a key with its
`Upload-Length`, and `PUT /api/hearings/{slug}/uploads/{key}` sends a piece at the offset
its `Content-Range` names. `GET /media/{photo_id}/{name}` serves a variant while the
photo's entry is published.
"""

from __future__ import annotations

import re
import uuid

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from courtwire.api import read_body, require, services
from courtwire.exceptions import BadRequest, Invalid, PayloadTooLarge, UnsupportedMediaType
from courtwire.images import DECLARABLE
from courtwire.inputs import whole_number
from courtwire.model import Role
from courtwire.replies import Uploaded
from courtwire.schemas import members
from courtwire.uploads import Outcome

MEDIA_CACHE = "public, max-age=31536000, immutable"
"""A variant's name is random and its bytes never change; a takedown is a 404 from then on
(behind a CDN, purge `/media/{photo_id}/`)."""


MIN_PIECE = 16 * 1024
"""Smallest piece but the last, in bytes: a photo is never held as thousands of rows."""
CONTENT_RANGE = re.compile(r"bytes (\d{1,12})-(\d{1,12})/(\d{1,12})")


def idempotency_key(request: Request, raw: str | None = None) -> str:
    raw = request.headers.get("idempotency-key", "") if raw is None else raw
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        raise BadRequest(
            "Send an Idempotency-Key header: a UUID chosen once for this upload.",
            field="Idempotency-Key",
        ) from None


async def upload_photo(request: Request) -> Response:
    """201 with the stored photo; 200 with the same photo for a retry of the same key."""
    found = services(request)
    actor = await require(request, Role.REPORTER)
    await found.post_limit.take(str(actor.id))
    key = idempotency_key(request)
    hearing = await found.store.hearing(request.path_params["slug"])
    data = await read_body(request, found.settings.photo_bytes)
    declared = declared_type(request)
    photo, created = await found.photos.upload(hearing, data, declared, key, actor)
    return JSONResponse(members(Uploaded(photo)), status_code=201 if created else 200)


def declared_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


async def start_upload(request: Request) -> Response:
    """201 with `{"upload": {"offset": 0, "length"}}` for a new upload; 200 with the
    offset held for one already open, or with `{"photo"}` once it is finished."""
    found = services(request)
    actor = await require(request, Role.REPORTER)
    await found.post_limit.take(str(actor.id))
    key = idempotency_key(request)
    raw_length = request.headers.get("upload-length")
    length = whole_number(raw_length) if raw_length is not None else None
    if length is None or length < 1:
        raise BadRequest(
            "Send an Upload-Length header: the photo's size in bytes.", field="Upload-Length"
        )
    declared = declared_type(request)
    if declared not in DECLARABLE:
        raise UnsupportedMediaType(
            f"Send a JPEG, PNG, WebP or HEIC photo, not {declared or 'an untyped body'}.",
            field="Content-Type",
        )
    hearing = await found.store.hearing(request.path_params["slug"])
    outcome = await found.uploads.start(hearing, key, length, declared, actor)
    return answer(outcome)


async def upload_piece(request: Request) -> Response:
    """200 with `{"upload": {"offset", "length"}}` while pieces are missing; 201 with
    `{"photo"}` for the last one (200 when it was stored before)."""
    found = services(request)
    actor = await require(request, Role.REPORTER)
    key = idempotency_key(request, request.path_params["key"])
    start, end, total = content_range(request)
    if total > found.settings.photo_bytes:
        raise PayloadTooLarge(f"The photo is over {found.settings.photo_bytes} bytes.")
    if end + 1 < total and end + 1 - start < MIN_PIECE:
        raise Invalid(
            f"Send pieces of at least {MIN_PIECE} bytes (the last one may be smaller).",
            field="Content-Range",
        )
    hearing = await found.store.hearing(request.path_params["slug"])
    data = await read_body(request, end + 1 - start)
    if len(data) != end + 1 - start:
        raise Invalid(
            f"The piece has {len(data)} bytes; its Content-Range says {end + 1 - start}.",
            field="Content-Range",
        )
    return answer(await found.uploads.piece(hearing, key, start, data, total, actor))


def content_range(request: Request) -> tuple[int, int, int]:
    """`Content-Range: bytes <first>-<last>/<total>` (both inclusive, as RFC 9110 says)."""
    matched = CONTENT_RANGE.fullmatch(request.headers.get("content-range", "").strip())
    if not matched:
        raise BadRequest(
            "Send a Content-Range header, 'bytes <first>-<last>/<total>', for the piece.",
            field="Content-Range",
        )
    start, end, total = (int(part) for part in matched.groups())
    if not start <= end < total:
        raise Invalid(
            f"The range {start}-{end} is not a piece of {total} bytes.", field="Content-Range"
        )
    return start, end, total


def answer(outcome: Outcome) -> Response:
    return JSONResponse(outcome.to_json(), status_code=outcome.status)


async def media_file(request: Request) -> Response:
    data, media_type = await services(request).photos.public_file(
        request.path_params["photo_id"], request.path_params["name"]
    )
    return Response(data, media_type=media_type, headers={"Cache-Control": MEDIA_CACHE})


routes = [
    Route("/api/hearings/{slug}/photos", upload_photo, methods=["POST"]),
    Route("/api/hearings/{slug}/uploads", start_upload, methods=["POST"]),
    Route("/api/hearings/{slug}/uploads/{key}", upload_piece, methods=["PUT"]),
    Route("/media/{photo_id}/{name}", media_file),
]
