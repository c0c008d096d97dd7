"""The HTTP API (API.md): thin handlers that parse, authorize, call the store and answer."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from courtwire import inputs
from courtwire.audit import Query, as_csv
from courtwire.auth import (
    is_username,
    new_password,
    parse_account_changes,
    parse_credentials,
    parse_display_name,
    parse_new_user,
    parse_password_change,
)
from courtwire.bylines import bylines_tag
from courtwire.caching import REVALIDATE, not_modified
from courtwire.entries import parse_changes, parse_draft, parse_entry_id
from courtwire.exceptions import (
    BadRequest,
    Forbidden,
    Invalid,
    NotFound,
    PayloadTooLarge,
    Unauthorized,
    UnsupportedMediaType,
)
from courtwire.export import file_name, transcript_policy
from courtwire.exports import etag
from courtwire.hearings import parse_hearing_changes, parse_new_hearing
from courtwire.inputs import parse_json, whole_number
from courtwire.markup import render_text
from courtwire.model import Role
from courtwire.openapi import openapi_json
from courtwire.records import Actor, Hearing
from courtwire.register import parse_restriction
from courtwire.replies import (
    AccountChange,
    AuditPage,
    AuditRecord,
    BylinesReply,
    EntriesPage,
    EntryVersions,
    EventsPage,
    Health,
    Hearings,
    NewUser,
    PasswordSet,
    Queue,
    RestrictionAdded,
    RestrictionLifted,
    Restrictions,
    Revoked,
    SignedIn,
    User,
    UserReply,
    Users,
    Withheld,
    WrittenReply,
)
from courtwire.revisions import public_versions
from courtwire.schemas import members
from courtwire.services import Services
from courtwire.store import Written

logger = logging.getLogger(__name__)

MAX_EVENTS_PAGE = 1000
MAX_ENTRIES_PAGE = 200


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


async def reader_or_staff(request: Request) -> Actor | None:
    """For public reads: the staff member signed in, or None for a reader, also when the
    token is stale (a page left open past a sign-out still reads the public view)."""
    try:
        return await optional_actor(request)
    except Unauthorized:
        return None


async def optional_actor(request: Request) -> Actor | None:
    token = bearer_token(request)
    if token is None:
        if "authorization" in request.headers:
            raise Unauthorized("Use 'Authorization: Bearer <token>'.", code="bad_token")
        return None
    return await services(request).accounts.actor_for_token(token)


async def require(request: Request, role: Role) -> Actor:
    actor = await optional_actor(request)
    if actor is None:
        raise Unauthorized("Sign in first: this needs a staff token.", code="no_token")
    request.state.actor = actor  # a refusal from here on goes to the audit trail
    if actor.role < role:
        raise Forbidden(f"This needs the {role.label} role.")
    return actor


async def read_json(request: Request) -> Any:
    """The request body as JSON, refused past the byte limit before it is all read and
    past the nesting limit before it is parsed: every route reads its body here."""
    payload = parse_json(await read_body(request, services(request).settings.max_body))
    request.state.payload = payload  # what a refusal's audit record keeps
    return payload


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused (413) past `limit` bytes: by its declared length before
    any of it is read, or as soon as what arrives goes over."""
    declared = request.headers.get("content-length")
    declared_size = whole_number(declared) if declared is not None else None
    if declared_size is not None and declared_size > limit:
        raise PayloadTooLarge(f"The request is over {limit} bytes.")
    chunks = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"The request is over {limit} bytes.")
        chunks.append(chunk)
    return b"".join(chunks)


def query_int(request: Request, name: str, default: int, maximum: int | None = None) -> int:
    return inputs.query_int(request.query_params, name, default, maximum)


def hearing_view(hearing: Hearing, actor: Actor | None) -> dict[str, Any]:
    """The hearing as `actor` (None: a reader) may see it, with its description rendered
    as the reader page shows it (only here: the log keeps the text alone)."""
    view = hearing.for_staff() if actor is not None else hearing.public().to_json()
    return view | {"description_html": render_text(str(view["description"]))}


# Accounts


async def login(request: Request) -> Response:
    """Throttled (server/throttle.py): an attempt is counted before its password is
    verified, and a name that cannot be an account's is refused without verifying."""
    found = services(request)
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        raise UnsupportedMediaType("Send the credentials as application/json.")
    username, password = parse_credentials(await read_json(request))
    if not is_username(username):
        raise Unauthorized("Wrong username or password.", code="bad_credentials")
    address = request.client.host if request.client else "unknown"
    attempt = await found.login_throttle.admit(username, address)
    try:
        token, actor = await found.accounts.login(username, password, address)
    except (Unauthorized, Forbidden) as refused:
        logger.warning(
            "login failed username=%s address=%s code=%s", username, address, refused.code
        )
        await found.login_throttle.failed(attempt)
        raise
    await found.login_throttle.succeeded(attempt)
    logger.info("login username=%s role=%s", actor.username, actor.role.label)
    return JSONResponse(members(SignedIn(token, User.named(actor.username, actor.role))))


