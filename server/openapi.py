"""The OpenAPI 3.1 document of the HTTP API, served at `GET /api/openapi.json`.

`document(routes)` generates the paths from the routing table (path, methods, path
parameters) and each handler's contract in `operations()`, keyed by the handler's name; a
route without one fails at import. Every reply's schema is generated (courtwire.schemas)
from the class the handler builds it with: entries and hearings from courtwire.records,
restrictions and events from courtwire.register and courtwire.events, everything else
(errors, accounts, the audit trail, the queue, pages, a write's answer, photos) from
courtwire.replies. Request bodies are generated too: an entry's (`Draft`, `EntryChanges`)
and the account operations' from the dataclasses whose fields their validators accept,
a hearing's and a restriction's from the records' fields, checked against the field sets
their validators accept. The Error schema's `code` enum comes from the registry
`courtwire.exceptions.ERROR_CODES`. tests/test_openapi.py checks the document names
exactly the API's routes and runs schemathesis on every operation.
The WebSocket (`/ws/hearings/{slug}`) is outside OpenAPI; API.md describes it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from courtwire.auth import (
    AccountChanges,
    Credentials,
    DisplayName,
    NewAccount,
    PasswordChange,
)
from courtwire.entries import Draft, EntryChanges, PhotoRef, Speaker
from courtwire.events import Event
from courtwire.hearings import CHANGE_FIELDS as HEARING_CHANGE_FIELDS
from courtwire.hearings import CREATE_FIELDS as HEARING_CREATE_FIELDS
from courtwire.hearings import TEXT_LIMITS
from courtwire.images import DECLARABLE
from courtwire.inputs import MAX_DIGITS
from courtwire.records import Entry, PublicHearing, StaffHearing
from courtwire.register import (
    MAX_TERM_CHARS,
    MAX_TERMS,
    RESTRICTION_FIELDS,
    NewRestriction,
    Restriction,
)
from courtwire.replies import (
    VARIANT_TYPES,
    AccountChange,
    AuditPage,
    AuditRecord,
    BylinesReply,
    EntriesPage,
    EntryPhoto,
    EntryVersions,
    ErrorReply,
    EventsPage,
    Health,
    Hearings,
    NewUser,
    PasswordSet,
    Photo,
    Queue,
    RestrictionAdded,
    RestrictionLifted,
    Restrictions,
    Revoked,
    SignedIn,
    Tombstone,
    Uploaded,
    UploadProgress,
    User,
    UserReply,
    Users,
    Withheld,
    WrittenReply,
)
from courtwire.schemas import object_schema, property_schemas, ref

JSON = "application/json"


COMPONENTS: dict[Any, str] = {
    Speaker: "Speaker",
    PhotoRef: "PhotoRef",
    Entry: "Entry",
    Tombstone: "Tombstone",
    WrittenReply: "Written",
    User: "User",
    AuditRecord: "AuditRecord",
    Photo: "Photo",
    Restriction: "Restriction",
    PublicHearing: "Hearing",
    Event: "Event",
}
"""The classes written as a reference to their component schema, by its name."""


def _reply(cls: Any) -> dict[str, Any]:
    """The JSON object a reply class of courtwire.replies is written as."""
    return object_schema(cls, refs=COMPONENTS)


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": schema}}}


def _error(description: str) -> dict[str, Any]:
    return _json(ref("Error"), description)


RATE_LIMITED = {
    **_error("Rate limited."),
    "headers": {
        "Retry-After": {
            "description": "Seconds to wait before trying again.",
            "required": True,
            "schema": {"type": "string", "pattern": "^[0-9]+$"},
        }
    },
}
ERRORS = {
    "400": _error("Malformed request: not JSON, or a bad query parameter."),
    "401": _error("No token, or a bad, revoked or expired one (token_expired)."),
    "403": _error("The token's role may not do this."),
    "404": _error("No such hearing, entry or user."),
    "405": _error("Method not allowed."),
    "409": _error("Conflict: a taken slug or username, a reused id, a closed hearing."),
    "413": _error("The request body is over the size limit."),
    "415": _error("The request body is not of a type this operation takes."),
    "422": _error("A field is invalid, or names a restricted term."),
    "429": RATE_LIMITED,
    "503": _error("The photo store cannot be reached (media_unavailable); try again shortly."),
}


def _errors(*codes: int) -> dict[str, Any]:
    return {str(code): ERRORS[str(code)] for code in codes}


def _body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {JSON: {"schema": schema}}}


def _input(fields: Iterable[str], properties: dict[str, Any], **keywords: Any) -> dict[str, Any]:
    """A request body: exactly the fields its validator takes (`fields`), each with its
    schema; a field the validator gains without one here fails at import."""
    unmatched = set(fields) ^ set(properties)
    assert not unmatched, f"fields without a schema, or schemas of no field: {sorted(unmatched)}"
    return {"type": "object", **keywords, "properties": properties, "additionalProperties": False}


PATH_PARAMETERS: dict[str, dict[str, Any]] = {
    "slug": {"type": "string", "minLength": 1},
    "username": {"type": "string", "minLength": 1},
    "entry_id": {"type": "string", "format": "uuid"},
    "restriction_id": {"type": "string"},
    "photo_id": {"type": "string"},
    "key": {"type": "string", "format": "uuid"},
    "name": {"type": "string"},
}
"""Each path parameter's schema, by the name the routes give it."""


