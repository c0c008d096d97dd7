"""Smaller findings of the security review, each through a real server."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import websockets

from courtwire.model import Role
from tests.support import LiveServer, Staff, auth, run


def test_a_court_time_in_the_future_is_refused_and_nothing_stored(
    server: LiveServer, editor: Staff, reporter: Staff, hearing: dict[str, Any]
) -> None:
    slug = hearing["slug"]
    ahead = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    refused = reporter.post(slug, "Top of the page forever.", occurred_at="9998-01-01T00:00:00Z")
    assert (refused.status_code, refused.json()["error"]["field"]) == (422, "occurred_at")
    assert reporter.post(slug, "Two hours ahead.", occurred_at=ahead).status_code == 422
    entry = reporter.post(slug, "Now.").json()["entry"]
    moved = reporter.client.patch(
        f"/api/hearings/{slug}/entries/{entry['id']}", json={"occurred_at": ahead}
    )
    assert (moved.status_code, moved.json()["error"]["field"]) == (422, "occurred_at")
    bodies = [
        e["data"].get("body")
        for e in httpx.get(f"{server.url}/api/hearings/{slug}/events").json()["events"]
    ]
    assert bodies == ["Now."]


def test_a_closed_hearing_is_edited_only_by_editors(editor: Staff, reporter: Staff) -> None:
    slug = editor.create_hearing("R v Closed Edits", status="live")["slug"]
    entry = reporter.post(slug, "The jury retires.").json()["entry"]
    editor.client.patch(f"/api/hearings/{slug}", json={"status": "closed"})
    url = f"/api/hearings/{slug}/entries/{entry['id']}"
    for response in (
        reporter.client.patch(url, json={"body": "Edited."}),
        reporter.client.delete(url),
    ):
        assert (response.status_code, response.json()["error"]["code"]) == (409, "hearing_closed")
    corrected = editor.client.patch(url, json={"correction": "Time corrected.", "key": True})
    assert corrected.status_code == 200


def test_the_post_limit_counts_per_account_and_covers_edits(tmp_path: Any) -> None:
    server = LiveServer(tmp_path, post_limit="3")
    server.start()
    try:
        with Staff(server, server.staff("desk", Role.EDITOR)) as editor:
            slug = editor.create_hearing("R v Limits", status="live")["slug"]
        with Staff(server, server.staff("amina")) as first:
            entry = first.post(slug, "One.").json()["entry"]
            second_token = httpx.post(
                f"{server.url}/api/login",
                json={"username": "amina", "password": "correct horse battery"},
            ).json()["token"]
            url = f"/api/hearings/{slug}/entries/{entry['id']}"
            assert first.client.patch(url, json={"body": "Two."}).status_code == 200
            assert first.post(slug, "Three.").status_code == 201
            with Staff(server, second_token) as again:
                limited = again.post(slug, "Four, from a new sign-in.")
                assert limited.status_code == 429
                assert int(limited.headers["retry-after"]) >= 1
                assert again.client.delete(url).status_code == 429
    finally:
        server.stop()


def test_signed_in_answers_are_never_cached_and_a_stale_token_reads_the_public_view(
    server: LiveServer, editor: Staff
) -> None:
    slug = editor.create_hearing("R v Caching", restricted_terms=["Zhana Olmez"])["slug"]
    staff = editor.client.get(f"/api/hearings/{slug}")
    assert staff.json()["restricted_terms"] == ["Zhana Olmez"]
    assert staff.headers["cache-control"] == "no-store"
    stale = auth("not-a-token-anyone-has")
    one = httpx.get(f"{server.url}/api/hearings/{slug}", headers=stale)
    listed = httpx.get(f"{server.url}/api/hearings", headers=stale)
    assert (one.status_code, listed.status_code) == (200, 200)
    mine = [h for h in listed.json()["hearings"] if h["slug"] == slug]
    for view in (one.json(), *mine):
        assert "restricted_terms" not in view
        assert "Zhana" not in json.dumps(view)
    assert httpx.get(f"{server.url}/api/me", headers=stale).status_code == 401


def failed_logins(server: LiveServer, count: int, forwarded: bool) -> list[int]:
    statuses = []
    for n in range(count):
        headers = {"X-Forwarded-For": f"203.0.113.{n}"} if forwarded else {}
        answer = httpx.post(
            f"{server.url}/api/login",
            json={"username": f"nobody-{n}", "password": "wrong password here"},
            headers=headers,
            timeout=30,
        )
        statuses.append(answer.status_code)
    return statuses


def test_forwarded_addresses_are_believed_only_from_the_configured_proxy(tmp_path: Any) -> None:
    # One failed login per account, five per address (COURTWIRE_LOGIN_LIMIT=1).
    untrusting = LiveServer(tmp_path / "a", login_limit="1")
    trusting = LiveServer(tmp_path / "b", login_limit="1", forwarded_allow_ips="127.0.0.1")
    for server in (untrusting, trusting):
        server.directory.mkdir()
        server.start()
    try:
        # By default a client rotating X-Forwarded-For is still one address.
        assert failed_logins(untrusting, 6, forwarded=True)[-1] == 429
        # Behind the configured proxy, each forwarded address counts on its own.
        assert failed_logins(trusting, 6, forwarded=True) == [401] * 6
    finally:
        for server in (untrusting, trusting):
            server.stop()


def test_one_client_cannot_hold_more_reader_slots_than_its_share(tmp_path: Any) -> None:
    server = LiveServer(tmp_path, readers_per_address="3", forwarded_allow_ips="10.9.0.0/16")
    server.start()
    try:
        with Staff(server, server.staff("desk", Role.EDITOR)) as editor:
            slug = editor.create_hearing("R v Slots", status="live")["slug"]
        url = f"{server.ws_url}/ws/hearings/{slug}"

        async def scenario() -> tuple[int, int, int]:
            held = [await websockets.connect(url) for _ in range(3)]
            for ws in held:
                assert json.loads(await ws.recv())["type"] == "hello"
            with pytest.raises(websockets.InvalidStatus) as refused:
                await websockets.connect(url)
            status = refused.value.response.status_code
            retry = int(refused.value.response.headers["Retry-After"])
            # X-Forwarded-For from a peer that is not a trusted proxy changes nothing.
            with pytest.raises(websockets.InvalidStatus):
                await websockets.connect(url, additional_headers={"X-Forwarded-For": "1.2.3.4"})
            await held.pop().close()
            again = await websockets.connect(url)  # the slot it left is free again
            await again.close()
            for ws in held:
                await ws.close()
            return status, retry, len(held)

        status, retry, left = run(scenario())
        assert (status, retry, left) == (429, 30, 2)
    finally:
        server.stop()


def test_server_sent_event_streams_count_against_the_same_share(tmp_path: Any) -> None:
    server = LiveServer(tmp_path, readers_per_address="2")
    server.start()
    try:
        with Staff(server, server.staff("desk", Role.EDITOR)) as editor:
            slug = editor.create_hearing("R v Streams", status="live")["slug"]
        url = f"{server.url}/h/{slug}/events.sse"
        with httpx.Client(timeout=10) as client:
            with client.stream("GET", url) as first, client.stream("GET", url) as second:
                assert (first.status_code, second.status_code) == (200, 200)
                third = client.get(url)
                assert third.status_code == 429
                assert third.json()["error"]["code"] == "rate_limited"
            # Both left: their slots come back once the server sees them go.
            deadline = time.monotonic() + 5
            status = 0
            while status != 200 and time.monotonic() < deadline:
                with client.stream("GET", url) as again:
                    status = again.status_code
            assert status == 200
    finally:
        server.stop()
