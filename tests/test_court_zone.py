"""A new hearing's time zone is never silently UTC: the server refuses a hearing without
one unless COURTWIRE_DEFAULT_TIMEZONE names a default; the desk prefills the editor's own
zone; readers are told the zone by name ("Almaty time"), never an IANA id."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, expect

from courtwire.model import Role
from tests.support import LiveServer, Staff
from tests.test_desk_browser import signed_in
from tests.test_reporter_composer_browser import SCREENS


@pytest.fixture
def started(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path, default_timezone=request.param)
    live.start()
    try:
        yield live
    finally:
        live.stop()


@pytest.mark.parametrize("started", [""], indirect=True)
def test_without_a_default_a_hearing_must_name_its_zone(started: LiveServer) -> None:
    with Staff(started, started.staff("zone-editor", Role.EDITOR)) as editor:
        refused = editor.client.post("/api/hearings", json={"title": "R v Nowhere"})
        assert refused.status_code == 422
        assert refused.json()["error"]["field"] == "timezone"
        assert "time zone" in refused.json()["error"]["message"]
        assert httpx.get(f"{started.url}/api/hearings").json()["hearings"] == []
        made = editor.create_hearing("R v London", timezone="Europe/London")
        assert made["timezone"] == "Europe/London"


@pytest.mark.parametrize("started", ["Asia/Almaty"], indirect=True)
def test_a_default_zone_from_the_setting(started: LiveServer) -> None:
    with Staff(started, started.staff("zone-editor", Role.EDITOR)) as editor:
        assert editor.create_hearing("R v Almaty")["timezone"] == "Asia/Almaty"


def test_an_unknown_default_zone_stops_the_server_at_start(tmp_path: Path) -> None:
    live = LiveServer(tmp_path, default_timezone="Mars/Olympus")
    with pytest.raises(Exception):  # noqa: B017, PT011 - the child exits before listening
        live.start()
    live.stop()


@pytest.mark.parametrize("screen", SCREENS)
def test_the_desk_prefills_the_editors_zone_and_readers_see_its_name(
    browser: Browser, server: LiveServer, editor: Staff, screen: str
) -> None:
    screen_options = dict(SCREENS[screen])
    viewport = screen_options.pop("viewport")
    context = signed_in(
        browser, editor.token, timezone_id="Asia/Almaty", **viewport, **screen_options
    )
    page = context.new_page()
    page.goto(f"{server.url}/desk#/new")
    form = page.locator("#create-form")
    expect(form.locator("[name=timezone]")).to_have_value("Asia/Almaty")
    title = f"R v Zone {screen}"
    form.locator("[name=title]").fill(title)
    form.locator("button[type=submit]").click()
    expect(page.locator("#hearing-title")).to_have_text(title)
    listed = httpx.get(f"{server.url}/api/hearings").json()["hearings"]
    [made] = [hearing for hearing in listed if hearing["title"] == title]
    assert made["timezone"] == "Asia/Almaty"

    page.goto(f"{server.url}/h/{made['slug']}")
    zone = page.locator(".zone")
    expect(zone).to_have_text("Court times are Almaty time.")
    assert "Asia/" not in page.locator("main").inner_text()
    context.close()
