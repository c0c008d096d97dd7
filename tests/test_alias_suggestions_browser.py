"""A restricted person's name in the desk suggests its usual short forms (surname,
"Ms/Mr/Dr Surname", initials); only the forms the editor adds are restricted, and then
"Ms Hollis says…" is refused like the full name."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Browser, expect

from tests.support import LiveServer, Staff, serious_violations
from tests.test_desk_browser import open_desk, signed_in


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_short_forms_of_a_restricted_name_are_suggested_and_added_on_confirmation(
    browser: Browser, server: LiveServer, editor: Staff, reporter: Staff, scheme: str
) -> None:
    slug = editor.create_hearing(f"R v Aliases {scheme}", status="live")["slug"]
    context = signed_in(browser, editor.token, color_scheme=scheme)
    page = open_desk(context, server, f"/hearings/{slug}/details")
    form = page.locator("#details-form")
    terms = form.locator("[name=restricted_terms]")
    terms.fill("Katherine Hollis")
    offers = form.locator(".alias-add")
    expect(offers).to_have_text(
        ["Add “Hollis”", "Add “Ms Hollis”", "Add “Mr Hollis”", "Add “Dr Hollis”", "Add “K. H.”"]
    )
    assert serious_violations(page) == []
    form.locator(".alias-add", has_text="“Ms Hollis”").click()
    expect(terms).to_have_value("Katherine Hollis\nMs Hollis")
    expect(offers).to_have_count(4)  # what is added is no longer offered
    form.locator("button[type=submit]").click()
    expect(page.locator("#toast")).to_contain_text("Hearing saved.")

    staff = editor.client.get(f"/api/hearings/{slug}").json()
    assert staff["restricted_terms"] == ["Katherine Hollis", "Ms Hollis"]
    refused = reporter.post(slug, "Ms Hollis says she saw the car.")
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "restricted_term"
    # Forms the editor did not add are not restricted.
    assert reporter.post(slug, "Dr Hollis was not called.").status_code == 201
    bodies = [
        e["body"] for e in httpx.get(f"{server.url}/api/hearings/{slug}/entries").json()["entries"]
    ]
    assert bodies == ["Dr Hollis was not called."]
    context.close()
