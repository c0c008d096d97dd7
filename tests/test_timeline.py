"""The fold of a hearing's events into its state (server/timeline.py), and its mirror in
the browser (static/js/timeline.js) giving the same state for the same events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from playwright.sync_api import Browser

from courtwire.events import Event, tombstone_data
from courtwire.model import EventType
from courtwire.timeline import Timeline, replay
from tests.support import LiveServer, entry_json

SLUG = "r-v-fold"


def entry(entry_id: str, occurred: str, body: str, **fields: Any) -> dict[str, Any]:
    return entry_json(entry_id, body, occurred, **fields)


def log(*steps: tuple[str, EventType, dict[str, Any]]) -> list[Event]:
    return [Event(seq, kind, at, SLUG, data) for seq, (at, kind, data) in enumerate(steps, 1)]


PUB, REV, DEL, HEAR = (
    EventType.ENTRY_PUBLISHED,
    EventType.ENTRY_REVISED,
    EventType.ENTRY_DELETED,
    EventType.HEARING_UPDATED,
)
A = entry("a", "2020-01-20T10:00:00+06:00", "The court opens.")
B = entry("b", "2020-01-20T10:05:00+06:00", "The prosecutor asks for two years.")
C = entry("c", "2020-01-20T10:10:00+06:00", "Sentence: one year.", kind="sentence", key=True)
# A late post about an earlier moment: published after c, but earlier in court time.
D = entry(
    "d",
    "2020-01-20T10:02:00+06:00",
    "Both defendants are present.",
    published_at="2020-01-20T04:20:00+00:00",
)
B2 = B | {"body": "The prosecutor asks for 18 months.", "revision": 2, "correction": "Was 2 years."}
C_PINNED = C | {"pinned": True, "revision": 2}

EVENTS = log(
    ("2020-01-20T04:00:00Z", HEAR, {"slug": SLUG, "status": "live"}),
    ("2020-01-20T04:00:30Z", PUB, A),
    ("2020-01-20T04:05:00Z", PUB, B),
    ("2020-01-20T04:10:00Z", PUB, C),
    ("2020-01-20T04:12:00Z", REV, B2),
    ("2020-01-20T04:15:00Z", PUB, tombstone_data("x")),  # an entry deleted later on
    ("2020-01-20T04:20:00Z", PUB, D),
    ("2020-01-20T04:21:00Z", REV, C_PINNED),
    ("2020-01-20T04:30:00Z", DEL, tombstone_data("x")),
    ("2020-01-20T04:40:00Z", DEL, tombstone_data("a")),
    ("2020-01-20T06:30:00Z", HEAR, {"slug": SLUG, "status": "closed"}),
)


def ids(timeline: Timeline) -> list[str]:
    return [item.id for item in timeline.visible()]


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_publish_adds_entries_shown_newest_court_time_first() -> None:
    timeline = replay(EVENTS[:4])
    assert ids(timeline) == ["c", "b", "a"]
    assert list(timeline.entries) == ["a", "b", "c"]
    assert timeline.hearing == {"slug": SLUG, "status": "live"}
    assert timeline.last_seq == 4


def test_a_late_post_about_an_earlier_moment_takes_its_court_time_place() -> None:
    assert ids(replay(EVENTS[:7])) == ["c", "b", "d", "a"]


def test_revise_replaces_the_entry_in_place_with_its_correction() -> None:
    timeline = replay(EVENTS[:5])
    assert list(timeline.entries) == ["a", "b", "c"]
    assert timeline.entries["b"].body == "The prosecutor asks for 18 months."
    assert timeline.entries["b"].correction == "Was 2 years."
    assert timeline.entries["b"].revision == 2


def test_pinning_is_a_revision() -> None:
    assert replay(EVENTS[:7]).entries["c"].pinned is False
    assert replay(EVENTS[:8]).entries["c"].pinned is True


def test_a_tombstone_never_shows_and_a_deletion_removes_the_entry() -> None:
    for count in range(1, len(EVENTS) + 1):
        assert "x" not in replay(EVENTS[:count]).entries
    assert "a" in replay(EVENTS[:9]).entries
    final = replay(EVENTS)
    assert ids(final) == ["c", "b", "d"]
    assert final.hearing["status"] == "closed"
    assert final.last_seq == 11


def test_until_folds_only_the_events_at_or_before_that_moment() -> None:
    assert ids(replay(EVENTS, until=moment("2020-01-20T04:09:59Z"))) == ["b", "a"]
    at_sentence = replay(EVENTS, until=moment("2020-01-20T04:10:00Z"))
    assert ids(at_sentence) == ["c", "b", "a"]
    assert at_sentence.entries["b"].revision == 1
    before_deletion = replay(EVENTS, until=moment("2020-01-20T10:39:00+06:00"))
    assert ids(before_deletion) == ["c", "b", "d", "a"]
    assert replay(EVENTS, until=moment("2020-01-20T03:00:00Z")).last_seq == 0


def test_a_gap_in_the_log_is_an_error() -> None:
    with pytest.raises(AssertionError, match="gap"):
        replay([EVENTS[0], EVENTS[2]])


MIRROR = """
async ([events, untils]) => {
  const t = await import("/static/js/timeline.js");
  return untils.map((until) => {
    const state = t.fold(events, until === null ? null : Date.parse(until));
    return {
      ids: t.visible(state).map((e) => e.id),
      order: [...state.entries.keys()],
      entries: Object.fromEntries(state.entries),
      hearing: state.hearing,
      lastSeq: state.lastSeq,
    };
  });
}
"""


def test_the_browser_fold_mirrors_the_server_fold(browser: Browser, server: LiveServer) -> None:
    untils: list[str | None] = [event.at for event in EVENTS]
    untils += ["2020-01-20T04:09:59Z", "2020-01-20T03:00:00Z", None]
    page = browser.new_page()
    page.goto(f"{server.url}/healthz")
    mirrored = page.evaluate(MIRROR, [[e.to_json() for e in EVENTS], untils])
    page.close()
    assert len(mirrored) == len(untils)
    for until, js in zip(untils, mirrored, strict=True):
        py = replay(EVENTS, until=None if until is None else moment(until))
        assert js["ids"] == ids(py), until
        assert js["order"] == list(py.entries), until
        assert js["entries"] == {key: e.to_json() for key, e in py.entries.items()}, until
        assert js["hearing"] == py.hearing, until
        assert js["lastSeq"] == py.last_seq, until


PLAY_LINE = """
async (events) => {
  const t = await import("/static/js/timeline.js");
  const line = t.playLine(events);
  const probe = (p) => new Date(t.courtInstant(line, p)).toISOString();
  return {
    marks: line.marks,
    length: line.length,
    gaps: t.skippedGaps(line).length,
    clock: [0, 1000, 30000, 61000, line.length].map(probe),
    counts: [0, 29999, 30000, line.length].map((p) => t.eventsUpTo(line, p)),
    back: t.linePosition(line, Date.parse("2020-02-03T10:00:30Z")),
  };
}
"""


def test_the_player_skips_idle_stretches_over_a_minute(
    browser: Browser, server: LiveServer
) -> None:
    events = log(
        ("2020-01-20T10:00:00Z", PUB, A),
        ("2020-01-20T10:00:30Z", PUB, B),  # 30 s: played as it was
        ("2020-02-03T10:01:00Z", PUB, C),  # 14 days: cut to one minute
    )
    page = browser.new_page()
    page.goto(f"{server.url}/healthz")
    line = page.evaluate(PLAY_LINE, [e.to_json() for e in events])
    page.close()
    assert line["marks"] == [0, 30000, 90000]
    assert line["length"] == 90000
    assert line["gaps"] == 1
    assert line["clock"] == [
        "2020-01-20T10:00:00.000Z",
        "2020-01-20T10:00:01.000Z",
        "2020-01-20T10:00:30.000Z",
        "2020-02-03T10:00:31.000Z",  # the skip happens at once, the last minute plays
        "2020-02-03T10:01:00.000Z",
    ]
    assert line["counts"] == [1, 1, 2, 3]
    assert line["back"] == 30000 + 30000
