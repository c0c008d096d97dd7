"""Court safety through a real server: a restriction added after publication takes the
entries and the history that name it out of every public channel, in the same
transaction, and a correction republishes only the clean text."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path
from typing import Any

import httpx
import websockets

from courtwire.restrictions import find_restricted
from courtwire.sqlite_db import migrate
from tests.backend import ON_POSTGRESQL
from tests.support import ROOT, LiveServer, Staff, read_events, run

TERM = "Zhana Olmez"


def public_outputs(server: LiveServer, slug: str) -> dict[str, str]:
    """Every public channel that serves stored content, as text."""
    base = server.url
    paths = {
        "page": f"/h/{slug}",
        "events": f"/api/hearings/{slug}/events?after=0&limit=1000",
        "entries": f"/api/hearings/{slug}/entries",
        "hearing": f"/api/hearings/{slug}",
        "hearings": "/api/hearings",
        "export.json": f"/api/hearings/{slug}/export.json",
        "export.md": f"/api/hearings/{slug}/export.md",
        "export.html": f"/api/hearings/{slug}/export.html",
        "index": "/",
        "feed": f"/h/{slug}/feed.atom",
        "embed": f"/h/{slug}/embed",
    }
    found = {}
    for name, path in paths.items():
        response = httpx.get(base + path)
        assert response.status_code == 200, (name, response.status_code)
        found[name] = response.text
    hearing = json.loads(found["hearing"])
    _, events = run(read_events(f"{server.ws_url}/ws/hearings/{slug}", hearing["last_seq"]))
    found["websocket from 0"] = json.dumps(events, ensure_ascii=False)
    found["event stream from 0"] = event_stream(server, slug, hearing["last_seq"])
    return found


def event_stream(server: LiveServer, slug: str, last_seq: int) -> str:
    """The Server-Sent Events stream from 0 up to the event `last_seq` (or its hello, for
    an empty log), as text."""
    last = f"id: {last_seq}" if last_seq else "data: "
    lines = []
    with httpx.stream("GET", f"{server.url}/h/{slug}/events.sse?after=0", timeout=10) as stream:
        for line in stream.iter_lines():
            lines.append(line)
            if line.startswith(last):
                break
    assert any(line.startswith(last) for line in lines)
    return "\n".join(lines)


def assert_no_trace(outputs: dict[str, str], *terms: str) -> None:
    for name, text in outputs.items():
        hit = find_restricted(text, list(terms))
        assert hit is None, f"{name} names {hit.term!r}: {text[hit.start - 40 : hit.end + 40]!r}"


def test_restriction_withholds_live_and_leaves_no_trace_then_correction_republishes(
    server: LiveServer, editor: Staff, reporter: Staff
) -> None:
    slug = editor.create_hearing("R v Withheld", status="live")["slug"]
    named = reporter.post(slug, "Witness **Zhana** Olmez takes the stand.").json()
    clean = reporter.post(slug, "The court rises briefly.").json()
    by_speaker = reporter.post(
        slug, "I was there.", speaker={"role": "witness", "name": "zhaña ölmez"}
    ).json()
    # An entry whose current text is clean but whose first revision named the person.
    revised = reporter.post(slug, "Zhana Olmez: present.").json()
    reporter.client.patch(
        f"/api/hearings/{slug}/entries/{revised['entry']['id']}",
        json={"body": "A witness is present.", "correction": "Name removed."},
    )
    last = httpx.get(f"{server.url}/api/hearings/{slug}").json()["last_seq"]

    async def restrict_while_watching() -> tuple[list[dict[str, Any]], dict[str, Any]]:
        async with websockets.connect(f"{server.ws_url}/ws/hearings/{slug}?after={last}") as ws:
            assert json.loads(await ws.recv())["type"] == "hello"
            answer = await asyncio.to_thread(
                editor.client.post,
                f"/api/hearings/{slug}/restrictions",
                json={"term": TERM, "kind": "person", "order": "s.45 direction"},
            )
            seen = []
            async with asyncio.timeout(1.0):
                while not seen or seen[-1]["type"] != "hearing.updated":
                    seen.append(json.loads(await ws.recv()))
            return seen, answer.json()

    seen, answer = run(restrict_while_watching())
    withheld_ids = {named["entry"]["id"], by_speaker["entry"]["id"]}
    assert set(answer["withheld"]) == withheld_ids
    assert answer["restriction"]["term"] == TERM
    assert [event["type"] for event in seen] == [
        "entry.withheld",
        "entry.withheld",
        "hearing.updated",
    ]
    assert {event["data"]["id"] for event in seen[:2]} == withheld_ids
    assert all(event["data"] == {"id": event["data"]["id"], "withheld": True} for event in seen[:2])
    assert [event["seq"] for event in seen] == [last + 1, last + 2, last + 3]

    outputs = public_outputs(server, slug)
    assert_no_trace(outputs, TERM)
    assert "The court rises briefly." in outputs["page"]
    assert "A witness is present." in outputs["page"]
    events = json.loads(outputs["events"])["events"]
    assert [event["seq"] for event in events] == list(range(1, last + 4))
    first_revision = next(e for e in events if e["data"]["id"] == revised["entry"]["id"])
    assert first_revision["data"] == {"id": revised["entry"]["id"], "deleted": True}
    assert clean["entry"] in [event["data"] for event in events]

    # Staff still see the withheld entries, as they stood.
    staff_view = editor.client.get(f"/api/hearings/{slug}/withheld").json()["withheld"]
    assert {item["entry"]["id"] for item in staff_view} == withheld_ids
    assert any("**Zhana** Olmez" in item["entry"]["body"] for item in staff_view)

    # A correction that still names the person is refused; nothing is stored.
    still = editor.client.patch(
        f"/api/hearings/{slug}/entries/{named['entry']['id']}",
        json={"body": "Witness Zhana Ölmez takes the stand."},
    )
    assert still.status_code == 422
    assert still.json()["error"]["code"] == "restricted_term"
    assert httpx.get(f"{server.url}/api/hearings/{slug}").json()["last_seq"] == last + 3

    # A clean correction publishes the clean revision only.
    fixed = editor.client.patch(
        f"/api/hearings/{slug}/entries/{named['entry']['id']}",
        json={"body": "Witness A takes the stand.", "correction": "Name withheld by order."},
    )
    assert fixed.status_code == 200, fixed.text
    assert fixed.json()["entry"]["revision"] == 2
    after = public_outputs(server, slug)
    assert_no_trace(after, TERM)
    assert "Witness A takes the stand." in after["page"]
    log = json.loads(after["events"])["events"]
    assert log[-1]["type"] == "entry.revised"
    assert log[-1]["data"]["body"] == "Witness A takes the stand."
    withheld_now = editor.client.get(f"/api/hearings/{slug}/withheld").json()["withheld"]
    assert [item["entry"]["id"] for item in withheld_now] == [by_speaker["entry"]["id"]]

    # A retry of the withheld post answers with its public form, publishing nothing.
    retry = reporter.client.post(
        f"/api/hearings/{slug}/entries",
        json={
            "id": by_speaker["entry"]["id"],
            "kind": "note",
            "body": "I was there.",
            "speaker": {"role": "witness", "name": "zhaña ölmez"},
        },
    )
    assert retry.status_code == 200
    assert retry.json()["entry"] == {"id": by_speaker["entry"]["id"], "withheld": True}


def test_register_is_staff_only_and_lifting_a_restriction_withholds_nothing_more(
    server: LiveServer, editor: Staff, reporter: Staff
) -> None:
    slug = editor.create_hearing("R v Register", status="live")["slug"]
    added = editor.client.post(
        f"/api/hearings/{slug}/restrictions",
        json={
            "term": "Katherine Hollis",
            "aliases": ["Ms Hollis", "K. Hollis"],
            "kind": "person",
            "order": "anonymity order",
            "expires_at": "2031-01-01T00:00:00Z",
        },
    )
    assert added.status_code == 201, added.text
    restriction = added.json()["restriction"]
    assert restriction["aliases"] == ["Ms Hollis", "K. Hollis"]
    assert restriction["added_by"] == "editor-main"
    register = editor.client.get(f"/api/hearings/{slug}/restrictions").json()["restrictions"]
    assert register == [restriction]
    staff = editor.client.get(f"/api/hearings/{slug}").json()
    assert staff["restricted_terms"] == ["Katherine Hollis", "Ms Hollis", "K. Hollis"]
    refused = reporter.post(slug, "Ms Hollis gave evidence.")
    assert refused.status_code == 422
    assert refused.json()["error"]["field"] == "body"
    assert "Hollis" not in refused.json()["error"]["message"]
    assert_no_trace(public_outputs(server, slug), "Katherine Hollis", "anonymity order")
    assert reporter.client.get(f"/api/hearings/{slug}/restrictions").status_code == 403

    lifted = editor.client.delete(f"/api/hearings/{slug}/restrictions/{restriction['id']}")
    assert lifted.status_code == 200
    assert lifted.json()["hearing"]["restricted_terms"] == []
    assert editor.client.get(f"/api/hearings/{slug}/restrictions").json()["restrictions"] == []
    missing = editor.client.delete(f"/api/hearings/{slug}/restrictions/{restriction['id']}")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "restriction_not_found"
    assert reporter.post(slug, "Ms Hollis gave evidence.").status_code == 201


def test_bad_restrictions_are_refused_and_nothing_is_stored(
    server: LiveServer, editor: Staff
) -> None:
    slug = editor.create_hearing("R v Bad Terms", status="live")["slug"]
    url = f"/api/hearings/{slug}/restrictions"
    cases = [
        ({"term": ""}, "term"),
        ({"term": "---"}, "term"),
        ({"term": "x" * 201}, "term"),
        ({"term": "Ok Name", "kind": "alien"}, "kind"),
        ({"term": "Ok Name", "aliases": "Ok"}, "aliases"),
        ({"term": "Ok Name", "aliases": ["!!"]}, "aliases"),
        ({"term": "Ok Name", "expires_at": "tomorrow"}, "expires_at"),
        ({"term": "Ok Name", "colour": "red"}, "colour"),
    ]
    for payload, field in cases:
        response = editor.client.post(url, json=payload)
        assert response.status_code == 422, payload
        assert response.json()["error"]["field"] == field, payload
    assert editor.client.get(url).json()["restrictions"] == []
    assert httpx.get(f"{server.url}/api/hearings/{slug}").json()["last_seq"] == 0


def test_hearing_fields_that_name_a_term_are_refused_or_renamed_in_the_same_request(
    server: LiveServer, editor: Staff
) -> None:
    refused = editor.client.post(
        "/api/hearings", json={"title": "R v Alimuly", "restricted_terms": ["Alimuly"]}
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "restricted_term"
    assert refused.json()["error"]["field"] == "title"

    hearing = editor.create_hearing("R v Alimuly", status="live", description="Day one.")
    slug = hearing["slug"]
    assert slug == "r-v-alimuly"
    editor.client.patch(f"/api/hearings/{slug}", json={"description": "Alimuly appears."})
    url = f"/api/hearings/{slug}/restrictions"
    conflict = editor.client.post(url, json={"term": "Alimuly"})
    assert conflict.status_code == 409
    assert conflict.json()["error"]["code"] == "restriction_in_hearing"
    assert conflict.json()["error"]["field"] in ("title", "description", "slug")
    assert editor.client.get(url).json()["restrictions"] == []

    changes = {"title": "R v A", "slug": "r-v-a", "description": "Day one."}
    renamed = editor.client.post(url, json={"term": "Alimuly", "hearing": changes})
    assert renamed.status_code == 201, renamed.text
    assert renamed.json()["hearing"]["slug"] == "r-v-a"
    assert httpx.get(f"{server.url}/api/hearings/{slug}").status_code == 404
    assert httpx.get(f"{server.url}/h/{slug}").status_code == 404
    outputs = public_outputs(server, "r-v-a")
    assert_no_trace(outputs, "Alimuly")
    events = json.loads(outputs["events"])["events"]
    assert {event["hearing"] for event in events} == {"r-v-a"}
    assert events[-1]["data"]["title"] == "R v A"

    # A PATCH that sets the title to the restricted name is refused; one naming a new
    # term it also restricts must rename what names it.
    bad = editor.client.patch("/api/hearings/r-v-a", json={"title": "R v ALIMULY"})
    assert bad.status_code == 422
    assert bad.json()["error"]["field"] == "title"
    both = editor.client.patch("/api/hearings/r-v-a", json={"restricted_terms": ["Alimuly", "Day"]})
    assert both.status_code == 409
    assert both.json()["error"]["field"] == "description"


def test_a_cyrillic_name_never_reaches_the_address_through_its_transliteration(
    server: LiveServer, editor: Staff
) -> None:
    hearing = editor.create_hearing("Дело Ғалымжана Қасымова", status="live")
    slug = hearing["slug"]
    assert slug == "delo-ghalymzhana-qasymova"
    url = f"/api/hearings/{slug}/restrictions"
    # The title is renamed, the address is not: the address still spells the name.
    safe_title = {"title": "Дело Г."}
    conflict = editor.client.post(url, json={"term": "Ғалымжана", "hearing": safe_title})
    assert conflict.status_code == 409, conflict.text
    assert conflict.json()["error"]["code"] == "restriction_in_hearing"
    assert conflict.json()["error"]["field"] == "slug"
    assert editor.client.get(url).json()["restrictions"] == []
    renamed = editor.client.post(
        url, json={"term": "Ғалымжана", "hearing": safe_title | {"slug": "delo-g"}}
    )
    assert renamed.status_code == 201, renamed.text
    assert httpx.get(f"{server.url}/h/{slug}").status_code == 404
    # A new address, or a new hearing, that spells the name in Latin letters is refused.
    for spelled in ("ghalymzhana", "delo-ghalymzhana-2"):
        refused = editor.client.patch("/api/hearings/delo-g", json={"slug": spelled})
        assert refused.status_code == 422, spelled
        assert refused.json()["error"]["code"] == "restricted_term"
        assert refused.json()["error"]["field"] == "slug"
    created = editor.client.post(
        "/api/hearings",
        json={"title": "Дело Ә", "slug": "ghalymzhana", "restricted_terms": ["Ғалымжана"]},
    )
    assert created.status_code == 422
    assert created.json()["error"]["field"] == "slug"
    assert editor.client.get("/api/hearings/delo-g").json()["slug"] == "delo-g"


def assert_only_the_archive_keeps(server: LiveServer, marker: str) -> None:
    """`marker` is in the audit trail (and the register) alone: in no public event or
    current entry, and, on SQLite, in no other byte of the file nor in its WAL."""
    with server.connect() as db:
        originals = [
            text for row in db.execute("SELECT before, after FROM audit") for text in row if text
        ]
        public = [row[0] for row in db.execute("SELECT data FROM events")]
        current = [row[0] for row in db.execute("SELECT entry FROM entries")]
        register = [row[0] for row in db.execute("SELECT term FROM restrictions")]
    archived = sum(text.count(marker) for text in originals)
    assert archived >= 2  # at least one revision, in its body and its html
    assert not any(marker in text for text in public + current)
    if ON_POSTGRESQL:
        return  # PostgreSQL has no secure_delete: old row versions wait for VACUUM (README)
    stored = server.db_path.read_bytes()
    in_wal = wal_of(server).read_bytes().count(marker.encode()) if wal_of(server).exists() else 0
    # The audit trail's copies and the register's own term, and no other copy in the file.
    assert (stored.count(marker.encode()), in_wal) == (archived + register.count(marker), 0)


def wal_of(server: LiveServer) -> Path:
    return server.db_path.with_name(server.db_path.name + "-wal")


def test_only_the_staff_archive_keeps_withheld_text(editor: Staff) -> None:
    server = editor.server
    slug = editor.create_hearing("R v Archive", status="live")["slug"]
    marker = "Qorlanbek Zhusipbayev"
    posted = editor.post(slug, f"{marker} is named here.").json()
    edited = editor.client.patch(
        f"/api/hearings/{slug}/entries/{posted['entry']['id']}",
        json={"body": f"{marker} is named again.", "key": True},
    )
    assert edited.status_code == 200, edited.text
    added = editor.client.post(f"/api/hearings/{slug}/restrictions", json={"term": marker})
    assert added.status_code == 201, added.text
    assert_only_the_archive_keeps(server, marker)


def test_a_wal_that_a_long_read_kept_from_being_emptied_is_emptied_after_the_next_write(
    editor: Staff,
) -> None:
    """A read held open past the writer's wait keeps a redaction's old page images in the
    WAL; the writer empties it after its next transaction, once the read is over."""
    server = editor.server
    slug = editor.create_hearing("R v Long Read", status="live")["slug"]
    marker = "Yerlan Qaztugan"
    assert editor.post(slug, f"{marker} is named here.").status_code == 201
    if ON_POSTGRESQL:
        return  # no WAL file of ours to empty on PostgreSQL
    reader = sqlite3.connect(server.db_path, isolation_level=None)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM events").fetchone()  # a read snapshot, held
        added = editor.client.post(f"/api/hearings/{slug}/restrictions", json={"term": marker})
        assert added.status_code == 201, added.text
        assert marker.encode() in wal_of(server).read_bytes()  # held back by the read
    finally:
        reader.execute("ROLLBACK")
        reader.close()
    assert editor.post(slug, "The court rose.").status_code == 201
    assert_only_the_archive_keeps(server, marker)


def test_a_database_of_the_first_schema_keeps_its_terms_and_deletions(tmp_path: Any) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    first = (ROOT / "server" / "migrations" / "0001_initial.sql").read_text()
    conn.executescript(
        first + "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY,"
        " applied_at TEXT NOT NULL) STRICT;"
        "INSERT INTO schema_migrations VALUES (1, 'then');"
        "INSERT INTO users VALUES (1, 'amina', 'reporter', 'x', 'then');"
        "INSERT INTO hearings (id, slug, title, court, case_ref, location, timezone, status,"
        " description, restricted_terms, created_at, updated_at) VALUES (1, 'r-v-old', 'R v Old',"
        " '', '', '', 'UTC', 'live', '', '[\"Zhana Olmez\", \"Witness B\"]', 'then', 'then');"
        "INSERT INTO entries VALUES ('a', 1, 1, 't', 1, 'f', 0, '{}');"
        "INSERT INTO entries VALUES ('b', 1, 1, 't', 2, 'f', 1, '{}');"
    )
    conn.close()
    migrate(path)
    conn = sqlite3.connect(path)
    try:
        terms = conn.execute("SELECT term, kind, added_by FROM restrictions ORDER BY id").fetchall()
        states = conn.execute("SELECT id, state FROM entries ORDER BY id").fetchall()
    finally:
        conn.close()
    assert terms == [("Zhana Olmez", "other", "migration"), ("Witness B", "other", "migration")]
    assert states == [("a", "published"), ("b", "deleted")]


VECTORS = json.loads((ROOT / "tests" / "restriction_vectors.json").read_text())
FIELD_SAMPLE = VECTORS[::5]
"""Every fifth shared vector (matches and non-matches of every class), in every field."""


HEARING_TEXTS = ("title", "description", "court", "location", "case_ref", "reporting_note")
FIELDS = ("body", "speaker.name", "correction", *HEARING_TEXTS)


def publish_in(editor: Staff, slug: str, entry_id: str, field: str, text: str) -> httpx.Response:
    """Try to publish `text` in one field of a hearing or of an entry."""
    if field == "body":
        return editor.post(slug, text)
    if field == "speaker.name":
        return editor.post(slug, "Said in court.", speaker={"role": "witness", "name": text})
    if field == "correction":
        url = f"/api/hearings/{slug}/entries/{entry_id}"
        return editor.client.patch(url, json={"correction": text})
    return editor.client.patch(f"/api/hearings/{slug}", json={field: text})


def test_every_publishable_field_is_checked_with_the_same_rules(editor: Staff) -> None:
    checked = 0
    for number, vector in enumerate(FIELD_SAMPLE):
        slug = editor.create_hearing(
            f"R v Sample {number}", status="live", restricted_terms=vector["terms"]
        )["slug"]
        entry = editor.post(slug, "A clean first update.").json()["entry"]
        for field in FIELDS:
            response = publish_in(editor, slug, entry["id"], field, vector["text"])
            why = f"{field}: {vector['why']}: {vector['text']!r}"
            if vector["match"]:
                assert response.status_code == 422, why
                assert response.json()["error"]["code"] == "restricted_term", why
                assert response.json()["error"]["field"] == field, why
            else:
                assert response.status_code in (200, 201), why
            checked += 1
        if vector["match"]:
            events = httpx.get(f"{editor.server.url}/api/hearings/{slug}/events").json()
            assert len(events["events"]) == 1, vector["why"]  # only the clean first update
    assert checked == len(FIELD_SAMPLE) * len(FIELDS)


def test_an_author_whose_username_names_a_restricted_person_is_withheld_and_refused(
    server: LiveServer, editor: Staff
) -> None:
    """Every entry carries its author's username in public: a username that names a
    restricted person is a published text like the body."""
    slug = editor.create_hearing("R v Account", status="live")["slug"]
    with Staff(server, server.staff("marat.ospanov")) as named_account:
        earlier = named_account.post(slug, "The jury is sworn in.").json()
        assert earlier["entry"]["author"] == "marat.ospanov"
        added = editor.client.post(
            f"/api/hearings/{slug}/restrictions",
            json={"term": "Marat Ospanov", "kind": "person", "order": "anonymity order"},
        )
        assert added.status_code == 201, added.text
        assert added.json()["withheld"] == [earlier["entry"]["id"]]
        last = httpx.get(f"{server.url}/api/hearings/{slug}").json()["last_seq"]

        refused = named_account.post(slug, "The court rises.")
        assert refused.status_code == 422
        assert refused.json()["error"]["code"] == "restricted_term"
        assert refused.json()["error"]["field"] == "author"
        assert httpx.get(f"{server.url}/api/hearings/{slug}").json()["last_seq"] == last
        assert_no_trace(public_outputs(server, slug), "Marat Ospanov")

    staff_view = editor.client.get(f"/api/hearings/{slug}/withheld").json()["withheld"]
    assert [(item["entry"]["id"], item["field"]) for item in staff_view] == [
        (earlier["entry"]["id"], "author")
    ]
