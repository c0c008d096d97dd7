"""The reporter app's composer publishes the facts the reporter meant: the speaker shown
on Send and forgotten with a new role, a court time stamp that goes with its draft, and
a refused update that comes back to the composer instead of looking sent. At two phone
widths, on a desktop and at 200% browser zoom, through a real server."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect

from courtwire.entries import MAX_BODY_CHARS
from tests.support import LiveServer, Staff, serious_violations
from tests.test_reporter_app_browser import new_reporter, open_app, silence_live

SCREENS: dict[str, dict[str, Any]] = {
    "phone-390": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 3,
        "is_mobile": True,
        "has_touch": True,
    },
    "phone-320": {
        "viewport": {"width": 320, "height": 568},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    # A 1280×800 window zoomed to 200%, as Chromium zooms: half the CSS pixels across
    # and down, each drawn with two device pixels.
    "zoom-200": {"viewport": {"width": 640, "height": 400}, "device_scale_factor": 2},
}

# A fixed court day for the page's clock (London is on UTC in March).
MORNING = datetime(2025, 3, 4, 10, 0, tzinfo=UTC)
TIME_KEPT = "The court time of the refused update, kept; change it if needed."


def stored(server: LiveServer, slug: str) -> dict[str, dict[str, Any]]:
    """The hearing's entries as the server stored them, by body."""
    entries = httpx.get(f"{server.url}/api/hearings/{slug}/entries?limit=200").json()["entries"]
    return {entry["body"]: entry for entry in entries}


def seconds(clock: str) -> int:
    hours, minutes, secs = (int(part) for part in clock.split(":"))
    return hours * 3600 + minutes * 60 + secs


def court_time(entry: dict[str, Any]) -> str:
    """The wall-clock time of an entry's occurred_at, as the app sent it (hearing zone)."""
    return str(entry["occurred_at"])[11:19]


def open_in_the_morning(
    browser: Browser, server: LiveServer, slug: str, screen: str, **options: Any
) -> tuple[BrowserContext, Page]:
    """The app on a screen, its clock set to MORNING and running from there."""
    context, page = open_app(
        browser, server, new_reporter(server), slug, **SCREENS[screen], **options
    )
    page.clock.install(time=MORNING)
    return context, page


def stamp_of(page: Page) -> str:
    value = page.locator("#court-time").input_value()
    assert len(value) == 8, value
    return value


def fits_on_screen(page: Page, selector: str) -> None:
    """Wholly in view, and the page does not scroll sideways."""
    element = page.locator(selector)
    expect(element).to_be_in_viewport(ratio=1)
    overflow = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    assert page.evaluate(overflow) <= 0


def send_and_wait(page: Page) -> None:
    """Send, and wait until the outbox has published it."""
    done = page.locator("#outbox-list .item[data-state='published']")
    # Count only once the previous Send has settled, or it may land after the count.
    expect(page.locator("#outbox-list .item:not([data-state='published'])")).to_have_count(
        0, timeout=15_000
    )
    before = done.count()
    page.click("#send")
    expect(done).to_have_count(before + 1, timeout=15_000)


