"""Holds, review and the audit trail at the desk, in a real browser against a real server:
the reporter's held posts wait (neither failed nor sent) until an editor releases them
from the Queue panel, one or all in court order; a post under review appears in the
Queue without a reload and a discard is final; the Audit tab shows who did it, filters
and downloads; and the states pass axe, light and dark."""

from __future__ import annotations

import csv
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support import LiveServer, Staff, new_id, serious_violations
from tests.test_desk_browser import open_desk, signed_in
from tests.test_reporter_app_browser import new_reporter, open_app

NOTE = "Reporting paused: legal argument in the jury's absence"


def published_bodies(server: LiveServer, slug: str) -> list[str]:
    response = httpx.get(f"{server.url}/api/hearings/{slug}/events?limit=1000")
    return [e["data"]["body"] for e in response.json()["events"] if e["type"] == "entry.published"]


def send(page: Page, body: str, court_time: str | None = None) -> None:
    """Send from the app an update that the server keeps waiting."""
    page.fill("#body", body)
    if court_time is not None:
        page.fill("#court-time", court_time)
    page.click("#send")
    sent = page.locator("#outbox-list .item").filter(has_text=body)
    expect(sent).to_have_attribute("data-state", "queued")  # at the server, waiting


def queue_post(staff: Staff, slug: str, body: str, kind: str = "note") -> str:
    entry_id = new_id()
    answer = staff.client.post(
        f"/api/hearings/{slug}/entries", json={"id": entry_id, "kind": kind, "body": body}
    )
    assert answer.status_code == 202, answer.text
    return entry_id


def test_held_posts_wait_in_the_app_and_the_desk_releases_one_then_all_in_court_order(
    browser: Browser, server: LiveServer, editor: Staff, hearing: dict[str, Any]
) -> None:
    slug = str(hearing["slug"])
    readers = browser.new_context()
    reader = readers.new_page()
    reader.goto(f"{server.url}/h/{slug}")
    expect(reader.locator("#connection")).to_have_attribute("data-state", "live")
    phone, app = open_app(browser, server, new_reporter(server), slug)
    desk_context = signed_in(browser, editor.token)
    desk = open_desk(desk_context, server, f"/hearings/{slug}/details")

    # The editor holds reporting in the hearing's Details, with a note for readers.
    rules = desk.locator("#details-form fieldset.rules")
    rules.get_by_label("Reporting").select_option("held")
    rules.get_by_label("Note for readers while held").fill(NOTE)
    desk.locator("#details-form").get_by_role("button", name="Save changes").click()
    expect(desk.locator("#reporting-state")).to_be_visible()
    expect(desk.locator("#hold-toggle")).to_have_text("Resume reporting")
    expect(reader.locator("#reporting-held")).to_have_text(NOTE)
    expect(app.locator("#hearing-held")).to_contain_text(NOTE)

    bodies = [
        "The jury leaves the courtroom.",
        "Counsel argues about bad character.",
        "The judge rules.",
    ]
    # Distinct court times a few seconds apart (the same second would tie).
    now = datetime.now(ZoneInfo("Europe/London"))
    for back, body in zip((3, 2, 1), bodies, strict=True):
        send(app, body, (now - timedelta(seconds=back)).strftime("%H:%M:%S"))
    items = app.locator("#outbox-list .item")
    expect(items.and_(app.locator("[data-state='queued']"))).to_have_count(3)
    for item in items.all():
        expect(item.locator(".state")).to_have_text("Held")
        expect(item.locator(".wait")).to_have_text(
            "Held — reporting paused: legal argument in the jury's absence"
        )
    expect(app.locator("#outbox-count")).to_have_text("0")  # not waiting to be sent
    expect(app.locator("#refused-banner")).to_be_hidden()
    assert published_bodies(server, slug) == []

    # The desk's Queue, in court order, with a count on the Moderation tab.
    desk.get_by_role("tab", name="Moderation").click()
    queue = desk.locator("#queue-entries > li")
    expect(queue).to_have_count(3)
    expect(queue.locator(".body")).to_have_text(bodies)
    expect(desk.locator("#queue-badge-count")).to_have_text("3")
    expect(queue.first.locator(".why")).to_have_text(f"Reporting is held: {NOTE}.")

    middle = queue.filter(has_text=bodies[1])
    middle.get_by_role("button", name="Release").click()
    expect(reader.locator("#entries .entry .body")).to_have_text([bodies[1]])
    expect(queue).to_have_count(2)
    expect(items.filter(has_text=bodies[1])).to_have_attribute("data-state", "published")
    expect(items.filter(has_text=bodies[1]).locator(".state")).to_have_text("Published")

    desk.get_by_role("button", name="Release all").click()
    expect(desk.locator("#queue-status")).to_have_text("Released all 2, in court order.")
    expect(queue).to_have_count(0)
    expect(desk.locator("#queue-badge")).to_be_hidden()
    # Newest first on the reader page: court order, whatever the order of release.
    expect(reader.locator("#entries .entry .body")).to_have_text(list(reversed(bodies)))
    assert published_bodies(server, slug) == [bodies[1], bodies[0], bodies[2]]
    expect(items.and_(app.locator("[data-state='published']"))).to_have_count(3)

    # Resuming reporting (the quick control) takes the banners down.
    desk.get_by_role("button", name="Resume reporting").click()
    expect(desk.locator("#hold-toggle")).to_have_text("Hold reporting")
    expect(reader.locator("#reporting-held")).to_be_hidden()
    expect(app.locator("#hearing-held")).to_be_hidden()
    for context in (readers, phone, desk_context):
        context.close()


