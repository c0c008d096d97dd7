"""The desk's replay by keyboard, on the demo hearing (sessions of hours, weeks apart):
the arrows step to the previous or next event, PageUp and PageDown ten events, Home and
End to the start and the end; the slider says the court time; the log's line says as of
when, not up to which seq; the key events read as on the reader page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from courtwire.model import Role
from tests.support import LiveServer

DEMO = "zaysan-border-case"
LINE = """
async (slug) => {
  const t = await import("/static/js/timeline.js");
  const log = await fetch(`/api/hearings/${slug}/events?limit=1000`).then((r) => r.json());
  const line = t.playLine(log.events);
  return { marks: line.marks, length: line.length };
}
"""
KEYS = {
    "ArrowRight": 1,
    "ArrowUp": 1,
    "ArrowLeft": -1,
    "ArrowDown": -1,
    "PageUp": 10,
    "PageDown": -10,
}


def shown(marks: list[float], position: float) -> int:
    """How many events the view shows at `position` (timeline.js eventsUpTo)."""
    return sum(1 for mark in marks if mark <= position)


def moved(marks: list[float], length: float, position: float, key: str) -> float:
    """Where `key` should take the scrubber from `position`."""
    if key == "Home":
        return 0
    if key == "End":
        return length
    steps = KEYS[key]
    if steps > 0:
        index = shown(marks, position) + steps - 1
        return marks[index] if index < len(marks) else length
    index = sum(1 for mark in marks if mark < position) + steps
    return marks[index] if index >= 0 else 0


def key_lines(page: Page, selector: str) -> list[str]:
    lines: list[str] = page.locator(f"{selector} li a").evaluate_all(
        "links => links.map((link) => link.textContent.split(' · ').slice(1).join(' · '))"
    )
    return lines


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1366, 768)])
def test_replay_keys_step_by_event_and_the_slider_says_the_court_time(
    browser: Browser, demo_server: LiveServer, width: int, height: int
) -> None:
    server = demo_server
    token = server.staff(f"replay-editor-{width}", Role.EDITOR)
    context = browser.new_context(viewport={"width": width, "height": height})
    context.add_init_script(f"localStorage.setItem('courtwire.token', {token!r})")
    page = context.new_page()
    page.goto(f"{server.url}/desk#/hearings/{DEMO}/replay")
    replay = page.locator("#panel-replay")
    line = page.evaluate(LINE, DEMO)
    marks, length = line["marks"], line["length"]
    assert length > 5 * 3600 * 1000 / 10  # hours of court, idle stretches cut
    loaded = page.locator("#replay-loaded")
    expect(loaded).to_have_text(re.compile(r"^The log as of \w{3}, \d{1,2} \w{3} 2020, [\d:]+\.$"))
    assert "seq" not in (page.locator(".replay-facts").text_content() or "")

    scrub = page.locator("#replay-scrub")
    scrub.focus()
    position: float = 0
    keys = [
        "Home",
        "ArrowRight",
        "ArrowRight",
        "ArrowUp",
        "PageUp",
        "ArrowLeft",
        "PageDown",
        "ArrowDown",
        "End",
        "ArrowRight",
        "PageDown",
        "PageDown",
        "Home",
        "ArrowLeft",
    ]
    for key in keys:
        before = shown(marks, position)
        position = moved(marks, length, position, key)
        page.keyboard.press(key)
        expect(replay, key).to_have_attribute("data-applied", str(shown(marks, position)))
        expect(scrub, key).to_have_value(str(round(position)))
        valuetext = scrub.get_attribute("aria-valuetext")
        expect(page.locator("#replay-clock")).to_have_text(valuetext or "")
        assert re.fullmatch(r"\w{3}, \d{1,2} \w{3} 2020, \d{2}:\d{2}:\d{2}", valuetext or "")
        if key in ("ArrowRight", "ArrowUp") and before < len(marks):
            assert shown(marks, position) > before  # one press, at least one event on
    # A press is an event, not a second: from the start, three presses of PageUp go
    # thirty events on, however far apart in court time they are.
    page.keyboard.press("Home")
    position = 0
    for _ in range(3):
        page.keyboard.press("PageUp")
        position = moved(marks, length, position, "PageUp")
    expect(replay).to_have_attribute("data-applied", str(shown(marks, position)))
    assert shown(marks, position) >= 30
    assert position > 600 * 1000  # more than 600 presses of a second each

    # At the end, the replay's key events read as the reader page's.
    page.keyboard.press("End")
    expect(replay).to_have_attribute("data-applied", str(len(marks)))
    reader = context.new_page()
    reader.goto(f"{server.url}/h/{DEMO}")
    served = key_lines(reader, "#key-list")
    assert served
    assert sorted(key_lines(page, "#replay-key")) == sorted(served)
    assert not any(line.startswith("Sentence: Sentence") for line in served)
    context.close()
