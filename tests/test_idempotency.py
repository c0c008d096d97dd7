"""Retried posts publish once: same id and content → the stored entry; other content → 409."""

from __future__ import annotations

import asyncio

import httpx

from tests.support import LiveServer, Staff, auth, event_count, new_id, run


def test_retry_with_same_content_returns_the_stored_entry_and_its_seq(
    reporter: Staff, hearing: dict[str, object], server: LiveServer
) -> None:
    slug = str(hearing["slug"])
    payload = {"id": new_id(), "kind": "quote", "body": "We accept any sentence."}
    first = reporter.client.post(f"/api/hearings/{slug}/entries", json=payload)
    second = reporter.client.post(f"/api/hearings/{slug}/entries", json=payload)
    assert first.status_code == 201
    assert second.status_code == 200
    assert second.json() == first.json()
    assert event_count(server, slug) == 1


def test_same_id_with_other_content_is_a_conflict_and_stores_nothing(
    reporter: Staff, hearing: dict[str, object], server: LiveServer
) -> None:
    slug = str(hearing["slug"])
    entry_id = new_id()
    ok = reporter.client.post(f"/api/hearings/{slug}/entries", json={"id": entry_id, "body": "A"})
    clash = reporter.client.post(
        f"/api/hearings/{slug}/entries", json={"id": entry_id, "body": "B"}
    )
    assert ok.status_code == 201
    assert clash.status_code == 409
    assert clash.json()["error"]["code"] == "id_conflict"
    assert event_count(server, slug) == 1
    events = httpx.get(f"{server.url}/api/hearings/{slug}/events").json()["events"]
    assert events[0]["data"]["body"] == "A"


def test_same_id_in_another_hearing_is_a_conflict(
    reporter: Staff, editor: Staff, hearing: dict[str, object]
) -> None:
    other = editor.create_hearing("R v Other", status="live")
    payload = {"id": new_id(), "body": "Same words."}
    assert (
        reporter.client.post(f"/api/hearings/{hearing['slug']}/entries", json=payload).status_code
        == 201
    )
    clash = reporter.client.post(f"/api/hearings/{other['slug']}/entries", json=payload)
    assert clash.status_code == 409


def test_retry_after_revision_returns_the_entry_as_it_stands_with_its_published_seq(
    reporter: Staff, hearing: dict[str, object]
) -> None:
    slug = str(hearing["slug"])
    payload = {"id": new_id(), "body": "Three months."}
    first = reporter.client.post(f"/api/hearings/{slug}/entries", json=payload).json()
    revised = reporter.client.patch(
        f"/api/hearings/{slug}/entries/{payload['id']}",
        json={"body": "Three months and three days.", "correction": "Detention was longer."},
    ).json()
    retry = reporter.client.post(f"/api/hearings/{slug}/entries", json=payload)
    assert retry.status_code == 200
    assert retry.json()["seq"] == first["seq"]
    assert retry.json()["entry"] == revised["entry"]
    assert retry.json()["entry"]["revision"] == 2


def test_retry_after_delete_returns_the_tombstone(
    reporter: Staff, hearing: dict[str, object]
) -> None:
    slug = str(hearing["slug"])
    payload = {"id": new_id(), "body": "Soon gone."}
    first = reporter.client.post(f"/api/hearings/{slug}/entries", json=payload).json()
    reporter.client.delete(f"/api/hearings/{slug}/entries/{payload['id']}")
    retry = reporter.client.post(f"/api/hearings/{slug}/entries", json=payload)
    assert retry.status_code == 200
    assert retry.json() == {"entry": {"id": payload["id"], "deleted": True}, "seq": first["seq"]}


def test_concurrent_identical_posts_store_exactly_one_entry(
    reporter: Staff, hearing: dict[str, object], server: LiveServer
) -> None:
    slug = str(hearing["slug"])
    payloads = [{"id": new_id(), "body": f"Update {n}"} for n in range(10)]

    async def race() -> list[int]:
        async with httpx.AsyncClient(base_url=server.url, headers=auth(reporter.token)) as client:
            requests = [
                client.post(f"/api/hearings/{slug}/entries", json=payload)
                for payload in payloads
                for _ in range(5)
            ]
            return [response.status_code for response in await asyncio.gather(*requests)]

    statuses = run(race())
    assert statuses.count(201) == 10
    assert statuses.count(200) == 40
    events = httpx.get(f"{server.url}/api/hearings/{slug}/events").json()["events"]
    assert sorted(event["data"]["id"] for event in events) == sorted(p["id"] for p in payloads)
    assert [event["seq"] for event in events] == list(range(1, 11))


def test_a_patch_with_the_revision_it_changed_applies_once_and_refuses_a_stale_one(
    editor: Staff, reporter: Staff
) -> None:
    slug = editor.create_hearing("R v Revisions", status="live")["slug"]
    entry = reporter.post(slug, "The defendant is 43.").json()["entry"]
    url = f"/api/hearings/{slug}/entries/{entry['id']}"
    change = {"body": "The defendant is 34.", "correction": "Age corrected.", "revision": 1}
    first = reporter.client.patch(url, json=change)
    assert first.status_code == 200
    assert first.json()["entry"]["revision"] == 2
    last_seq = reporter.client.get(f"/api/hearings/{slug}").json()["last_seq"]
    # The same change again (a retry whose answer was lost): nothing new.
    again = reporter.client.patch(url, json=change)
    assert again.status_code == 200
    assert again.json() == first.json()
    assert reporter.client.get(f"/api/hearings/{slug}").json()["last_seq"] == last_seq
    # Another change made from revision 1: a conflict, with the entry as it stands.
    stale = editor.client.patch(url, json={"body": "The defendant is 44.", "revision": 1})
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "revision_conflict"
    assert stale.json()["entry"]["body"] == "The defendant is 34."
    assert reporter.client.get(f"/api/hearings/{slug}").json()["last_seq"] == last_seq
    bad = editor.client.patch(url, json={"body": "x", "revision": "2"})
    assert bad.status_code == 422
    assert bad.json()["error"]["field"] == "revision"
    current = editor.client.patch(url, json={"key": True, "revision": 2})
    assert current.json()["entry"]["revision"] == 3
