"""A hearing on other sites: its Atom feed, the embed for iframes, and oEmbed.

- `/h/{slug}/feed.atom`: the newest `FEED_ENTRIES` published entries (the reader
  page's query), with an ETag.
- `/h/{slug}/embed`: the reader page in compact form, same template and same script
  (live updates, resume, dedupe); its CSP `frame-ancestors` is
  `COURTWIRE_EMBED_ORIGINS` instead of `COURTWIRE_FRAME_ANCESTORS`.
- `/oembed?url=<reader page URL>&format=json`: an oEmbed 1.0 `rich` answer with the
  embed's iframe; `format=xml` (or any other) → 501, a URL that is not a hearing's page
  on this server → 404.
"""

from __future__ import annotations

import hashlib
from urllib.parse import unquote, urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from courtwire.caching import REVALIDATE, not_modified
from courtwire.days import today
from courtwire.events import Event, encode_json
from courtwire.exceptions import BadRequest, CourtwireError, NotFound
from courtwire.feeds import FEED_ENTRIES, atom_feed, oembed_html, page_description
from courtwire.headers import content_security_policy
from courtwire.i18n import words
from courtwire.pages import not_found, page_url, render, services
from courtwire.times import now

EMBED_ENTRIES = 20
OEMBED_WIDTH = 480
OEMBED_HEIGHT = 600


async def feed(request: Request) -> Response:
    found = services(request)
    hearing = await found.store.hearing(request.path_params["slug"])
    entries, _ = await found.store.entries(hearing, limit=FEED_ENTRIES)
    bylines = await found.store.bylines(hearing)
    last = await found.store.events_after(hearing, max(0, hearing.last_seq - 1), 1)
    updated = last_event_at(last) or hearing.fields["scheduled_start"] or "1970-01-01T00:00:00Z"
    canonical = page_url(request, hearing.slug)
    body = atom_feed(
        hearing.public(),
        entries,
        bylines,
        page_url=canonical,
        feed_url=f"{canonical}/feed.atom",
        updated=updated,
    ).encode()
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    # Revalidated on every use: a deleted or withheld entry must leave caches at once.
    headers = {"ETag": etag, "Cache-Control": REVALIDATE}
    return not_modified(request, headers) or Response(
        body, media_type="application/atom+xml; charset=utf-8", headers=headers
    )


def last_event_at(texts: list[str]) -> str | None:
    return Event.decode(texts[-1]).at if texts else None


async def embed(request: Request) -> Response:
    found = services(request)
    try:
        hearing = await found.store.hearing(request.path_params["slug"])
    except CourtwireError as error:
        return not_found(request, error)
    entries, older = await found.store.entries(hearing, limit=EMBED_ENTRIES)
    bylines = await found.store.bylines(hearing)
    public = hearing.public()
    canonical = page_url(request, hearing.slug)
    response = render(
        "hearing.html",
        language=words(hearing.fields["language"]).language,
        embed=True,
        hearing=public,
        canonical=canonical,
        entry_base=canonical,
        description=page_description(public),
        entries=entries,
        pinned=[],
        key_events=[],
        today=today(public.timezone),
        rendered_at=now(),
        days=[],
        before=None,
        older=older,
        epoch=found.db.epoch,
        bylines=bylines,
        bylines_json=encode_json(bylines),
    )
    csp = content_security_policy(found.settings.embed_origins)
    response.headers["Content-Security-Policy"] = csp
    return response


async def oembed(request: Request) -> Response:
    found = services(request)
    params = request.query_params
    if params.get("format", "json") != "json":
        return Response("Only format=json is served.", status_code=501, media_type="text/plain")
    raw = params.get("url")
    if not raw:
        raise BadRequest("url is required: the address of a hearing's page.", field="url")
    slug = hearing_slug(raw, request)
    if slug is None:
        raise NotFound("That address is not a hearing page on this server.", field="url")
    hearing = await found.store.hearing(slug)
    width = bounded(params.get("maxwidth"), OEMBED_WIDTH, "maxwidth")
    height = bounded(params.get("maxheight"), OEMBED_HEIGHT, "maxheight")
    canonical = page_url(request, hearing.slug)
    title = str(hearing.fields["title"])
    return JSONResponse(
        {
            "version": "1.0",
            "type": "rich",
            "provider_name": "Courtwire",
            "provider_url": str(request.base_url),
            "title": title,
            "html": oembed_html(f"{canonical}/embed", hearing.public(), width, height),
            "width": width,
            "height": height,
            "cache_age": 3600,
        },
        headers={"Cache-Control": "no-cache"},
    )


def hearing_slug(url: str, request: Request) -> str | None:
    """The slug of `url` if it is a hearing's page on this server (any query or
    fragment), else None."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.netloc != request.base_url.netloc:
        return None
    path = parts.path.rstrip("/")
    if path.endswith("/embed"):
        path = path.removesuffix("/embed")
    slug = unquote(path.removeprefix("/h/"))
    if not path.startswith("/h/") or not slug or "/" in slug:
        return None
    return slug


def bounded(raw: str | None, default: int, name: str) -> int:
    """`default`, or less when the consumer's `maxwidth`/`maxheight` asks for less."""
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit()) or int(raw) == 0:
        raise BadRequest(f"{name} must be a positive whole number.", field=name)
    return min(default, int(raw))


routes = [
    Route("/h/{slug}/feed.atom", feed),
    Route("/h/{slug}/embed", embed),
    Route("/oembed", oembed),
]
