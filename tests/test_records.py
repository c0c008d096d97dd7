"""The typed records read back what the store wrote: every stored entry, every entry event
and every hearing event decodes to an `Entry` or a `PublicHearing` whose JSON is the same
text, byte for byte (events are encoded once, when appended, and that text is what every
reader gets: the typed read path must not change it)."""

from __future__ import annotations

import json

from courtwire.events import Event, encode_json
from courtwire.model import EventType
from courtwire.records import Entry, PublicHearing
from tests.photo_support import upload_photo
from tests.support import LiveServer, Staff

SEED = 1307


def test_stored_entries_and_events_read_back_as_records_to_the_same_text(
    server: LiveServer, editor: Staff, reporter: Staff
) -> None:
    cast = [{"role": "judge", "name": "Mrs Justice Hale"}, {"role": "witness", "name": "Mr B"}]
    slug = editor.create_hearing(
        "R v Records", status="live", timezone="Asia/Almaty", description="Day one.", cast=cast
    )["slug"]
    photo = upload_photo(reporter, slug, SEED)
    posts = [
        reporter.post(slug, "The court sits."),
        reporter.post(slug, "«Я не видел»", kind="quote", speaker={"role": "witness"}),
        reporter.post(
            slug, "Two years.", kind="sentence", key=True, speaker={"role": "judge", "name": "Hale"}
        ),
        reporter.post(slug, "Outside.", photo={"id": photo["id"], "alt": "Steps", "caption": None}),
        editor.post(slug, "Pinned.", pinned=True, occurred_at="2020-01-06T10:00:00+06:00"),
    ]
    assert [answer.status_code for answer in posts] == [201] * 5
    first = posts[0].json()["entry"]
    revised = editor.client.patch(
        f"/api/hearings/{slug}/entries/{first['id']}",
        json={"body": "The court sits at ten.", "correction": "The time.", "revision": 1},
    )
    assert revised.status_code == 200, revised.text
    assert editor.client.patch(f"/api/hearings/{slug}", json={"status": "recess"}).is_success

    with server.connect() as db:
        (hearing_id,) = db.execute("SELECT id FROM hearings WHERE slug = ?", (slug,)).fetchone()
        stored = [
            row[0]
            for row in db.execute(
                "SELECT entry FROM entries WHERE hearing_id = ?", (hearing_id,)
            ).fetchall()
        ]
        logged = [
            row[0]
            for row in db.execute(
                "SELECT data FROM events WHERE hearing_id = ? ORDER BY seq", (hearing_id,)
            ).fetchall()
        ]

    assert len(stored) == 5
    for text in stored:
        assert encode_json(Entry.from_json(json.loads(text)).to_json()) == text
    events = [Event.decode(text) for text in logged]
    kinds = [event.type for event in events]
    assert kinds.count(EventType.ENTRY_PUBLISHED) == 5
    assert kinds.count(EventType.ENTRY_REVISED) == 1
    assert kinds.count(EventType.HEARING_UPDATED) == 1
    records: list[Entry | PublicHearing] = []
    for text, event in zip(logged, events, strict=True):
        if event.type == EventType.HEARING_UPDATED:
            record: Entry | PublicHearing = PublicHearing.from_json(event.data)
        else:
            record = Entry.from_json(event.data)
        records.append(record)
        again = Event(event.seq, event.type, event.at, event.hearing, record.to_json())
        assert again.encode() == text
    hearings = [r for r in records if isinstance(r, PublicHearing)]
    assert [[person.to_json() for person in h.cast] for h in hearings] == [cast]
    assert [h.status for h in hearings] == ["recess"]
    entries = [r for r in records if isinstance(r, Entry)]
    assert [e.photo is not None for e in entries].count(True) == 1
    assert entries[-1].correction == "The time."
    assert entries[-1].revision == 2