def _query_int(name: str, description: str, maximum: int | None = None) -> dict[str, Any]:
    """A query number as `courtwire.inputs.query_int` reads it: at most `MAX_DIGITS` digits."""
    largest = 10**MAX_DIGITS - 1
    schema: dict[str, Any] = {"type": "integer", "minimum": 0, "maximum": maximum or largest}
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


TERM = {"type": "string", "maxLength": MAX_TERM_CHARS}
HEARING_FIELDS: dict[str, Any] = {
    **{name: spec for name, spec in property_schemas(PublicHearing).items() if name != "last_seq"},
    **property_schemas(StaffHearing),
    "restricted_terms": {"type": "array", "maxItems": MAX_TERMS, "items": TERM},
}
RESTRICTION_INPUT = property_schemas(NewRestriction)
BINARY = {"schema": {"type": "string", "format": "binary"}}


def _request(cls: Any, *, optional: Iterable[str] = (), **keywords: Any) -> dict[str, Any]:
    """A request body written as the dataclass its validator builds: exactly its fields
    (the validator refuses any other, `courtwire.schemas.field_names`)."""
    closed = object_schema(cls, optional=tuple(optional), refs=COMPONENTS, closed=True)
    return closed | keywords


def _described(cls: Any, *, optional: tuple[str, ...] = (), closed: bool = False) -> dict[str, Any]:
    """A class's schema, with its docstring as the description."""
    description = " ".join(str(cls.__doc__).split())
    shape = object_schema(cls, optional=optional, refs=COMPONENTS, closed=closed)
    return shape | {"description": description}


def _entry_schema() -> dict[str, Any]:
    """`Entry`'s fields, and the photo it may carry."""
    entry = object_schema(Entry, optional=("revised_at", "photo"), refs=COMPONENTS)
    entry["properties"]["photo"] = object_schema(EntryPhoto)
    return entry


