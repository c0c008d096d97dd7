"""Posts that wait at the server, in the reporter app: a 202 is neither failed nor sent.
A delayed post counts down with an Undo that pulls it back for good; one left alone turns
Published when it goes out, and an open reader page shows it. Through a real server."""

from __future__ import annotations

import re
from typing import Any

import httpx
from playwright.sync_api import Browser, expect

from tests.support import LiveServer, Staff
from tests.test_reporter_app_browser import new_reporter, open_app


def bodies_in_events(server: LiveServer, slug: str) -> list[str]:
    response = httpx.get(f"{server.url}/api/hearings/{slug}/events?limit=1000")
    return [
        e["data"].get("body", "")
        for e in response.json()["events"]
        if e["type"] != "hearing.updated"
    ]


def test_undo_pulls_a_delayed_post_back_and_another_counts_down_to_published(
    browser: Browser, server: LiveServer, editor: Staff, hearing: dict[str, Any]
) -> None:
    slug = str(hearing["slug"])
    editor.client.patch(f"/api/hearings/{slug}", json={"publish_delay": 120})
    readers = browser.new_context()
    reader = readers.new_page()
    reader.goto(f"{server.url}/h/{slug}")
    expect(reader.locator("#connection")).to_have_attribute("data-state", "live")
    username = new_reporter(server)
    context, page = open_app(browser, server, username, slug)
    expect(page.locator("#hearing-rules")).to_contain_text("120 s after you send them")

    page.fill("#body", "A remark the reporter thinks better of.")
    page.click("#send")
    pulled = page.locator("#outbox-list .item").filter(has_text="thinks better of")
    expect(pulled).to_have_attribute("data-state", "queued")
    expect(pulled.locator(".state")).to_have_text("Delayed")
    clock = pulled.locator(".countdown")
    expect(clock).to_have_text(re.compile(r"^(2:00|1:5\d)$"))
    shown = clock.inner_text()
    expect(clock).not_to_have_text(shown)  # it counts down, live
    expect(page.locator("#outbox-count")).to_have_text("0")  # not waiting to be sent
    pulled.get_by_role("button", name="Undo").click()
    expect(pulled).to_have_attribute("data-state", "pulled")
    expect(pulled.locator(".state")).to_have_text("Pulled back")
    expect(pulled.get_by_role("button", name="Undo")).to_be_hidden()
    assert editor.client.get(f"/api/hearings/{slug}/queue").json()["queue"] == []
    trail = editor.client.get("/api/audit", params={"hearing": slug, "action": "entry.discarded"})
    assert [r["actor"] for r in trail.json()["records"]] == [username]

    editor.client.patch(f"/api/hearings/{slug}", json={"publish_delay": 3})
    expect(page.locator("#hearing-rules")).to_contain_text("3 s after you send them")
    page.fill("#body", "The jury returns to court.")
    page.click("#send")
    kept = page.locator("#outbox-list .item").filter(has_text="The jury returns")
    expect(kept.locator(".countdown")).to_have_text(re.compile(r"^0:0[0-3]$"))
    expect(kept).to_have_attribute("data-state", "published", timeout=15_000)
    expect(kept.locator(".state")).to_have_text("Published")
    expect(reader.locator("#entries .entry")).to_have_count(1)
    expect(reader.locator("#entries .entry .body")).to_have_text("The jury returns to court.")
    expect(pulled).to_have_attribute("data-state", "pulled")

    events = bodies_in_events(server, slug)
    assert events == ["The jury returns to court."]
    assert "thinks better of" not in reader.content()
    readers.close()
    context.close()
