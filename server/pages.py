"""Server-rendered pages: the hearing list and a hearing's live page (works without JS)."""

from __future__ import annotations

import functools
import hashlib
from typing import Any
from urllib.parse import quote, urlencode

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import Route

from courtwire.assets import STATIC_DIR, asset, import_map
from courtwire.bylines import bylines_tag
from courtwire.caching import ARCHIVE, BOOT, REVALIDATE, not_modified
from courtwire.days import by_day, entry_time, hearing_days, today
from courtwire.entries import (
    MAX_ALT_CHARS,
    MAX_BODY_CHARS,
    MAX_CAPTION_CHARS,
    MAX_CORRECTION_CHARS,
    MAX_NAME_CHARS,
)
from courtwire.events import encode_json
from courtwire.exceptions import CourtwireError
from courtwire.feeds import live_blog_data, page_description
from courtwire.figures import figure_html
from courtwire.folding import fold_table
from courtwire.i18n import SOURCE, language_names, negotiate, words
from courtwire.inputs import query_int
from courtwire.markup import key_label, render_text
from courtwire.model import HearingStatus, Language
from courtwire.page_words import page_words, relative_time
from courtwire.services import Services
from courtwire.times import now, zone_name
from courtwire.types import JSONObject

PAGE_ENTRIES = 500
VARY = "Accept-Language"
"""Pages of no hearing speak the language the browser asks for."""


def json_ld(data: JSONObject) -> Markup:
    """JSON for a <script type="application/ld+json"> block, safe inside HTML."""
    text = encode_json(data).replace("<", "\\u003c").replace(">", "\\u003e")
    return Markup(text)  # noqa: S704 - angle brackets escaped above


def markdown(text: str) -> Markup:
    """A text typed in Markdown (a hearing's description) as the entries' renderer and
    sanitizer (courtwire.markup) make it."""
    return Markup(render_text(text))  # noqa: S704 - sanitized by nh3


def photo_figure(photo: JSONObject, first: bool = False) -> Markup:
    """An entry's photo as the reader page shows it (courtwire.figures escapes every text);
    `first`: the page's first photo."""
    return Markup(figure_html(photo, first=first))  # noqa: S704 - built from escaped parts