async def logout(request: Request) -> Response:
    actor = await require(request, Role.REPORTER)
    token = bearer_token(request)
    assert token is not None
    await services(request).accounts.revoke_token(token, actor)
    return Response(status_code=204)


async def me(request: Request) -> Response:
    actor = await require(request, Role.REPORTER)
    return JSONResponse(members(UserReply(User.named(actor.username, actor.role))))


async def list_users(request: Request) -> Response:
    await require(request, Role.EDITOR)
    accounts = await services(request).accounts.accounts()
    users = Users([account.view() for account in accounts])
    return JSONResponse(members(users), headers=NO_STORE)


async def create_user(request: Request) -> Response:
    """Editors add reporters and editors; only an admin adds an admin."""
    actor = await require(request, Role.EDITOR)
    username, role, chosen = parse_new_user(await read_json(request))
    if role > actor.role:
        raise Forbidden(f"Only an admin adds {role.label} accounts.", field="role")
    password = chosen or new_password()
    created = await services(request).accounts.add_user(username, password, role, by=actor.username)
    user = User.named(created.username, created.role)
    reply = NewUser(user) if chosen else NewUser(user, password)
    return JSONResponse(members(reply), status_code=201)


async def update_user(request: Request) -> Response:
    """Disable, enable or change the role of an account (auth.py: who may act on whom)."""
    actor = await require(request, Role.EDITOR)
    username = request.path_params["username"]
    disabled, role = parse_account_changes(await read_json(request))
    accounts = services(request).accounts
    revoked = await accounts.change(actor, username, disabled=disabled, role=role)
    account = await accounts.account(username)
    return JSONResponse(members(AccountChange(account.view(), revoked)), headers=NO_STORE)


async def set_password(request: Request) -> Response:
    """One's own password (with `old_password`), or anyone's as an admin (a reset).
    Without `password`, one is generated and answered once."""
    actor = await require(request, Role.REPORTER)
    found = services(request)
    username = request.path_params["username"]
    password, old_password = parse_password_change(await read_json(request))
    generated = password is None
    if password is None:
        password = new_password()
    # The old password of one's own account is guessed like a sign-in: throttled alike.
    address = request.client.host if request.client else "unknown"
    attempt = (
        await found.login_throttle.admit(username, address) if username == actor.username else None
    )
    try:
        revoked = await found.accounts.set_password(
            actor,
            username,
            password,
            old_password=old_password,
            token_in_use=bearer_token(request),
        )
    except Forbidden:
        if attempt is not None:
            await found.login_throttle.failed(attempt)
        raise
    if attempt is not None:
        await found.login_throttle.succeeded(attempt)
    account = await found.accounts.account(username)
    changed = PasswordSet(account.view(), revoked)
    reply = replace(changed, password=password) if generated else changed
    return JSONResponse(members(reply), headers=NO_STORE)


async def set_display_name(request: Request) -> Response:
    """The byline of one's own entries, or anyone's as an admin: `{"display_name"}`."""
    actor = await require(request, Role.REPORTER)
    username = request.path_params["username"]
    name = parse_display_name(await read_json(request))
    accounts = services(request).accounts
    await accounts.set_display_name(actor, username, name)
    account = await accounts.account(username)
    return JSONResponse(members(UserReply(account.view())), headers=NO_STORE)


async def revoke_user_tokens(request: Request) -> Response:
    """Every token of a user: one's own, a reporter's as an editor, anyone's as an admin."""
    actor = await require(request, Role.REPORTER)
    username = request.path_params["username"]
    revoked = await services(request).accounts.revoke_user_tokens(username, actor)
    return JSONResponse(members(Revoked(revoked)))


# Hearings


async def list_hearings(request: Request) -> Response:
    actor = await reader_or_staff(request)
    hearings = await services(request).store.hearings()
    return JSONResponse(members(Hearings([hearing_view(h, actor) for h in hearings])))


async def get_hearing(request: Request) -> Response:
    actor = await reader_or_staff(request)
    hearing = await services(request).store.hearing(request.path_params["slug"])
    return JSONResponse(hearing_view(hearing, actor))