def test_a_verdict_under_review_appears_in_the_queue_live_and_a_discard_is_final(
    browser: Browser, server: LiveServer, editor: Staff, reporter: Staff, hearing: dict[str, Any]
) -> None:
    slug = str(hearing["slug"])
    editor.client.patch(f"/api/hearings/{slug}", json={"review_kinds": ["verdict"]})
    desk_context = signed_in(browser, editor.token)
    desk = open_desk(desk_context, server, f"/hearings/{slug}/moderate")
    expect(desk.locator("#feed-state")).to_have_attribute("data-state", "live")
    expect(desk.locator("#queue")).to_be_hidden()

    verdict = queue_post(reporter, slug, "Guilty on both counts.", kind="verdict")
    item = desk.locator(f"#queue-{verdict}")
    expect(item).to_be_visible(timeout=10_000)  # no reload
    expect(item.locator(".queue-state")).to_have_text("In review")
    expect(item.locator(".why")).to_have_text("Needs an editor's approval before it is published.")
    expect(desk.locator("#queue-badge-count")).to_have_text("1")

    # A release the server refuses says why, on the item.
    named = queue_post(reporter, slug, "Not guilty: Aigerim Sadykova.", kind="verdict")
    expect(desk.locator(f"#queue-{named}")).to_be_visible(timeout=10_000)
    added = editor.client.post(f"/api/hearings/{slug}/restrictions", json={"term": "Aigerim"})
    assert added.status_code == 201, added.text
    refused = desk.locator(f"#queue-{named}")
    refused.get_by_role("button", name="Release").click()
    expect(refused.locator(".error")).to_contain_text("Not released:")
    expect(refused.locator(".error")).to_contain_text("reporting restriction")
    expect(refused).to_be_visible()

    item.get_by_role("button", name="Discard").click()
    expect(desk.locator("#confirm-dialog")).to_contain_text("Guilty on both counts.")
    desk.locator("#confirm-ok").click()
    expect(item).to_have_count(0)
    with desk.expect_response(lambda answer: answer.url.endswith(f"/{slug}/queue")):
        pass  # the next poll ...
    expect(item).to_have_count(0)  # ... does not bring it back
    expect(desk.locator("#queue-badge-count")).to_have_text("1")
    retry = reporter.client.post(
        f"/api/hearings/{slug}/entries",
        json={"id": verdict, "kind": "verdict", "body": "Guilty on both counts."},
    )
    assert retry.json()["state"] == "discarded"
    assert "Guilty on both counts." not in published_bodies(server, slug)
    assert editor.client.post(f"/api/hearings/{slug}/queue/{verdict}/release").status_code == 409
    desk_context.close()


def audit_rows(page: Page) -> list[tuple[str, str]]:
    rows = page.locator("#audit-rows tr")
    return [
        (row.locator(".actor").inner_text(), row.locator(".action").inner_text())
        for row in rows.all()
    ]


