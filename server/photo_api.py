"""Photo endpoints (API.md "Photos"): the upload, and the public media files.

`POST /api/hearings/{slug}/photos` takes the image as the body (its type in
`Content-Type`) with an `Idempotency-Key` header; `GET /media/{photo_id}/{name}` serves a
variant while the photo's entry is published.
"""

from __future__ import annotations

import uuid

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from courtwire.api import read_body, require, services
from courtwire.exceptions import BadRequest
from courtwire.model import Role
from courtwire.replies import Uploaded
from courtwire.schemas import members

MEDIA_CACHE = "public, max-age=31536000, immutable"
"""A variant's name is random and its bytes never change; a takedown is a 404 from then on
(behind a CDN, purge `/media/{photo_id}/`)."""


def idempotency_key(request: Request) -> str:
    raw = request.headers.get("idempotency-key", "")
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
    declared = request.headers.get("content-type", "").split(";")[0].strip().lower()
    photo, created = await found.photos.upload(hearing, data, declared, key, actor)
    return JSONResponse(members(Uploaded(photo)), status_code=201 if created else 200)


async def media_file(request: Request) -> Response:
    data, media_type = await services(request).photos.public_file(
        request.path_params["photo_id"], request.path_params["name"]
    )
    return Response(data, media_type=media_type, headers={"Cache-Control": MEDIA_CACHE})


routes = [
    Route("/api/hearings/{slug}/photos", upload_photo, methods=["POST"]),
    Route("/media/{photo_id}/{name}", media_file),
]