async def create_hearing(request: Request) -> Response:
    actor = await require(request, Role.EDITOR)
    fields = parse_new_hearing(
        await read_json(request), services(request).settings.default_timezone
    )
    hearing = await services(request).store.create_hearing(fields, actor)
    return JSONResponse(hearing.for_staff(), status_code=201)


async def update_hearing(request: Request) -> Response:
    """The answer names the entries the change withheld (`withheld`), if it restricted
    terms that published entries name."""
    actor = await require(request, Role.EDITOR)
    changes = parse_hearing_changes(await read_json(request))
    changed = await services(request).store.update_hearing(
        request.path_params["slug"], changes, actor
    )
    return JSONResponse(changed.hearing.for_staff() | {"withheld": changed.withheld})


# Court safety: the register of restrictions, and what it withholds


async def list_restrictions(request: Request) -> Response:
    await require(request, Role.EDITOR)
    hearing = await services(request).store.hearing(request.path_params["slug"])
    return JSONResponse(members(Restrictions(list(hearing.restrictions))))


async def add_restriction(request: Request) -> Response:
    """A new restriction; `hearing` may carry changes of the hearing's own fields (its
    title or slug, say) that name the term, made in the same transaction."""
    actor = await require(request, Role.EDITOR)
    new, hearing_payload = parse_restriction(await read_json(request))
    changes = {} if hearing_payload is None else parse_hearing_changes(hearing_payload)
    if "restricted_terms" in changes:
        raise Invalid("Send restrictions one by one here.", field="hearing.restricted_terms")
    changed = await services(request).store.add_restriction(
        request.path_params["slug"], new, changes, actor
    )
    added = RestrictionAdded(changed.added[0], changed.withheld, changed.hearing.for_staff())
    return JSONResponse(members(added), status_code=201)


async def remove_restriction(request: Request) -> Response:
    """Lifts a restriction: what it withheld stays withheld until an editor republishes
    it with a correction, and history once redacted stays redacted."""
    actor = await require(request, Role.EDITOR)
    restriction_id = whole_number(request.path_params["restriction_id"])
    if restriction_id is None:
        raise NotFound("No such restriction on this hearing.", code="restriction_not_found")
    changed = await services(request).store.remove_restriction(
        request.path_params["slug"], restriction_id, actor
    )
    return JSONResponse(members(RestrictionLifted(changed.removed[0], changed.hearing.for_staff())))


async def list_queue(request: Request) -> Response:
    """Posts waiting (held, delayed, in review), in court order: an editor sees every one,
    a reporter their own."""
    actor = await require(request, Role.REPORTER)
    store = services(request).store
    hearing = await store.hearing(request.path_params["slug"])
    return JSONResponse(members(Queue(await store.queue(hearing, actor))), headers=NO_STORE)


async def release_queued(request: Request) -> Response:
    actor = await require(request, Role.EDITOR)
    entry_id = parse_entry_id(request.path_params["entry_id"])
    written = await services(request).store.release(
        entry_id, actor, slug=request.path_params["slug"]
    )
    return written_response(written, 201 if written.created else 200)


async def discard_queued(request: Request) -> Response:
    actor = await require(request, Role.REPORTER)
    entry_id = parse_entry_id(request.path_params["entry_id"])
    written = await services(request).store.discard(request.path_params["slug"], entry_id, actor)
    return written_response(written)


async def list_withheld(request: Request) -> Response:
    await require(request, Role.EDITOR)
    store = services(request).store
    hearing = await store.hearing(request.path_params["slug"])
    return JSONResponse(members(Withheld(await store.withheld_entries(hearing))))


# Entries


async def list_entries(request: Request) -> Response:
    """Visible entries, newest first; `before=<seq>` pages to older ones, and
    `next_before` is the value for the next page (null when there is none)."""
    found = services(request)
    hearing = await found.store.hearing(request.path_params["slug"])
    limit = query_int(request, "limit", 50, MAX_ENTRIES_PAGE)
    entries, cursor = await found.store.entries(
        hearing, limit=limit, before_seq=query_int(request, "before", 0) or None
    )
    page = EntriesPage([entry.to_json() for entry in entries], hearing.last_seq, cursor)
    return JSONResponse(members(page))


