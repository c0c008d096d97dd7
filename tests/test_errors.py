"""Every failure answers {"error": {"code", "message", "field"}} with the right status,
and stores and sends nothing."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import websockets

from courtwire.model import Role
from tests.support import LiveServer, Staff, auth, event_count, new_id, run

LONG = "x" * 5001
TWENTY_DIGITS = "9" * 20


def assert_error(response: httpx.Response, status: int, code: str, field: str | None) -> None:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert set(error) == {"code", "message", "field"}
    assert error["code"] == code
    assert error["field"] == field
    assert isinstance(error["message"], str)
    assert error["message"]


@pytest.mark.parametrize(
    ("payload", "status", "code", "field"),
    [
        ({"kind": "note", "body": "no id"}, 422, "invalid", "id"),
        ({"id": "not-a-uuid", "body": "x"}, 422, "invalid", "id"),
        ({"id": "ID", "kind": "gossip", "body": "x"}, 422, "invalid", "kind"),
        ({"id": "ID", "body": ""}, 422, "invalid", "body"),
        ({"id": "ID", "body": "   "}, 422, "invalid", "body"),
        ({"id": "ID", "body": LONG}, 422, "too_long", "body"),
        ({"id": "ID", "body": 42}, 422, "invalid", "body"),
        ({"id": "ID", "body": "x", "speaker": {"role": "jury"}}, 422, "invalid", "speaker.role"),
        ({"id": "ID", "body": "x", "speaker": "judge"}, 422, "invalid", "speaker"),
        (
            {"id": "ID", "body": "x", "speaker": {"role": "judge", "name": 5}},
            422,
            "invalid",
            "speaker.name",
        ),
        ({"id": "ID", "body": "x", "occurred_at": "yesterday"}, 422, "invalid", "occurred_at"),
        (
            {"id": "ID", "body": "x", "occurred_at": "2020-01-22T11:05:00"},
            422,
            "invalid",
            "occurred_at",
        ),
        ({"id": "ID", "body": "x", "key": "yes"}, 422, "invalid", "key"),
        ({"id": "ID", "body": "x", "author": "someone"}, 422, "unknown_field", "author"),
        (["not", "an", "object"], 422, "invalid", None),
    ],
)
def test_invalid_post_is_refused_and_nothing_is_stored(
    server: LiveServer,
    reporter: Staff,
    hearing: dict[str, Any],
    payload: Any,
    status: int,
    code: str,
    field: str | None,
) -> None:
    slug = hearing["slug"]
    if isinstance(payload, dict) and payload.get("id") == "ID":
        payload["id"] = new_id()
    response = reporter.client.post(f"/api/hearings/{slug}/entries", json=payload)
    assert_error(response, status, code, field)
    assert event_count(server, slug) == 0


def test_malformed_json_is_400(
    server: LiveServer, reporter: Staff, hearing: dict[str, Any]
) -> None:
    response = reporter.client.post(
        f"/api/hearings/{hearing['slug']}/entries",
        content=b'{"id": ',
        headers={"Content-Type": "application/json"},
    )
    assert_error(response, 400, "malformed_json", None)
    assert event_count(server, hearing["slug"]) == 0


@pytest.mark.parametrize("value", ["²", "%C2%B2", TWENTY_DIGITS, "-1", "", "1.5"])
def test_bad_query_numbers_are_400_on_pages_and_api_alike(
    server: LiveServer, hearing: dict[str, Any], value: str
) -> None:
    slug = hearing["slug"]
    page = httpx.get(f"{server.url}/h/{slug}?before={value}")
    assert page.status_code == 400, page.text
    assert page.headers["content-type"].startswith("text/html")
    assert "before must be a non-negative whole number." in page.text
    api = httpx.get(f"{server.url}/api/hearings/{slug}/entries?before={value}")
    assert_error(api, 400, "bad_request", "before")
    assert httpx.get(f"{server.url}/h/{slug}?before=0").status_code == 200


DEEP = 60_000  # under the 64 KiB body limit, far past Python's recursion limit


@pytest.mark.parametrize("path", ["/api/login", "/api/hearings", "/api/hearings/{slug}/entries"])
def test_deeply_nested_json_is_400_too_deep_before_it_is_parsed(
    server: LiveServer, editor: Staff, hearing: dict[str, Any], path: str
) -> None:
    url = server.url + path.format(slug=hearing["slug"])
    for body in (b"[" * DEEP, b'{"a":' * (DEEP // 5), b"[" * 33 + b"]" * 33):
        response = httpx.post(
            url, content=body, headers=auth(editor.token) | {"Content-Type": "application/json"}
        )
        assert_error(response, 400, "too_deep", None)
    assert event_count(server, hearing["slug"]) == 0
    assert "RecursionError" not in server.log()


def test_json_nested_32_deep_and_brackets_in_strings_pass_the_depth_check(
    server: LiveServer,
) -> None:
    json_type = {"Content-Type": "application/json"}
    nested = b"[" * 32 + b"]" * 32
    response = httpx.post(f"{server.url}/api/login", content=nested, headers=json_type)
    assert_error(response, 400, "bad_request", None)
    brackets = {"username": "[{" * 1000, "password": "]}" * 1000}
    response = httpx.post(f"{server.url}/api/login", json=brackets)
    assert response.status_code == 401, response.text
    huge = b'{"username": ' + b"1" * 5000 + b"}"
    answer = httpx.post(f"{server.url}/api/login", content=huge, headers=json_type)
    assert_error(answer, 400, "malformed_json", None)


def test_request_over_the_byte_limit_is_413(
    server: LiveServer, reporter: Staff, hearing: dict[str, Any]
) -> None:
    body = {"id": new_id(), "body": "y" * 70_000}
    response = reporter.client.post(f"/api/hearings/{hearing['slug']}/entries", json=body)
    assert_error(response, 413, "payload_too_large", None)
    assert event_count(server, hearing["slug"]) == 0


def test_no_token_is_401_and_bad_token_is_401(server: LiveServer, hearing: dict[str, Any]) -> None:
    url = f"{server.url}/api/hearings/{hearing['slug']}/entries"
    payload = {"id": new_id(), "body": "x"}
    assert_error(httpx.post(url, json=payload), 401, "no_token", None)
    assert_error(httpx.post(url, json=payload, headers=auth("nope")), 401, "bad_token", None)
    assert_error(
        httpx.post(url, json=payload, headers={"Authorization": "Basic abc"}),
        401,
        "bad_token",
        None,
    )
    assert event_count(server, hearing["slug"]) == 0


def test_unknown_hearing_and_entry_are_404(server: LiveServer, reporter: Staff) -> None:
    assert_error(httpx.get(f"{server.url}/api/hearings/nope"), 404, "hearing_not_found", None)
    assert_error(
        reporter.client.post("/api/hearings/nope/entries", json={"id": new_id(), "body": "x"}),
        404,
        "hearing_not_found",
        None,
    )
    assert_error(httpx.get(f"{server.url}/api/nothing-here"), 404, "not_found", None)


def test_unknown_entry_is_404_on_patch_and_delete(
    reporter: Staff, hearing: dict[str, Any], server: LiveServer
) -> None:
    url = f"/api/hearings/{hearing['slug']}/entries/{new_id()}"
    assert_error(reporter.client.patch(url, json={"body": "x"}), 404, "entry_not_found", None)
    assert_error(reporter.client.delete(url), 404, "entry_not_found", None)
    assert_error(
        reporter.client.delete(f"/api/hearings/{hearing['slug']}/entries/x"), 422, "invalid", "id"
    )
    assert event_count(server, hearing["slug"]) == 0


def test_invalid_revision_is_refused_and_the_entry_unchanged(
    reporter: Staff, hearing: dict[str, Any], server: LiveServer
) -> None:
    slug = hearing["slug"]
    entry = reporter.post(slug, "Original.").json()["entry"]
    url = f"/api/hearings/{slug}/entries/{entry['id']}"
    assert_error(reporter.client.patch(url, json={}), 422, "no_changes", None)
    assert_error(reporter.client.patch(url, json={"body": LONG}), 422, "too_long", "body")
    assert_error(reporter.client.patch(url, json={"id": new_id()}), 422, "unknown_field", "id")
    assert_error(reporter.client.patch(url, json={"pinned": True}), 403, "forbidden", "pinned")
    assert event_count(server, slug) == 1


def test_closed_hearing_refuses_posts_with_409(
    server: LiveServer, editor: Staff, reporter: Staff
) -> None:
    slug = editor.create_hearing("R v Closed", status="closed")["slug"]
    assert_error(reporter.post(slug, "Too late."), 409, "hearing_closed", None)
    assert event_count(server, slug) == 0


def test_taken_explicit_slug_is_409_and_derived_slugs_are_numbered(editor: Staff) -> None:
    first = editor.create_hearing("R v Numbered")
    second = editor.create_hearing("R v Numbered")
    third = editor.create_hearing("R v Numbered")
    assert [first["slug"], second["slug"], third["slug"]] == [
        "r-v-numbered",
        "r-v-numbered-2",
        "r-v-numbered-3",
    ]
    assert first["last_seq"] == 0
    response = editor.client.post("/api/hearings", json={"title": "X", "slug": "r-v-numbered"})
    assert_error(response, 409, "slug_taken", "slug")


@pytest.mark.parametrize(
    ("payload", "code", "field"),
    [
        ({}, "invalid", "title"),
        ({"title": "T", "timezone": "Mars/Olympus"}, "invalid", "timezone"),
        ({"title": "T", "status": "paused"}, "invalid", "status"),
        ({"title": "T", "slug": "Not A Slug"}, "invalid", "slug"),
        ({"title": "T", "restricted_terms": "Jane"}, "invalid", "restricted_terms"),
        ({"title": "T", "restricted_terms": ["!!"]}, "invalid", "restricted_terms"),
        ({"title": "T", "scheduled_start": "soon"}, "invalid", "scheduled_start"),
        ({"title": "T", "judge": "X"}, "unknown_field", "judge"),
    ],
)
def test_invalid_hearing_is_refused(
    editor: Staff, payload: dict[str, Any], code: str, field: str
) -> None:
    before = len(editor.client.get("/api/hearings").json()["hearings"])
    assert_error(editor.client.post("/api/hearings", json=payload), 422, code, field)
    assert len(editor.client.get("/api/hearings").json()["hearings"]) == before


def test_invalid_hearing_patch_appends_no_event(
    editor: Staff, hearing: dict[str, Any], server: LiveServer
) -> None:
    url = f"/api/hearings/{hearing['slug']}"
    assert_error(editor.client.patch(url, json={"status": "paused"}), 422, "invalid", "status")
    assert_error(editor.client.patch(url, json={"slug": "Not A Slug"}), 422, "invalid", "slug")
    taken = editor.create_hearing("R v Taken")["slug"]
    assert_error(editor.client.patch(url, json={"slug": taken}), 409, "slug_taken", "slug")
    assert_error(editor.client.patch(url, json={}), 422, "no_changes", None)
    assert event_count(server, hearing["slug"]) == 0


@pytest.mark.parametrize(
    "query",
    [
        "after=-1",
        "after=x",
        "limit=0",
        "limit=1001",
        "after=1.5",
        "after=²",
        f"after={TWENTY_DIGITS}",
    ],
)
def test_bad_events_query_is_400(server: LiveServer, hearing: dict[str, Any], query: str) -> None:
    response = httpx.get(f"{server.url}/api/hearings/{hearing['slug']}/events?{query}")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"


@pytest.mark.parametrize("after", ["-1", "x", "1e3", "", "²", "%C2%B2", TWENTY_DIGITS])
def test_bad_after_on_the_websocket_is_http_400_before_the_upgrade(
    server: LiveServer, hearing: dict[str, Any], after: str
) -> None:
    async def attempt() -> websockets.InvalidStatus:
        try:
            async with websockets.connect(
                f"{server.ws_url}/ws/hearings/{hearing['slug']}?after={after}"
            ):
                pass
        except websockets.InvalidStatus as refused:
            return refused
        raise AssertionError("the upgrade was accepted")

    refused = run(attempt())
    assert refused.response.status_code == 400
    assert b'"field":"after"' in refused.response.body


async def websocket_refusal(url: str) -> tuple[int, bytes]:
    try:
        async with websockets.connect(url):
            pass
    except websockets.InvalidStatus as refused:
        return refused.response.status_code, refused.response.body or b""
    return 101, b""


async def websocket_status(url: str) -> int:
    return (await websocket_refusal(url))[0]


def test_unknown_hearing_on_the_websocket_is_http_404(server: LiveServer) -> None:
    assert run(websocket_status(f"{server.ws_url}/ws/hearings/nope")) == 404


@pytest.mark.parametrize("path", ["/ws/hearings/", "/ws/hearings/a/b", "/ws/elsewhere"])
def test_websocket_paths_that_are_no_reader_socket_are_a_404_json_error(
    server: LiveServer, hearing: dict[str, object], path: str
) -> None:
    # The protocol serves reader sockets and refuses every other WebSocket path itself.
    status, body = run(websocket_refusal(f"{server.ws_url}{path}"))
    assert status == 404
    assert json.loads(body)["error"]["code"] == "not_found"
    assert run(websocket_status(f"{server.ws_url}/ws/hearings/{hearing['slug']}")) == 101


def test_bad_login_is_401_and_a_good_one_gives_a_working_token(server: LiveServer) -> None:
    server.staff("login-user", Role.REPORTER)
    bad = httpx.post(
        f"{server.url}/api/login", json={"username": "login-user", "password": "wrong password"}
    )
    assert_error(bad, 401, "bad_credentials", None)
    assert_error(
        httpx.post(f"{server.url}/api/login", json={"username": "x"}), 400, "bad_request", None
    )
    good = httpx.post(
        f"{server.url}/api/login",
        json={"username": "login-user", "password": "correct horse battery"},
    )
    assert good.status_code == 200
    assert good.json()["user"] == {"username": "login-user", "role": "reporter"}
    token = good.json()["token"]
    assert httpx.get(f"{server.url}/api/me", headers=auth(token)).status_code == 200
    assert httpx.post(f"{server.url}/api/logout", headers=auth(token)).status_code == 204
    assert_error(httpx.get(f"{server.url}/api/me", headers=auth(token)), 401, "bad_token", None)
