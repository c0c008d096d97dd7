"""A trial of many days: entries not from today show their date, each day's entries sit
under a heading, a reader jumps to a day (also one on an older page), the exports and the
desk's replay head each day, and the pinned entry and key events come from the whole
hearing however long."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from playwright.sync_api import Browser, expect

from courtwire.model import Role
from tests.support import LiveServer, Staff, fill_log

ZONE = "Asia/Almaty"
DAYS = [
    ("2020-01-06T10:00:00+06:00", "Monday, 6 January 2020"),
    ("2020-01-07T23:30:00+06:00", "Tuesday, 7 January 2020"),
    ("2020-01-09T00:10:00+06:00", "Thursday, 9 January 2020"),  # 18:10 UTC the day before
]


def post(staff: Staff, slug: str, body: str, occurred: str, **fields: Any) -> str:
    """Post an update at court time `occurred`; its id."""
    response = staff.post(slug, body, occurred_at=occurred, **fields)
    assert response.status_code == 201, response.text
    return str(response.json()["entry"]["id"])


def three_day_trial(editor: Staff) -> tuple[str, list[str]]:
    slug = str(editor.create_hearing("R v Three Days", status="live", timezone=ZONE)["slug"])
    ids = [post(editor, slug, f"Day {n} opens.", when) for n, (when, _) in enumerate(DAYS, 1)]
    return slug, ids


def test_the_page_heads_each_day_and_lists_the_days_to_jump_to(
    server: LiveServer, editor: Staff
) -> None:
    slug, ids = three_day_trial(editor)
    page = httpx.get(f"{server.url}/h/{slug}").text
    headings = re.findall(r'<h3 class="day-heading" id="day-([\d-]+)">([^<]+)</h3>', page)
    assert headings == [
        ("2020-01-09", "Thursday, 9 January 2020"),
        ("2020-01-07", "Tuesday, 7 January 2020"),
        ("2020-01-06", "Monday, 6 January 2020"),
    ]
    links = re.findall(r'<li data-day="([\d-]+)"><a href="([^"]+)">([^<]+)</a></li>', page)
    assert links == [(key, f"#day-{key}", label) for (key, label) in reversed(headings)]
    # Each heading stands right before its day's entry; the entry is dated (not today).
    for (key, _), entry_id in zip(headings, reversed(ids), strict=True):
        after = page[page.index(f'id="day-{key}"') :]
        assert after.index(f'id="entry-{entry_id}"') < after.index("</article>")
    assert ">9 Jan 2020, 00:10</time>" in page
    assert ">7 Jan 2020, 23:30</time>" in page


def test_an_entry_of_today_shows_its_clock_alone(server: LiveServer, editor: Staff) -> None:
    slug = str(editor.create_hearing("R v Today", status="live", timezone=ZONE)["slug"])
    moment = datetime.now(UTC).astimezone(ZoneInfo(ZONE)).replace(second=0, microsecond=0)
    post(editor, slug, "Now.", moment.isoformat())
    page = httpx.get(f"{server.url}/h/{slug}").text
    assert f">{moment:%H:%M}</time>" in page
    # One day: no list of days to jump to.
    assert re.search(r'<nav id="days"[^>]* hidden>', page)


def test_a_day_on_an_older_page_is_linked_through_that_page(
    server: LiveServer, editor: Staff
) -> None:
    slug = str(editor.create_hearing("R v Long Days", status="live", timezone=ZONE)["slug"])
    early = post(editor, slug, "The trial opens.", "2020-01-06T10:00:00+06:00", key=True)
    fill_log(server, slug, 505)  # 22 January 2020, 11:05: pushes day one off the first page
    page = httpx.get(f"{server.url}/h/{slug}").text
    link = re.search(r'<li data-day="2020-01-06"><a href="([^"]+)">', page)
    assert link is not None
    assert re.fullmatch(r"\?before=\d+#day-2020-01-06", link[1])
    older = httpx.get(f"{server.url}/h/{slug}{link[1].split('#')[0]}").text
    assert '<h3 class="day-heading" id="day-2020-01-06">' in older
    assert f'id="entry-{early}"' in older
    # The key events still hold the first one, from the whole hearing.
    assert f'#entry-{early}"' in page


def test_transcripts_head_each_day(server: LiveServer, editor: Staff) -> None:
    slug, _ = three_day_trial(editor)
    markdown = httpx.get(f"{server.url}/api/hearings/{slug}/export.md").text
    assert re.findall(r"^## (.+)$", markdown, flags=re.MULTILINE) == [label for _, label in DAYS]
    html = httpx.get(f"{server.url}/api/hearings/{slug}/export.html").text
    assert re.findall(r'<h2 id="day-([\d-]+)">([^<]+)</h2>', html) == [
        (when[:10], label) for when, label in DAYS
    ]
    assert re.findall(r'<li><a href="#day-([\d-]+)">', html) == [
        "2020-01-06",
        "2020-01-07",
        "2020-01-09",
    ]


def test_a_reader_sees_dates_day_headings_and_jumps_to_a_day_on_an_older_page(
    browser: Browser, fresh_server: LiveServer
) -> None:
    fresh_server.start()
    with Staff(fresh_server, fresh_server.staff("ed", Role.EDITOR)) as editor:
        slug = str(editor.create_hearing("R v Weeks", status="live", timezone=ZONE)["slug"])
        early = post(editor, slug, "The trial opens.", "2020-01-06T10:00:00+06:00")
        fill_log(fresh_server, slug, 505)
        fresh_server.stop()  # the hub reads last_seq afresh
        fresh_server.start()
        context = browser.new_context(viewport={"width": 360, "height": 800})
        page = context.new_page()
        page.goto(f"{fresh_server.url}/h/{slug}")
        expect(page.locator("#connection")).to_have_attribute("data-state", "live")
        expect(page.locator("#entries > .day-heading")).to_have_count(1)
        expect(page.locator("#day-list a")).to_have_text(
            ["Monday, 6 January 2020", "Wednesday, 22 January 2020"]
        )
        expect(page.get_by_role("navigation", name="Days")).to_be_visible()

        # A live update of today: its own heading on top, its clock alone, a new day listed.
        now = datetime.now(UTC).astimezone(ZoneInfo(ZONE)).replace(second=0, microsecond=0)
        today = post(editor, slug, "Court resumes today.", now.isoformat())
        expect(page.locator("#entries > *").first).to_have_attribute("id", f"day-{now:%Y-%m-%d}")
        expect(page.locator(f"#entry-{today} time")).to_have_text(f"{now:%H:%M}")
        expect(page.locator("#day-list li")).to_have_count(3)
        expect(page.locator("#day-list li").last).to_have_attribute("data-day", f"{now:%Y-%m-%d}")
        # A day the server did not head: the script's words for it ("Mon, 30 Nov 2026").
        day_text = re.compile(rf"^\w+, {now.day} \w+ {now.year}$")
        expect(page.locator(f"#day-{now:%Y-%m-%d}")).to_have_text(day_text)
        expect(page.locator("#entries .entry").nth(1).locator("time")).to_have_text(
            "22 Jan 2020, 11:05"
        )

        # Day one is on an older page: the script loads it in place and scrolls to it.
        page.evaluate("location.hash = '#day-2020-01-06'")
        heading = page.locator("#day-2020-01-06")
        expect(heading).to_have_text("Mon, 6 Jan 2020")  # the script's words for the day
        expect(heading).to_have_class(re.compile("targeted"))
        expect(heading).to_be_in_viewport()
        expect(page.locator(f"#entry-{early} time")).to_have_text("6 Jan 2020, 10:00")
        assert page.locator("#entries > .day-heading").evaluate_all(
            "nodes => nodes.map((node) => node.id)"
        ) == [f"day-{now:%Y-%m-%d}", "day-2020-01-22", "day-2020-01-06"]

        # Oldest first: the headings follow, each before its day's first entry.
        page.locator("#order").click()
        assert page.locator("#entries > .day-heading").evaluate_all(
            "nodes => nodes.map((node) => node.id)"
        ) == ["day-2020-01-06", "day-2020-01-22", f"day-{now:%Y-%m-%d}"]
        first = page.locator("#entries > *").evaluate_all(
            "nodes => nodes.slice(0, 2).map((node) => node.id)"
        )
        assert first == ["day-2020-01-06", f"entry-{early}"]
        context.close()


def test_after_midnight_in_the_hearings_zone_yesterdays_entries_show_their_date(
    browser: Browser, server: LiveServer, editor: Staff
) -> None:
    """The reader's "today" is today in the hearing's zone: the page's clock moves past
    midnight there and an entry of the evening before shows its date."""
    slug = str(editor.create_hearing("R v Midnight", status="live", timezone=ZONE)["slug"])
    evening = datetime.now(UTC).astimezone(ZoneInfo(ZONE)).replace(
        hour=23, minute=50, second=0, microsecond=0
    ) - timedelta(days=1)
    entry = post(editor, slug, "Late sitting.", evening.isoformat())
    context = browser.new_context()
    page = context.new_page()
    page.clock.install(time=evening + timedelta(minutes=5))
    page.goto(f"{server.url}/h/{slug}")
    expect(page.locator("#connection")).to_have_attribute("data-state", "live")
    # The script shows the reader's day there: today at 23:55, so the clock alone.
    expect(page.locator(f"#entry-{entry} time")).to_have_text("23:50")
    page.clock.run_for(10 * 60 * 1000)
    expect(page.locator(f"#entry-{entry} time")).to_have_text(
        f"{evening.day} {evening:%b %Y}, 23:50"
    )
    context.close()


def test_the_desks_replay_heads_each_day(
    browser: Browser, server: LiveServer, editor: Staff
) -> None:
    slug, ids = three_day_trial(editor)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_init_script(f"localStorage.setItem('courtwire.token', {editor.token!r})")
    page = context.new_page()
    page.goto(f"{server.url}/desk#/hearings/{slug}/replay")
    expect(page.locator("#replay-progress")).to_contain_text("Event 1 of")
    page.locator("#replay-play").click()  # the posts were a moment apart: it ends at once
    expect(page.locator("#panel-replay")).to_have_attribute("data-applied", "3")
    expect(page.locator("#replay-entries .entry")).to_have_count(3)
    expect(page.locator("#replay-entries > .day-heading")).to_have_text(
        ["Thu, 9 Jan 2020", "Tue, 7 Jan 2020", "Mon, 6 Jan 2020"]
    )
    assert page.locator("#replay-entries > *").evaluate_all(
        "nodes => nodes.map((node) => node.id)"
    ) == [
        "replay-day-2020-01-09",
        f"replay-{ids[2]}",
        "replay-day-2020-01-07",
        f"replay-{ids[1]}",
        "replay-day-2020-01-06",
        f"replay-{ids[0]}",
    ]
    context.close()


def test_the_server_says_how_long_ago_as_the_script_does(
    browser: Browser, server: LiveServer, editor: Staff
) -> None:
    """The page comes with each entry's "3 hours ago", worded as the script words it:
    filling it in then moves nothing (no layout shift)."""
    slug = str(editor.create_hearing("R v Ages", status="live", timezone=ZONE)["slug"])
    now = datetime.now(UTC).replace(microsecond=0)
    ages = [timedelta(seconds=20), timedelta(seconds=150), timedelta(hours=3)]
    ages += [timedelta(days=1, hours=2), timedelta(days=16), timedelta(days=70)]
    ages += [timedelta(days=400), timedelta(days=1200)]
    for age in ages:
        post(editor, slug, f"{age} ago.", (now - age).isoformat())
    served = httpx.get(f"{server.url}/h/{slug}").text
    from_server = re.findall(r'<span class="ago">([^<]*)</span>', served)[: len(ages)]
    assert from_server[:2] == ["just now", "2 minutes ago"]
    assert from_server[3:] == [
        "1 day ago",
        "2 weeks ago",
        "2 months ago",
        "1 year ago",
        "3 years ago",
    ]
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{server.url}/h/{slug}")
    expect(page.locator("#connection")).to_have_attribute("data-state", "live")
    assert page.locator("#entries .ago").all_inner_texts() == from_server
    context.close()
