"""Holds, delays and review through a real server: a waiting post is stored and
acknowledged (202), public nowhere, released exactly once in order, never if discarded,
and a delayed one survives kill -9."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import datetime
from typing import Any

import httpx
import pytest
import websockets

from courtwire.model import Role
from tests.support import LiveServer, Staff, new_id, run


def public_text(server: LiveServer, slug: str) -> str:
    """Everything public that holds entries, as one text."""
    paths = [
        f"/h/{slug}",
        f"/api/hearings/{slug}/events?limit=1000",
        f"/api/hearings/{slug}/entries",
        f"/api/hearings/{slug}/export.json",
        f"/api/hearings/{slug}/export.md",
        f"/api/hearings/{slug}/export.html",
    ]
    return "\n".join(httpx.get(server.url + path).text for path in paths)


def post(staff: Staff, slug: str, body: str, kind: str = "note", **extra: Any) -> httpx.Response:
    payload = {"id": extra.pop("id", new_id()), "kind": kind, "body": body, **extra}
    return staff.client.post(f"/api/hearings/{slug}/entries", json=payload)


def events(server: LiveServer, slug: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = httpx.get(
        f"{server.url}/api/hearings/{slug}/events?limit=1000"
    ).json()["events"]
    return found


def test_held_posts_wait_unseen_and_an_editor_releases_them_once_in_court_order(
    server: LiveServer, editor: Staff, reporter: Staff
) -> None:
    slug = editor.create_hearing("R v Held", status="live", timezone="Europe/London")["slug"]
    note = "Reporting paused: legal argument in the jury's absence"
    held = editor.client.patch(
        f"/api/hearings/{slug}", json={"reporting": "held", "reporting_note": note}
    )
    assert held.status_code == 200
    public = httpx.get(f"{server.url}/api/hearings/{slug}").json()
    assert (public["reporting"], public["reporting_note"]) == ("held", note)
    assert "publish_delay" not in public
    assert events(server, slug)[-1]["data"]["reporting"] == "held"
    last = public["last_seq"]

    later = post(
        reporter,
        slug,
        "Counsel argues about the bad character evidence.",
        occurred_at="2026-03-02T11:20:00+00:00",
    )
    earlier = post(
        reporter, slug, "The jury leaves the courtroom.", occurred_at="2026-03-02T11:05:00+00:00"
    )
    for answer in (later, earlier):
        assert answer.status_code == 202, answer.text
        assert answer.json()["state"] == "held"
        assert answer.json()["release_at"] is None
    retry = post(
        reporter,
        slug,
        "The jury leaves the courtroom.",
        id=earlier.json()["entry"]["id"],
        occurred_at="2026-03-02T11:05:00+00:00",
    )
    assert (retry.status_code, retry.json()["state"]) == (202, "held")
    assert httpx.get(f"{server.url}/api/hearings/{slug}").json()["last_seq"] == last
    assert "jury leaves" not in public_text(server, slug)
    assert "bad character" not in public_text(server, slug)

    queue = editor.client.get(f"/api/hearings/{slug}/queue").json()["queue"]
    assert [item["entry"]["body"] for item in queue] == [
        "The jury leaves the courtroom.",
        "Counsel argues about the bad character evidence.",
    ]
    assert queue[0]["reason"] == f"Reporting is held: {note}."
    with Staff(server, server.staff(f"other-{new_id()[:8]}", Role.REPORTER)) as other:
        assert other.client.get(f"/api/hearings/{slug}/queue").json()["queue"] == []
        refused = other.client.post(f"/api/hearings/{slug}/queue/{queue[0]['entry']['id']}/release")
        assert refused.status_code == 403
    assert len(reporter.client.get(f"/api/hearings/{slug}/queue").json()["queue"]) == 2

    # Opening reporting again releases nothing by itself.
    editor.client.patch(f"/api/hearings/{slug}", json={"reporting": "open", "reporting_note": ""})
    assert len(editor.client.get(f"/api/hearings/{slug}/queue").json()["queue"]) == 2

    async def release_while_reading() -> list[dict[str, Any]]:
        after = httpx.get(f"{server.url}/api/hearings/{slug}").json()["last_seq"]
        async with websockets.connect(f"{server.ws_url}/ws/hearings/{slug}?after={after}") as ws:
            await ws.recv()
            for item in queue:
                url = f"/api/hearings/{slug}/queue/{item['entry']['id']}/release"
                answer = await asyncio.to_thread(editor.client.post, url)
                assert answer.status_code == 201, answer.text
            async with asyncio.timeout(5):
                return [json.loads(await ws.recv()) for _ in queue]

    pushed = run(release_while_reading())
    assert [e["type"] for e in pushed] == ["entry.published", "entry.published"]
    assert [e["data"]["body"] for e in pushed] == [item["entry"]["body"] for item in queue]
    first = pushed[0]["data"]
    assert first["occurred_at"] == "2026-03-02T11:05:00+00:00"
    assert datetime.fromisoformat(first["published_at"]) > datetime.fromisoformat(
        queue[0]["entry"]["published_at"]
    )
    again = editor.client.post(f"/api/hearings/{slug}/queue/{first['id']}/release")
    assert (again.status_code, again.json()["seq"]) == (200, pushed[0]["seq"])
    retried = post(
        reporter,
        slug,
        "The jury leaves the courtroom.",
        id=first["id"],
        occurred_at="2026-03-02T11:05:00+00:00",
    )
    assert (retried.status_code, retried.json()["seq"]) == (200, pushed[0]["seq"])
    assert editor.client.get(f"/api/hearings/{slug}/queue").json()["queue"] == []
    published = [e for e in events(server, slug) if e["type"] == "entry.published"]
    assert len(published) == 2


def test_review_kinds_wait_for_an_editor_and_a_discarded_post_never_appears(
    server: LiveServer, editor: Staff, reporter: Staff
) -> None:
    slug = editor.create_hearing("R v Review", status="live")["slug"]
    editor.client.patch(f"/api/hearings/{slug}", json={"review_kinds": ["verdict", "sentence"]})
    assert editor.client.get(f"/api/hearings/{slug}").json()["review_kinds"] == [
        "verdict",
        "sentence",
    ]
    assert post(reporter, slug, "The court resumes.").status_code == 201
    verdict = post(reporter, slug, "Guilty on all counts.", kind="verdict")
    assert (verdict.status_code, verdict.json()["state"]) == (202, "review")
    entry_id = verdict.json()["entry"]["id"]
    mine = reporter.client.delete(f"/api/hearings/{slug}/queue/{entry_id}")
    assert mine.status_code == 403  # only while delayed may its author pull it back
    gone = editor.client.delete(f"/api/hearings/{slug}/queue/{entry_id}")
    assert gone.status_code == 200
    assert gone.json() == {"entry": {"id": entry_id, "discarded": True}, "state": "discarded"}
    retry = post(reporter, slug, "Guilty on all counts.", kind="verdict", id=entry_id)
    assert (retry.status_code, retry.json()["state"]) == (200, "discarded")
    release = editor.client.post(f"/api/hearings/{slug}/queue/{entry_id}/release")
    assert (release.status_code, release.json()["error"]["code"]) == (409, "entry_discarded")
    assert "Guilty" not in public_text(server, slug)
    trail = editor.client.get("/api/audit", params={"hearing": slug, "action": "entry.discarded"})
    assert trail.json()["records"][0]["before"]["body"] == "Guilty on all counts."


def test_a_delayed_post_goes_out_when_due_unless_its_author_pulls_it_back(
    server: LiveServer, editor: Staff, reporter: Staff
) -> None:
    slug = editor.create_hearing("R v Delay", status="live")["slug"]
    editor.client.patch(f"/api/hearings/{slug}", json={"publish_delay": 1})
    kept = post(reporter, slug, "The witness is excused.")
    pulled = post(reporter, slug, "A sentence sent by mistake.")
    assert (kept.status_code, kept.json()["state"]) == (202, "delayed")
    assert kept.json()["release_at"] is not None
    undo = reporter.client.delete(f"/api/hearings/{slug}/queue/{pulled.json()['entry']['id']}")
    assert undo.status_code == 200
    last = httpx.get(f"{server.url}/api/hearings/{slug}").json()["last_seq"]

    async def first_event() -> dict[str, Any]:
        async with websockets.connect(f"{server.ws_url}/ws/hearings/{slug}?after={last}") as ws:
            await ws.recv()
            async with asyncio.timeout(5):
                return dict(json.loads(await ws.recv()))

    event = run(first_event())
    assert (event["type"], event["data"]["body"]) == ("entry.published", "The witness is excused.")
    assert datetime.fromisoformat(event["data"]["published_at"]) >= datetime.fromisoformat(
        kept.json()["release_at"]
    )
    assert "by mistake" not in public_text(server, slug)
    assert [e["type"] for e in events(server, slug)].count("entry.published") == 1


def test_delayed_posts_survive_kill_9_and_go_out_once_when_due(fresh_server: LiveServer) -> None:
    fresh_server.start()
    with Staff(fresh_server, fresh_server.staff("desk", Role.EDITOR)) as editor:
        slug = editor.create_hearing("R v Restart", status="live")["slug"]
        editor.client.patch(f"/api/hearings/{slug}", json={"publish_delay": 2})
        due_soon = post(editor, slug, "Due while the server is down.").json()
        editor.client.patch(f"/api/hearings/{slug}", json={"publish_delay": 600})
        due_later = post(editor, slug, "Due in ten minutes.").json()
    fresh_server.kill()
    wait = datetime.fromisoformat(due_soon["release_at"]) - datetime.now().astimezone()
    time.sleep(max(0.0, wait.total_seconds()) + 0.2)  # past its release time, server down
    fresh_server.start()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        published = [e for e in events(fresh_server, slug) if e["type"] == "entry.published"]
        if published:
            break
        time.sleep(0.05)
    assert [e["data"]["id"] for e in published] == [due_soon["entry"]["id"]]
    fresh_server.stop()
    fresh_server.start()  # a second start publishes nothing again
    published = [e for e in events(fresh_server, slug) if e["type"] == "entry.published"]
    assert [e["data"]["id"] for e in published] == [due_soon["entry"]["id"]]
    with Staff(fresh_server, fresh_server.staff("desk2", Role.EDITOR)) as editor:
        queue = editor.client.get(f"/api/hearings/{slug}/queue").json()["queue"]
    assert [item["entry"]["id"] for item in queue] == [due_later["entry"]["id"]]


def test_a_queued_post_that_names_a_new_restriction_is_not_released(
    server: LiveServer, editor: Staff, reporter: Staff
) -> None:
    slug = editor.create_hearing("R v Queued Name", status="live")["slug"]
    editor.client.patch(f"/api/hearings/{slug}", json={"reporting": "held"})
    waiting = post(reporter, slug, "Aigerim Bekova gives evidence.").json()["entry"]
    editor.client.post(f"/api/hearings/{slug}/restrictions", json={"term": "Aigerim Bekova"})
    refused = editor.client.post(f"/api/hearings/{slug}/queue/{waiting['id']}/release")
    assert (refused.status_code, refused.json()["error"]["code"]) == (422, "restricted_term")
    fixed = editor.client.patch(
        f"/api/hearings/{slug}/entries/{waiting['id']}", json={"body": "Witness A gives evidence."}
    )
    assert (fixed.status_code, fixed.json()["state"]) == (202, "held")
    assert "Witness A" not in public_text(server, slug)
    released = editor.client.post(f"/api/hearings/{slug}/queue/{waiting['id']}/release")
    assert released.status_code == 201
    assert released.json()["entry"]["body"] == "Witness A gives evidence."
    assert "Aigerim" not in public_text(server, slug)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"reporting": "paused"}, "reporting"),
        ({"publish_delay": 601}, "publish_delay"),
        ({"publish_delay": -1}, "publish_delay"),
        ({"publish_delay": "10"}, "publish_delay"),
        ({"review_kinds": ["gossip"]}, "review_kinds"),
        ({"review_kinds": "verdict"}, "review_kinds"),
        ({"reporting_note": "x" * 501}, "reporting_note"),
    ],
)
def test_bad_publishing_rules_are_refused(
    server: LiveServer, editor: Staff, changes: dict[str, Any], field: str
) -> None:
    slug = editor.create_hearing("R v Rules")["slug"]
    response = editor.client.patch(f"/api/hearings/{slug}", json=changes)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == field
    assert httpx.get(f"{server.url}/api/hearings/{slug}").json()["last_seq"] == 0
