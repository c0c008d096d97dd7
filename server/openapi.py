"""The OpenAPI 3.1 document of the HTTP API, served at `GET /api/openapi.json`.

`document(routes)` generates the paths from the routing table (path, methods, path
parameters) and each handler's contract in `operations()`, keyed by the handler's name; a
route without one fails at import. The Entry, Hearing, Speaker, Restriction and Event
schemas are derived from the classes the server writes its JSON with (courtwire.records,
courtwire.register, courtwire.events, via courtwire.schemas), request bodies are checked
against the field sets their validators accept, and the Error schema's `code` enum comes
from the registry `courtwire.exceptions.ERROR_CODES`. tests/test_openapi.py checks the
document names exactly the API's routes and runs schemathesis on every operation.
The WebSocket (`/ws/hearings/{slug}`) is outside OpenAPI; API.md describes it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from courtwire.entries import (
    CHANGE_FIELDS,
    MAX_ALT_CHARS,
    MAX_BODY_CHARS,
    MAX_CAPTION_CHARS,
    MAX_CORRECTION_CHARS,
    POST_FIELDS,
    Speaker,
)
from courtwire.events import Event
from courtwire.exceptions import ERROR_CODES
from courtwire.hearings import CHANGE_FIELDS as HEARING_CHANGE_FIELDS
from courtwire.hearings import CREATE_FIELDS as HEARING_CREATE_FIELDS
from courtwire.hearings import TEXT_LIMITS
from courtwire.inputs import MAX_DIGITS
from courtwire.model import (
    EntryKind,
    QueueReason,
    Role,
)
from courtwire.records import Entry, PublicHearing, StaffHearing
from courtwire.register import (
    MAX_TERM_CHARS,
    MAX_TERMS,
    RESTRICTION_FIELDS,
    NewRestriction,
    Restriction,
)
from courtwire.schemas import object_schema, property_schemas

JSON = "application/json"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": schema}}}


def _error(description: str) -> dict[str, Any]:
    return _json(_ref("Error"), description)


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
}


def _errors(*codes: int) -> dict[str, Any]:
    return {str(code): ERRORS[str(code)] for code in codes}


def _body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {JSON: {"schema": schema}}}


def _object(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    """A JSON object with these members, the `required` ones always present."""
    return {"type": "object", "required": required, "properties": properties}


def _input(fields: Iterable[str], properties: dict[str, Any], **keywords: Any) -> dict[str, Any]:
    """A request body: exactly the fields its validator takes (`fields`), each with its
    schema; a field the validator gains without one here fails at import."""
    unmatched = set(fields) ^ set(properties)
    assert not unmatched, f"fields without a schema, or schemas of no field: {sorted(unmatched)}"
    return {"type": "object", **keywords, "properties": properties, "additionalProperties": False}


def _text(limit: int, *, nullable: bool = False) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": ["string", "null"] if nullable else "string"}
    schema["maxLength"] = limit
    return schema


TIME = {"type": "string", "format": "date-time"}
NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}
PATH_PARAMETERS: dict[str, dict[str, Any]] = {
    "slug": {"type": "string", "minLength": 1},
    "username": {"type": "string", "minLength": 1},
    "entry_id": {"type": "string", "format": "uuid"},
    "restriction_id": {"type": "string"},
    "photo_id": {"type": "string"},
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
WITHHELD_IDS = {
    "type": "array",
    "items": {"type": "string"},
    "description": "Ids of the entries the change withheld.",
}
SPEAKER = object_schema(Speaker, optional=("name",)) | {
    "type": ["object", "null"],
    "additionalProperties": False,
}
# Photos (API.md "Photos")
PHOTO_VARIANT = _object(
    {
        "width": {"type": "integer", "minimum": 1},
        "height": {"type": "integer", "minimum": 1},
        "type": {"type": "string", "enum": ["image/webp", "image/jpeg"]},
        "url": {"type": "string", "pattern": "^/media/"},
    },
    ["width", "height", "type", "url"],
)
PHOTO_STORED: dict[str, Any] = {
    "id": {"type": "string"},
    "width": {"type": "integer", "minimum": 1},
    "height": {"type": "integer", "minimum": 1},
    "variants": {"type": "array", "items": PHOTO_VARIANT},
}
PHOTO_REF = {
    "type": ["object", "null"],
    "required": ["id", "alt"],
    "properties": {
        "id": {"type": "string", "minLength": 1},
        "alt": {"type": "string", "minLength": 1, "maxLength": MAX_ALT_CHARS},
        "caption": _text(MAX_CAPTION_CHARS, nullable=True),
    },
    "additionalProperties": False,
    "description": "A photo uploaded to the hearing, with its alt text (required).",
}
BINARY = {"schema": {"type": "string", "format": "binary"}}

ENTRY_CHANGES: dict[str, Any] = {
    "body": {"type": "string", "minLength": 1, "maxLength": MAX_BODY_CHARS},
    "kind": {"type": "string", "enum": [kind.value for kind in EntryKind]},
    "speaker": SPEAKER,
    "occurred_at": TIME,
    "key": {"type": "boolean"},
    "pinned": {"type": "boolean"},
    "photo": PHOTO_REF,
}


def _entry_schema() -> dict[str, Any]:
    """`Entry`'s fields; its speaker as clients send it (the name may be left out)."""
    entry = object_schema(Entry, optional=("revised_at", "photo"))
    entry["properties"]["speaker"] = SPEAKER
    entry["properties"]["photo"] = _object(
        {
            **PHOTO_STORED,
            "alt": {"type": "string"},
            "caption": {"type": ["string", "null"]},
        },
        [*PHOTO_STORED, "alt", "caption"],
    )
    return entry


