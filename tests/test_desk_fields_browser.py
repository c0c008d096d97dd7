"""The desk's forms show every field's whole value: an update's court time (date, time and
seconds, in the hearing's zone), a hearing's scheduled start and a long time zone's name
are not cut at a laptop's 1366 px, at 1024 px nor on a phone of 320 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.support import LiveServer, Staff, new_id

SIZES = [(1366, 768), (1280, 800), (1024, 768), (390, 844), (320, 640)]
FIELDS = """
(form) => [...form.querySelectorAll("input, select")].map((input) => ({
  name: input.closest(".field")?.className || input.type,
  value: input.value,
  scroll: input.scrollWidth,
  client: input.clientWidth,
  right: input.getBoundingClientRect().right,
}))
"""

NATURAL = """
(input) => {
  const probe = input.cloneNode();
  probe.value = input.value;
  probe.style.cssText = "position: absolute; width: auto; min-width: 0; max-width: none";
  input.parentElement.append(probe);
  const width = probe.getBoundingClientRect().width;
  probe.remove();
  return { natural: width, shown: input.getBoundingClientRect().width };
}
"""


def assert_whole_values(page: Page, form: Locator, moment: Locator, width: int) -> None:
    """Every field of `form` shows its whole value within the page; `moment` (a date and
    time field) too, though its parts are drawn in the browser's own shadow tree, which
    scrollWidth does not see: it is as wide as the same field is when nothing constrains
    it (its natural width fits its whole value)."""
    fields = form.evaluate(FIELDS)
    assert len(fields) >= 5
    for field in fields:
        assert field["scroll"] <= field["client"], field
        assert field["right"] <= width, field
    natural = moment.evaluate(NATURAL)
    assert natural["shown"] >= natural["natural"] - 0.5, natural
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_court_time_field_shows_its_whole_value(
    browser: Browser, server: LiveServer, editor: Staff, reporter: Staff, width: int, height: int
) -> None:
    hearing = editor.create_hearing(
        f"R v Wide Fields {width}", status="live", timezone="America/Argentina/Buenos_Aires"
    )
    slug = hearing["slug"]
    posted = reporter.post(
        slug,
        "The witness was asked about the night of the crossing.",
        id=new_id(),
        occurred_at="2025-12-28T23:58:47-03:00",
        speaker={"role": "witness", "name": "Ms Amal Haddad"},
        kind="testimony",
    )
    assert posted.status_code == 201, posted.text
    context = browser.new_context(viewport={"width": width, "height": height})
    context.add_init_script(f"localStorage.setItem('courtwire.token', {editor.token!r})")
    page = context.new_page()
    page.goto(f"{server.url}/desk#/hearings/{slug}/moderate")
    expect(page.locator("body")).to_have_attribute("data-state", "desk")
    item = page.locator("#mod-entries > li").first
    item.get_by_role("button", name="Edit", exact=True).click()
    form = item.locator(".edit-form")
    expect(form).to_be_visible()
    occurred = form.locator(".field-occurred_at input")
    expect(occurred).to_have_value("2025-12-28T23:58:47")
    assert_whole_values(page, form, occurred, width)
    context.close()


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_scheduled_start_shows_its_whole_value(
    browser: Browser, server: LiveServer, editor: Staff, width: int, height: int
) -> None:
    hearing = editor.create_hearing(
        f"R v Wide Details {width}",
        timezone="America/Argentina/Buenos_Aires",
        scheduled_start="2025-12-28T23:58:00-03:00",
    )
    context = browser.new_context(viewport={"width": width, "height": height})
    context.add_init_script(f"localStorage.setItem('courtwire.token', {editor.token!r})")
    page = context.new_page()
    page.goto(f"{server.url}/desk#/hearings/{hearing['slug']}/details")
    start = page.locator('input[data-name="scheduled_start"]').first
    expect(start).to_have_value("2025-12-28T23:58")
    form = page.locator("form.hearing-form", has=start)
    assert_whole_values(page, form, start, width)
    context.close()
