"""Roles: anonymous readers, reporters who post and fix their own entries, editors who moderate."""

from __future__ import annotations

from typing import Any

import httpx

from courtwire.model import Role
from tests.support import LiveServer, Staff, event_count, new_id


def test_anonymous_cannot_post(server: LiveServer, hearing: dict[str, Any]) -> None:
    response = httpx.post(
        f"{server.url}/api/hearings/{hearing['slug']}/entries", json={"id": new_id(), "body": "x"}
    )
    assert response.status_code == 401
    assert event_count(server, hearing["slug"]) == 0


def test_reporter_cannot_create_or_change_hearings(
    server: LiveServer, reporter: Staff, hearing: dict[str, Any]
) -> None:
    created = reporter.client.post("/api/hearings", json={"title": "R v Reporter"})
    changed = reporter.client.patch(f"/api/hearings/{hearing['slug']}", json={"status": "closed"})
    assert created.status_code == 403
    assert created.json()["error"]["code"] == "forbidden"
    assert changed.status_code == 403
    assert event_count(server, hearing["slug"]) == 0
    titles = [h["title"] for h in httpx.get(f"{server.url}/api/hearings").json()["hearings"]]
    assert "R v Reporter" not in titles


def test_reporter_cannot_edit_or_delete_another_reporters_entry_but_an_editor_can(
    server: LiveServer, reporter: Staff, editor: Staff, hearing: dict[str, Any]
) -> None:
    slug = hearing["slug"]
    entry = reporter.post(slug, "Mine.").json()["entry"]
    url = f"/api/hearings/{slug}/entries/{entry['id']}"
    with Staff(server, server.staff(f"other-{new_id()[:8]}", Role.REPORTER)) as other:
        assert other.client.patch(url, json={"body": "Theirs."}).status_code == 403
        assert other.client.delete(url).status_code == 403
    assert event_count(server, slug) == 1
    revised = editor.client.patch(url, json={"body": "Edited by the desk.", "pinned": True})
    assert revised.status_code == 200
    assert revised.json()["entry"]["pinned"] is True
    assert revised.json()["entry"]["author"] == entry["author"]
    assert editor.client.delete(url).status_code == 200
    assert event_count(server, slug) == 3


def test_author_revises_own_entry_with_a_correction_note(
    server: LiveServer, reporter: Staff, hearing: dict[str, Any]
) -> None:
    slug = hearing["slug"]
    entry = reporter.post(slug, "Three months.", key=True).json()["entry"]
    response = reporter.client.patch(
        f"/api/hearings/{slug}/entries/{entry['id']}",
        json={"body": "Three months and **three days**.", "correction": "Detention was longer."},
    )
    assert response.status_code == 200
    revised = response.json()["entry"]
    assert revised["revision"] == 2
    assert revised["correction"] == "Detention was longer."
    assert revised["html"] == "<p>Three months and <strong>three days</strong>.</p>"
    assert revised["key"] is True
    assert response.json()["seq"] == 2
    events = httpx.get(f"{server.url}/api/hearings/{slug}/events").json()["events"]
    assert [e["type"] for e in events] == ["entry.published", "entry.revised"]
    assert events[1]["data"] == revised


def test_staff_see_restricted_terms_and_the_public_does_not(
    server: LiveServer, editor: Staff, reporter: Staff
) -> None:
    slug = editor.create_hearing("R v Terms", restricted_terms=["Jane Roe"])["slug"]
    public = httpx.get(f"{server.url}/api/hearings/{slug}").json()
    staff = reporter.client.get(f"/api/hearings/{slug}").json()
    assert "restricted_terms" not in public
    assert staff["restricted_terms"] == ["Jane Roe"]
    patched = editor.client.patch(
        f"/api/hearings/{slug}", json={"restricted_terms": ["Jane Roe", "Witness B"]}
    )
    assert patched.json()["restricted_terms"] == ["Jane Roe", "Witness B"]
    event = httpx.get(f"{server.url}/api/hearings/{slug}/events").json()["events"][0]
    assert event["type"] == "hearing.updated"
    assert "restricted_terms" not in event["data"]
    assert "Jane" not in str(event)


def test_editor_can_add_reporters_but_not_admins(server: LiveServer, editor: Staff) -> None:
    name = f"new-{new_id()[:8]}"
    created = editor.client.post("/api/users", json={"username": name, "role": "reporter"})
    assert created.status_code == 201
    password = created.json()["password"]
    login = httpx.post(f"{server.url}/api/login", json={"username": name, "password": password})
    assert login.status_code == 200
    refused = editor.client.post("/api/users", json={"username": f"{name}-a", "role": "admin"})
    assert refused.status_code == 403
    users = [u["username"] for u in editor.client.get("/api/users").json()["users"]]
    assert name in users
    assert f"{name}-a" not in users
