"""Deleted means gone from every public output; a restricted term never goes out."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
import websockets

from tests.support import LiveServer, Staff, event_count, new_id, read_events, run


def test_deleted_entry_is_gone_from_page_events_api_and_websocket_backlog(
    server: LiveServer, reporter: Staff, hearing: dict[str, Any]
) -> None:
    slug = hearing["slug"]
    kept = reporter.post(slug, "The court rises.").json()["entry"]
    doomed = reporter.post(slug, "Named a protected witness by mistake.").json()["entry"]
    reporter.client.patch(
        f"/api/hearings/{slug}/entries/{doomed['id']}",
        json={"body": "Still named the protected witness."},
    )
    deleted = reporter.client.delete(f"/api/hearings/{slug}/entries/{doomed['id']}")
    assert deleted.status_code == 200
    assert deleted.json() == {"entry": {"id": doomed["id"], "deleted": True}, "seq": 4}
    again = reporter.client.delete(f"/api/hearings/{slug}/entries/{doomed['id']}")
    assert again.json() == deleted.json()

    page = httpx.get(f"{server.url}/h/{slug}").text
    events = httpx.get(f"{server.url}/api/hearings/{slug}/events").json()
    entries = httpx.get(f"{server.url}/api/hearings/{slug}/entries").json()
    _, backlog = run(read_events(f"{server.ws_url}/ws/hearings/{slug}", 4))
    for output in (page, json.dumps(events), json.dumps(entries), json.dumps(backlog)):
        assert "protected witness" not in output
    assert "The court rises." in page
    assert [e["type"] for e in events["events"]] == [
        "entry.published",
        "entry.published",
        "entry.revised",
        "entry.deleted",
    ]
    tombstone = {"id": doomed["id"], "deleted": True}
    assert [e["data"] for e in events["events"][1:]] == [tombstone] * 3
    assert [e["seq"] for e in backlog] == [1, 2, 3, 4]
    assert backlog == events["events"]
    assert [e["id"] for e in entries["entries"]] == [kept["id"]]


def test_live_reader_gets_the_deletion_and_a_fresh_reader_only_tombstones(
    server: LiveServer, reporter: Staff, hearing: dict[str, Any]
) -> None:
    slug = hearing["slug"]

    async def scenario() -> list[dict[str, Any]]:
        async with websockets.connect(f"{server.ws_url}/ws/hearings/{slug}") as ws:
            await ws.recv()
            entry = (await asyncio.to_thread(reporter.post, slug, "Oops.")).json()["entry"]
            await asyncio.to_thread(
                reporter.client.delete, f"/api/hearings/{slug}/entries/{entry['id']}"
            )
            return [json.loads(await ws.recv()) for _ in range(2)]

    live = run(scenario())
    assert [e["type"] for e in live] == ["entry.published", "entry.deleted"]
    assert live[0]["data"]["body"] == "Oops."  # sent before the deletion, as it happened
    assert live[1]["data"] == {"id": live[0]["data"]["id"], "deleted": True}
    _, fresh = run(read_events(f"{server.ws_url}/ws/hearings/{slug}", 2))
    assert "Oops." not in json.dumps(fresh)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"body": "The witness Zhaña Ölmez told the court"}, "body"),
        ({"body": "Testimony from ZHANA   OLMEZ."}, "body"),
        ({"body": "zhana-olmez said no"}, "body"),
        (
            {"body": "A witness spoke.", "speaker": {"role": "witness", "name": "Zhana Olmez"}},
            "speaker.name",
        ),
    ],
)
def test_restricted_term_is_refused_with_its_position_and_nothing_is_stored(
    server: LiveServer, editor: Staff, reporter: Staff, fields: dict[str, Any], field: str
) -> None:
    slug = editor.create_hearing("R v Restricted", status="live", restricted_terms=["Zhana Olmez"])[
        "slug"
    ]
    response = reporter.client.post(
        f"/api/hearings/{slug}/entries", json={"id": new_id(), "kind": "testimony", **fields}
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "restricted_term"
    assert error["field"] == field
    assert "characters" in error["message"]
    assert event_count(server, slug) == 0
    assert "Olmez" not in httpx.get(f"{server.url}/h/{slug}").text


@pytest.mark.parametrize(
    ("body", "span"),
    [
        ("Ali**muly** spoke", "1–9"),
        ("Ali&#109;uly spoke", "1–12"),
        ("Ali\u200bmuly spoke", "1–8"),
        ("Ali\u00admuly spoke", "1–8"),
        ("\u0410limuly spoke", "1–7"),
        ("Today \u0410\u043b\u0438\u043c\u0443\u043b\u044b spoke", "7–13"),
        ("#ZhanaOlmez", "2–11"),
        ("A l i m u l y", "1–13"),
    ],
)
def test_a_disguised_restricted_term_is_refused_and_nothing_is_stored(
    server: LiveServer, editor: Staff, reporter: Staff, body: str, span: str
) -> None:
    terms = ["Alimuly", "Zhana Olmez"]
    slug = editor.create_hearing("R v Disguise", status="live", restricted_terms=terms)["slug"]
    response = reporter.client.post(
        f"/api/hearings/{slug}/entries", json={"id": new_id(), "kind": "testimony", "body": body}
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "restricted_term"
    assert f"at characters {span};" in error["message"]
    assert event_count(server, slug) == 0


def test_restricted_term_in_a_correction_is_refused_and_the_entry_unchanged(
    server: LiveServer, editor: Staff, reporter: Staff
) -> None:
    slug = editor.create_hearing("R v Correction", status="live", restricted_terms=["Jane Roe"])[
        "slug"
    ]
    entry = reporter.post(slug, "A witness gave evidence.").json()["entry"]
    response = reporter.client.patch(
        f"/api/hearings/{slug}/entries/{entry['id']}",
        json={"correction": "The witness was jane roe."},
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "correction"
    assert response.json()["error"]["message"].endswith("it cannot be published.")
    assert event_count(server, slug) == 1


def test_a_word_that_merely_contains_the_term_is_allowed(editor: Staff, reporter: Staff) -> None:
    slug = editor.create_hearing("R v Words", status="live", restricted_terms=["Ann"])["slug"]
    assert reporter.post(slug, "The annual report and Annabel's note.").status_code == 201
    assert reporter.post(slug, "Ann said nothing.").status_code == 422


def test_terms_restricted_after_publication_withhold_the_entries_that_name_them(
    editor: Staff, reporter: Staff
) -> None:
    slug = editor.create_hearing("R v Later", status="live")["slug"]
    named = reporter.post(slug, "Witness Zhana Olmez arrives.").json()["entry"]
    reporter.post(slug, "The court rises.")
    by_name = reporter.post(
        slug, "A witness.", speaker={"role": "witness", "name": "zhaña olmez"}
    ).json()["entry"]
    patched = editor.client.patch(
        f"/api/hearings/{slug}", json={"restricted_terms": ["Zhana Olmez"]}
    ).json()
    assert sorted(patched["withheld"]) == sorted([named["id"], by_name["id"]])
    withheld = editor.client.get(f"/api/hearings/{slug}/withheld").json()["withheld"]
    assert {item["entry"]["id"]: item["field"] for item in withheld} == {
        named["id"]: "body",
        by_name["id"]: "speaker.name",
    }
    assert all("characters" in item["message"] for item in withheld)
    public = reporter.client.get(f"/api/hearings/{slug}/entries").json()["entries"]
    assert [entry["body"] for entry in public] == ["The court rises."]
    cleared = editor.client.patch(f"/api/hearings/{slug}", json={"restricted_terms": []})
    assert cleared.json()["withheld"] == []
    plain = editor.client.patch(f"/api/hearings/{slug}", json={"title": "R v Later (2)"})
    assert plain.json()["withheld"] == []
