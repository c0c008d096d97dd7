"""The reader page in a real browser: live updates without a reload, a page that does
not move under a reader who scrolled down, every entry without JavaScript, no serious
accessibility violation in light or dark, and screenshots for the README."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, expect

from courtwire.model import Role
from tests.support import SCREENSHOTS, LiveServer, Staff, fill_log, serious_violations

DEMO = "zaysan-border-case"


def entries_of(server: LiveServer, slug: str) -> list[dict[str, Any]]:
    """Every visible entry, newest first, page by page."""
    entries: list[dict[str, Any]] = []
    query = "limit=200"
    while query:
        response = httpx.get(f"{server.url}/api/hearings/{slug}/entries?{query}")
        assert response.status_code == 200
        page = response.json()
        entries += page["entries"]
        query = f"limit=200&before={page['next_before']}" if page["next_before"] else ""
    return entries


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


def test_reader_scrolled_down_gets_a_new_updates_button_and_the_page_does_not_move(
    browser: Browser, server: LiveServer, reporter: Staff, hearing: dict[str, object]
) -> None:
    slug = str(hearing["slug"])
    for number in range(1, 26):
        assert reporter.post(slug, f"Earlier update {number}.").status_code == 201
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto(f"{server.url}/h/{slug}")
    expect(page.locator("#connection")).to_have_attribute("data-state", "live")
    page.evaluate("window.scrollTo(0, 1400)")
    page.wait_for_function("window.scrollY === 1400")
    anchor = page.locator("#entries .entry").nth(12)
    top_before = anchor.evaluate("element => element.getBoundingClientRect().top")

    for number in range(1, 4):
        assert reporter.post(slug, f"Fresh update {number}.").status_code == 201
    button = page.locator("#new-updates")
    expect(button).to_have_text("3 new updates")
    expect(button).to_be_visible()
    assert page.evaluate("window.scrollY") == 1400
    assert anchor.evaluate("element => element.getBoundingClientRect().top") == top_before
    expect(page.locator("#entries .entry")).to_have_count(25)
    expect(page.locator("#announcer")).to_contain_text("Fresh update 3.")

    button.click()
    expect(button).to_be_hidden()
    expect(page.locator("#entries .entry")).to_have_count(28)
    bodies = page.locator("#entries .entry .body").all_inner_texts()
    assert bodies[:4] == [
        "Fresh update 3.",
        "Fresh update 2.",
        "Fresh update 1.",
        "Earlier update 25.",
    ]
    assert page.evaluate("window.scrollY") < 1400
    context.close()


def test_reader_page_shows_corrections_key_events_pinned_entry_and_order_toggle(
    browser: Browser,
    server: LiveServer,
    reporter: Staff,
    editor: Staff,
    hearing: dict[str, object],
) -> None:
    slug = str(hearing["slug"])
    first = reporter.post(
        slug, "The defendant pleads not guilty.", occurred_at="2025-03-03T10:00:00+00:00"
    )
    second = reporter.post(
        slug,
        "Guilty on all counts.",
        kind="verdict",
        key=True,
        occurred_at="2025-03-03T15:00:00+00:00",
    )
    assert first.status_code == second.status_code == 201
    first_id, second_id = first.json()["entry"]["id"], second.json()["entry"]["id"]
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{server.url}/h/{slug}")
    expect(page.locator("#connection")).to_have_attribute("data-state", "live")
    expect(page.locator("#key-list li")).to_have_count(1)
    expect(page.locator("#key-list a")).to_have_attribute("href", f"#entry-{second_id}")
    expect(page.locator(f"#entry-{second_id} .kind")).to_have_text("Verdict")
    # Europe/London, GMT; not today, so dated.
    expect(page.locator(f"#entry-{second_id} time")).to_have_text("3 Mar 2025, 15:00")
    expect(page.locator(f"#entry-{second_id} .ago")).not_to_be_empty()

    correction = {"body": "The defendant pleads guilty.", "correction": "We wrote 'not guilty'."}
    path = f"/api/hearings/{slug}/entries/{first_id}"
    assert editor.client.patch(path, json=correction).status_code == 200
    assert editor.client.patch(path, json={"pinned": True}).status_code == 200
    entry = page.locator(f"#entry-{first_id}")
    expect(entry.locator(".body")).to_have_text("The defendant pleads guilty.")
    expect(entry.locator(".correction")).to_be_visible()
    expect(entry.locator(".correction")).to_contain_text("We wrote 'not guilty'.")
    expect(page.locator(f"#pinned-{first_id}")).to_contain_text("pleads guilty")

    page.locator("#order").click()
    expect(page.locator("#order")).to_have_attribute("aria-pressed", "true")
    ids = page.locator("#entries .entry").evaluate_all(
        "items => items.map(item => item.dataset.id)"
    )
    assert ids == [first_id, second_id]
    page.reload()
    expect(page.locator("#order")).to_have_attribute("aria-pressed", "true")
    ids = page.locator("#entries .entry").evaluate_all(
        "items => items.map(item => item.dataset.id)"
    )
    assert ids == [first_id, second_id]

    page.locator("#key-list a").click()
    expect(page).to_have_url(f"{server.url}/h/{slug}#entry-{second_id}")
    expect(page.locator(f"#entry-{second_id}")).to_be_in_viewport()
    assert page.locator(f"#entry-{second_id}").evaluate("element => element.matches(':target')")
    assert editor.client.delete(f"/api/hearings/{slug}/entries/{second_id}").status_code == 200
    expect(page.locator(f"#entry-{second_id}")).to_have_count(0)
    expect(page.locator("#key-events")).to_be_hidden()
    context.close()


def test_an_older_entry_moved_into_the_loaded_updates_appears_and_older_pages_load_once(
    browser: Browser, fresh_server: LiveServer
) -> None:
    """The page holds the newest 500 updates. An editor moves an older one's court time
    among them: no older page will bring it now, so its correction must show it."""
    fresh_server.start()
    with Staff(fresh_server, fresh_server.staff("ed", Role.EDITOR)) as editor:
        slug = editor.create_hearing("R v Paging", status="live")["slug"]
        fill_log(fresh_server, slug, 510)  # seq 1-510, all at 11:05; the page holds 11-510
        fresh_server.stop()  # the hub reads last_seq afresh
        fresh_server.start()
        every = entries_of(fresh_server, slug)
        assert len(every) == 510
        moved = next(entry for entry in every if entry["body"] == "Backlog 3")
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        page.goto(f"{fresh_server.url}/h/{slug}")
        expect(page.locator("#connection")).to_have_attribute("data-state", "live")
        expect(page.locator("#entries .entry")).to_have_count(500)
        expect(page.locator(f"#entry-{moved['id']}")).to_have_count(0)

        later = {"occurred_at": "2020-01-22T11:30:00+06:00"}
        path = f"/api/hearings/{slug}/entries/{moved['id']}"
        assert editor.client.patch(path, json=later).status_code == 200
        expect(page.locator("#entries .entry").first).to_have_attribute("data-id", moved["id"])
        expect(page.locator("#entries .entry")).to_have_count(501)
        # And the other way: a loaded update moved before every other one.
        back = next(entry for entry in every if entry["body"] == "Backlog 20")
        earlier = {"occurred_at": "2020-01-22T10:00:00+06:00"}
        path = f"/api/hearings/{slug}/entries/{back['id']}"
        assert editor.client.patch(path, json=earlier).status_code == 200
        expect(page.locator("#entries .entry").last).to_have_attribute("data-id", back["id"])

        page.locator("#older-link").click()
        expect(page.locator("#older-status")).to_have_text("9 earlier updates loaded.")
        ids = page.locator("#entries .entry").evaluate_all(
            "items => items.map(item => item.dataset.id)"
        )
        assert len(ids) == len(set(ids)) == 510
        rest = [entry["id"] for entry in every if entry not in (moved, back)]
        assert ids == [moved["id"], *rest, back["id"]]
        expect(page.locator("#older")).to_be_hidden()
        context.close()


def test_without_javascript_the_reader_page_shows_every_entry_of_the_demo_hearing(
    browser: Browser, demo_server: LiveServer
) -> None:
    expected = entries_of(demo_server, DEMO)
    assert len(expected) > 20
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{demo_server.url}/h/{DEMO}")
    ids = page.locator("#entries .entry").evaluate_all(
        "items => items.map(item => item.dataset.id)"
    )
    assert ids == [entry["id"] for entry in expected]
    expect(page.locator("#older")).to_be_hidden()
    expect(page.locator("#status")).to_have_text("Closed")
    expect(page.locator("#key-list li")).to_have_count(sum(1 for e in expected if e["key"]))
    context.close()

    # Pages of the API reach the same entries, oldest last, through `next_before`.
    seen: list[str] = []
    before = ""
    while True:
        url = f"{demo_server.url}/api/hearings/{DEMO}/entries?limit=10{before}"
        body = httpx.get(url).json()
        seen.extend(entry["id"] for entry in body["entries"])
        if body["next_before"] is None:
            break
        before = f"&before={body['next_before']}"
    assert seen == ids


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_reader_page_has_no_serious_accessibility_violation(
    browser: Browser, demo_server: LiveServer, scheme: str
) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 800}, color_scheme=scheme)
    page = context.new_page()
    page.goto(f"{demo_server.url}/h/{DEMO}")
    expect(page.locator("#connection")).to_have_attribute("data-state", "live")
    assert serious_violations(page) == []
    context.close()


def test_reader_page_screenshots_phone_and_desktop(
    browser: Browser, demo_server: LiveServer
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, viewport in (
        ("reader-phone.png", {"width": 360, "height": 800}),
        ("reader-desktop.png", {"width": 1280, "height": 800}),
    ):
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        page.goto(f"{demo_server.url}/h/{DEMO}")
        expect(page.locator("#connection")).to_have_attribute("data-state", "live")
        expect(page.locator("#entries .entry .ago").first).not_to_be_empty()
        page.screenshot(path=SCREENSHOTS / name)
        assert (SCREENSHOTS / name).stat().st_size > 10_000
        context.close()
