"""A reporter's corrections and deletions go through the outbox, like new updates: kept
on the phone while offline, shown at once as waiting, sent in order, each applied exactly
once (a retry carries the revision it changed), and a correction that crossed someone
else's change comes back as a conflict to resolve, never lost. Through a real server."""

from __future__ import annotations

from typing import Any

import httpx
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect

from tests.support import LiveServer, Staff, serious_violations
from tests.test_reporter_app_browser import new_reporter, open_app


def events(server: LiveServer, slug: str) -> list[dict[str, Any]]:
    response = httpx.get(f"{server.url}/api/hearings/{slug}/events?limit=1000")
    return list(response.json()["events"])


def types(server: LiveServer, slug: str) -> list[str]:
    return [event["type"] for event in events(server, slug)]


def app_with(
    browser: Browser, server: LiveServer, slug: str, *bodies: str
) -> tuple[BrowserContext, Page]:
    """A reporter's phone with the app on the hearing, the updates `bodies` published."""
    context, page = open_app(browser, server, new_reporter(server), slug)
    mine = page.locator("#mine-list .item")
    for body in bodies:
        before = mine.count()
        page.fill("#body", body)
        page.click("#send")
        expect(mine).to_have_count(before + 1)
    return context, page


def go_offline(context: BrowserContext, page: Page) -> None:
    context.set_offline(True)
    expect(page.locator("#net-state")).to_have_attribute("data-state", "offline")


def mine_item(page: Page, text: str) -> Any:
    return page.locator("#mine-list .item").filter(has_text=text)


def correct(page: Page, text: str, body: str) -> None:
    mine_item(page, text).locator("button.edit").click()
    page.fill("#edit-body", body)
    page.click("#edit-save")
    expect(page.locator("#edit-dialog")).to_be_hidden()


def delete(page: Page, text: str) -> None:
    mine_item(page, text).locator("button.delete").click()
    page.locator("#confirm-ok").click()


def entry_of(server: LiveServer, slug: str, body: str) -> dict[str, Any]:
    entries = httpx.get(f"{server.url}/api/hearings/{slug}/entries").json()["entries"]
    [entry] = [entry for entry in entries if entry["body"] == body]
    return dict(entry)


def test_offline_correction_and_deletion_wait_in_the_outbox_and_reach_the_server_once_in_order(
    browser: Browser, server: LiveServer, hearing: dict[str, Any]
) -> None:
    slug = hearing["slug"]
    context, page = app_with(browser, server, slug, "The defendant is 43.", "A typo to remove.")

    go_offline(context, page)
    correct(page, "The defendant is 43.", "The defendant is 34.")
    delete(page, "A typo to remove.")

    # Both wait on the phone, as a correction and a deletion (not as new updates) ...
    outbox = page.locator("#outbox-list .item[data-state='waiting']")
    expect(outbox).to_have_count(2)
    expect(outbox.locator(".state")).to_have_text(["Deletion · Waiting", "Correction · Waiting"])
    expect(page.locator("#outbox-count")).to_have_text("2")
    expect(page.locator("#outbox-state")).to_contain_text("1 correction and 1 deletion waiting.")
    # ... and "My updates" shows them at once, marked as waiting.
    corrected = mine_item(page, "The defendant is 34.")
    expect(corrected).to_have_attribute("data-pending", "waiting")
    expect(corrected.locator(".pending")).to_have_text("Correction waiting to be sent.")
    deleting = mine_item(page, "A typo to remove.")
    expect(deleting).to_have_attribute("data-deleting", "true")
    expect(deleting.locator(".pending")).to_have_text("Deletion waiting to be sent.")
    expect(deleting.locator("button.edit")).to_be_hidden()
    assert types(server, slug) == ["entry.published", "entry.published"]

    context.set_offline(False)
    expect(page.locator("#outbox-list .item[data-state='published']")).to_have_count(
        4, timeout=10_000
    )
    expect(page.locator("#outbox-count")).to_have_text("0")
    # The list settles: the correction as the server has it, the deletion gone.
    mine = page.locator("#mine-list .item")
    expect(mine).to_have_count(1)
    expect(mine.locator(".body")).to_have_text("The defendant is 34.")
    expect(mine.locator(".revision")).to_have_text("revision 2")
    expect(mine.locator(".pending")).to_be_hidden()
    expect(page.locator("#mine-state")).to_have_text("Deleted.")

    log = events(server, slug)
    assert [event["type"] for event in log] == [
        "entry.published",
        "entry.published",
        "entry.revised",
        "entry.deleted",
    ]
    assert log[2]["data"]["body"] == "The defendant is 34."
    assert log[2]["data"]["revision"] == 2
    assert log[3]["data"]["id"] == log[1]["data"]["id"]
    assert serious_violations(page) == []
    context.close()


def test_changes_of_one_entry_go_in_order_each_on_the_revision_the_one_before_left(
    browser: Browser, server: LiveServer, hearing: dict[str, Any]
) -> None:
    slug = hearing["slug"]
    context, page = app_with(browser, server, slug, "First version.")

    go_offline(context, page)
    correct(page, "First version.", "Second version.")
    correct(page, "Second version.", "Third version.")  # corrects what is waiting
    delete(page, "Third version.")
    expect(page.locator("#outbox-list .item[data-state='waiting']")).to_have_count(3)

    context.set_offline(False)
    expect(page.locator("#outbox-list .item[data-state='published']")).to_have_count(
        4, timeout=10_000
    )
    expect(page.locator("#mine-list .item")).to_have_count(0)
    log = events(server, slug)
    assert [event["type"] for event in log] == [
        "entry.published",
        "entry.revised",
        "entry.revised",
        "entry.deleted",
    ]
    context.close()


