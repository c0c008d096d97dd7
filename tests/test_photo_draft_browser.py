"""The photo of an update still being written is part of its draft: a reload or a closed
tab loses none of it (the image, its alt text, caption and confirmation), a draft set
aside for a refused update keeps it, and Send takes it out of the draft. An outbox kept
by the earlier version of the app opens with what it held, and a tab of the app makes
way for a newer version that needs the database. Real server, real Chromium."""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect

from tests.photo_support import encode, noise
from tests.support import LiveServer
from tests.test_photos_browser import choose, photos_of
from tests.test_reporter_app_browser import new_reporter, open_app

SEED = 2112
KEPT_PHOTOS = """() => new Promise((resolve, reject) => {
  const request = indexedDB.open("courtwire-reporter");
  request.onerror = () => reject(request.error);
  request.onsuccess = () => {
    const db = request.result;
    const names = [...db.objectStoreNames];
    if (!names.includes("draft-photos")) { db.close(); resolve(-1); return; }
    const count = db.transaction("draft-photos").objectStore("draft-photos").count();
    count.onsuccess = () => { db.close(); resolve(count.result); };
  };
})"""
"""How many draft photos the phone keeps (-1: the app's database has no place for them)."""


def kept_photos(page: Page, count: int, seconds: float = 15) -> None:
    """Wait until the phone keeps `count` draft photos (IndexedDB answers asynchronously,
    which `wait_for_function` does not wait for: asked again every 50 ms)."""
    deadline = time.monotonic() + seconds
    while (kept := page.evaluate(KEPT_PHOTOS)) != count:
        assert time.monotonic() < deadline, f"{kept} draft photos kept, not {count}"
        page.wait_for_timeout(50)


def attach(page: Page, alt: str, caption: str) -> None:
    choose(page, "#photo-gallery", "steps.png", encode(noise(SEED, (400, 300)), "PNG"), "image/png")
    expect(page.locator("#photo-name")).to_contain_text("Photo attached")
    page.fill("#photo-alt", alt)
    page.fill("#photo-caption", caption)
    page.check("#photo-outside")


def shows_draft(page: Page, body: str) -> None:
    """The composer holds `body` with the photo `attach` put in, as it was described."""
    expect(page.locator("#body")).to_have_value(body)
    expect(page.locator("#photo-name")).to_contain_text("Photo attached")
    expect(page.locator("#photo-alt")).to_have_value("A crowd on the court steps.")
    expect(page.locator("#photo-caption")).to_have_value("After the verdict.")
    expect(page.locator("#photo-outside")).to_be_checked()


def test_a_photo_being_written_about_survives_a_reload_and_leaves_the_draft_when_sent(
    browser: Browser, server: LiveServer, hearing: dict[str, Any]
) -> None:
    print(f"seed={SEED}")
    slug = hearing["slug"]
    context, page = open_app(browser, server, new_reporter(server), slug)
    page.fill("#body", "The crowd sings the anthem outside.")
    attach(page, "A crowd on the court steps.", "After the verdict.")
    kept_photos(page, 1)

    page.reload()
    expect(page.locator("#compose-view")).to_be_visible()
    shows_draft(page, "The crowd sings the anthem outside.")

    page.click("#send")
    expect(page.locator("#outbox-list .item[data-state='published']")).to_have_count(
        1, timeout=60000
    )
    kept_photos(page, 0)
    entries = httpx.get(f"{server.url}/api/hearings/{slug}/entries").json()["entries"]
    assert [(e["body"], e["photo"]["alt"], e["photo"]["caption"]) for e in entries] == [
        ("The crowd sings the anthem outside.", "A crowd on the court steps.", "After the verdict.")
    ]
    assert photos_of(server, slug) == [(400, 300)]

    # Sent: the next draft starts without it, after a reload too.
    page.reload()
    expect(page.locator("#compose-view")).to_be_visible()
    expect(page.locator("#photo-details")).to_be_hidden()
    expect(page.locator("#body")).to_have_value("")
    context.close()


def test_a_photo_removed_from_the_draft_does_not_come_back(
    browser: Browser, server: LiveServer, hearing: dict[str, Any]
) -> None:
    context, page = open_app(browser, server, new_reporter(server), hearing["slug"])
    page.fill("#body", "The lawyer speaks to the press.")
    attach(page, "A lawyer at the microphones.", "")
    kept_photos(page, 1)
    page.click("#photo-remove")
    kept_photos(page, 0)
    page.reload()
    expect(page.locator("#body")).to_have_value("The lawyer speaks to the press.")
    expect(page.locator("#photo-details")).to_be_hidden()
    assert photos_of(server, hearing["slug"]) == []
    context.close()