async def entry_revisions(request: Request) -> Response:
    """A published entry's public versions, oldest first (the last is the current one):
    what readers were shown before each correction (`courtwire.revisions`)."""
    found = services(request)
    hearing = await found.store.hearing(request.path_params["slug"])
    entry_id = parse_entry_id(request.path_params["entry_id"])
    # The same until the log grows: a correction or a withholding appends an event.
    tag = f'"{hearing.last_seq}.{entry_id}.{found.db.epoch}"'
    headers = {"ETag": tag, "Cache-Control": REVALIDATE}
    unchanged = not_modified(request, headers)
    if unchanged is not None:
        return unchanged
    events = await found.store.entry_events(hearing, entry_id)
    versions = public_versions(events, hearing.restricted_terms())
    return JSONResponse(members(EntryVersions(entry_id, versions)), headers=headers)


async def hearing_bylines(request: Request) -> Response:
    """The display names the hearing's entries are signed with, by username
    (`courtwire.bylines`): for the reader page's script, as entries arrive."""
    found = services(request)
    hearing = await found.store.hearing(request.path_params["slug"])
    bylines = await found.store.bylines(hearing)
    headers = {"ETag": f'"{bylines_tag(bylines)}"', "Cache-Control": REVALIDATE}
    unchanged = not_modified(request, headers)
    if unchanged is not None:
        return unchanged
    return JSONResponse(members(BylinesReply(bylines)), headers=headers)


async def post_entry(request: Request) -> Response:
    found = services(request)
    actor = await require(request, Role.REPORTER)
    await found.post_limit.take(str(actor.id))
    draft = parse_draft(await read_json(request))
    written = await found.store.post_entry(request.path_params["slug"], draft, actor)
    return written_response(written, 201 if written.created else 200)


def written_response(written: Written, status: int = 200) -> JSONResponse:
    """An entry write's answer: `{"entry", "seq"}` once published; 202 `{"entry", "state",
    "release_at"}` while it waits; `{"entry", "state": "discarded"}` if it never will be."""
    if written.waiting is not None:
        waits = written.waiting
        reply = WrittenReply(written.entry, state=waits.reason.value, release_at=waits.release_at)
        return JSONResponse(members(reply), status_code=202)
    if written.discarded:
        return JSONResponse(members(WrittenReply(written.entry, state="discarded")))
    return JSONResponse(members(WrittenReply(written.entry, written.seq)), status_code=status)


async def revise_entry(request: Request) -> Response:
    actor = await require(request, Role.REPORTER)
    await services(request).post_limit.take(str(actor.id))
    entry_id = parse_entry_id(request.path_params["entry_id"])
    changes = parse_changes(await read_json(request))
    written = await services(request).store.revise_entry(
        request.path_params["slug"], entry_id, changes, actor
    )
    return written_response(written)


async def delete_entry(request: Request) -> Response:
    actor = await require(request, Role.REPORTER)
    await services(request).post_limit.take(str(actor.id))
    entry_id = parse_entry_id(request.path_params["entry_id"])
    written = await services(request).store.delete_entry(
        request.path_params["slug"], entry_id, actor
    )
    return JSONResponse({"entry": written.entry, "seq": written.seq})


# The log


async def list_events(request: Request) -> Response:
    found = services(request)
    hearing = await found.store.hearing(request.path_params["slug"])
    after = query_int(request, "after", 0)
    limit = query_int(request, "limit", 100, MAX_EVENTS_PAGE)
    if limit == 0:
        raise BadRequest("limit must be at least 1.", field="limit")
    # The page is the same until the log grows (a redaction appends an event too).
    tag = f'"{hearing.last_seq}.{after}.{limit}.{found.db.epoch}"'
    headers = {"ETag": tag, "Cache-Control": REVALIDATE}
    unchanged = not_modified(request, headers)
    if unchanged is not None:
        return unchanged
    texts = await found.store.events_after(hearing, after, limit)
    body = EventsPage.encoded(texts, hearing.last_seq)
    return Response(body, media_type="application/json", headers=headers)


# Exports


EXPORT_TYPES = {
    "events.json": "application/json",
    "transcript.md": "text/markdown; charset=utf-8",
    "transcript.html": "text/html; charset=utf-8",
}


async def export_file(request: Request, suffix: str) -> Response:
    """Public, like the events API and the reader page: an export carries only public
    content (public hearing fields, deleted entries as tombstones or absent), so anyone
    may download it. Served as an attachment named after the hearing's slug, built once
    per state of the hearing (`courtwire.exports`) and revalidated by its `ETag`."""
    found = services(request)
    hearing = await found.store.hearing(request.path_params["slug"])
    bylines = await found.store.bylines(hearing)
    headers = {
        "Content-Disposition": f'attachment; filename="{file_name(hearing.slug, suffix)}"',
        "Cache-Control": "no-cache",
        "ETag": etag(hearing, suffix, found.db.epoch, bylines),
    }
    if suffix == "transcript.html":
        headers["Content-Security-Policy"] = transcript_policy()
    unchanged = not_modified(request, headers)
    if unchanged is not None:
        return unchanged
    export = await found.exports.get(hearing, suffix, found.db.epoch, bylines)
    return Response(export.body, media_type=EXPORT_TYPES[suffix], headers=headers)