def test_a_correction_whose_answer_is_lost_is_retried_and_applied_once(
    browser: Browser, server: LiveServer, hearing: dict[str, Any]
) -> None:
    slug = hearing["slug"]
    context, page = app_with(browser, server, slug, "The jury is out.")

    lost: list[int] = []

    def lose_the_first_answer(route: Route) -> None:
        if route.request.method != "PATCH" or lost:
            route.continue_()
            return
        response = route.fetch()  # the server gets it and answers ...
        lost.append(response.status)
        route.abort("connectionreset")  # ... and the phone never hears it

    page.route("**/api/hearings/*/entries/*", lose_the_first_answer)
    correct(page, "The jury is out.", "The jury is out for the night.")
    expect(page.locator("#outbox-list .item[data-op='revise']")).to_have_attribute(
        "data-state", "published", timeout=15_000
    )
    assert lost == [200]
    mine = page.locator("#mine-list .item")
    expect(mine.locator(".body")).to_have_text("The jury is out for the night.")
    expect(mine.locator(".revision")).to_have_text("revision 2")
    assert types(server, slug) == ["entry.published", "entry.revised"]
    assert entry_of(server, slug, "The jury is out for the night.")["revision"] == 2
    context.close()


def test_a_correction_that_crossed_an_editors_change_is_shown_as_a_conflict_and_reapplied(
    browser: Browser, server: LiveServer, editor: Staff, hearing: dict[str, Any]
) -> None:
    slug = hearing["slug"]
    context, page = app_with(browser, server, slug, "The car was red.")
    entry_id = entry_of(server, slug, "The car was red.")["id"]

    go_offline(context, page)
    correct(page, "The car was red.", "The car was blue.")
    expect(page.locator("#outbox-list .item[data-op='revise']")).to_have_attribute(
        "data-state", "waiting"
    )
    changed = editor.client.patch(
        f"/api/hearings/{slug}/entries/{entry_id}", json={"body": "The car was green."}
    )
    assert changed.status_code == 200, changed.text

    context.set_offline(False)
    banner = page.locator("#conflict-banner")
    expect(banner).to_be_visible(timeout=10_000)
    expect(banner).to_contain_text("crossed a newer version")
    expect(page.locator("#outbox-list .item[data-op='revise']")).to_have_attribute(
        "data-state", "conflict"
    )
    item = page.locator("#mine-list .item")
    expect(item).to_have_attribute("data-pending", "conflict")
    assert types(server, slug) == ["entry.published", "entry.revised"]  # nothing applied

    page.locator("#conflict-review").click()
    dialog = page.locator("#conflict-dialog")
    expect(dialog).to_be_visible()
    expect(page.locator("#conflict-mine .body")).to_have_text("The car was blue.")
    expect(page.locator("#conflict-current .body")).to_have_text("The car was green.")
    expect(page.locator("#conflict-current-meta")).to_contain_text("revision 2")
    assert serious_violations(page) == []
    page.locator("#conflict-apply").click()
    expect(dialog).to_be_hidden()

    expect(page.locator("#outbox-list .item[data-op='revise']")).to_have_attribute(
        "data-state", "published", timeout=10_000
    )
    expect(banner).to_be_hidden()
    expect(item.locator(".body")).to_have_text("The car was blue.")
    expect(item.locator(".revision")).to_have_text("revision 3")
    stored = entry_of(server, slug, "The car was blue.")
    assert stored["revision"] == 3
    assert types(server, slug) == ["entry.published", "entry.revised", "entry.revised"]
    context.close()


def test_a_refused_correction_comes_back_with_its_text_and_the_reason(
    browser: Browser, server: LiveServer, editor: Staff
) -> None:
    hearing = editor.create_hearing("R v Refused Correction", status="live", timezone="UTC")
    slug = hearing["slug"]
    context, page = app_with(browser, server, slug, "A witness gave evidence.")
    # A term the app does not know yet (its live copy is updated by the event, but the
    # correction is sent before the reporter could see the warning).
    go_offline(context, page)
    changes = {"restricted_terms": ["Zhana Olmez"]}
    assert editor.client.patch(f"/api/hearings/{slug}", json=changes).status_code == 200
    correct(page, "A witness gave evidence.", "Zhana Olmez gave evidence.")
    context.set_offline(False)

    banner = page.locator("#refused-banner")
    expect(banner).to_be_visible(timeout=10_000)
    expect(banner).to_contain_text("your correction of")
    expect(banner).to_contain_text("reporting restriction")
    expect(page.locator("#mine-list .item")).to_have_attribute("data-pending", "refused")
    page.locator("#refused-edit").click()
    expect(page.locator("#edit-dialog")).to_be_visible()
    expect(page.locator("#edit-body")).to_have_value("Zhana Olmez gave evidence.")
    expect(page.locator("#edit-body-error mark")).to_have_text("Zhana Olmez")
    page.fill("#edit-body", "A protected witness gave evidence.")
    page.click("#edit-save")
    expect(page.locator("#outbox-list .item[data-op='revise']")).to_have_attribute(
        "data-state", "published", timeout=10_000
    )
    expect(banner).to_be_hidden()
    assert entry_of(server, slug, "A protected witness gave evidence.")["revision"] == 2
    context.close()