SCHEMAS: dict[str, Any] = {
    "Error": _object(
        {
            "error": {
                "type": "object",
                "required": ["code", "message", "field"],
                "properties": {
                    "code": {"type": "string", "enum": sorted(ERROR_CODES)},
                    "message": {"type": "string"},
                    "field": {"type": ["string", "null"]},
                },
            }
        },
        ["error"],
    ),
    "User": _object(
        {
            "username": {"type": "string"},
            "role": {"type": "string", "enum": [role.label for role in Role]},
            "display_name": {
                "type": ["string", "null"],
                "description": "The byline of its entries on public pages.",
            },
            "disabled": {"type": "boolean", "description": "In the staff list only."},
            "disabled_at": NULLABLE_TIME,
            "created_at": TIME,
            "last_seen": {
                **NULLABLE_TIME,
                "description": "Last use of any of its tokens, to within a few minutes.",
            },
            "tokens": {
                "type": "integer",
                "minimum": 0,
                "description": "Tokens neither revoked nor expired.",
            },
        },
        ["username", "role"],
    ),
    "Hearing": object_schema(PublicHearing)
    | {
        "properties": {
            **HEARING_FIELDS,
            **property_schemas(PublicHearing),
            "withheld": WITHHELD_IDS,
        },
        "description": (
            "publish_delay, review_kinds and restricted_terms are shown to staff only;"
            " withheld only in the answer to a PATCH."
        ),
    },
    "AuditRecord": _object(
        {
            "seq": {"type": "integer", "minimum": 1},
            "at": TIME,
            "actor": {"type": "string"},
            "action": {"type": "string"},
            "hearing": {"type": ["string", "null"]},
            "target": {"type": ["string", "null"]},
            "before": {},
            "after": {},
            "reason": {"type": ["string", "null"]},
        },
        ["seq", "at", "actor", "action", "hearing", "target", "before", "after", "reason"],
    ),
    "Restriction": object_schema(Restriction),
    "Entry": _entry_schema(),
    "Photo": {"type": "object", "required": list(PHOTO_STORED), "properties": PHOTO_STORED},
    "Tombstone": {
        "type": "object",
        "required": ["id"],
        "properties": {
            "id": {"type": "string"},
            "deleted": {"const": True},
            "withheld": {"const": True},
            "discarded": {"const": True},
        },
        "additionalProperties": False,
        "description": "A deleted or withheld entry: {id, deleted: true} or {id, withheld: true}.",
    },
    "Written": {
        "type": "object",
        "required": ["entry"],
        "properties": {
            "entry": {"anyOf": [_ref("Entry"), _ref("Tombstone")]},
            "seq": {"type": "integer", "minimum": 1},
            "state": {"type": "string", "enum": [*(r.value for r in QueueReason), "discarded"]},
            "release_at": NULLABLE_TIME,
        },
        "description": (
            "Published: entry and seq. Waiting (202): entry, state (held, delayed, review)"
            " and release_at. Discarded: entry {id, discarded} and state discarded."
        ),
    },
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
    written = {str(status): _json(_ref("Written"), text) for status, text in answers.items()}
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
    revision = {
        "type": "object",
        "required": ["at"],
        "properties": {
            "at": TIME,
            "withdrawn": {"const": True, "description": "Taken out of view: no content."},
            "revision": {"type": "integer", "minimum": 1},
            "kind": ENTRY_CHANGES["kind"],
            "body": {"type": "string"},
            "html": {"type": "string"},
            "speaker": SPEAKER,
            "occurred_at": TIME,
            "correction": {"type": ["string", "null"]},
        },
    }
    answer = {
        "type": "object",
        "required": ["id", "revisions"],
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "revisions": {"type": "array", "items": revision},
        },
    }
    return {
        "entry_revisions": _operation(
            "A published entry's public versions, oldest first; the last is the current.",
            {"200": _json(answer, "The versions."), **_errors(404, 422)},
        )
    }


