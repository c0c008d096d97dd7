"""The reporter app in a real browser: posting through the UI reaches an open reader
page live; the outbox survives being offline and a reload and publishes each update
exactly once, in order; restricted terms are refused inline; accessibility; screenshots."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, WebSocketRoute, expect

from courtwire.model import Role
from courtwire.restrictions import find_restricted
from tests.support import SCREENSHOTS, LiveServer, Staff, serious_violations

PASSWORD = "correct horse battery"


def new_reporter(server: LiveServer) -> str:
    username = f"app-{uuid.uuid4().hex[:10]}"
    server.staff(username, Role.REPORTER)
    return username


def open_app(
    browser: Browser,
    server: LiveServer,
    username: str,
    slug: str,
    viewport: dict[str, int] | None = None,
    prepare: Callable[[BrowserContext], None] | None = None,
    **options: Any,
) -> tuple[BrowserContext, Page]:
    """A phone with the app: signed in through the form, the hearing picked. `prepare`
    gets the context before the app is loaded (to route its requests, say)."""
    context = browser.new_context(viewport=viewport or {"width": 360, "height": 640}, **options)
    if prepare is not None:
        prepare(context)
    page = context.new_page()
    page.goto(f"{server.url}/report")
    page.fill("#login-username", username)
    page.fill("#login-password", PASSWORD)
    page.click("#login-submit")
    page.locator(f".hearing-choice[data-slug='{slug}']").click()
    expect(page.locator("#compose-view")).to_be_visible()
    return context, page


def published(server: LiveServer, slug: str) -> list[dict[str, Any]]:
    response = httpx.get(f"{server.url}/api/hearings/{slug}/events?limit=1000")
    return [e["data"] for e in response.json()["events"] if e["type"] == "entry.published"]


def test_update_sent_from_the_app_appears_on_an_open_reader_page_within_a_second(
    browser: Browser, server: LiveServer, hearing: dict[str, Any]
) -> None:
    slug = hearing["slug"]
    username = new_reporter(server)
    reader_context = browser.new_context(viewport={"width": 1280, "height": 800})
    reader = reader_context.new_page()
    reader.goto(f"{server.url}/h/{slug}")
    expect(reader.locator("#connection")).to_have_attribute("data-state", "live")
    context, page = open_app(browser, server, username, slug)
    expect(page.locator("#hearing-title")).to_have_text("R v Example")
    expect(page.locator("#hearing-status")).to_have_text("Live")

    page.fill("#body", "The judge: “Bring in the jury.”")
    expect(page.locator("#court-time")).not_to_have_value("")  # stamped on typing
    page.locator(".chip", has_text="Quote").click()
    page.select_option("#speaker-role", "judge")
    page.fill("#speaker-name", "Mrs Justice Hale")
    page.locator("#key").check()
    page.click("#send")

    entry = reader.locator("#entries .entry").first
    expect(entry).to_contain_text("Bring in the jury.", timeout=1000)
    expect(entry.locator(".kind")).to_have_text("Quote")
    expect(entry.locator(".speaker")).to_have_text("Mrs Justice Hale (judge)")
    expect(entry.locator(".flag")).to_be_visible()
    expect(page.locator("#outbox-list .item").first).to_have_attribute("data-state", "published")
    expect(page.locator("#outbox-count")).to_have_text("0")
    expect(page.locator("#mine-list .item")).to_have_count(1)

    [data] = published(server, slug)
    assert data["body"] == "The judge: “Bring in the jury.”"
    assert data["kind"] == "quote"
    assert data["key"] is True
    assert data["author"] == username
    assert data["speaker"] == {"role": "judge", "name": "Mrs Justice Hale"}
    assert data["occurred_at"].endswith(("+00:00", "+01:00"))  # Europe/London
    # Published, in words: no seq number is shown to people.
    expect(page.locator("#outbox-list .item .state").first).to_have_text("Published")
    reader_context.close()
    context.close()


def test_offline_outbox_survives_a_reload_and_publishes_each_update_once_in_order(
    browser: Browser, server: LiveServer, hearing: dict[str, Any]
) -> None:
    slug = hearing["slug"]
    context, page = open_app(browser, server, new_reporter(server), slug)
    page.wait_for_function("document.body.dataset.offlineReady === 'true'")
    page.wait_for_function("navigator.serviceWorker.controller !== null")

    context.set_offline(True)
    expect(page.locator("#net-state")).to_have_attribute("data-state", "offline")
    bodies = ["Offline one.", "Offline two.", "Offline three."]
    for body in bodies:
        page.fill("#body", body)
        page.locator("#body").press("Control+Enter")
        expect(page.locator("#body")).to_have_value("")
    expect(page.locator("#outbox-count")).to_have_text("3")
    expect(page.locator("#outbox-list .item[data-state='waiting']")).to_have_count(3)

    page.reload()  # still offline: the service worker serves the app, IndexedDB the outbox
    expect(page.locator("#compose-view")).to_be_visible()
    expect(page.locator("#outbox-count")).to_have_text("3")
    texts = page.locator("#outbox-list .item .text").all_inner_texts()
    assert texts == list(reversed(bodies))  # newest on top
    assert published(server, slug) == []

    context.set_offline(False)
    expect(page.locator("#outbox-list .item[data-state='published']")).to_have_count(
        3, timeout=10_000
    )
    expect(page.locator("#outbox-count")).to_have_text("0")
    page.wait_for_timeout(500)  # nothing else arrives late
    events = published(server, slug)
    assert [e["body"] for e in events] == bodies
    assert len({e["id"] for e in events}) == 3
    context.close()


def silent_socket(route: WebSocketRoute) -> None:
    """A live connection that never hears from the server: the app's copy of the
    restricted terms stays as it was when the hearing was opened."""


def silence_live(context: BrowserContext) -> None:
    context.route_web_socket("**/ws/**", silent_socket)


def test_restricted_term_is_refused_inline_and_nothing_is_published(
    browser: Browser, server: LiveServer, editor: Staff
) -> None:
    hearing = editor.create_hearing(
        "R v Restricted", status="live", timezone="Europe/London", restricted_terms=["Jane Doe"]
    )
    slug = hearing["slug"]
    context, page = open_app(browser, server, new_reporter(server), slug, prepare=silence_live)

    # A term the app knows: flagged while typing, and Send keeps it on the phone.
    page.fill("#body", "The witness, jane  DOE, took the stand.")
    error = page.locator("#body-error")
    expect(error).to_be_visible()
    expect(error.locator("mark")).to_have_text("jane  DOE")
    expect(error).to_contain_text("characters 14–22")
    expect(page.locator("#body")).to_have_attribute("aria-invalid", "true")
    page.click("#send")
    expect(error).to_be_visible()
    expect(page.locator("#outbox-list .item")).to_have_count(0)
    selection = "element => [element.selectionStart, element.selectionEnd]"
    assert page.locator("#body").evaluate(selection) == [13, 22]

    # Disguised as a reader would still read it (emphasis, a soft hyphen, a Cyrillic
    # look-alike): the app warns with the server's rules and the same span.
    disguised = "Then **Jane** D\u00ado\u0435 spoke."
    hit = find_restricted(disguised, ["Jane Doe"])
    assert hit is not None
    page.fill("#body", disguised)
    expect(error).to_contain_text(f"characters {hit.start + 1}–{hit.end}")
    expect(error.locator("mark")).to_have_text(disguised[hit.start : hit.end])
    page.click("#send")
    expect(page.locator("#outbox-list .item")).to_have_count(0)

    # A term added after the app loaded it: the server refuses; the update comes back
    # into the composer with the words marked, and leaves the outbox.
    changes = {"restricted_terms": ["Jane Doe", "Zhana Olmez"]}
    assert editor.client.patch(f"/api/hearings/{slug}", json=changes).status_code == 200
    page.fill("#body", "Zhaña Ölmez gave evidence.")
    expect(error).to_be_hidden()
    page.click("#send")
    expect(page.locator("#refusal")).to_contain_text("reporting restriction")
    expect(page.locator("#body")).to_have_value("Zhaña Ölmez gave evidence.")
    expect(error.locator("mark")).to_have_text("Zhaña Ölmez")
    expect(page.locator("#body")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#outbox-list .item")).to_have_count(0)

    # Edited and sent again: published once, under a new id.
    page.fill("#body", "A protected witness gave evidence.")
    page.locator("#body").press("Control+Enter")
    expect(page.locator("#outbox-list .item").first).to_have_attribute("data-state", "published")
    assert [e["body"] for e in published(server, slug)] == ["A protected witness gave evidence."]
    context.close()


def test_reporter_corrects_and_deletes_an_own_update(
    browser: Browser, server: LiveServer, hearing: dict[str, Any]
) -> None:
    slug = hearing["slug"]
    username = new_reporter(server)
    context, page = open_app(browser, server, username, slug)
    for body in ("The defendant is 43.", "A typo to remove."):
        page.fill("#body", body)
        page.click("#send")
    mine = page.locator("#mine-list .item")
    expect(mine).to_have_count(2)

    mine.filter(has_text="The defendant is 43.").locator("button.edit").click()
    page.fill("#edit-body", "The defendant is 34.")
    page.fill("#edit-correction", "An earlier version gave the wrong age.")
    page.click("#edit-save")
    expect(page.locator("#edit-dialog")).to_be_hidden()
    corrected = mine.filter(has_text="The defendant is 34.")
    expect(corrected.locator(".correction")).to_contain_text("wrong age")
    expect(corrected.locator(".revision")).to_have_text("revision 2")

    mine.filter(has_text="A typo to remove.").locator("button.delete").click()
    page.locator("#confirm-ok").click()
    expect(mine).to_have_count(1)
    entries = httpx.get(f"{server.url}/api/hearings/{slug}/entries").json()["entries"]
    assert [(e["body"], e["correction"]) for e in entries] == [
        ("The defendant is 34.", "An earlier version gave the wrong age.")
    ]
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_reporter_app_has_no_serious_accessibility_violation(
    browser: Browser, server: LiveServer, hearing: dict[str, Any], scheme: str
) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 640}, color_scheme=scheme)
    page = context.new_page()
    page.goto(f"{server.url}/report")
    expect(page.locator("#login-view")).to_be_visible()
    assert serious_violations(page) == []
    context.close()
    context, page = open_app(
        browser, server, new_reporter(server), hearing["slug"], color_scheme=scheme
    )
    page.fill("#body", "The court rises.")
    page.click("#send")
    expect(page.locator("#mine-list .item")).to_have_count(1)
    assert serious_violations(page) == []
    page.locator("#mine-list .item button.edit").click()
    expect(page.locator("#edit-dialog")).to_be_visible()
    assert serious_violations(page) == []
    context.close()


def test_reporter_app_screenshots_phone_and_desktop(
    browser: Browser, server: LiveServer, reporter: Staff, editor: Staff
) -> None:
    hearing = editor.create_hearing(
        "R v Whitmore",
        status="live",
        timezone="Europe/London",
        court="Crown Court at Leeds",
        case_ref="T20257781",
    )
    slug = hearing["slug"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    username = new_reporter(server)
    for name, viewport in (
        ("report-phone.png", {"width": 360, "height": 800}),
        ("report-desktop.png", {"width": 1280, "height": 800}),
    ):
        context, page = open_app(browser, server, username, slug, viewport=viewport)
        if name == "report-phone.png":
            page.fill("#body", "The jury retires to consider its verdict.")
            page.click("#send")
            expect(page.locator("#mine-list .item")).to_have_count(1)
        page.fill("#body", "Mr Whitmore stands as the foreman rises.")
        page.locator(".chip", has_text="Verdict").click()
        page.select_option("#speaker-role", "clerk")
        page.locator("#key").check()
        page.screenshot(path=SCREENSHOTS / name)
        assert (SCREENSHOTS / name).stat().st_size > 10_000
        context.close()