def test_a_draft_set_aside_for_a_refused_update_keeps_its_photo(
    browser: Browser, server: LiveServer, hearing: dict[str, Any]
) -> None:
    slug = hearing["slug"]
    answers: list[Route] = []

    def hold_first(route: Route) -> None:
        # The first update's answer is held until the next draft is being written.
        if route.request.method == "POST" and not answers:
            answers.append(route)
        else:
            route.continue_()

    context, page = open_app(browser, server, new_reporter(server), slug)
    context.route(f"**/api/hearings/{slug}/entries", hold_first)
    page.fill("#body", "The judge rises.")
    with page.expect_request(lambda request: request.method == "POST"):
        page.click("#send")
    page.fill("#body", "The crowd outside.")
    attach(page, "A crowd on the court steps.", "After the verdict.")
    kept_photos(page, 1)
    assert len(answers) == 1
    answers[0].fulfill(
        status=422,
        json={"error": {"code": "invalid", "message": "Check this update.", "field": "body"}},
    )
    refused = page.locator("#outbox-list .item[data-state='refused']")
    expect(refused).to_have_count(1)
    # The composer is busy with the draft and its photo: the refusal waits for it.
    expect(page.locator("#body")).to_have_value("The crowd outside.")

    refused.locator(".edit").click()
    expect(page.locator("#body")).to_have_value("The judge rises.")
    expect(page.locator("#photo-details")).to_be_hidden()
    held = page.locator("#outbox-list .item[data-state='held']")
    expect(held).to_have_count(1)

    page.click("#send")  # the judge's update again: the server takes it this time
    shows_draft(page, "The crowd outside.")
    page.click("#send")
    expect(page.locator("#outbox-list .item[data-state='published']")).to_have_count(
        2, timeout=60000
    )
    entries = httpx.get(f"{server.url}/api/hearings/{slug}/entries").json()["entries"]
    shown = sorted((e["body"], (e.get("photo") or {}).get("alt")) for e in entries)
    assert shown == [
        ("The crowd outside.", "A crowd on the court steps."),
        ("The judge rises.", None),
    ]
    context.close()


def test_an_outbox_kept_by_the_earlier_app_opens_with_what_it_held(
    browser: Browser, server: LiveServer, hearing: dict[str, Any]
) -> None:
    slug = hearing["slug"]
    username = new_reporter(server)
    item = {
        "id": str(uuid.uuid4()),
        "op": "post",
        "seen": None,
        "current": None,
        "hearing": slug,
        "username": username,
        "payload": {"kind": "note", "body": "Set aside before the update.", "key": False},
        "state": "held",
        "order": 1,
        "created": "2026-11-30T10:00:00.000Z",
        "attempts": 0,
        "note": "",
        "seq": None,
        "error": None,
        "photo": None,
    }
    item["entry"] = item["payload"]["id"] = item["id"]

    def earlier_outbox(context: BrowserContext) -> None:
        """The phone as the earlier app left it: its database at version 1, one draft held."""
        page = context.new_page()
        page.goto(f"{server.url}/healthz")
        page.evaluate(
            """(item) => new Promise((resolve, reject) => {
              const request = indexedDB.open("courtwire-reporter", 1);
              request.onupgradeneeded = () => {
                request.result.createObjectStore("outbox", { keyPath: "id" }).put(item);
              };
              request.onsuccess = () => { request.result.close(); resolve(); };
              request.onerror = () => reject(request.error);
            })""",
            item,
        )
        assert page.evaluate(KEPT_PHOTOS) == -1
        page.close()

    context, page = open_app(browser, server, username, slug, prepare=earlier_outbox)
    # The held draft comes into the empty composer, as it did before the upgrade.
    expect(page.locator("#body")).to_have_value("Set aside before the update.")
    kept_photos(page, 0)
    context.close()


NEWER_APP = """() => new Promise((resolve, reject) => {
  let blocked = false;
  const request = indexedDB.open("courtwire-reporter", 3);
  request.onblocked = () => { blocked = true; };
  request.onsuccess = () => { request.result.close(); resolve(blocked); };
  request.onerror = () => reject(request.error);
})"""
"""A later version of the app opening the database in another tab: whether it was blocked."""


def test_a_tab_of_the_app_makes_way_for_a_newer_version_and_keeps_its_draft(
    browser: Browser, server: LiveServer, hearing: dict[str, Any]
) -> None:
    slug = hearing["slug"]
    context, page = open_app(browser, server, new_reporter(server), slug)
    page.fill("#body", "The jury returns.")
    other = context.new_page()
    other.goto(f"{server.url}/healthz")
    with page.expect_navigation():
        blocked = other.evaluate(NEWER_APP)
    assert blocked is False
    # The draft as it stood when the tab made way (before its 250 ms save was due).
    draft = page.evaluate(f"JSON.parse(localStorage.getItem('courtwire.reporter.draft.{slug}'))")
    assert draft["body"] == "The jury returns."
    context.close()