async def export_json(request: Request) -> Response:
    return await export_file(request, "events.json")


async def export_markdown(request: Request) -> Response:
    return await export_file(request, "transcript.md")


async def export_html(request: Request) -> Response:
    return await export_file(request, "transcript.html")


# The audit trail (editors)

MAX_AUDIT_PAGE = 1000


def audit_query(request: Request, limit: int) -> Query:
    params = request.query_params
    return Query(
        hearing=params.get("hearing") or None,
        actor=params.get("actor") or None,
        action=params.get("action") or None,
        after=query_int(request, "after", 0),
        limit=limit,
    )


async def list_audit(request: Request) -> Response:
    await require(request, Role.EDITOR)
    query = audit_query(request, query_int(request, "limit", 100, MAX_AUDIT_PAGE))
    records, last = await services(request).audit.records(query)
    return JSONResponse(members(AuditPage(records, last)), headers=NO_STORE)


async def audit_csv(request: Request) -> Response:
    """Every matching record (in pages of the largest size) as one CSV download."""
    await require(request, Role.EDITOR)
    query = audit_query(request, MAX_AUDIT_PAGE)
    found: list[AuditRecord] = []
    while True:
        page, _ = await services(request).audit.records(query)
        found.extend(page)
        if len(page) < MAX_AUDIT_PAGE:
            break
        query = replace(query, after=page[-1].seq)
    headers = NO_STORE | {"Content-Disposition": 'attachment; filename="courtwire-audit.csv"'}
    return Response(as_csv(found), media_type="text/csv; charset=utf-8", headers=headers)


async def healthz(request: Request) -> Response:
    return JSONResponse(members(Health("ok")))


NO_STORE = {"Cache-Control": "no-store"}

routes = [
    Route("/healthz", healthz),
    Route("/api/audit", list_audit),
    Route("/api/audit.csv", audit_csv),
    Route("/api/openapi.json", openapi_json),
    Route("/api/login", login, methods=["POST"]),
    Route("/api/logout", logout, methods=["POST"]),
    Route("/api/me", me),
    Route("/api/users", list_users),
    Route("/api/users", create_user, methods=["POST"]),
    Route("/api/users/{username}", update_user, methods=["PATCH"]),
    Route("/api/users/{username}/password", set_password, methods=["POST"]),
    Route("/api/users/{username}/display_name", set_display_name, methods=["PUT"]),
    Route("/api/users/{username}/revoke", revoke_user_tokens, methods=["POST"]),
    Route("/api/hearings", list_hearings),
    Route("/api/hearings", create_hearing, methods=["POST"]),
    Route("/api/hearings/{slug}", get_hearing),
    Route("/api/hearings/{slug}", update_hearing, methods=["PATCH"]),
    Route("/api/hearings/{slug}/restrictions", list_restrictions),
    Route("/api/hearings/{slug}/restrictions", add_restriction, methods=["POST"]),
    Route(
        "/api/hearings/{slug}/restrictions/{restriction_id}",
        remove_restriction,
        methods=["DELETE"],
    ),
    Route("/api/hearings/{slug}/withheld", list_withheld),
    Route("/api/hearings/{slug}/queue", list_queue),
    Route("/api/hearings/{slug}/queue/{entry_id}/release", release_queued, methods=["POST"]),
    Route("/api/hearings/{slug}/queue/{entry_id}", discard_queued, methods=["DELETE"]),
    Route("/api/hearings/{slug}/entries", list_entries),
    Route("/api/hearings/{slug}/bylines", hearing_bylines),
    Route("/api/hearings/{slug}/entries", post_entry, methods=["POST"]),
    Route("/api/hearings/{slug}/entries/{entry_id}/revisions", entry_revisions),
    Route("/api/hearings/{slug}/entries/{entry_id}", revise_entry, methods=["PATCH"]),
    Route("/api/hearings/{slug}/entries/{entry_id}", delete_entry, methods=["DELETE"]),
    Route("/api/hearings/{slug}/events", list_events),
    Route("/api/hearings/{slug}/export.json", export_json),
    Route("/api/hearings/{slug}/export.md", export_markdown),
    Route("/api/hearings/{slug}/export.html", export_html),
]
