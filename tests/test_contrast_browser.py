"""Colour contrast (axe's color-contrast rule) on every state of the desk's replay and of
the reporter's composer, in light and dark colour schemes."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support import AXE, LiveServer, Staff
from tests.test_desk_browser import DEMO, demo, open_desk, signed_in
from tests.test_reporter_app_browser import new_reporter, open_app
from tests.test_reporter_composer_browser import SCREENS

__all__ = ["demo"]  # the module's server with the demo hearing, shared from the desk tests

SCHEMES = ["light", "dark"]


def contrast_failures(page: Page) -> list[str]:
    """axe-core's color-contrast findings on the page as it is now."""
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        "axe.run(document, {runOnly: ['color-contrast'], resultTypes: ['violations']})"
    )
    return [
        f"{node['target']}: {node['any'][0]['message'] if node['any'] else ''}"
        for violation in result["violations"]
        for node in violation["nodes"]
    ]


@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_state_of_the_replay_has_enough_contrast(
    browser: Browser, demo: tuple[LiveServer, str], scheme: str
) -> None:
    server, token = demo
    context = signed_in(browser, token, color_scheme=scheme)
    page = open_desk(context, server, f"/hearings/{DEMO}/replay")
    panel, play = page.locator("#panel-replay"), page.locator("#replay-play")
    expect(page.locator("#replay-progress")).to_contain_text("Event 1 of")
    assert contrast_failures(page) == [], "at the start"

    page.get_by_label("1×").check()
    play.click()
    expect(panel).to_have_attribute("data-playing", "true")
    expect(play).to_have_attribute("aria-pressed", "true")
    assert contrast_failures(page) == [], "playing"
    play.focus()
    assert contrast_failures(page) == [], "playing, focused"

    play.click()
    expect(panel).to_have_attribute("data-playing", "false")
    assert contrast_failures(page) == [], "paused"

    page.locator("#replay-scrub").press("End")
    expect(page.locator("#replay-entries .entry").first).to_be_visible()
    assert contrast_failures(page) == [], "at the end"
    context.close()


@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_state_of_the_composer_has_enough_contrast(
    browser: Browser, server: LiveServer, editor: Staff, scheme: str
) -> None:
    cast = [{"role": "prosecution", "name": "Sarah Okafor KC"}]
    hearing = editor.create_hearing(
        "R v Contrast",
        status="live",
        timezone="Europe/London",
        cast=cast,
        restricted_terms=["Jane Doe"],
    )
    slug = hearing["slug"]
    context, page = open_app(
        browser, server, new_reporter(server), slug, **SCREENS["phone-390"], color_scheme=scheme
    )
    assert contrast_failures(page) == [], "empty"

    page.locator(".cast-choice").first.click()
    page.locator(".chip", has_text="Quote").click()
    page.locator("#key").check()
    page.fill("#body", "The Crown opens its case.")
    assert contrast_failures(page) == [], "written, speaker from the cast"

    page.fill("#body", "Jane Doe is named.")
    expect(page.locator("#body-error")).to_be_visible()
    assert contrast_failures(page) == [], "restricted term marked"

    page.fill("#body", "The Crown opens its case.")
    context.set_offline(True)
    page.click("#send")
    expect(page.locator("#outbox-list .item[data-state='waiting']")).to_have_count(1)
    assert contrast_failures(page) == [], "offline, waiting"

    context.set_offline(False)
    expect(page.locator("#outbox-list .item[data-state='published']")).to_have_count(1)
    assert contrast_failures(page) == [], "published"

    editor.client.patch(f"/api/hearings/{slug}", json={"reporting": "held"})
    expect(page.locator("#hearing-held")).to_be_visible()
    page.fill("#body", "Held back.")
    page.click("#send")
    expect(page.locator("#outbox-list .item[data-state='queued']")).to_have_count(1)
    assert contrast_failures(page) == [], "reporting held, an update waiting at the server"
    context.close()
