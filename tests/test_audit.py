"""The audit trail through a real server: a record for each kind of staff action and each
refusal, written with the change; append-only even through SQL; readable and as CSV."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from tests.backend import TRIGGER_REFUSED
from tests.support import LiveServer, Staff, new_id


def records(editor: Staff, **filters: Any) -> list[dict[str, Any]]:
    response = editor.client.get("/api/audit", params={"limit": 1000, **filters})
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    found: list[dict[str, Any]] = response.json()["records"]
    return found


def test_each_staff_action_is_recorded_with_before_and_after(
    editor: Staff, reporter: Staff
) -> None:
    slug = editor.create_hearing("R v Audited", status="live")["slug"]
    reporter_name = reporter.client.get("/api/me").json()["user"]["username"]
    entry_id = new_id()
    body = {"id": entry_id, "kind": "note", "body": "The first witness, Aigerim, arrives."}
    assert reporter.client.post(f"/api/hearings/{slug}/entries", json=body).status_code == 201
    url = f"/api/hearings/{slug}/entries/{entry_id}"
    assert (
        reporter.client.patch(url, json={"body": "The first witness arrives."}).status_code == 200
    )
    editor.client.patch(f"/api/hearings/{slug}", json={"description": "Day one."})
    added = editor.client.post(f"/api/hearings/{slug}/restrictions", json={"term": "Aigerim"})
    restriction = added.json()["restriction"]["id"]
    editor.client.delete(f"/api/hearings/{slug}/restrictions/{restriction}")
    assert editor.client.delete(url).status_code == 200

    trail = records(editor, hearing=slug)
    actions = [(r["actor"], r["action"], r["target"]) for r in trail]
    assert actions == [
        ("editor-main", "hearing.created", slug),
        (reporter_name, "entry.posted", entry_id),
        (reporter_name, "entry.revised", entry_id),
        ("editor-main", "hearing.updated", slug),
        # The first revision named the new term: its event was redacted.
        ("editor-main", "restriction.added", str(restriction)),
        ("editor-main", "event.redacted", entry_id),
        ("editor-main", "restriction.removed", str(restriction)),
        ("editor-main", "entry.deleted", entry_id),
        ("editor-main", "event.redacted", entry_id),
    ]
    by_action = {r["action"]: r for r in trail}
    assert by_action["entry.revised"]["before"]["body"] == "The first witness, Aigerim, arrives."
    assert by_action["entry.revised"]["after"]["body"] == "The first witness arrives."
    assert by_action["hearing.updated"]["before"] == {"description": ""}
    assert by_action["hearing.updated"]["after"] == {"description": "Day one."}
    redacted = [r for r in trail if r["action"] == "event.redacted"]
    assert redacted[0]["before"]["data"]["body"] == "The first witness, Aigerim, arrives."
    assert redacted[0]["after"]["data"] == {"id": entry_id, "deleted": True}
    assert redacted[0]["reason"] == f"restricted restriction={restriction}"
    assert [r["seq"] for r in trail] == sorted(r["seq"] for r in trail)


def test_a_refused_post_is_recorded_with_its_text_and_the_term(
    editor: Staff, reporter: Staff
) -> None:
    slug = editor.create_hearing("R v Refusals", status="live", restricted_terms=["Zhana Olmez"])[
        "slug"
    ]
    refused = reporter.post(slug, "We saw ZHANA OLMEZ today.")
    assert refused.status_code == 422
    unknown = reporter.client.post(f"/api/hearings/{slug}/entries", json={"body": "x", "mood": 1})
    assert unknown.status_code == 422
    trail = records(editor, hearing=slug, action="request.refused")
    assert [r["after"].get("body") for r in trail] == ["We saw ZHANA OLMEZ today.", "x"]
    assert trail[0]["reason"].startswith("restricted_term: The body names a term")
    assert trail[0]["reason"].endswith("(restricted term 'Zhana Olmez')")
    assert trail[1]["reason"].startswith("unknown_field")
    assert all(r["target"] == f"POST /api/hearings/{slug}/entries" for r in trail)


def test_the_trail_is_append_only_even_through_sql(server: LiveServer, editor: Staff) -> None:
    editor.create_hearing("R v Append Only")
    for statement in ("UPDATE audit SET actor = 'someone else'", "DELETE FROM audit"):
        with pytest.raises(TRIGGER_REFUSED, match="append-only"), server.connect() as db:
            db.execute(statement)
    with server.connect() as db:
        assert db.execute("SELECT count(*) FROM audit").fetchone()[0] > 0


def test_the_csv_parses_and_matches_the_json(editor: Staff, reporter: Staff) -> None:
    slug = editor.create_hearing('R v Csv, "quoted"', status="live")["slug"]
    reporter.post(slug, 'A line with "quotes", commas\nand a second line.')
    response = editor.client.get("/api/audit.csv", params={"hearing": slug})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    as_json = records(editor, hearing=slug)
    assert [row["seq"] for row in rows] == [str(r["seq"]) for r in as_json]
    assert [row["action"] for row in rows] == ["hearing.created", "entry.posted"]
    assert 'A line with \\"quotes\\", commas\\nand a second line.' in rows[1]["after"]


@pytest.mark.parametrize("query", ["after=-1", "after=x", "limit=0x", "limit=1001"])
def test_bad_audit_queries_are_400(editor: Staff, query: str) -> None:
    response = editor.client.get(f"/api/audit?{query}")
    assert response.status_code == 400
    assert response.json()["error"]["field"] in ("after", "limit")