@pytest.mark.parametrize("screen", SCREENS)
def test_the_speaker_is_named_on_send_forgotten_with_a_new_role_and_cleared_in_one_tap(
    browser: Browser, server: LiveServer, hearing: dict[str, Any], screen: str
) -> None:
    slug = hearing["slug"]
    context, page = open_app(browser, server, new_reporter(server), slug, **SCREENS[screen])
    send, role, name = (
        page.locator("#send"),
        page.locator("#speaker-role"),
        page.locator("#speaker-name"),
    )
    expect(send).to_have_accessible_name("Send")

    role.select_option("prosecution")
    name.fill("Sarah Okafor KC")
    expect(send).to_have_accessible_name("Send · Sarah Okafor KC, prosecution")
    page.fill("#body", "The Crown's case is that the fire was set deliberately.")
    fits_on_screen(page, "#send")
    send_and_wait(page)
    # Consecutive statements: the speaker stays after Send, and Send still names it.
    expect(name).to_have_value("Sarah Okafor KC")
    expect(send).to_have_accessible_name("Send · Sarah Okafor KC, prosecution")

    # Another role is another person: the name goes.
    role.select_option("judge")
    expect(name).to_have_value("")
    expect(send).to_have_accessible_name("Send · Judge")
    page.fill("#body", "The application to exclude the interview is refused.")
    page.locator(".chip", has_text="Ruling").click()
    page.locator("#key").check()
    send_and_wait(page)

    # One tap clears the speaker.
    page.click("#speaker-clear")
    expect(role).to_have_value("")
    expect(name).to_have_value("")
    expect(send).to_have_accessible_name("Send")
    expect(page.locator("#speaker-clear")).to_be_hidden()
    page.fill("#body", "The court rises for lunch.")
    send_and_wait(page)

    # A name typed first is for the role picked next: it stays.
    name.fill("Mr Daniel Reyes")
    role.select_option("defence")
    expect(name).to_have_value("Mr Daniel Reyes")
    expect(send).to_have_accessible_name("Send · Mr Daniel Reyes, defence")
    fits_on_screen(page, "#send")
    assert serious_violations(page) == []
    page.fill("#body", "No further questions.")
    send_and_wait(page)

    entries = stored(server, slug)
    assert {body: entry["speaker"] for body, entry in entries.items()} == {
        "The Crown's case is that the fire was set deliberately.": {
            "role": "prosecution",
            "name": "Sarah Okafor KC",
        },
        "The application to exclude the interview is refused.": {"role": "judge", "name": None},
        "The court rises for lunch.": None,
        "No further questions.": {"role": "defence", "name": "Mr Daniel Reyes"},
    }
    ruling = entries["The application to exclude the interview is refused."]
    assert (ruling["kind"], ruling["key"]) == ("ruling", True)
    mine = page.locator("#mine-list .item", has_text="No further questions.")
    expect(mine.locator(".speaker")).to_have_text("Mr Daniel Reyes (defence)")
    context.close()


@pytest.mark.parametrize("screen", SCREENS)
def test_the_court_time_stamp_is_forgotten_with_an_emptied_draft(
    browser: Browser, server: LiveServer, hearing: dict[str, Any], screen: str
) -> None:
    slug = hearing["slug"]
    context, page = open_in_the_morning(browser, server, slug, screen)
    body = page.locator("#body")

    body.fill("The witness hesitates")
    first = stamp_of(page)
    assert first.startswith("10:00")
    body.fill("")  # abandoned
    expect(page.locator("#court-time")).to_have_value("")
    page.clock.fast_forward("10:00")
    body.fill("The jury is sent out while counsel argue a point of law.")
    second = stamp_of(page)
    assert seconds(second) - seconds(first) >= 600
    page.locator("#court-time").scroll_into_view_if_needed()
    fits_on_screen(page, "#court-time")
    send_and_wait(page)

    # A time set by hand goes with its draft too.
    body.fill("The jury returns")
    page.fill("#court-time", "09:15:00")
    body.fill("")
    expect(page.locator("#court-time")).to_have_value("")
    page.clock.fast_forward("02:00")
    body.fill("The jury returns to court.")
    third = stamp_of(page)
    assert seconds(third) - seconds(second) >= 120
    send_and_wait(page)

    entries = stored(server, slug)
    assert court_time(entries["The jury is sent out while counsel argue a point of law."]) == second
    assert court_time(entries["The jury returns to court."]) == third
    context.close()


