"""Small screens and zoom: the reporter's header keeps the hearing's title readable and its
badges apart, the court-time row and the Send bar stay on screen, the reader's order
button is whole; and every page follows the reader's own default font size."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.support import LiveServer, Staff
from tests.test_desk_browser import open_desk, signed_in
from tests.test_reporter_app_browser import new_reporter, open_app
from tests.test_reporter_composer_browser import SCREENS, fits_on_screen

TITLE = "R v Hollingsworth-Abernathy and others"


def box(locator: Locator) -> dict[str, float]:
    found = locator.bounding_box()
    assert found is not None
    return found


def apart(first: Locator, second: Locator) -> bool:
    a, b = box(first), box(second)
    return (
        a["x"] + a["width"] <= b["x"] + 0.5
        or b["x"] + b["width"] <= a["x"] + 0.5
        or a["y"] + a["height"] <= b["y"] + 0.5
        or b["y"] + b["height"] <= a["y"] + 0.5
    )


def no_sideways_scroll(page: Page) -> None:
    overflow = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    assert page.evaluate(overflow) <= 0


@pytest.mark.parametrize("screen", SCREENS)
def test_the_reporter_header_time_row_and_send_bar_fit(
    browser: Browser, server: LiveServer, editor: Staff, screen: str
) -> None:
    hearing = editor.create_hearing(TITLE, status="live", timezone="Europe/London")
    context, page = open_app(
        browser, server, new_reporter(server), hearing["slug"], **SCREENS[screen]
    )
    title = page.locator("#hearing-title")
    expect(title).to_be_visible()
    # The title is shown in words, on at most two lines, not cut to its first letter.
    assert box(title)["width"] >= 80
    whole_or_two_lines = (
        "(el) => el.scrollHeight <= el.clientHeight + 1"
        " || el.clientHeight >= 1.9 * parseFloat(getComputedStyle(el).lineHeight)"
    )
    assert page.evaluate(whole_or_two_lines, title.element_handle())
    parts = [
        title,
        page.locator("#hearing-status"),
        page.locator("#outbox-badge"),
        page.locator(".account summary"),
    ]
    for index, first in enumerate(parts):
        expect(first).to_be_visible()
        for second in parts[index + 1 :]:
            assert apart(first, second), (first, second)
    no_sideways_scroll(page)

    page.fill("#body", "The witness is sworn in.")
    fits_on_screen(page, "#send")
    page.locator("#time-now").scroll_into_view_if_needed()
    fits_on_screen(page, "#court-time")
    fits_on_screen(page, "#time-now")
    context.close()


@pytest.mark.parametrize("screen", SCREENS)
def test_the_reader_order_button_is_whole(
    browser: Browser, server: LiveServer, editor: Staff, hearing: dict[str, Any], screen: str
) -> None:
    assert editor.post(hearing["slug"], "The court sits.").status_code == 201
    context = browser.new_context(**SCREENS[screen])
    page = context.new_page()
    page.goto(f"{server.url}/h/{hearing['slug']}")
    order = page.locator("#order")
    expect(order).to_be_visible()
    expect(order).to_be_in_viewport(ratio=1)
    assert page.evaluate("(el) => el.scrollWidth <= el.clientWidth", order.element_handle())
    no_sideways_scroll(page)
    context.close()


@pytest.mark.parametrize("path", ["/h/{slug}", "/report", "/desk"])
def test_the_pages_follow_the_readers_default_font_size(
    browser: Browser, server: LiveServer, editor: Staff, hearing: dict[str, Any], path: str
) -> None:
    context = signed_in(browser, editor.token)
    page = open_desk(context, server, "/") if path == "/desk" else context.new_page()
    if path != "/desk":
        page.goto(server.url + path.format(slug=hearing["slug"]))
    size = "parseFloat(getComputedStyle(document.body).fontSize)"
    usual = page.evaluate(size)
    session = context.new_cdp_session(page)
    session.send("Page.setFontSizes", {"fontSizes": {"standard": 24}})
    page.reload()
    larger = page.evaluate(size)
    assert larger == pytest.approx(usual * 1.5, rel=0.02)
    context.close()
