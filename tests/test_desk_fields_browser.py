"""The desk's edit form shows every field's whole value: the court time (date, time and
seconds, in the hearing's zone) is not cut at a laptop's 1366 px nor on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

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
    fields = form.evaluate(FIELDS)
    assert len(fields) >= 5
    for field in fields:
        assert field["scroll"] <= field["client"], field
        assert field["right"] <= width, field
    # A date and time field draws its parts in the browser's own shadow tree, which
    # scrollWidth does not see: the field must be as wide as the same field is when
    # nothing constrains it (its natural width fits its whole value).
    natural = occurred.evaluate(
        """(input) => {
          const probe = input.cloneNode();
          probe.value = input.value;
          probe.style.cssText = "position: absolute; width: auto; min-width: 0; max-width: none";
          input.parentElement.append(probe);
          const width = probe.getBoundingClientRect().width;
          probe.remove();
          return { natural: width, shown: input.getBoundingClientRect().width };
        }"""
    )
    assert natural["shown"] >= natural["natural"] - 0.5, natural
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()