SCHEMAS: dict[str, Any] = {
    "Error": _reply(ErrorReply),
    "Speaker": _described(Speaker, optional=("name",), closed=True),
    "PhotoRef": _described(PhotoRef, optional=("caption",), closed=True),
    "User": object_schema(User),
    "Hearing": object_schema(PublicHearing)
    | {
        "properties": {
            **HEARING_FIELDS,
            **property_schemas(PublicHearing),
            "description_html": {
                "type": "string",
                "description": "The description (Markdown) rendered and sanitized as entry"
                " bodies are; in the answers to GET.",
            },
            "withheld": property_schemas(RestrictionAdded)["withheld"],
        },
        "description": (
            "publish_delay, review_kinds and restricted_terms are shown to staff only;"
            " withheld only in the answer to a PATCH; description_html only to GET."
        ),
    },
    "AuditRecord": _reply(AuditRecord),
    "Restriction": object_schema(Restriction),
    "Entry": _entry_schema(),
    "Photo": _reply(Photo),
    "Tombstone": _described(Tombstone, closed=True),
    "Written": _described(WrittenReply),
    "Event": object_schema(Event),
}

AUDIT_FILTERS: list[dict[str, Any]] = [
    *(
        {"name": name, "in": "query", "required": False, "schema": {"type": "string"}}
        for name in ("hearing", "actor", "action")
    ),
    _query_int("after", "Records after this seq (default 0)."),
]

BEARER: list[dict[str, list[str]]] = [{"bearer": []}]
PUBLIC: list[dict[str, list[str]]] = [{}, {"bearer": []}]


def _operation(
    summary: str,
    responses: dict[str, Any],
    *,
    security: list[dict[str, list[str]]] | None = None,
    parameters: list[dict[str, Any]] | None = None,
    body: dict[str, Any] | None = None,
) -> dict[str, Any]:
    operation: dict[str, Any] = {"summary": summary, "responses": responses}
    operation["security"] = security if security is not None else []
    if parameters:
        operation["parameters"] = parameters
    if body is not None:
        operation["requestBody"] = _body(body)
    return operation


