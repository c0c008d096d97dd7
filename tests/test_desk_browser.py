"""The editor desk (/desk) in a real browser: moderation seen live by readers, hearings
and people, replay of the demo hearing, accessibility and screenshots."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Locator, Page, expect

from courtwire.events import Event
from courtwire.model import Role
from courtwire.timeline import replay
from tests.support import SCREENSHOTS, LiveServer, Staff, auth, new_id, serious_violations

DEMO = "zaysan-border-case"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, str]]:
    """A server with the demo hearing, and an editor's token."""
    live = LiveServer(tmp_path_factory.mktemp("demo"), demo="1")
    live.start()
    try:
        yield live, live.staff("desk-editor", Role.EDITOR)
    finally:
        live.stop()


def csp_watch(page: Page) -> list[str]:
    """Console messages that report a Content-Security-Policy violation or a script error."""
    problems: list[str] = []

    def check(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or (
            message.type == "error" and "Refused" in message.text
        ):
            problems.append(message.text)

    page.on("console", check)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def signed_in(
    browser: Browser, token: str, *, width: int = 1280, height: int = 800, **options: Any
) -> BrowserContext:
    context = browser.new_context(viewport={"width": width, "height": height}, **options)
    context.add_init_script(f"localStorage.setItem('courtwire.token', {token!r})")
    return context


def open_desk(context: BrowserContext, server: LiveServer, fragment: str) -> Page:
    page = context.new_page()
    page.goto(f"{server.url}/desk#{fragment}")
    expect(page.locator("body")).to_have_attribute("data-state", "desk")
    return page


def post(reporter: Staff, slug: str, body: str) -> str:
    entry_id = new_id()
    response = reporter.client.post(
        f"/api/hearings/{slug}/entries", json={"id": entry_id, "kind": "note", "body": body}
    )
    assert response.status_code == 201, response.text
    return entry_id


def test_an_editor_corrects_and_deletes_and_an_open_reader_page_shows_both_live(
    browser: Browser, server: LiveServer, editor: Staff, reporter: Staff, hearing: dict[str, Any]
) -> None:
    slug = str(hearing["slug"])
    kept = post(reporter, slug, "The witness says the car was red.")
    dropped = post(reporter, slug, "A remark the court ordered not to be reported.")
    readers = browser.new_context()
    reader = readers.new_page()
    reader.goto(f"{server.url}/h/{slug}")
    expect(reader.locator("#connection")).to_have_attribute("data-state", "live")
    expect(reader.locator("#entries .entry")).to_have_count(2)
    navigations: list[str] = []
    reader.on("framenavigated", lambda frame: navigations.append(frame.url))

    desk_context = signed_in(browser, editor.token)
    desk = open_desk(desk_context, server, f"/hearings/{slug}/moderate")
    problems = csp_watch(desk)
    expect(desk.locator("#feed-state")).to_have_attribute("data-state", "live")
    expect(desk.locator("#mod-entries > li")).to_have_count(2)
    item = desk.locator(f"#mod-{kept}")
    item.get_by_role("button", name="Edit", exact=True).click()
    item.locator("textarea[name=body]").fill("The witness says the car was blue.")
    item.locator("input[name=correction]").fill("An earlier version said the car was red.")
    item.get_by_role("button", name="Save", exact=True).click()

    corrected = reader.locator(f"#entry-{kept}")
    expect(corrected.locator(".correction")).to_be_visible(timeout=3000)
    expect(corrected.locator(".correction .text")).to_have_text(
        "An earlier version said the car was red."
    )
    expect(corrected.locator(".body")).to_have_text("The witness says the car was blue.")
    expect(item.locator(".correction")).to_contain_text("An earlier version said the car was red.")
    expect(item.locator(".byline")).to_have_text(f"by {reporter_name(reporter)} · revision 2")

    desk.locator(f"#mod-{dropped}").get_by_role("button", name="Delete", exact=True).click()
    dialog = desk.locator("#confirm-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("A remark the court ordered not to be reported.")
    desk.locator("#confirm-ok").click()

    expect(reader.locator(f"#entry-{dropped}")).to_have_count(0, timeout=3000)
    expect(reader.locator("#entries .entry")).to_have_count(1)
    expect(desk.locator("#mod-entries > li")).to_have_count(1)
    assert reader.locator("#entries").inner_text().count("ordered not to be reported") == 0
    assert navigations == []
    stored = editor.client.get(f"/api/hearings/{slug}/entries").json()["entries"]
    assert [(e["id"], e["revision"], e["correction"]) for e in stored] == [
        (kept, 2, "An earlier version said the car was red.")
    ]
    assert problems == []
    desk_context.close()
    readers.close()


def reporter_name(reporter: Staff) -> str:
    return str(reporter.client.get("/api/me").json()["user"]["username"])


PLAY_LINE = """
async (slug) => {
  const t = await import("/static/js/timeline.js");
  const log = await fetch(`/api/hearings/${slug}/events?limit=1000`).then((r) => r.json());
  const line = t.playLine(log.events);
  const index = log.events.findIndex(
    (e) => e.type === "entry.published" && e.data.kind === "sentence");
  return { marks: line.marks, length: line.length, sentence: index };
}
"""


def replay_ids(page: Page) -> list[str]:
    ids: list[str] = page.locator("#replay-entries .entry").evaluate_all(
        "nodes => nodes.map((node) => node.dataset.id)"
    )
    return ids


def test_replay_of_the_demo_scrubs_before_the_sentence_and_plays_to_the_readers_page(
    browser: Browser, demo: tuple[LiveServer, str]
) -> None:
    server, token = demo
    log = httpx.get(f"{server.url}/api/hearings/{DEMO}/events?limit=1000").json()
    events = [Event.decode(json.dumps(event)) for event in log["events"]]
    context = signed_in(browser, token)
    page = open_desk(context, server, f"/hearings/{DEMO}/replay")
    problems = csp_watch(page)
    expect(page.locator("#replay-progress")).to_have_text(f"Event 1 of {len(events)}")
    expect(page.locator("#replay-skipped")).to_contain_text("skipped")
    line = page.evaluate(PLAY_LINE, DEMO)
    sentence = events[line["sentence"]]
    assert sentence.data["kind"] == "sentence"

    # Scrub to one second before the sentence: the page as readers saw it then.
    page.locator("#replay-scrub").fill(str(line["marks"][line["sentence"]] - 1000))
    expect(page.locator("#panel-replay")).to_have_attribute("data-applied", str(line["sentence"]))
    expect(page.locator("#replay-clock")).to_have_text("Mon, 20 Jan 2020, 12:00:59")
    before = replay(events, until=datetime.fromisoformat(sentence.at) - timedelta(seconds=1))
    assert replay_ids(page) == [entry.id for entry in before.visible()]
    assert len(before.visible()) > 10
    expect(page.locator("#replay-entries .kind-sentence")).to_have_count(0)
    assert "One year" not in page.locator("#replay-entries").inner_text()
    expect(page.locator("#replay-status")).to_have_text("Live")

    page.locator("#replay-scrub").fill(str(line["marks"][line["sentence"]]))
    expect(page.locator("#replay-entries .kind-sentence")).to_have_count(1)

    # Play the last events at 60×: the clock must really run to the end.
    start = line["marks"][-6]
    page.locator("#replay-scrub").fill(str(start))
    page.get_by_label("60×").check()
    started = time.monotonic()
    page.locator("#replay-play").click()
    expect(page.locator("#panel-replay")).to_have_attribute("data-playing", "true")
    expect(page.locator("#panel-replay")).to_have_attribute(
        "data-applied", str(len(events)), timeout=15000
    )
    expect(page.locator("#panel-replay")).to_have_attribute("data-playing", "false")
    elapsed = time.monotonic() - started
    assert elapsed >= (line["length"] - start) / 60 / 1000 * 0.8
    expect(page.locator("#replay-status")).to_have_text("Closed")
    expect(page.locator("#replay-progress")).to_have_text(f"Event {len(events)} of {len(events)}")

    reader = context.new_page()
    reader.goto(f"{server.url}/h/{DEMO}")
    reader_ids = reader.locator("#entries .entry").evaluate_all(
        "nodes => nodes.map((node) => node.dataset.id)"
    )
    assert len(reader_ids) == len(replay(events).visible()) > 30
    assert replay_ids(page) == reader_ids
    assert problems == []
    context.close()


def test_the_desk_creates_a_hearing_changes_its_status_and_manages_a_reporter(
    browser: Browser, server: LiveServer
) -> None:
    suffix = new_id()[:8]
    editor_name = f"desk-{suffix}"
    editor_token = server.staff(editor_name, Role.EDITOR)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    problems = csp_watch(page)
    page.goto(f"{server.url}/desk")
    page.locator("#login-username").fill(editor_name)
    page.locator("#login-password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.locator("#whoami")).to_have_text(f"{editor_name} (editor)")

    page.get_by_role("link", name="New hearing", exact=True).click()
    form = page.locator("#create-form")
    form.get_by_label("Title", exact=True).fill(f"R v Desk {suffix}")
    form.get_by_label("Court", exact=True).fill("Southwark Crown Court")
    form.get_by_label("Case reference", exact=True).fill("T20260042")
    form.get_by_label("Time zone", exact=True).fill("Europe/London")
    form.get_by_label("Scheduled start (court time)", exact=True).fill("2026-07-02T10:00")
    form.get_by_label("Reporting restrictions: restricted terms", exact=True).fill(
        "Witness X\nJohn Q Public"
    )
    form.get_by_role("button", name="Create hearing", exact=True).click()
    expect(page.locator("#hearing-title")).to_have_text(f"R v Desk {suffix}")
    slug = f"r-v-desk-{suffix}"
    assert page.url.endswith(f"#/hearings/{slug}/moderate")
    staff = httpx.Client(base_url=server.url, headers=auth(editor_token))
    stored = staff.get(f"/api/hearings/{slug}").json()
    assert stored["restricted_terms"] == ["Witness X", "John Q Public"]
    assert stored["scheduled_start"] == "2026-07-02T10:00:00+01:00"  # BST
    assert (stored["court"], stored["case_ref"], stored["status"]) == (
        "Southwark Crown Court",
        "T20260042",
        "scheduled",
    )

    status = page.locator("#hearing-status")
    page.get_by_role("button", name="Go live", exact=True).click()
    expect(status).to_have_text("Live")
    page.get_by_role("button", name="Recess", exact=True).click()
    expect(status).to_have_text("In recess")
    page.get_by_role("button", name="Resume", exact=True).click()
    expect(status).to_have_text("Live")
    assert staff.get(f"/api/hearings/{slug}").json()["status"] == "live"
    expect(page.locator(f'#hearing-list a[data-slug="{slug}"] .status')).to_have_text("Live")

    page.get_by_role("link", name="People", exact=True).click()
    reporter_name = f"court-{suffix}"
    page.locator("#user-username").fill(reporter_name)
    page.locator("#user-role").select_option("reporter")
    page.get_by_role("button", name="Create account", exact=True).click()
    expect(page.locator("#new-password")).to_be_visible()
    expect(page.locator("#new-password-user")).to_have_text(reporter_name)
    password = page.locator("#new-password-value").inner_text()
    expect(page.locator(f'#user-rows tr[data-username="{reporter_name}"]')).to_contain_text(
        "reporter"
    )
    signed = httpx.post(
        f"{server.url}/api/login", json={"username": reporter_name, "password": password}
    )
    assert signed.status_code == 200, signed.text
    reporter_token = signed.json()["token"]
    as_reporter = httpx.Client(base_url=server.url, headers=auth(reporter_token))
    assert as_reporter.get("/api/me").json()["user"] == {
        "username": reporter_name,
        "role": "reporter",
    }
    refused = as_reporter.post(
        f"/api/hearings/{slug}/entries",
        json={"id": new_id(), "body": "The court heard from witness x today."},
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "restricted_term"

    page.locator(f'#user-rows tr[data-username="{reporter_name}"]').get_by_role(
        "button", name=f"Revoke every token of {reporter_name}"
    ).click()
    page.locator("#confirm-ok").click()
    expect(page.locator("#toast")).to_contain_text(f"{reporter_name}: 1 token revoked.")
    assert as_reporter.get("/api/me").status_code == 401

    page.get_by_role("link", name="Hearings", exact=True).click()
    page.locator(f'#hearing-list a[data-slug="{slug}"]').click()
    page.get_by_role("button", name="Close", exact=True).click()
    page.locator("#confirm-ok").click()
    expect(status).to_have_text("Closed")
    assert staff.get(f"/api/hearings/{slug}").json()["status"] == "closed"
    assert problems == []
    staff.close()
    as_reporter.close()
    context.close()


def test_axe_finds_no_serious_violation_on_the_desk_with_replay_open(
    browser: Browser, demo: tuple[LiveServer, str]
) -> None:
    server, token = demo
    context = signed_in(browser, token)
    page = open_desk(context, server, f"/hearings/{DEMO}/replay")
    expect(page.locator("#replay-progress")).to_contain_text("Event 1 of")
    page.locator("#replay-scrub").press("End")
    expect(page.locator("#replay-entries .entry").first).to_be_visible()
    assert serious_violations(page) == []
    context.close()

    anonymous = browser.new_context()
    login = anonymous.new_page()
    login.goto(f"{server.url}/desk")
    expect(login.locator("#login-view")).to_be_visible()
    assert serious_violations(login) == []
    anonymous.close()


def test_axe_finds_no_serious_violation_in_moderation_and_people(
    browser: Browser, demo: tuple[LiveServer, str]
) -> None:
    server, token = demo
    context = signed_in(browser, token)
    page = open_desk(context, server, f"/hearings/{DEMO}/moderate")
    expect(page.locator("#mod-entries > li").first).to_be_visible()
    page.locator("#mod-entries > li").first.get_by_role("button", name="Edit", exact=True).click()
    assert serious_violations(page) == []
    page.get_by_role("link", name="People", exact=True).click()
    expect(page.locator("#user-rows tr").first).to_be_visible()
    assert serious_violations(page) == []
    context.close()


def test_an_admin_disables_a_reporter_in_people_and_an_editor_sees_no_role_control(
    browser: Browser, server: LiveServer, editor: Staff, reporter: Staff, hearing: dict[str, Any]
) -> None:
    slug = str(hearing["slug"])
    suffix = new_id()[:8]
    reporter_name = reporter.client.get("/api/me").json()["user"]["username"]
    other_editor = f"people-editor-{suffix}"
    server.staff(other_editor, Role.EDITOR)
    admin_token = server.staff(f"people-admin-{suffix}", Role.ADMIN)
    promoted = f"people-promoted-{suffix}"
    server.staff(promoted, Role.REPORTER)
    assert reporter.post(slug, "Before the desk shuts the account.").status_code == 201

    context = signed_in(browser, admin_token)
    page = open_desk(context, server, "/people")
    problems = csp_watch(page)
    row = page.locator(f'#user-rows tr[data-username="{reporter_name}"]')
    expect(row.get_by_role("combobox", name=f"Role of {reporter_name}")).to_be_visible()
    expect(
        page.locator(f'#user-rows tr[data-username="people-admin-{suffix}"] .role-choice')
    ).to_have_count(0)
    assert serious_violations(page) == []
    row.get_by_role("button", name=f"Disable {reporter_name}").click()
    expect(page.locator("#confirm-title")).to_have_text(f"Disable {reporter_name}?")
    page.locator("#confirm-ok").click()
    expect(row).to_have_attribute("data-state", "disabled")
    expect(row.locator(".state")).to_contain_text("Disabled")
    expect(row.get_by_role("button", name=f"Enable {reporter_name}")).to_be_visible()
    refused = reporter.post(slug, "After the desk shut the account.")
    assert refused.status_code == 401

    page.locator(f'#user-rows tr[data-username="{other_editor}"]').get_by_role(
        "button", name=f"Reset the password of {other_editor}"
    ).click()
    page.locator("#confirm-ok").click()
    expect(page.locator("#new-password")).to_be_visible()
    expect(page.locator("#new-password-user")).to_have_text(other_editor)
    password = page.locator("#new-password-value").inner_text()
    signed = httpx.post(
        f"{server.url}/api/login", json={"username": other_editor, "password": password}
    )
    assert signed.status_code == 200
    assert problems == []
    context.close()

    desk = signed_in(browser, editor.token)
    page = open_desk(desk, server, "/people")
    expect(page.locator(f'#user-rows tr[data-username="{reporter_name}"]')).to_be_visible()
    expect(page.locator("#user-rows .role-choice")).to_have_count(0)
    expect(page.locator("#user-rows .reset-password")).to_have_count(0)
    admin_row = page.locator(f'#user-rows tr[data-username="people-admin-{suffix}"]')
    expect(admin_row.get_by_role("button")).to_have_count(0)
    reporter_row = page.locator(f'#user-rows tr[data-username="{reporter_name}"]')
    reporter_row.get_by_role("button", name=f"Enable {reporter_name}").click()
    expect(reporter_row).to_have_attribute("data-state", "active")
    # Promoted meanwhile by an admin: the editor's click is refused, and says so in the row.
    with Staff(server, admin_token) as admin:
        assert (
            admin.client.patch(f"/api/users/{promoted}", json={"role": "editor"}).status_code == 200
        )
    promoted_row = page.locator(f'#user-rows tr[data-username="{promoted}"]')
    promoted_row.get_by_role("button", name=f"Disable {promoted}").click()
    page.locator("#confirm-ok").click()
    expect(promoted_row.locator(".error")).to_contain_text("ask an admin")
    assert serious_violations(page) == []
    desk.close()


@pytest.mark.parametrize(("name", "width"), [("desk-phone.png", 360), ("desk-desktop.png", 1280)])
def test_desk_screenshots(
    browser: Browser, demo: tuple[LiveServer, str], name: str, width: int
) -> None:
    server, token = demo
    context = signed_in(browser, token, width=width, height=800)
    page = open_desk(context, server, f"/hearings/{DEMO}/moderate")
    visible = httpx.get(f"{server.url}/api/hearings/{DEMO}/entries?limit=200").json()["entries"]
    expect(page.locator("#mod-entries > li")).to_have_count(len(visible))
    expect(page.locator("#feed-state")).to_have_attribute("data-state", "live")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name))
    assert (SCREENSHOTS / name).stat().st_size > 10_000
    context.close()


def test_adding_a_restricted_term_says_which_entries_it_withheld(
    browser: Browser, server: LiveServer, editor: Staff, reporter: Staff
) -> None:
    slug = editor.create_hearing("R v Afterwards", status="live")["slug"]
    named = post(reporter, slug, "Witness Jane Roe takes the stand.")
    post(reporter, slug, "The court rises.")
    context = signed_in(browser, editor.token)
    page = open_desk(context, server, f"/hearings/{slug}/details")
    page.locator("textarea[name=restricted_terms]").fill("Jane Roe")
    page.get_by_role("button", name="Save").click()
    notice = page.locator("#details-form-slot .error")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("1 published update named a restricted term and was withheld")
    stored = editor.client.get(f"/api/hearings/{slug}").json()
    assert stored["restricted_terms"] == ["Jane Roe"]
    public = editor.client.get(f"/api/hearings/{slug}/entries").json()["entries"]
    assert [entry["body"] for entry in public] == ["The court rises."]
    page.get_by_role("tab", name="Moderation").click()
    expect(page.locator(f"#withheld-{named}")).to_be_visible()
    context.close()


def test_a_new_restriction_drops_the_entry_live_and_the_desk_republishes_it_corrected(
    browser: Browser, server: LiveServer, editor: Staff, reporter: Staff, hearing: dict[str, Any]
) -> None:
    slug = str(hearing["slug"])
    named = post(reporter, slug, "Zhana Olmez, the first witness, is sworn in.")
    other = post(reporter, slug, "The jury returns.")
    readers = browser.new_context()
    reader = readers.new_page()
    reader.goto(f"{server.url}/h/{slug}")
    expect(reader.locator("#connection")).to_have_attribute("data-state", "live")
    expect(reader.locator("#entries .entry")).to_have_count(2)
    desk_context = signed_in(browser, editor.token)
    desk = open_desk(desk_context, server, f"/hearings/{slug}/moderate")
    problems = csp_watch(desk)
    expect(desk.locator("#feed-state")).to_have_attribute("data-state", "live")
    expect(desk.locator("#withheld")).to_be_hidden()

    added = editor.client.post(
        f"/api/hearings/{slug}/restrictions", json={"term": "Zhana Olmez", "kind": "person"}
    )
    assert added.json()["withheld"] == [named]
    expect(reader.locator(f"#entry-{named}")).to_have_count(0, timeout=1000)
    expect(reader.locator(f"#entry-{other}")).to_have_count(1)
    assert "Olmez" not in reader.content()

    panel = desk.locator("#withheld")
    expect(panel).to_be_visible()
    expect(panel.locator("h2")).to_have_text("Withheld by a reporting restriction (1)")
    item = desk.locator(f"#withheld-{named}")
    expect(item).to_contain_text("Zhana Olmez, the first witness")
    expect(item.locator(".why")).to_contain_text("characters 1–11")
    expect(desk.locator(f"#mod-{named}")).to_have_count(0)
    assert serious_violations(desk) == []

    item.get_by_role("button", name="Correct", exact=True).click()
    item.locator("textarea[name=body]").fill("Witness A, the first witness, is sworn in.")
    item.locator("input[name=correction]").fill("The witness's name is withheld by order.")
    item.get_by_role("button", name="Save", exact=True).click()
    republished = reader.locator(f"#entry-{named}")
    expect(republished.locator(".body")).to_have_text(
        "Witness A, the first witness, is sworn in.", timeout=3000
    )
    expect(panel).to_be_hidden()
    expect(desk.locator(f"#mod-{named}")).to_have_count(1)
    assert "Olmez" not in reader.content()
    assert problems == []
    desk_context.close()
    readers.close()


def editing(
    browser: Browser, server: LiveServer, token: str, slug: str, entry_id: str
) -> tuple[BrowserContext, Page, Locator]:
    """A desk with the entry's edit form open."""
    context = signed_in(browser, token)
    page = open_desk(context, server, f"/hearings/{slug}/moderate")
    expect(page.locator("#feed-state")).to_have_attribute("data-state", "live")
    item = page.locator(f"#mod-{entry_id}")
    item.get_by_role("button", name="Edit", exact=True).click()
    return context, page, item


def stored_entry(editor: Staff, slug: str) -> tuple[str, int]:
    entry = editor.client.get(f"/api/hearings/{slug}/entries").json()["entries"][0]
    return entry["body"], entry["revision"]


def test_two_editors_edit_one_entry_and_the_second_save_shows_the_newer_version_to_overwrite(
    browser: Browser, server: LiveServer, editor: Staff, reporter: Staff, hearing: dict[str, Any]
) -> None:
    slug = str(hearing["slug"])
    entry_id = post(reporter, slug, "The witness says the car was red.")
    second_editor = server.staff(f"desk-second-{new_id()[:8]}", Role.EDITOR)
    first_context, _, mine = editing(browser, server, editor.token, slug, entry_id)
    second_context, second, theirs = editing(browser, server, second_editor, slug, entry_id)
    problems = csp_watch(second)

    mine.locator("textarea[name=body]").fill("The witness says the car was blue.")
    mine.get_by_role("button", name="Save", exact=True).click()
    expect(mine.locator(".edit-form")).to_have_count(0)

    expect(theirs.locator(".edit-form .stale")).to_be_visible()  # the live event
    theirs.locator("textarea[name=body]").fill("The witness says the car was green.")
    theirs.get_by_role("button", name="Save", exact=True).click()
    conflict = theirs.locator(".edit-form .conflict")
    expect(conflict).to_be_visible()
    expect(conflict.locator(".newer .body")).to_have_text("The witness says the car was blue.")
    expect(conflict.locator(".newer .byline")).to_contain_text("revision 2")
    expect(theirs.locator(".edit-form .error")).to_contain_text("revision 2 now")
    expect(theirs.get_by_role("button", name="Save", exact=True)).to_be_hidden()
    assert serious_violations(second) == []
    assert stored_entry(editor, slug) == ("The witness says the car was blue.", 2)

    conflict.get_by_role("button", name="Overwrite with mine").click()
    expect(theirs.locator(".edit-form")).to_have_count(0)
    expect(theirs.locator(".body")).to_have_text("The witness says the car was green.")
    expect(mine.locator(".body")).to_have_text("The witness says the car was green.")
    assert stored_entry(editor, slug) == ("The witness says the car was green.", 3)
    log = editor.client.get(f"/api/hearings/{slug}/events").json()["events"]
    assert [e["type"] for e in log] == ["entry.published", "entry.revised", "entry.revised"]
    assert problems == []
    first_context.close()
    second_context.close()


def test_an_editor_discards_an_edit_that_crossed_a_newer_version(
    browser: Browser, server: LiveServer, editor: Staff, reporter: Staff, hearing: dict[str, Any]
) -> None:
    slug = str(hearing["slug"])
    entry_id = post(reporter, slug, "The hearing resumes at two.")
    context, _, item = editing(browser, server, editor.token, slug, entry_id)
    changed = editor.client.patch(
        f"/api/hearings/{slug}/entries/{entry_id}", json={"body": "The hearing resumes at three."}
    )
    assert changed.status_code == 200
    item.locator("textarea[name=body]").fill("The hearing resumes at half past two.")
    item.get_by_role("button", name="Save", exact=True).click()
    conflict = item.locator(".edit-form .conflict")
    expect(conflict.locator(".newer .body")).to_have_text("The hearing resumes at three.")
    conflict.get_by_role("button", name="Discard my edit").click()
    expect(item.locator(".edit-form")).to_have_count(0)
    expect(item.locator(".body")).to_have_text("The hearing resumes at three.")
    assert stored_entry(editor, slug) == ("The hearing resumes at three.", 2)
    context.close()
