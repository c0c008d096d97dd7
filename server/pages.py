"""Server-rendered pages: the hearing list and a hearing's live page (works without JS)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from server.events import encode_json
from server.exceptions import CourtwireError
from server.model import HearingStatus
from server.services import Services
from server.store import Hearing
from server.times import in_zone
from server.types import JSONObject

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
PAGE_ENTRIES = 500

STATUS_LABELS = {
    HearingStatus.SCHEDULED: "Scheduled",
    HearingStatus.LIVE: "Live",
    HearingStatus.RECESS: "In recess",
    HearingStatus.ADJOURNED: "Adjourned",
    HearingStatus.CLOSED: "Closed",
}
KIND_LABELS = {
    "note": "Note",
    "quote": "Quote",
    "testimony": "Testimony",
    "ruling": "Ruling",
    "verdict": "Verdict",
    "sentence": "Sentence",
    "procedural": "Procedure",
    "outside": "Outside court",
    "summary": "Summary",
}

templates = Environment(
    loader=PackageLoader("server", "templates"),
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
    court_time=court_time, status_labels=STATUS_LABELS, kind_labels=KIND_LABELS
)


def render(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(templates.get_template(name).render(**context), status_code=status)


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


def live_blog_data(hearing: Hearing, entries: list[JSONObject], url: str) -> JSONObject:
    """schema.org LiveBlogPosting, so search engines see the coverage as live."""
    fields = hearing.fields
    data: JSONObject = {
        "@context": "https://schema.org",
        "@type": "LiveBlogPosting",
        "headline": fields["title"],
        "description": fields["description"],
        "url": url,
        "liveBlogUpdate": [
            {
                "@type": "BlogPosting",
                "headline": entry["body"][:110],
                "datePublished": entry["published_at"],
                "url": f"{url}#entry-{entry['id']}",
                "articleBody": entry["body"],
            }
            for entry in entries[:50]
        ],
    }
    if fields["scheduled_start"]:
        data["coverageStartTime"] = fields["scheduled_start"]
    return data


async def index(request: Request) -> Response:
    hearings = await services(request).store.hearings()
    return render("index.html", hearings=[h.public() for h in hearings])


async def hearing_page(request: Request) -> Response:
    found = services(request)
    try:
        hearing = await found.store.hearing(request.path_params["slug"])
    except CourtwireError as error:
        return render("not_found.html", status=error.status, message=error.message)
    entries = await found.store.entries(hearing, limit=PAGE_ENTRIES)
    return render(
        "hearing.html",
        hearing=hearing.public(),
        entries=entries,
        pinned=[entry for entry in entries if entry["pinned"]],
        key_events=[entry for entry in entries if entry["key"]],
        more=len(entries) == PAGE_ENTRIES,
        epoch=found.db.epoch,
        rendered_at=datetime.now().astimezone().isoformat(timespec="seconds"),
        live_blog=json_ld(live_blog_data(hearing, entries, str(request.url))),
    )


routes = [
    Route("/", index),
    Route("/h/{slug}", hearing_page),
]