def _writing(
    summary: str,
    answers: dict[int, str],
    errors: tuple[int, ...],
    body: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A staff operation that answers with a `Written`: each status with its description."""
    written = {str(status): _json(ref("Written"), text) for status, text in answers.items()}
    return _operation(summary, written | _errors(*errors), security=BEARER, body=body)


def _export(kind: str, media_type: str) -> dict[str, Any]:
    schema = {"type": "object"} if media_type == JSON else {"type": "string"}
    return _operation(
        f"The hearing's {kind}, as a download (public content only).",
        {
            "200": {
                "description": kind,
                "content": {media_type: {"schema": schema}},
            },
            **_errors(404),
        },
    )


def _revisions_operation() -> dict[str, Any]:
    """The operation of GET /api/hearings/{slug}/entries/{entry_id}/revisions."""
    return {
        "entry_revisions": _operation(
            "A published entry's public versions, oldest first; the last is the current.",
            {"200": _json(_reply(EntryVersions), "The versions."), **_errors(404, 422)},
        )
    }


def _byline_operations() -> dict[str, Any]:
    """Bylines (courtwire.bylines): setting a display name, and a hearing's bylines."""
    display_name = _request(DisplayName)
    return {
        "set_display_name": _operation(
            "Set the byline of one's own entries, or anyone's as an admin (null: none).",
            {
                "200": _json(_reply(UserReply), "Set."),
                **_errors(400, 401, 403, 404, 413, 422),
            },
            security=BEARER,
            body=display_name,
        ),
        "hearing_bylines": _operation(
            "The display names the hearing's entries are signed with, by author.",
            {"200": _json(_reply(BylinesReply), "The bylines."), **_errors(404)},
        ),
    }


def operations() -> dict[str, dict[str, Any]]:
    """Each operation's contract, by the name of the handler `courtwire.api` routes it to."""
    hearing = ref("Hearing")
    draft = _request(Draft, optional=Draft.OPTIONAL)
    changes = _request(EntryChanges, minProperties=1)
    new_hearing = _input(
        HEARING_CREATE_FIELDS,
        {
            **HEARING_FIELDS,
            "title": {"type": "string", "minLength": 1, "maxLength": TEXT_LIMITS["title"]},
        },
        required=["title"],
    )
    hearing_changes = _input(HEARING_CHANGE_FIELDS, HEARING_FIELDS, minProperties=1)
    return {
        "healthz": _operation(
            "Liveness.",
            {
                "200": _json(_reply(Health), "Serving."),
            },
        ),
        "login": _operation(
            "A new token for a username and password.",
            {
                "200": _json(_reply(SignedIn), "Signed in."),
                **_errors(400, 401, 413, 415, 422, 429),
            },
            body=_request(Credentials),
        ),
        "logout": _operation(
            "Revoke the token in use.",
            {"204": {"description": "Revoked."}, **_errors(401)},
            security=BEARER,
        ),
        "me": _operation(
            "The signed-in user.",
            {"200": _json(_reply(UserReply), "The user."), **_errors(401)},
            security=BEARER,
        ),
        "list_users": _operation(
            "Every staff account (editors).",
            {
                "200": _json(_reply(Users), "The accounts."),
                **_errors(401, 403),
            },
            security=BEARER,
        ),
        "create_user": _operation(
            "Add an account (editors; admins for admin accounts).",
            {
                "201": _json(_reply(NewUser), "Added."),
                **_errors(400, 401, 403, 409, 413, 422),
            },
            security=BEARER,
            body=_request(NewAccount),
        ),
        "update_user": _operation(
            "Disable or enable an account (editors: reporters only; admins: anyone"
            " but themselves) or change its role (admins). Disabling revokes every"
            " token of the account.",
            {
                "200": _json(_reply(AccountChange), "Changed (or already so)."),
                **_errors(400, 401, 403, 404, 409, 413, 422),
            },
            security=BEARER,
            body=_request(AccountChanges, minProperties=1),
        ),
        "set_password": _operation(
            "Set a password: one's own with old_password, anyone's as an admin (a"
            " reset). Without password one is generated and answered once. Revokes"
            " every other token of the account.",
            {
                "200": _json(_reply(PasswordSet), "Set."),
                **_errors(400, 401, 403, 404, 409, 413, 422, 429),
            },
            security=BEARER,
            body=_request(PasswordChange),
        ),
        "revoke_user_tokens": _operation(
            "Revoke every token of a user: one's own, a reporter's (editors), anyone's (admins).",
            {
                "200": _json(_reply(Revoked), "How many tokens were revoked."),
                **_errors(401, 403, 404),
            },
            security=BEARER,
        ),
        "list_hearings": _operation(
            "Every hearing, live ones first.",
            {
                "200": _json(_reply(Hearings), "The hearings."),
                **_errors(401),
            },
            security=PUBLIC,
        ),
        "create_hearing": _operation(
            "Create a hearing (editors).",
            {"201": _json(hearing, "Created."), **_errors(400, 401, 403, 409, 413, 422)},
            security=BEARER,
            body=new_hearing,
        ),
        "get_hearing": _operation(
            "A hearing.",
            {"200": _json(hearing, "The hearing."), **_errors(401, 404)},
            security=PUBLIC,
        ),
        "update_hearing": _operation(
            "Change a hearing (editors); appends a hearing.updated event.",
            {
                "200": _json(hearing, "Changed."),
                **_errors(400, 401, 403, 404, 409, 413, 422),
            },
            security=BEARER,
            body=hearing_changes,
        ),
        "list_restrictions": _operation(
            "The hearing's register of reporting restrictions (editors).",
            {
                "200": _json(_reply(Restrictions), "The register."),
                **_errors(401, 403, 404),
            },
            security=BEARER,
        ),
        "add_restriction": _operation(
            "Add a restriction (editors); withholds every entry that names it, in the"
            " same transaction. `hearing` may rename fields that name the term.",
            {
                "201": _json(_reply(RestrictionAdded), "Added."),
                **_errors(400, 401, 403, 404, 409, 413, 422),
            },
            security=BEARER,
            body=_input(
                RESTRICTION_FIELDS,
                {**RESTRICTION_INPUT, "hearing": hearing_changes},
                required=["term"],
            ),
        ),
        "remove_restriction": _operation(
            "Lift a restriction (editors); what it withheld stays withheld.",
            {
                "200": _json(_reply(RestrictionLifted), "Lifted."),
                **_errors(401, 403, 404),
            },
            security=BEARER,
        ),
        "list_audit": _operation(
            "The audit trail after `after`, oldest first (editors).",
            {
                "200": _json(_reply(AuditPage), "A page of records."),
                **_errors(400, 401, 403),
            },
            security=BEARER,
            parameters=[
                *AUDIT_FILTERS,
                _query_int("limit", "At most this many (default 100).", 1000),
            ],
        ),
        "audit_csv": _operation(
            "Every matching audit record as CSV (editors).",
            {
                "200": {
                    "description": "CSV, a header row then one row a record.",
                    "content": {"text/csv": {"schema": {"type": "string"}}},
                },
                **_errors(400, 401, 403),
            },
            security=BEARER,
            parameters=AUDIT_FILTERS,
        ),
        "list_queue": _operation(
            "Posts waiting, in court order (editors: all; reporters: their own).",
            {
                "200": _json(_reply(Queue), "The queue."),
                **_errors(401, 403, 404),
            },
            security=BEARER,
        ),
        "release_queued": _writing(
            "Publish a waiting post now (editors).",
            {200: "Released already.", 201: "Published."},
            (400, 401, 403, 404, 409, 422),
        ),
        "discard_queued": _writing(
            "Discard a waiting post (editors; its author while it is delayed).",
            {200: "Discarded."},
            (401, 403, 404, 409, 422),
        ),
        "list_withheld": _operation(
            "Withheld entries as they stood, and what each names (editors).",
            {
                "200": _json(_reply(Withheld), "Withheld entries."),
                **_errors(401, 403, 404),
            },
            security=BEARER,
        ),
        "list_entries": _operation(
            "Visible entries, newest first; `before` pages to older ones.",
            {"200": _json(_reply(EntriesPage), "A page of entries."), **_errors(400, 404)},
            parameters=[
                _query_int("limit", "At most this many (default 50).", 200),
                _query_int("before", "The seq that published the entry to page past."),
            ],
        ),
        "post_entry": _writing(
            "Publish an entry; a retry with the same id and content returns it.",
            {
                200: "A retry: the entry as stored.",
                201: "Published.",
                202: "Stored; waits (held, delayed, review).",
            },
            (400, 401, 403, 404, 409, 413, 422, 429),
            body=draft,
        ),
        "revise_entry": _writing(
            "Revise an entry (its author or an editor).",
            {200: "Revised.", 202: "Revised while it waits."},
            (400, 401, 403, 404, 409, 413, 422),
            body=changes,
        ),
        "delete_entry": _writing(
            "Delete an entry (its author or an editor).", {200: "Deleted."}, (401, 403, 404, 422)
        ),
        "list_events": _operation(
            "The event log after `after`, in seq order.",
            {"200": _json(_reply(EventsPage), "A page of events."), **_errors(400, 404)},
            parameters=[
                _query_int("after", "Events with a greater seq (default 0)."),
                {
                    "name": "limit",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "integer", "minimum": 1, "maximum": 1000},
                },
            ],
        ),
        "export_json": _export("event log", JSON),
        "export_markdown": _export("Markdown transcript", "text/markdown"),
        "export_html": _export("HTML transcript", "text/html"),
        "upload_photo": _operation(
            "Upload a photo (JPEG, PNG, WebP or HEIC by its content); a retry"
            " with the same Idempotency-Key returns the one stored.",
            {
                "200": _json(_reply(Uploaded), "A retry: the photo as stored."),
                "201": _json(_reply(Uploaded), "Stored."),
                **_errors(400, 401, 403, 404, 409, 413, 415, 422, 429, 503),
            },
            security=BEARER,
            parameters=[
                {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "required": True,
                    "schema": {"type": "string", "format": "uuid"},
                },
            ],
        )
        | {
            "requestBody": {
                "required": True,
                "content": {
                    media_type: BINARY
                    for media_type in ("image/jpeg", "image/png", "image/webp", "image/heic")
                },
            }
        },
        **_upload_operations(),
        "media_file": _operation(
            "A photo variant, while the entry that carries it is published.",
            {
                "200": {
                    "description": "The image.",
                    "content": {t: BINARY for t in VARIANT_TYPES},
                },
                **_errors(404, 503),
            },
        ),
        "openapi_json": _operation(
            "This document.",
            {"200": _json({"type": "object"}, "The OpenAPI document.")},
        ),
        **_revisions_operation(),
        **_byline_operations(),
    }


