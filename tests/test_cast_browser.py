"""The cast in the browser: an editor keeps it in the desk (a restricted name is refused
on its own row), and the reporter app offers it as one-tap speakers that set role and name
together, with free text still possible; at phone and desktop sizes and 200% zoom, light
and dark, with no serious accessibility finding."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, expect

from tests.support import LiveServer, Staff, serious_violations
from tests.test_desk_browser import open_desk, signed_in
from tests.test_reporter_app_browser import new_reporter, open_app
from tests.test_reporter_composer_browser import SCREENS, fits_on_screen, send_and_wait, stored

CAST = [
    {"role": "judge", "name": "Mrs Justice Hale"},
    {"role": "prosecution", "name": "Sarah Okafor KC"},
    {"role": "defence", "name": "Mr Daniel Reyes"},
    {"role": "witness", "name": "Witness A"},
]


def test_an_editor_keeps_the_cast_in_the_desk(
    browser: Browser, server: LiveServer, editor: Staff
) -> None:
    hearing = editor.create_hearing(
        "R v Desk Cast", timezone="Europe/London", restricted_terms=["Katherine Hollis"]
    )
    slug = hearing["slug"]
    context = signed_in(browser, editor.token)
    page = open_desk(context, server, f"/hearings/{slug}/details")
    form = page.locator("#details-form")
    for person in CAST[:2]:
        form.locator(".cast-add").click()
        row = form.locator(".cast-person").last
        expect(row.locator("input")).to_be_focused()
        row.locator("select").select_option(person["role"])
        row.locator("input").fill(person["name"])
    form.locator(".cast-add").click()
    form.locator(".cast-person").last.locator("input").fill("Ms Katherine Hollis")
    form.locator("button[type=submit]").click()

    # Refused on its own row; nothing stored.
    error = form.locator(".error")
    expect(error).to_contain_text("restriction")
    expect(form.locator("input[name='cast[2].name']")).to_be_focused()
    expect(form.locator("input[name='cast[2].name']")).to_have_attribute("aria-invalid", "true")
    assert httpx.get(f"{server.url}/api/hearings/{slug}").json()["cast"] == []

    form.locator("input[name='cast[2].name']").fill("Witness A")
    form.locator(".cast-person").nth(0).locator("button").click()  # the judge, removed
    form.locator("button[type=submit]").click()
    expect(page.locator("[role=status]").filter(has_text="Hearing saved.")).to_have_count(1)
    assert httpx.get(f"{server.url}/api/hearings/{slug}").json()["cast"] == [
        {"role": "prosecution", "name": "Sarah Okafor KC"},
        {"role": "witness", "name": "Witness A"},
    ]
    assert serious_violations(page) == []
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("screen", SCREENS)
def test_the_cast_is_one_tap_in_the_reporter_app(
    browser: Browser, server: LiveServer, editor: Staff, screen: str, scheme: str
) -> None:
    hearing: dict[str, Any] = editor.create_hearing(
        "R v Cast", status="live", timezone="Europe/London", cast=CAST
    )
    slug = hearing["slug"]
    context, page = open_app(
        browser, server, new_reporter(server), slug, **SCREENS[screen], color_scheme=scheme
    )
    choices = page.locator("#cast-choices .cast-choice")
    expect(choices).to_have_count(4)
    expect(choices.first).to_have_text("Mrs Justice Hale Judge")
    role, name, send = (
        page.locator("#speaker-role"),
        page.locator("#speaker-name"),
        page.locator("#send"),
    )

    page.locator(".cast-choice", has_text="Sarah Okafor KC").click()
    expect(role).to_have_value("prosecution")
    expect(name).to_have_value("Sarah Okafor KC")
    expect(send).to_have_accessible_name("Send · Sarah Okafor KC, prosecution")
    expect(page.locator(".cast-choice[aria-pressed=true]")).to_have_text(
        "Sarah Okafor KC Prosecution"
    )
    fits_on_screen(page, "#cast-choices")
    assert serious_violations(page) == []
    page.fill("#body", "The Crown calls its first witness.")
    send_and_wait(page)
    expect(name).to_have_value("Sarah Okafor KC")  # stays for the next statement

    # Another role: the prosecutor's name does not follow.
    role.select_option("witness")
    expect(name).to_have_value("")
    expect(page.locator(".cast-choice[aria-pressed=true]")).to_have_count(0)
    page.locator(".cast-choice", has_text="Witness A").click()
    page.fill("#body", "I saw the smoke first.")
    send_and_wait(page)

    # Free text stays possible.
    role.select_option("other")
    name.fill("The usher")
    expect(send).to_have_accessible_name("Send · The usher, other")
    page.fill("#body", "Silence in court.")
    send_and_wait(page)

    entries = stored(server, slug)
    assert {body: entry["speaker"] for body, entry in entries.items()} == {
        "The Crown calls its first witness.": {"role": "prosecution", "name": "Sarah Okafor KC"},
        "I saw the smoke first.": {"role": "witness", "name": "Witness A"},
        "Silence in court.": {"role": "other", "name": "The usher"},
    }

    # A cast changed at the desk reaches the open app.
    changed = [*CAST, {"role": "clerk", "name": "Mr Pike"}]
    assert editor.client.patch(f"/api/hearings/{slug}", json={"cast": changed}).is_success
    expect(choices).to_have_count(5)
    context.close()