@pytest.mark.parametrize("screen", SCREENS)
def test_a_refused_update_comes_back_to_an_empty_composer_with_its_stamp_and_reason(
    browser: Browser, server: LiveServer, editor: Staff, screen: str
) -> None:
    hearing = editor.create_hearing(
        "R v Refused", status="live", timezone="Europe/London", restricted_terms=["Jane Doe"]
    )
    slug = hearing["slug"]
    context, page = open_in_the_morning(browser, server, slug, screen, prepare=silence_live)
    # A term the app does not know yet: only the server can refuse it.
    changes = {"restricted_terms": ["Jane Doe", "Zhana Olmez"]}
    assert editor.client.patch(f"/api/hearings/{slug}", json=changes).status_code == 200

    text = "Zhaña Ölmez told the jury she was afraid."
    page.select_option("#speaker-role", "prosecution")
    page.fill("#speaker-name", "Sarah Okafor KC")
    page.fill("#body", text)
    page.locator(".chip", has_text="Quote").click()
    stamp = stamp_of(page)
    page.click("#send")

    refusal = page.locator("#refusal")
    expect(refusal).to_be_visible()
    expect(refusal).to_have_attribute("role", "alert")
    expect(refusal).to_be_focused()
    expect(refusal).to_contain_text("Not published")
    expect(refusal).to_contain_text("characters 1–11")
    expect(refusal).to_contain_text("In the text.")
    fits_on_screen(page, "#refusal")
    # Everything typed is back: text, kind, speaker and its own stamp, visibly kept.
    expect(page.locator("#body")).to_have_value(text)
    expect(page.locator("#body-error")).to_be_visible()
    expect(page.locator("#body-error mark")).to_have_text("Zhaña Ölmez")
    expect(page.locator("#body")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("input[name='kind'][value='quote']")).to_be_checked()
    expect(page.locator("#speaker-name")).to_have_value("Sarah Okafor KC")
    expect(page.locator("#send")).to_have_accessible_name("Send · Sarah Okafor KC, prosecution")
    expect(page.locator("#court-time")).to_have_value(stamp)
    expect(page.locator("#time-hint")).to_have_text(TIME_KEPT)
    # It left the outbox: no refused copy, nothing that looks sent.
    expect(page.locator("#outbox-list .item")).to_have_count(0)
    expect(page.locator("#refused-banner")).to_be_hidden()
    assert serious_violations(page) == []
    assert stored(server, slug) == {}

    page.clock.fast_forward("05:00")
    page.fill("#body", "A protected witness told the jury she was afraid.")
    send_and_wait(page)
    expect(refusal).to_be_hidden()
    # A new draft after it: a new stamp.
    page.fill("#body", "Cross-examination begins.")
    later = stamp_of(page)
    assert seconds(later) - seconds(stamp) >= 300
    send_and_wait(page)

    entries = stored(server, slug)
    fixed = entries["A protected witness told the jury she was afraid."]
    assert court_time(fixed) == stamp
    assert fixed["speaker"] == {"role": "prosecution", "name": "Sarah Okafor KC"}
    assert fixed["kind"] == "quote"
    assert court_time(entries["Cross-examination begins."]) == later
    context.close()


