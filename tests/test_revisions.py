"""Corrections readers can trust: a corrected entry shows, on request, its earlier public
versions with their times; never one that names a restricted term (added after it was
published: it is "withdrawn"), never a draft that waited in the queue."""

from __future__ import annotations

from typing import Any

import httpx
from playwright.sync_api import Browser, expect

from tests.support import LiveServer, Staff

TERM = "Aigerim Bekova"


def versions(server: LiveServer, slug: str, entry_id: str) -> httpx.Response:
    return httpx.get(f"{server.url}/api/hearings/{slug}/entries/{entry_id}/revisions")


def revise(editor: Staff, slug: str, entry_id: str, **changes: Any) -> dict[str, Any]:
    response = editor.client.patch(f"/api/hearings/{slug}/entries/{entry_id}", json=changes)
    assert response.status_code == 200, response.text
    entry: dict[str, Any] = response.json()["entry"]
    return entry


def corrected_twice(editor: Staff, reporter: Staff) -> tuple[str, str]:
    """An entry published, corrected to name a person, corrected again, pinned; then the
    person's name is restricted."""
    slug = str(editor.create_hearing("R v Versions", status="live", timezone="Asia/Almaty")["slug"])
    posted = reporter.post(slug, "The first witness arrives.", kind="procedural")
    assert posted.status_code == 201, posted.text
    entry_id = str(posted.json()["entry"]["id"])
    revise(editor, slug, entry_id, body=f"{TERM} arrives.", correction="Named the witness.")
    revise(editor, slug, entry_id, body="The witness arrives.", correction="Name taken out.")
    revise(editor, slug, entry_id, pinned=True)  # no new text: no new version
    added = editor.client.post(f"/api/hearings/{slug}/restrictions", json={"term": TERM})
    assert added.status_code == 201, added.text
    return slug, entry_id


def test_versions_leave_out_the_restricted_one_and_the_pin(
    server: LiveServer, editor: Staff, reporter: Staff
) -> None:
    slug, entry_id = corrected_twice(editor, reporter)
    response = versions(server, slug, entry_id)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-cache"
    assert "Bekova" not in response.text
    assert "Aigerim" not in response.text
    body = response.json()
    assert body["id"] == entry_id
    shown = body["revisions"]
    assert len(shown) == 3
    assert [version.get("withdrawn", False) for version in shown] == [False, True, False]
    assert [version.get("body") for version in shown] == [
        "The first witness arrives.",
        None,
        "The witness arrives.",
    ]
    assert shown[0]["revision"] == 1
    assert shown[0]["correction"] is None
    assert shown[0]["kind"] == "procedural"
    assert shown[0]["html"] == "<p>The first witness arrives.</p>"
    assert shown[2]["correction"] == "Name taken out."
    assert set(shown[1]) == {"at", "withdrawn"}
    times = [version["at"] for version in shown]
    assert times == sorted(times)
    etag = response.headers["etag"]
    again = httpx.get(
        f"{server.url}/api/hearings/{slug}/entries/{entry_id}/revisions",
        headers={"If-None-Match": etag},
    )
    assert again.status_code == 304


def test_a_draft_that_waited_in_the_queue_is_no_version(
    server: LiveServer, editor: Staff, reporter: Staff
) -> None:
    slug = str(editor.create_hearing("R v Held Drafts", status="live")["slug"])
    editor.client.patch(f"/api/hearings/{slug}", json={"reporting": "held"})
    waiting = reporter.post(slug, "A first draft, never shown.").json()["entry"]
    assert versions(server, slug, waiting["id"]).status_code == 404  # not published
    revise_waiting = editor.client.patch(
        f"/api/hearings/{slug}/entries/{waiting['id']}", json={"body": "The draft as released."}
    )
    assert revise_waiting.status_code == 202
    released = editor.client.post(f"/api/hearings/{slug}/queue/{waiting['id']}/release")
    assert released.status_code == 201, released.text
    shown = versions(server, slug, waiting["id"]).json()["revisions"]
    assert [version["body"] for version in shown] == ["The draft as released."]
    assert "never shown" not in versions(server, slug, waiting["id"]).text


def test_no_versions_of_a_deleted_unknown_or_malformed_entry(
    server: LiveServer, editor: Staff, reporter: Staff
) -> None:
    slug = str(editor.create_hearing("R v Gone", status="live")["slug"])
    entry_id = reporter.post(slug, "Soon deleted.").json()["entry"]["id"]
    assert editor.client.delete(f"/api/hearings/{slug}/entries/{entry_id}").status_code == 200
    gone = versions(server, slug, entry_id)
    assert (gone.status_code, gone.json()["error"]["code"]) == (404, "not_found")
    unknown = versions(server, slug, "0b6f7a3e-4c55-4d2b-9d0e-6f1f2b8f4a10")
    assert unknown.status_code == 404
    assert versions(server, slug, "not-an-id").status_code in (400, 422)
    assert versions(server, "no-such-hearing", entry_id).status_code == 404


def test_a_reader_opens_the_earlier_versions_of_a_corrected_entry(
    browser: Browser, server: LiveServer, editor: Staff, reporter: Staff
) -> None:
    slug, entry_id = corrected_twice(editor, reporter)
    plain = reporter.post(slug, "Never corrected.").json()["entry"]["id"]
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto(f"{server.url}/h/{slug}")
    expect(page.locator("#connection")).to_have_attribute("data-state", "live")
    expect(page.locator(f"#entry-{plain} .revisions")).to_be_hidden()
    control = page.locator(f"#entry-{entry_id} .revisions")
    expect(control).to_be_visible()
    control.get_by_text("Show earlier versions").click()
    items = control.locator(".revisions-list > li")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_have_class("withdrawn")
    expect(items.nth(0)).to_contain_text("withdrawn: this version is no longer shown.")
    expect(items.nth(1).locator(".body")).to_have_text("The first witness arrives.")
    expect(items.nth(1)).to_contain_text("Procedure")
    assert "Bekova" not in page.content()

    # A new correction arrives live: the control closes, and opens on the new list.
    revise(editor, slug, entry_id, body="The witness arrives late.", correction="Late.")
    expect(page.locator(f"#entry-{entry_id} > .body")).to_have_text("The witness arrives late.")
    expect(control).not_to_have_attribute("open", "")
    control.get_by_text("Show earlier versions").click()
    expect(items).to_have_count(3)
    expect(items.nth(0).locator(".body")).to_have_text("The witness arrives.")
    expect(items.nth(0)).to_contain_text("Correction: Name taken out.")

    # A correction of an entry shown without one brings the control with it.
    revise(editor, slug, plain, body="Corrected once.", correction="Typo.")
    expect(page.locator(f"#entry-{plain} .revisions")).to_be_visible()
    context.close()
