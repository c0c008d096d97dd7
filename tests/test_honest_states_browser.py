"""The pages never contradict themselves: a session that ended speaks of waiting updates
only when some wait; the reporter's outbox follows what the desk did to a published
update and writes each hearing's times in that hearing's zone; a closed hearing's page
does not say "Live updates on"; a hearing that has not started cannot be adjourned."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from courtwire.model import Role
from tests.support import LiveServer, Staff, serious_violations
from tests.test_desk_browser import open_desk, signed_in
from tests.test_reporter_app_browser import PASSWORD, open_app
from tests.test_reporter_composer_browser import SCREENS, fits_on_screen, send_and_wait

# A court morning; Almaty's clock for it is read from the browser's own zone data.
MORNING = datetime(2025, 3, 4, 9, 30, tzinfo=UTC)


def reporter_named(server: LiveServer, username: str) -> str:
    server.staff(username, Role.REPORTER)
    return username


def almaty_clock(page: Page, at: datetime) -> str:
    script = (
        "(t) => new Intl.DateTimeFormat('en-GB', {timeZone: 'Asia/Almaty', hour: '2-digit',"
        " minute: '2-digit', hourCycle: 'h23'}).format(new Date(t))"
    )
    return str(page.evaluate(script, at.isoformat()))


@pytest.mark.parametrize("screen", SCREENS)
def test_a_session_that_ended_and_the_outbox_tell_the_same_story(
    browser: Browser, server: LiveServer, editor: Staff, hearing: dict[str, Any], screen: str
) -> None:
    slug = hearing["slug"]
    username = reporter_named(server, f"revoked-{screen}")
    context, page = open_app(browser, server, username, slug, **SCREENS[screen])
    banner, badge = page.locator("#signed-out"), page.locator("#outbox-count")
    item = page.locator("#outbox-list .item")

    context.set_offline(True)
    page.fill("#body", "The jury is out.")
    page.click("#send")
    expect(badge).to_have_text("1")
    assert editor.client.post(f"/api/users/{username}/revoke").status_code == 200
    context.set_offline(False)
    expect(banner).to_have_text("Your session has ended. Sign in again to send what is waiting.")
    # The badge, the outbox and its summary agree with the banner.
    expect(badge).to_have_text("1")
    expect(item).to_have_attribute("data-state", "waiting")
    expect(item.locator(".note")).to_have_text("Waiting for you to sign in again.")
    expect(page.locator("#outbox-state")).to_contain_text("1 update waiting.")
    fits_on_screen(page, "#signed-out")
    assert serious_violations(page) == []
    # Writing on goes on: the next update waits in the outbox too.
    page.fill("#body", "The court rises.")
    page.click("#send")
    expect(badge).to_have_text("2")
    entries = httpx.get(f"{server.url}/api/hearings/{slug}/entries").json()["entries"]
    assert entries == []

    page.click("#sign-in-again")
    page.fill("#login-password", PASSWORD)
    page.click("#login-submit")
    expect(page.locator("#compose-view")).to_be_visible()
    expect(banner).to_be_hidden()
    expect(item.locator(".state")).to_have_text(["Published", "Published"], timeout=15_000)
    expect(badge).to_have_text("0")
    entries = httpx.get(f"{server.url}/api/hearings/{slug}/entries").json()["entries"]
    assert [entry["body"] for entry in entries] == ["The court rises.", "The jury is out."]
    context.close()


def test_the_outbox_follows_the_desk_and_writes_each_hearing_in_its_own_zone(
    browser: Browser, server: LiveServer, editor: Staff
) -> None:
    almaty = editor.create_hearing("R v Almaty", status="live", timezone="Asia/Almaty")
    london = editor.create_hearing("R v London", status="live", timezone="Europe/London")
    username = reporter_named(server, "follower")
    context, page = open_app(browser, server, username, almaty["slug"], **SCREENS["phone-390"])
    page.clock.install(time=MORNING)
    for text in ("The court sits in Almaty.", "Counsel are heard.", "The usher calls a witness."):
        page.fill("#body", text)
        send_and_wait(page)
    items = page.locator("#outbox-list .item")
    expect(items).to_have_count(3)
    expect(items.locator(".state")).to_have_text(["Published"] * 3)  # no seq numbers
    entries = {
        entry["body"]: entry
        for entry in httpx.get(f"{server.url}/api/hearings/{almaty['slug']}/entries").json()[
            "entries"
        ]
    }
    corrected = entries["Counsel are heard."]["id"]
    deleted = entries["The usher calls a witness."]["id"]
    base = f"/api/hearings/{almaty['slug']}/entries"
    change = {"body": "Counsel for the defence are heard.", "correction": "Which counsel."}
    assert editor.client.patch(f"{base}/{corrected}", json=change).status_code == 200
    assert editor.client.delete(f"{base}/{deleted}").status_code == 200

    fixed = page.locator(f"#outbox-list .item[data-id='{corrected}']")
    expect(fixed.locator(".text")).to_have_text("Counsel for the defence are heard.")
    expect(fixed.locator(".state")).to_have_text("Published, since corrected")
    gone = page.locator(f"#outbox-list .item[data-id='{deleted}']")
    expect(gone.locator(".state")).to_have_text("Published, since deleted")

    # In another hearing (London), the Almaty updates keep Almaty's clock.
    page.click("#change-hearing")
    page.locator(f".hearing-choice[data-slug='{london['slug']}']").click()
    expect(page.locator("#compose-view")).to_be_visible()
    first = page.locator("#outbox-list .item", has_text="The court sits in Almaty.")
    expect(first.locator(".where")).to_have_text("in R v Almaty")
    expect(first.locator(".when")).to_have_text(almaty_clock(page, MORNING))
    assert almaty_clock(page, MORNING) != "09:30"
    context.close()


def test_a_later_visit_shows_what_the_desk_did_while_the_app_was_closed(
    browser: Browser, server: LiveServer, editor: Staff, hearing: dict[str, Any]
) -> None:
    slug = hearing["slug"]
    username = reporter_named(server, "returning")
    context, page = open_app(browser, server, username, slug, **SCREENS["phone-320"])
    page.fill("#body", "The defendant stands.")
    send_and_wait(page)
    entry_id = page.locator("#outbox-list .item").get_attribute("data-id")
    page.close()
    base = f"/api/hearings/{slug}/entries/{entry_id}"
    change = {"body": "The defendant remains seated.", "correction": "He did not stand."}
    assert editor.client.patch(base, json=change).status_code == 200
    page = context.new_page()
    page.goto(f"{server.url}/report")
    item = page.locator("#outbox-list .item")
    expect(item.locator(".text")).to_have_text("The defendant remains seated.")
    expect(item.locator(".state")).to_have_text("Published, since corrected")
    context.close()


@pytest.mark.parametrize("screen", ["phone-320", "desktop"])
def test_a_closed_hearing_does_not_say_live_updates_on(
    browser: Browser, server: LiveServer, editor: Staff, screen: str
) -> None:
    hearing = editor.create_hearing("R v Closing", status="live", timezone="Europe/London")
    slug = hearing["slug"]
    context = browser.new_context(**SCREENS[screen])
    page = context.new_page()
    page.goto(f"{server.url}/h/{slug}")
    connection = page.locator("#connection")
    expect(connection).to_have_text("Live updates on")
    assert editor.client.patch(f"/api/hearings/{slug}", json={"status": "closed"}).is_success
    expect(page.locator("#status")).to_have_text("Closed")
    expect(connection).to_have_text("Up to date")
    page.reload()
    expect(connection).to_have_text("Up to date")
    # A correction still reaches the page.
    assert editor.client.patch(f"/api/hearings/{slug}", json={"status": "live"}).is_success
    assert editor.post(slug, "Judgment is reserved.").status_code == 201
    expect(connection).to_have_text("Live updates on")
    expect(page.locator("#entries")).to_contain_text("Judgment is reserved.")
    context.close()


def test_a_scheduled_hearing_offers_no_adjournment(
    browser: Browser, server: LiveServer, editor: Staff
) -> None:
    hearing = editor.create_hearing("R v Later", timezone="Europe/London")
    context = signed_in(browser, editor.token)
    page = open_desk(context, server, f"/hearings/{hearing['slug']}/details")
    actions = page.locator("#status-actions button")
    expect(actions).to_have_text(["Go live", "Close"])
    actions.filter(has_text="Go live").click()
    expect(actions).to_have_text(["Recess", "Adjourn", "Close"])
    context.close()
