"""Holds in a real browser: an open reader page shows the court's hold within a second,
sees nothing of what waits, and shows a released post live."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Browser, expect

from tests.support import LiveServer, Staff, new_id, serious_violations


def test_a_hold_shows_live_and_a_released_post_appears_on_an_open_page(
    browser: Browser, server: LiveServer, editor: Staff, reporter: Staff, hearing: dict[str, Any]
) -> None:
    slug = str(hearing["slug"])
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{server.url}/h/{slug}")
    expect(page.locator("#connection")).to_have_attribute("data-state", "live")
    banner = page.locator("#reporting-held")
    expect(banner).to_be_hidden()

    note = "Reporting paused: legal argument in the jury's absence."
    editor.client.patch(f"/api/hearings/{slug}", json={"reporting": "held", "reporting_note": note})
    expect(banner).to_be_visible(timeout=1000)
    expect(banner).to_have_text(note)
    assert serious_violations(page) == []

    entry_id = new_id()
    waiting = reporter.client.post(
        f"/api/hearings/{slug}/entries",
        json={"id": entry_id, "kind": "note", "body": "Counsel makes a submission."},
    )
    assert waiting.status_code == 202
    page.reload()
    expect(banner).to_have_text(note)
    expect(page.locator("#connection")).to_have_attribute("data-state", "live")
    assert "Counsel makes a submission." not in page.content()

    editor.client.patch(f"/api/hearings/{slug}", json={"reporting": "open"})
    expect(banner).to_be_hidden(timeout=1000)
    assert "Counsel makes a submission." not in page.content()
    released = editor.client.post(f"/api/hearings/{slug}/queue/{entry_id}/release")
    assert released.status_code == 201
    expect(page.locator(f"#entry-{entry_id} .body")).to_have_text(
        "Counsel makes a submission.", timeout=1000
    )
    context.close()