@pytest.mark.parametrize("screen", SCREENS)
def test_a_refusal_during_another_draft_is_announced_and_swapped_in_without_losing_it(
    browser: Browser, server: LiveServer, editor: Staff, hearing: dict[str, Any], screen: str
) -> None:
    slug = hearing["slug"]
    context, page = open_in_the_morning(browser, server, slug, screen)
    body = page.locator("#body")

    context.set_offline(True)
    page.select_option("#speaker-role", "clerk")
    body.fill("The defendant is arraigned.")
    refused_stamp = stamp_of(page)
    page.click("#send")
    expect(body).to_have_value("")
    page.clock.fast_forward("02:00")
    page.select_option("#speaker-role", "defence")
    body.fill("Counsel ask for a short adjournment.")
    draft_stamp = stamp_of(page)
    assert (
        editor.client.patch(f"/api/hearings/{slug}", json={"status": "closed"}).status_code == 200
    )
    context.set_offline(False)

    banner = page.locator("#refused-banner")
    expect(banner).to_be_visible()
    expect(banner).to_have_attribute("role", "alert")
    expect(banner).to_contain_text("“The defendant is arraigned.” was refused")
    expect(banner).to_contain_text("closed")
    fits_on_screen(page, "#refused-banner")
    expect(body).to_have_value("Counsel ask for a short adjournment.")  # not touched
    assert serious_violations(page) == []

    page.click("#refused-edit")
    expect(body).to_have_value("The defendant is arraigned.")
    expect(page.locator("#refusal")).to_contain_text("closed")
    expect(page.locator("#court-time")).to_have_value(refused_stamp)
    expect(page.locator("#speaker-role")).to_have_value("clerk")
    expect(banner).to_be_hidden()
    held = page.locator("#outbox-list .item")
    expect(held).to_have_count(1)
    expect(held).to_have_attribute("data-state", "held")
    expect(held.locator(".text")).to_have_text("Counsel ask for a short adjournment.")

    assert editor.client.patch(f"/api/hearings/{slug}", json={"status": "live"}).status_code == 200
    page.click("#send")
    # Sent; the held draft comes back by itself, with its own stamp and speaker.
    expect(body).to_have_value("Counsel ask for a short adjournment.")
    expect(page.locator("#court-time")).to_have_value(draft_stamp)
    expect(page.locator("#speaker-role")).to_have_value("defence")
    expect(page.locator("#refusal")).to_be_hidden()
    expect(page.locator("#outbox-list .item[data-state='held']")).to_have_count(0)
    send_and_wait(page)

    entries = stored(server, slug)
    arraigned = entries["The defendant is arraigned."]
    adjourn = entries["Counsel ask for a short adjournment."]
    assert (court_time(arraigned), arraigned["speaker"]) == (
        refused_stamp,
        {"role": "clerk", "name": None},
    )
    assert (court_time(adjourn), adjourn["speaker"]) == (
        draft_stamp,
        {"role": "defence", "name": None},
    )
    assert len(entries) == 2
    context.close()


def test_a_server_failure_still_waits_in_the_outbox_and_is_retried_with_the_same_id(
    browser: Browser, server: LiveServer, hearing: dict[str, Any]
) -> None:
    slug = hearing["slug"]
    context, page = open_app(browser, server, new_reporter(server), slug, **SCREENS["desktop"])
    sent: list[str] = []

    def first_fails(route: Route) -> None:
        sent.append(json.loads(route.request.post_data or "{}")["id"])
        if len(sent) == 1:
            route.fulfill(status=503, json={"error": {"code": "unavailable", "message": "Down."}})
        else:
            route.continue_()

    page.route(f"**/api/hearings/{slug}/entries", first_fails)
    page.fill("#body", "The usher calls the next witness.")
    page.click("#send")
    item = page.locator("#outbox-list .item")
    expect(item.locator(".note")).to_contain_text("Server trouble (503)")
    expect(page.locator("#body")).to_have_value("")
    expect(page.locator("#refusal")).to_be_hidden()
    expect(page.locator("#refused-banner")).to_be_hidden()
    expect(item).to_have_attribute("data-state", "published", timeout=10_000)
    entry = stored(server, slug)["The usher calls the next witness."]
    assert len(sent) == 2
    assert sent[0] == sent[1] == entry["id"]
    context.close()


def test_the_body_s_limit_is_the_field_s_own_and_its_refusal_in_the_page_s_language(
    browser: Browser, server: LiveServer, hearing: dict[str, Any]
) -> None:
    slug = hearing["slug"]
    context, page = open_app(browser, server, new_reporter(server), slug, locale="ru-RU")
    body = page.locator("#body")
    limit = int(body.get_attribute("maxlength") or 0)
    assert limit == MAX_BODY_CHARS
    body.fill("а" * (limit - 10))
    expect(page.locator("#body-count")).to_have_text(f"{limit - 10} / {limit}")
    # A draft kept from before a lower limit can be longer than the field lets one type.
    over = "б" * (limit + 5)
    body.evaluate("(field, text) => { field.value = text; }", over)
    page.click("#send")
    expect(page.locator("#body-error")).to_have_text(
        f"В тексте {limit + 5} симв.; допустимо не более {limit}."
    )
    expect(page.locator("#outbox-list .item")).to_have_count(0)
    assert over not in stored(server, slug)
    context.close()