def _byline_operations() -> dict[str, Any]:
    """Bylines (courtwire.bylines): setting a display name, and a hearing's bylines."""
    display_name = {
        "type": "object",
        "required": ["display_name"],
        "properties": {"display_name": {"type": ["string", "null"], "maxLength": 80}},
        "additionalProperties": False,
    }
    bylines = {
        "type": "object",
        "required": ["bylines"],
        "properties": {
            "bylines": {"type": "object", "additionalProperties": {"type": "string"}},
        },
    }
    return {
        "set_display_name": _operation(
            "Set the byline of one's own entries, or anyone's as an admin (null: none).",
            {
                "200": _json(
                    {
                        "type": "object",
                        "required": ["user"],
                        "properties": {"user": _ref("User")},
                    },
                    "Set.",
                ),
                **_errors(400, 401, 403, 404, 413, 422),
            },
            security=BEARER,
            body=display_name,
        ),
        "hearing_bylines": _operation(
            "The display names the hearing's entries are signed with, by author.",
            {"200": _json(bylines, "The bylines."), **_errors(404)},
        ),
    }


def operations() -> dict[str, dict[str, Any]]:
    """Each operation's contract, by the name of the handler `courtwire.api` routes it to."""
    hearing = _ref("Hearing")
    entries_page = _object(
        {
            "entries": {"type": "array", "items": _ref("Entry")},
            "last_seq": {"type": "integer", "minimum": 0},
            "next_before": {"type": ["integer", "null"]},
        },
        ["entries", "last_seq"],
    )
    events_page = _object(
        {
            "events": {"type": "array", "items": _ref("Event")},
            "last_seq": {"type": "integer", "minimum": 0},
        },
        ["events", "last_seq"],
    )
    draft = _input(
        POST_FIELDS,
        {
            "id": {"type": "string", "format": "uuid"},
            **ENTRY_CHANGES,
            "occurred_at": NULLABLE_TIME | {"description": "In court; absent or null: on receipt."},
        },
        required=["id", "body"],
    )
    changes = _input(
        CHANGE_FIELDS | {"revision"},
        {
            **ENTRY_CHANGES,
            "correction": _text(MAX_CORRECTION_CHARS, nullable=True),
            "revision": {
                "type": "integer",
                "minimum": 1,
                "description": "The revision changed: another one is 409 revision_conflict.",
            },
        },
        minProperties=1,
    )
    new_hearing = _input(
        HEARING_CREATE_FIELDS,
        {
            **HEARING_FIELDS,
            "title": {"type": "string", "minLength": 1, "maxLength": TEXT_LIMITS["title"]},
        },
        required=["title"],
    )
    hearing_changes = _input(HEARING_CHANGE_FIELDS, HEARING_FIELDS, minProperties=1)
    user_reply = _object({"user": _ref("User")}, ["user"])
    account_change: dict[str, Any] = _object(
        {
            "user": _ref("User"),
            "revoked": {"type": "integer", "minimum": 0, "description": "Tokens revoked."},
        },
        ["user", "revoked"],
    )
    return {
        "healthz": _operation(
            "Liveness.",
            {
                "200": _json(
                    _object({"status": {"const": "ok"}}, ["status"]),
                    "Serving.",
                )
            },
        ),
        "login": _operation(
            "A new token for a username and password.",
            {
                "200": _json(
                    _object(
                        {
                            "token": {"type": "string"},
                            "user": _ref("User"),
                        },
                        ["token", "user"],
                    ),
                    "Signed in.",
                ),
                **_errors(400, 401, 413, 415, 429),
            },
            body=_object(
                {
                    "username": {"type": "string"},
                    "password": {"type": "string"},
                },
                ["username", "password"],
            ),
        ),
        "logout": _operation(
            "Revoke the token in use.",
            {"204": {"description": "Revoked."}, **_errors(401)},
            security=BEARER,
        ),
        "me": _operation(
            "The signed-in user.",
            {"200": _json(user_reply, "The user."), **_errors(401)},
            security=BEARER,
        ),
        "list_users": _operation(
            "Every staff account (editors).",
            {
                "200": _json(
                    _object({"users": {"type": "array", "items": _ref("User")}}, ["users"]),
                    "The accounts.",
                ),
                **_errors(401, 403),
            },
            security=BEARER,
        ),
        "create_user": _operation(
            "Add an account (editors; admins for admin accounts).",
            {
                "201": _json(
                    _object(
                        {
                            "user": _ref("User"),
                            "password": {
                                "type": "string",
                                "description": "Only when generated.",
                            },
                        },
                        ["user"],
                    ),
                    "Added.",
                ),
                **_errors(400, 401, 403, 409, 413, 422),
            },
            security=BEARER,
            body=_object(
                {
                    "username": {"type": "string"},
                    "role": {"type": "string", "enum": [r.label for r in Role]},
                    "password": {"type": "string"},
                },
                ["username"],
            ),
        ),
        "update_user": _operation(
            "Disable or enable an account (editors: reporters only; admins: anyone"
            " but themselves) or change its role (admins). Disabling revokes every"
            " token of the account.",
            {
                "200": _json(account_change, "Changed (or already so)."),
                **_errors(400, 401, 403, 404, 409, 413, 422),
            },
            security=BEARER,
            body={
                "type": "object",
                "minProperties": 1,
                "properties": {
                    "disabled": {"type": "boolean"},
                    "role": {"type": "string", "enum": [r.label for r in Role]},
                },
                "additionalProperties": False,
            },
        ),
        "set_password": _operation(
            "Set a password: one's own with old_password, anyone's as an admin (a"
            " reset). Without password one is generated and answered once. Revokes"
            " every other token of the account.",
            {
                "200": _json(
                    {
                        **account_change,
                        "properties": {
                            **account_change["properties"],
                            "password": {
                                "type": "string",
                                "description": "Only when generated.",
                            },
                        },
                    },
                    "Set.",
                ),
                **_errors(400, 401, 403, 404, 409, 413, 422, 429),
            },
            security=BEARER,
            body={
                "type": "object",
                "properties": {
                    "password": {"type": "string", "minLength": 10},
                    "old_password": {"type": "string"},
                },
                "additionalProperties": False,
            },
        ),
        "revoke_user_tokens": _operation(
            "Revoke every token of a user: one's own, a reporter's (editors), anyone's (admins).",
            {
                "200": _json(
                    _object({"revoked": {"type": "integer", "minimum": 0}}, ["revoked"]),
                    "How many tokens were revoked.",
                ),
                **_errors(401, 403, 404),
            },
            security=BEARER,
        ),
        "list_hearings": _operation(
            "Every hearing, live ones first.",
            {
                "200": _json(
                    _object({"hearings": {"type": "array", "items": hearing}}, ["hearings"]),
                    "The hearings.",
                ),
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
                "200": _json(
                    _object(
                        {
                            "restrictions": {
                                "type": "array",
                                "items": _ref("Restriction"),
                            }
                        },
                        ["restrictions"],
                    ),
                    "The register.",
                ),
                **_errors(401, 403, 404),
            },
            security=BEARER,
        ),
        "add_restriction": _operation(
            "Add a restriction (editors); withholds every entry that names it, in the"
            " same transaction. `hearing` may rename fields that name the term.",
            {
                "201": _json(
                    _object(
                        {
                            "restriction": _ref("Restriction"),
                            "withheld": WITHHELD_IDS,
                            "hearing": hearing,
                        },
                        ["restriction", "withheld", "hearing"],
                    ),
                    "Added.",
                ),
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
                "200": _json(
                    _object(
                        {
                            "restriction": _ref("Restriction"),
                            "hearing": hearing,
                        },
                        ["restriction", "hearing"],
                    ),
                    "Lifted.",
                ),
                **_errors(401, 403, 404),
            },
            security=BEARER,
        ),
        "list_audit": _operation(
            "The audit trail after `after`, oldest first (editors).",
            {
                "200": _json(
                    _object(
                        {
                            "records": {"type": "array", "items": _ref("AuditRecord")},
                            "last_seq": {"type": "integer", "minimum": 0},
                        },
                        ["records", "last_seq"],
                    ),
                    "A page of records.",
                ),
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
                "200": _json(
                    _object(
                        {
                            "queue": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": ["entry", "state", "release_at", "reason"],
                                    "properties": {
                                        "entry": _ref("Entry"),
                                        "state": {
                                            "type": "string",
                                            "enum": [r.value for r in QueueReason],
                                        },
                                        "release_at": NULLABLE_TIME,
                                        "reason": {"type": "string"},
                                    },
                                },
                            }
                        },
                        ["queue"],
                    ),
                    "The queue.",
                ),
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
                "200": _json(
                    _object(
                        {
                            "withheld": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": ["entry", "field", "message"],
                                    "properties": {
                                        "entry": _ref("Entry"),
                                        "field": {"type": ["string", "null"]},
                                        "message": {"type": ["string", "null"]},
                                    },
                                },
                            }
                        },
                        ["withheld"],
                    ),
                    "Withheld entries.",
                ),
                **_errors(401, 403, 404),
            },
            security=BEARER,
        ),
        "list_entries": _operation(
            "Visible entries, newest first; `before` pages to older ones.",
            {"200": _json(entries_page, "A page of entries."), **_errors(400, 404)},
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
            {"200": _json(events_page, "A page of events."), **_errors(400, 404)},
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
                "200": _json(
                    {"type": "object", "properties": {"photo": _ref("Photo")}},
                    "A retry: the photo as stored.",
                ),
                "201": _json({"type": "object", "properties": {"photo": _ref("Photo")}}, "Stored."),
                **_errors(400, 401, 403, 404, 409, 413, 415, 422, 429),
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
        "media_file": _operation(
            "A photo variant, while the entry that carries it is published.",
            {
                "200": {
                    "description": "The image.",
                    "content": {t: BINARY for t in ("image/webp", "image/jpeg")},
                },
                **_errors(404),
            },
        ),
        "openapi_json": _operation(
            "This document.",
            {"200": _json({"type": "object"}, "The OpenAPI document.")},
        ),
        **_revisions_operation(),
        **_byline_operations(),
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