def _templates(language: Language) -> Environment:
    """The pages' templates speaking `language`: `_()` and `{% trans %}` from its
    catalog, labels and dates in its words, and its words for the page's scripts."""
    said = words(language)
    environment = Environment(
        loader=PackageLoader("courtwire", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    environment.install_gettext_translations(said.translations, newstyle=True)  # type: ignore[attr-defined]
    scripts = page_words(said)
    environment.globals.update(
        lang=said.language.value,
        court_time=said.clock,
        court_date_time=said.date_time,
        asset=asset,
        import_map=import_map,
        entry_time=functools.partial(entry_time, clock=said.clock, dated=said.date_time),
        relative_time=functools.partial(relative_time, said),
        by_day=functools.partial(by_day, label=said.day),
        speaker_text=said.speaker,
        status_labels=scripts["statuses"],
        kind_labels=scripts["kinds"],
        page_words=json_ld(scripts),
        photo_figure=photo_figure,
        markdown=markdown,
        key_label=key_label,
        zone_name=zone_name,
    )
    return environment


TEMPLATES = {language: _templates(language) for language in Language}


def render(
    name: str,
    status: int = 200,
    headers: dict[str, str] | None = None,
    language: Language = SOURCE,
    **context: Any,
) -> HTMLResponse:
    """A page in `language`: a hearing's own, or the one the browser asks for."""
    body = TEMPLATES[language].get_template(name).render(**context)
    return HTMLResponse(body, status_code=status, headers=headers)


def asked_language(request: Request) -> Language:
    """The language the browser asks for (`Accept-Language`), for pages of no hearing."""
    return negotiate(request.headers.get("accept-language"))


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
    language = asked_language(request)
    state = ",".join(f"{h.slug}:{h.last_seq}" for h in hearings) + f"|{language}"
    headers = {"ETag": _tag(request, state), "Cache-Control": REVALIDATE, "Vary": VARY}
    unchanged = not_modified(request, headers)
    if unchanged is not None:
        return unchanged
    return render(
        "index.html",
        headers=headers,
        language=language,
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
        return not_found(request, error)
    language = words(hearing.fields["language"]).language
    # `?before=<seq>` serves the next older page, so a page without JavaScript reaches
    # every entry through its "Older updates" link.
    try:
        before = query_int(request.query_params, "before", 0) or None
    except CourtwireError as error:
        return not_found(request, error, bad_request=True)
    # The page changes only when the log grows: every change of a hearing appends an event.
    closed = hearing.fields["status"] == HearingStatus.CLOSED
    # Entries of another day than today show their date: a new day is a new page.
    day = today(str(hearing.fields["timezone"]))
    # Bylines change without an event (a display name, a restriction): they are in the tag.
    bylines = await found.store.bylines(hearing)
    state = f"{hearing.slug}:{hearing.last_seq}:{before}:{day}:{bylines_tag(bylines)}"
    headers = {
        "ETag": _tag(request, state),
        "Cache-Control": ARCHIVE if closed else REVALIDATE,
    }
    unchanged = not_modified(request, headers)
    if unchanged is not None:
        return unchanged
    entries, older = await found.store.entries(hearing, limit=PAGE_ENTRIES, before_seq=before)
    canonical = page_url(request, hearing.slug)
    public = hearing.public()
    data = live_blog_data(
        public,
        entries,
        bylines,
        page_url=canonical,
        closed_at=await found.store.closed_at(hearing),
    )
    return render(
        "hearing.html",
        language=language,
        hearing=public,
        canonical=canonical,
        oembed=oembed_url(request, hearing.slug),
        description=page_description(public),
        entries=entries,
        # From the whole hearing, however long: not only the entries of this page.
        pinned=[marked.entry for marked in await found.store.marked_entries(hearing, "pinned")],
        key_events=await found.store.marked_entries(hearing, "key"),
        shown={entry.id for entry in entries},
        today=day,
        rendered_at=now(),
        days=hearing_days(
            await found.store.court_times(hearing),
            public.timezone,
            PAGE_ENTRIES,
            words(language).day,
        ),
        before=before,
        older=older,
        epoch=found.db.epoch,
        live_blog=json_ld(data),
        bylines=bylines,
        bylines_json=encode_json(bylines),
        headers=headers,
    )


def not_found(request: Request, error: CourtwireError, *, bad_request: bool = False) -> Response:
    """The error page, in the language the browser asks for."""
    language = asked_language(request)
    heading = words(language).gettext("Bad request") if bad_request else None
    return render(
        "not_found.html",
        status=error.status,
        headers={"Vary": VARY},
        language=language,
        message=error.message,
        heading=heading,
    )


async def desk(request: Request) -> Response:
    """The editor desk: a static shell that signs in and works through the staff API, in
    the language the browser asks for."""
    return render(
        "desk.html",
        headers={"Vary": VARY},
        language=asked_language(request),
        languages=language_names(),
    )


async def report(request: Request) -> Response:
    """The reporter app: a static shell; it signs in and posts through the staff API, in
    the language the browser asks for. Its labels come with every page's words
    (#page-words); the server's limits on what it sends are rendered here, once, into
    its fields (`maxlength`), where its script reads them too."""
    language = asked_language(request)
    said = page_words(words(language))
    limits = {
        "body": MAX_BODY_CHARS,
        "name": MAX_NAME_CHARS,
        "correction": MAX_CORRECTION_CHARS,
        "photo_alt": MAX_ALT_CHARS,
        "photo_caption": MAX_CAPTION_CHARS,
    }
    return render(
        "report.html",
        headers={"Vary": VARY},
        language=language,
        kinds=list(said["kinds"].items()),
        roles=said["roles"],
        limits=limits,
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
