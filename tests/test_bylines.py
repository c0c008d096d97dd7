"""Bylines: entries signed with their author's display name, set by the author or an admin,
on the reader page, live, in the feed, the schema.org data and the transcripts; and none
that names one of the hearing's restricted terms."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import feedparser
import httpx
import pytest
from playwright.sync_api import Browser, expect

from courtwire.model import Role
from tests.support import LiveServer, Staff

NAME = "Aigerim Sadykova"


def set_name(staff: Staff, username: str, name: object) -> httpx.Response:
    return staff.client.put(f"/api/users/{username}/display_name", json={"display_name": name})


def username(staff: Staff) -> str:
    return str(staff.client.get("/api/me").json()["user"]["username"])


def display_name(server: LiveServer, admin: Staff, user: str) -> Any:
    users = admin.client.get("/api/users").json()["users"]
    return next(found["display_name"] for found in users if found["username"] == user)


@pytest.fixture(scope="module")
def admin(server: LiveServer) -> Iterator[Staff]:
    with Staff(server, server.staff("byline-admin", Role.ADMIN)) as staff:
        yield staff


def test_a_reporter_sets_their_own_display_name_and_only_an_admin_anyone_s(
    server: LiveServer, admin: Staff, editor: Staff, reporter: Staff
) -> None:
    me = username(reporter)
    answer = set_name(reporter, me, f"  {NAME} ")
    assert answer.status_code == 200, answer.text
    assert answer.json()["user"]["display_name"] == NAME
    assert display_name(server, admin, me) == NAME
    # An editor manages reporters, but names only themself; an admin names anyone.
    refused = set_name(editor, me, "Someone Else")
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "forbidden")
    assert set_name(reporter, username(editor), "Not Me").status_code == 403
    assert set_name(admin, me, "Aigerim S.").json()["user"]["display_name"] == "Aigerim S."
    trail = admin.client.get("/api/audit", params={"action": "user.display_name"}).json()
    changes = [
        (r["target"], r["before"], r["after"]) for r in trail["records"] if r["target"] == me
    ]
    assert changes[-2:] == [
        (me, {"display_name": None}, {"display_name": NAME}),
        (me, {"display_name": NAME}, {"display_name": "Aigerim S."}),
    ]
    assert set_name(reporter, me, None).json()["user"]["display_name"] is None
    assert set_name(reporter, "no-such-user", "X").status_code in (403, 404)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"display_name": "x" * 81}, "display_name"),
        ({"display_name": 7}, "display_name"),
        ({"display_name": "Two\nlines"}, "display_name"),
        ({"display_name": "Hidden\u200bmark"}, "display_name"),
        ({"display_name": "A", "role": "admin"}, "role"),
        ({}, "display_name"),
    ],
)
def test_a_bad_display_name_is_refused_and_nothing_changes(
    server: LiveServer, admin: Staff, reporter: Staff, payload: dict[str, Any], field: str
) -> None:
    me = username(reporter)
    assert set_name(reporter, me, "Kept Name").status_code == 200
    refused = reporter.client.put(f"/api/users/{me}/display_name", json=payload)
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["field"] == field
    assert display_name(server, admin, me) == "Kept Name"


def test_entries_are_signed_on_every_public_channel_unless_the_name_is_restricted(
    server: LiveServer, editor: Staff, reporter: Staff
) -> None:
    me = username(reporter)
    assert set_name(reporter, me, NAME).status_code == 200
    slug = str(editor.create_hearing("R v Bylines", status="live", timezone="Asia/Almaty")["slug"])
    signed = reporter.post(slug, "The court sits.", occurred_at="2020-01-06T10:00:00+06:00")
    unsigned = editor.post(slug, "An editor's note.", occurred_at="2020-01-06T10:05:00+06:00")
    assert signed.status_code == unsigned.status_code == 201
    editor_name = username(editor)
    assert set_name(editor, editor_name, None).status_code == 200

    def channels() -> dict[str, str]:
        base = f"{server.url}/h/{slug}"
        api = f"{server.url}/api/hearings/{slug}"
        return {
            "page": httpx.get(base).text,
            "embed": httpx.get(f"{base}/embed").text,
            "feed": httpx.get(f"{base}/feed.atom").text,
            "md": httpx.get(f"{api}/export.md").text,
            "html": httpx.get(f"{api}/export.html").text,
            "bylines": httpx.get(f"{api}/bylines").text,
        }

    shown = channels()
    for name, text in shown.items():
        assert NAME in text, name
    assert json.loads(shown["bylines"]) == {"bylines": {me: NAME}}
    page = shown["page"]
    assert re.findall(r'<span class="byline"( hidden)?>by <span class="author">([^<]*)<', page)[
        :2
    ] == [(" hidden", ""), ("", NAME)]
    data = json.loads(re.findall(r'<script type="application/ld\+json">(.*?)</script>', page)[0])
    assert [update["author"] for update in data["liveBlogUpdate"]] == [
        {"@type": "Organization", "name": "Courtwire"},
        {"@type": "Person", "name": NAME},
    ]
    feed = feedparser.parse(shown["feed"])
    assert not feed.bozo
    # Without a byline an entry has no <author>: the feed's own (Courtwire) stands for it.
    assert feed.feed.author == "Courtwire"
    assert [entry.get("author") for entry in feed.entries] == [None, NAME]
    assert f"· by {NAME}" in shown["md"]
    assert f'<span class="byline">by {NAME}</span>' in shown["html"]
    page_tag = httpx.get(f"{server.url}/h/{slug}").headers["etag"]

    # The court restricts the name: the byline goes everywhere; the entries stay.
    restricted = editor.client.post(f"/api/hearings/{slug}/restrictions", json={"term": NAME})
    assert restricted.status_code == 201, restricted.text
    assert restricted.json()["withheld"] == []
    hidden = channels()
    for name, text in hidden.items():
        assert NAME not in text, name
        assert "Sadykova" not in text, name
    assert "The court sits." in hidden["page"]
    assert json.loads(hidden["bylines"]) == {"bylines": {}}
    assert httpx.get(f"{server.url}/h/{slug}").headers["etag"] != page_tag
    assert (
        httpx.get(f"{server.url}/h/{slug}", headers={"If-None-Match": page_tag}).status_code == 200
    )
    # Another hearing, without that restriction, still signs with it.
    other = str(editor.create_hearing("R v Elsewhere", status="live")["slug"])
    assert reporter.post(other, "Elsewhere.").status_code == 201
    assert NAME in httpx.get(f"{server.url}/h/{other}").text


def test_a_live_entry_shows_its_byline_and_the_desk_sets_one(
    browser: Browser, server: LiveServer, admin: Staff, editor: Staff, reporter: Staff
) -> None:
    me = username(reporter)
    assert set_name(reporter, me, None).status_code == 200
    slug = str(editor.create_hearing("R v Live Bylines", status="live")["slug"])
    assert editor.post(slug, "Before.").status_code == 201
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{server.url}/h/{slug}")
    expect(page.locator("#connection")).to_have_attribute("data-state", "live")

    # An admin gives the reporter a byline in the desk; the reporter's next post shows it.
    desk = browser.new_context(viewport={"width": 1280, "height": 800})
    desk.add_init_script(f"localStorage.setItem('courtwire.token', {admin.token!r})")
    people = desk.new_page()
    people.goto(f"{server.url}/desk#/people")
    row = people.locator(f'#user-rows tr[data-username="{me}"]')
    field = row.get_by_label(f"Byline of {me} (display name on public pages)")
    field.fill("Marat Iskakov")
    row.get_by_role("button", name=f"Save the byline of {me}").click()
    expect(people.locator("#toast")).to_have_text(f"{me} signs as “Marat Iskakov”.")
    assert display_name(server, admin, me) == "Marat Iskakov"
    desk.close()

    posted = reporter.post(slug, "The jury returns.")
    entry_id = posted.json()["entry"]["id"]
    article = page.locator(f"#entry-{entry_id}")
    expect(article.locator(".byline")).to_have_text("by Marat Iskakov")
    expect(page.locator("#entries .entry").nth(1).locator(".byline")).to_be_hidden()
    context.close()
