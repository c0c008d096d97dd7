"""Server-rendered pages: the hearing list and a hearing's live page (works without JS)."""

from __future__ import annotations

import functools
import hashlib
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import Route

from courtwire.caching import ARCHIVE, BOOT, REVALIDATE, not_modified
from courtwire.entries import MAX_BODY_CHARS, MAX_CORRECTION_CHARS, MAX_NAME_CHARS, speaker_text
from courtwire.events import encode_json
from courtwire.exceptions import CourtwireError
from courtwire.feeds import live_blog_data, page_description
from courtwire.folding import fold_table
from courtwire.inputs import query_int
from courtwire.model import KIND_LABELS, STATUS_LABELS, HearingStatus, SpeakerRole
from courtwire.services import Services
from courtwire.times import in_zone
from courtwire.types import JSONObject


def static_directory() -> Path:
    """The pages' files: static/ at the top of the repository, installed as the package data
    `courtwire/static` (pyproject.toml), so found wherever the package is: in the wheel, or
    in the editable install's link tree (whose files are links to static/)."""
    found = resources.files("courtwire") / "static"
    if not isinstance(found, Path) or not found.is_dir():
        raise RuntimeError(f"courtwire's static files are not a directory: {found}")
    return found


STATIC_DIR = static_directory()
PAGE_ENTRIES = 500

templates = Environment(
    loader=PackageLoader("courtwire", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def court_time(value: str | None, timezone: str, pattern: str = "%H:%M") -> str:
    return in_zone(value, timezone).strftime(pattern) if value else ""


def json_ld(data: JSONObject) -> Markup:
    """JSON for a <script type="application/ld+json"> block, safe inside HTML."""
    text = encode_json(data).replace("<", "\\u003c").replace(">", "\\u003e")
    return Markup(text)  # noqa: S704 - angle brackets escaped above


templates.globals.update(
    court_time=court_time,
    speaker_text=speaker_text,
    status_labels=STATUS_LABELS,
    kind_labels=KIND_LABELS,
)


def render(
    name: str, status: int = 200, headers: dict[str, str] | None = None, **context: Any
) -> HTMLResponse:
    body = templates.get_template(name).render(**context)
    return HTMLResponse(body, status_code=status, headers=headers)


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


def page_url(request: Request, slug: str | None = None) -> str:
    """The canonical address of the hearing list, or of a hearing's page: no query."""
    base = str(request.base_url)
    return base if slug is None else f"{base}h/{quote(slug, safe='')}"


def oembed_url(request: Request, slug: str) -> str:
    """This server's oEmbed answer for a hearing's page (the page's discovery link)."""
    query = urlencode({"url": page_url(request, slug), "format": "json"})
    return f"{request.base_url}oembed?{query}"


async def index(request: Request) -> Response:
    hearings = await services(request).store.hearings()
    state = ",".join(f"{h.slug}:{h.last_seq}" for h in hearings)
    headers = {"ETag": _tag(request, state), "Cache-Control": REVALIDATE}
    unchanged = not_modified(request, headers)
    if unchanged is not None:
        return unchanged
    return render(
        "index.html",
        headers=headers,
        hearings=[h.public() for h in hearings],
        canonical=page_url(request),
    )


def _tag(request: Request, state: str) -> str:
    """A page's ETag: what it shows (`state`), the history's epoch, this process's start."""
    epoch = services(request).db.epoch
    digest = hashlib.sha256(f"{state}|{epoch}|{BOOT}".encode()).hexdigest()[:32]
    return f'"{digest}"'


async def hearing_page(request: Request) -> Response:
    found = services(request)
    try:
        hearing = await found.store.hearing(request.path_params["slug"])
    except CourtwireError as error:
        return render("not_found.html", status=error.status, message=error.message)
    # `?before=<seq>` serves the next older page, so a page without JavaScript reaches
    # every entry through its "Older updates" link.
    try:
        before = query_int(request.query_params, "before", 0) or None
    except CourtwireError as error:
        return render(
            "not_found.html", status=error.status, message=error.message, heading="Bad request"
        )
    # The page changes only when the log grows: every change of a hearing appends an event.
    closed = hearing.fields["status"] == HearingStatus.CLOSED
    headers = {
        "ETag": _tag(request, f"{hearing.slug}:{hearing.last_seq}:{before}"),
        "Cache-Control": ARCHIVE if closed else REVALIDATE,
    }
    unchanged = not_modified(request, headers)
    if unchanged is not None:
        return unchanged
    entries, older = await found.store.entries(hearing, limit=PAGE_ENTRIES, before_seq=before)
    canonical = page_url(request, hearing.slug)
    public = hearing.public()
    data = live_blog_data(
        public, entries, page_url=canonical, closed_at=await found.store.closed_at(hearing)
    )
    return render(
        "hearing.html",
        hearing=public,
        canonical=canonical,
        oembed=oembed_url(request, hearing.slug),
        description=page_description(public),
        entries=entries,
        # From the whole hearing, however long: not only the entries of this page.
        pinned=await found.store.marked_entries(hearing, "pinned"),
        key_events=await found.store.marked_entries(hearing, "key"),
        shown={entry["id"] for entry in entries},
        before=before,
        older=older,
        epoch=found.db.epoch,
        live_blog=json_ld(data),
        headers=headers,
    )


async def desk(request: Request) -> Response:
    """The editor desk: a static shell that signs in and works through the staff API."""
    return render("desk.html")


async def report(request: Request) -> Response:
    """The reporter app: a static shell; it signs in and posts through the staff API. The
    words and limits it shows come with it (#report-config), from the server's own."""
    roles = {role.value: role.value.capitalize() for role in SpeakerRole}
    limits = {"body": MAX_BODY_CHARS, "name": MAX_NAME_CHARS, "correction": MAX_CORRECTION_CHARS}
    config = {"kinds": KIND_LABELS, "statuses": STATUS_LABELS, "roles": roles, "limits": limits}
    return render(
        "report.html",
        kinds=list(KIND_LABELS.items()),
        roles=roles,
        limits=limits,
        config=json_ld(config),
    )


async def report_worker(request: Request) -> Response:
    """The reporter app's service worker, served from the root so that its scope may
    cover `/report`: it keeps the app's shell cached for a reload without network."""
    return FileResponse(
        STATIC_DIR / "js" / "report-sw.js",
        media_type="text/javascript",
        headers={"Cache-Control": "no-cache"},
    )


@functools.cache
def _matcher_data() -> tuple[bytes, str]:
    body = fold_table()
    return body, f'"{hashlib.sha256(body).hexdigest()[:32]}"'


async def matcher_data(request: Request) -> Response:
    """The restricted-term matcher's folding data for `static/js/matcher.js`, generated
    from `server/folding.py` (built once per process); cached a day, revalidated by ETag."""
    body, etag = await run_in_threadpool(_matcher_data)
    headers = {"Cache-Control": "public, max-age=86400", "ETag": etag}
    return not_modified(request, headers) or Response(
        body, media_type="application/json", headers=headers
    )


routes = [
    Route("/", index),
    Route("/matcher/fold.json", matcher_data),
    Route("/report", report),
    Route("/report-sw.js", report_worker),
    Route("/desk", desk),
    Route("/h/{slug}", hearing_page),
]