def _upload_operations() -> dict[str, dict[str, Any]]:
    """A photo uploaded in pieces (README "Photos"): open the upload, then send pieces."""
    progress = _reply(UploadProgress)
    photo = _reply(Uploaded)
    header = {"in": "header", "required": True}
    return {
        "start_upload": _operation(
            "Open the upload of a photo in pieces (or find it: the same Idempotency-Key"
            " answers the offset held, or the photo once it is finished).",
            {
                "200": _json({"oneOf": [progress, photo]}, "Open already, or finished."),
                "201": _json(progress, "Opened."),
                **_errors(400, 401, 403, 404, 409, 413, 415, 429),
            },
            security=BEARER,
            parameters=[
                {"name": "Idempotency-Key", **header, "schema": PATH_PARAMETERS["key"]},
                {
                    "name": "Upload-Length",
                    **header,
                    "schema": {"type": "string", "pattern": "^[1-9][0-9]{0,11}$"},
                },
                {
                    "name": "Content-Type",
                    **header,
                    "schema": {"type": "string", "enum": sorted(DECLARABLE)},
                },
            ],
        ),
        "upload_piece": _operation(
            "Send the piece of an upload at the offset the server holds; the last one"
            " makes the photo (checked as a photo sent whole). A piece at another"
            " offset: 409 `upload_offset`, with the offset held.",
            {
                "200": _json({"oneOf": [progress, photo]}, "Held so far (or the photo)."),
                "201": _json(photo, "The last piece: the photo, stored."),
                **_errors(400, 401, 403, 404, 409, 413, 422),
            },
            security=BEARER,
            parameters=[
                {
                    "name": "Content-Range",
                    **header,
                    "schema": {
                        "type": "string",
                        "pattern": "^bytes [0-9]{1,12}-[0-9]{1,12}/[0-9]{1,12}$",
                    },
                },
            ],
        )
        | {
            "requestBody": {
                "required": True,
                "content": {"application/octet-stream": BINARY},
            }
        },
    }


def _path_item(path: str, operation: dict[str, Any]) -> dict[str, Any]:
    """The operation with its path parameters, read from the route's path."""
    names = re.findall(r"{(\w+)}", path)
    if not names:
        return operation
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": PATH_PARAMETERS[name]}
        for name in names
    ]
    return operation | {"parameters": [*parameters, *operation.get("parameters", ())]}


async def openapi_json(request: Request) -> Response:
    """The document `create_app` built of its API routes."""
    return JSONResponse(request.app.state.openapi)


def document(routes: Iterable[BaseRoute]) -> dict[str, Any]:
    """The document of these routes: each route's path and methods, and the contract
    `operations()` declares for its handler (a KeyError names a route without one)."""
    declared = operations()
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        assert isinstance(route, Route), route
        operation = declared[route.endpoint.__name__]
        for method in sorted(route.methods or ()):
            if method != "HEAD":
                paths.setdefault(route.path, {})[method.lower()] = _path_item(route.path, operation)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Courtwire",
            "version": "1",
            "description": "Live courtroom coverage: hearings, their entries and event log.",
        },
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "paths": paths,
    }