def test_the_audit_tab_shows_who_released_and_discarded_filters_and_downloads_a_csv(
    browser: Browser, server: LiveServer, editor: Staff, hearing: dict[str, Any], tmp_path: Path
) -> None:
    slug = str(hearing["slug"])
    username = new_reporter(server)
    phone, app = open_app(browser, server, username, slug)
    editor.client.patch(f"/api/hearings/{slug}", json={"publish_delay": 300})
    expect(app.locator("#hearing-rules")).to_contain_text("300 s")
    send(app, "A remark pulled back.")
    app.get_by_role("button", name="Undo").click()
    expect(app.locator("#outbox-list .item").first).to_have_attribute("data-state", "pulled")
    send(app, "The court rises.")
    [waiting] = editor.client.get(f"/api/hearings/{slug}/queue").json()["queue"]
    desk_context = signed_in(browser, editor.token)
    desk = open_desk(desk_context, server, f"/hearings/{slug}/moderate")
    desk.locator(f"#queue-{waiting['entry']['id']}").get_by_role("button", name="Release").click()
    expect(desk.locator("#queue-entries > li")).to_have_count(0)

    desk.get_by_role("tab", name="Audit").click()
    expect(desk.locator("#audit-table")).to_be_visible()
    expect(desk.locator("#audit-rows tr[data-action='entry.released']")).to_have_count(1)
    rows = audit_rows(desk)
    assert ("editor-main", "hearing.created") in rows
    assert rows[-4:] == [
        (username, "entry.queued"),
        (username, "entry.discarded"),
        (username, "entry.queued"),
        ("editor-main", "entry.released"),
    ]
    released = desk.locator("#audit-rows tr[data-action='entry.released']")
    expect(released.locator(".target")).to_have_text(waiting["entry"]["id"])
    expect(released.locator(".reason")).to_have_text("delayed")
    released.locator("summary").press("Enter")  # keyboard: before/after open
    expect(released.locator("pre")).to_contain_text('"body": "The court rises."')

    # A refusal of no hearing is reached with the "All" scope.
    assert (
        app.evaluate(
            "fetch('/api/audit', {headers: {Authorization: 'Bearer ' "
            "+ localStorage.getItem('courtwire.token')}}).then(r => r.status)"
        )
        == 403
    )
    desk.get_by_label("Person").fill(username)
    desk.get_by_role("button", name="Show").click()
    expect(desk.locator("#audit-rows tr")).to_have_count(3)
    assert {actor for actor, _ in audit_rows(desk)} == {username}
    desk.get_by_label("Records").select_option("all")
    expect(desk.locator("#audit-rows tr[data-action='request.refused']")).to_have_count(1)
    expect(desk.locator("#audit-rows tr[data-action='request.refused'] .target")).to_have_text(
        "GET /api/audit"
    )

    with desk.expect_download() as download_info:
        desk.get_by_role("link", name="CSV", exact=True).click()
    download = download_info.value
    target = tmp_path / "audit.csv"
    download.save_as(target)
    parsed = list(csv.DictReader(target.read_text(encoding="utf-8").splitlines()))
    assert [(row["actor"], row["action"]) for row in parsed] == [
        (username, "login"),  # the app's sign-in, a record of no hearing
        (username, "entry.queued"),
        (username, "entry.discarded"),
        (username, "entry.queued"),
        (username, "request.refused"),
    ]
    assert json.loads(parsed[2]["before"])["body"] == "A remark pulled back."
    with desk.expect_download() as download_info:
        desk.get_by_role("link", name="JSON", exact=True).click()
    download_info.value.save_as(tmp_path / "audit.json")
    records = json.loads((tmp_path / "audit.json").read_text(encoding="utf-8"))["records"]
    assert [r["action"] for r in records] == [row["action"] for row in parsed]
    phone.close()
    desk_context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_queue_and_the_audit_tab_pass_axe(
    browser: Browser,
    server: LiveServer,
    editor: Staff,
    reporter: Staff,
    hearing: dict[str, Any],
    scheme: str,
) -> None:
    slug = str(hearing["slug"])
    editor.client.patch(
        f"/api/hearings/{slug}",
        json={"reporting": "held", "reporting_note": NOTE, "review_kinds": ["verdict"]},
    )
    held = queue_post(reporter, slug, "Counsel makes a submission.")
    editor.client.patch(f"/api/hearings/{slug}", json={"reporting": "open", "publish_delay": 600})
    queue_post(reporter, slug, "Guilty.", kind="verdict")
    queue_post(reporter, slug, "The jury is sent out.")
    editor.client.patch(f"/api/hearings/{slug}", json={"reporting": "held"})
    context = signed_in(browser, editor.token, color_scheme=scheme)
    desk = open_desk(context, server, f"/hearings/{slug}/moderate")
    expect(desk.locator("#queue-entries > li")).to_have_count(3)
    expect(desk.locator("#queue-entries .countdown")).to_have_count(1)
    editor.client.post(f"/api/hearings/{slug}/restrictions", json={"term": "submission"})
    desk.locator(f"#queue-{held}").get_by_role("button", name="Release").click()
    expect(desk.locator(f"#queue-{held} .error")).to_be_visible()
    assert serious_violations(desk) == []

    desk.get_by_role("tab", name="Details").click()
    expect(desk.locator("#details-form fieldset.rules")).to_be_visible()
    assert serious_violations(desk) == []

    desk.get_by_role("tab", name="Audit").click()
    expect(desk.locator("#audit-rows tr").first).to_be_visible()
    desk.locator("#audit-rows tr[data-action='entry.queued'] summary").first.click()
    expect(desk.locator("#audit-rows tr[data-action='entry.queued'] pre").first).to_be_visible()
    assert serious_violations(desk) == []
    context.close()
