"""The reader page in a real browser: live updates arrive without a reload."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.support import LiveServer, Staff


def test_posted_update_appears_on_an_open_reader_page_without_reload(
    browser: Browser, server: LiveServer, reporter: Staff, hearing: dict[str, object]
) -> None:
    slug = hearing["slug"]
    assert reporter.post(str(slug), "Before the page opened.").status_code == 201
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto(f"{server.url}/h/{slug}")
    expect(page.locator("#connection")).to_have_attribute("data-state", "live")
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    assert reporter.post(str(slug), "The jury is back.").status_code == 201
    expect(page.locator("#entries .entry")).to_have_count(2, timeout=1000)
    expect(page.locator("#entries .entry").first).to_contain_text("The jury is back.")
    assert navigations == []
    context.close()
