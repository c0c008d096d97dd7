"""The demo hearing loads on an empty database, and its log replays to what the page shows."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import httpx

from courtwire.events import Event
from courtwire.timeline import replay
from tests.support import LiveServer


def test_demo_hearing_loads_on_an_empty_database_and_replays_to_the_current_state(
    tmp_path: Path,
) -> None:
    server = LiveServer(tmp_path, demo="1")
    server.start()
    try:
        hearing = httpx.get(f"{server.url}/api/hearings/zaysan-border-case").json()
        events = httpx.get(
            f"{server.url}/api/hearings/zaysan-border-case/events", params={"limit": 1000}
        ).json()["events"]
        entries = httpx.get(
            f"{server.url}/api/hearings/zaysan-border-case/entries", params={"limit": 200}
        ).json()["entries"]
        page = httpx.get(f"{server.url}/h/zaysan-border-case").text
        server.stop()
        server.start()  # a second start must not load it again
        hearings = httpx.get(f"{server.url}/api/hearings").json()["hearings"]
    finally:
        server.stop()

    assert len(hearings) == 1
    assert hearing["status"] == "closed"
    assert hearing["timezone"] == "Asia/Almaty"
    # Its cast: the people the seed article names, as readers may see them.
    assert [person["name"] for person in hearing["cast"]] == [
        "Erzhan Azimbayev",
        "Lyazzat Akhatova",
        "Qaster Musakhanuly",
        "Murager Alimuly",
    ]
    assert hearing["last_seq"] == len(events)
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))

    statuses = [e["data"]["status"] for e in events if e["type"] == "hearing.updated"]
    assert statuses == ["live", "adjourned", "live", "recess", "live", "closed"]
    assert len(entries) >= 25
    kinds = Counter(entry["kind"] for entry in entries)
    assert kinds["sentence"] >= 1
    assert kinds["verdict"] >= 1
    assert any(entry["correction"] for entry in entries)
    assert any(entry["key"] and entry["kind"] == "sentence" for entry in entries)
    assert all(entry["occurred_at"].endswith("+06:00") for entry in entries)
    assert "Azimbayev" in page
    assert "Akhatova" in page

    state = replay(Event.decode(json.dumps(e)) for e in events)
    assert [entry.to_json() for entry in state.visible()] == entries
    assert state.hearing["status"] == "closed"
