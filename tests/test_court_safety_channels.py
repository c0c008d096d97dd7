"""Court safety across the channels added for photos, bylines, earlier versions, days, the
cast and the languages: once a name is restricted, no public channel serves it, whether it
was in a photo's caption or alt text, an earlier version of an entry, a queued or deleted
entry, or a reporter's display name; and a photo whose entry is not published is not served.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from courtwire.model import Role
from tests.photo_support import upload_photo, variant_statuses
from tests.support import LiveServer, Staff, new_id
from tests.test_withholding import TERM, assert_no_trace, public_outputs

SEED = 4021


def _post(staff: Staff, slug: str, body: str, status: int, **fields: Any) -> dict[str, Any]:
    answer = staff.post(slug, body, **fields)
    assert answer.status_code == status, answer.text
    entry: dict[str, Any] = answer.json()["entry"]
    return entry


def _newer_channels(server: LiveServer, slug: str, entry_ids: list[str]) -> dict[str, str]:
    """The public channels this work added, beside `public_outputs`: every entry's earlier
    versions, the hearing's bylines and its oEmbed answer."""
    found = {}
    for entry_id in entry_ids:
        answer = httpx.get(f"{server.url}/api/hearings/{slug}/entries/{entry_id}/revisions")
        assert answer.status_code in (200, 404), (entry_id, answer.status_code)
        found[f"revisions of {entry_id}"] = answer.text
    for name, path in {
        "bylines": f"/api/hearings/{slug}/bylines",
        "oembed": f"/oembed?url={server.url}/h/{slug}",
        "page in Russian": f"/h/{slug}",
    }.items():
        answer = httpx.get(server.url + path)
        assert answer.status_code == 200, (name, answer.status_code)
        found[name] = answer.text
    return found


def test_a_restricted_name_leaves_photos_versions_bylines_and_queued_or_deleted_entries(
    server: LiveServer, editor: Staff
) -> None:
    print(f"seed={SEED}")
    slug = editor.create_hearing(
        "R v Safety Channels",
        status="live",
        review_kinds=["verdict"],
        cast=[{"role": "judge", "name": "Mrs Justice Anand"}],
    )["slug"]
    signer = f"signer-{new_id()[:8]}"
    with (
        Staff(server, server.staff(f"phone-{new_id()[:8]}", Role.REPORTER)) as phone,
        Staff(server, server.staff(signer, Role.REPORTER)) as byline,
    ):
        # A published entry whose photo's caption names the person: withheld later.
        captioned_photo = upload_photo(phone, slug, SEED)
        captioned = _post(
            phone,
            slug,
            "Supporters gathered outside.",
            201,
            photo={"id": captioned_photo["id"], "alt": "A crowd.", "caption": f"{TERM} waves."},
        )
        # A published entry whose photo's alt text names the person.
        alt_photo = upload_photo(phone, slug, SEED + 1)
        alt = _post(phone, slug, "A car arrives.", 201, photo={"id": alt_photo["id"], "alt": TERM})
        # An entry that named the person in its second version, then was corrected.
        corrected = _post(phone, slug, "A witness was called.", 201)
        path = f"/api/hearings/{slug}/entries/{corrected['id']}"
        assert phone.client.patch(path, json={"body": f"{TERM} was called."}).status_code == 200
        clean = phone.client.patch(
            path, json={"body": "A witness was called.", "correction": "Name removed."}
        )
        assert clean.status_code == 200, clean.text
        # A queued verdict with a photo naming the person: never public.
        queued_photo = upload_photo(phone, slug, SEED + 2)
        queued = _post(
            phone,
            slug,
            "Verdict reached.",
            202,
            kind="verdict",
            photo={"id": queued_photo["id"], "alt": f"{TERM} leaves court."},
        )
        # A deleted entry with a photo naming the person.
        deleted_photo = upload_photo(phone, slug, SEED + 3)
        deleted = _post(
            phone, slug, "Lunch break.", 201, photo={"id": deleted_photo["id"], "alt": TERM}
        )
        gone = phone.client.delete(f"/api/hearings/{slug}/entries/{deleted['id']}")
        assert gone.status_code == 200, gone.text
        # A clean entry signed by a reporter whose display name is the person's name.
        named = byline.client.put(f"/api/users/{signer}/display_name", json={"display_name": TERM})
        assert named.status_code == 200, named.text
        kept_photo = upload_photo(byline, slug, SEED + 4)
        kept = _post(
            byline, slug, "Court resumes.", 201, photo={"id": kept_photo["id"], "alt": "The door."}
        )

    # Before the restriction the name is public: the test looks where it would show.
    before = public_outputs(server, slug)
    assert TERM in before["page"]
    assert TERM in before["export.json"]
    bylines = httpx.get(f"{server.url}/api/hearings/{slug}/bylines").json()["bylines"]
    assert bylines[signer] == TERM
    added = editor.client.post(
        f"/api/hearings/{slug}/restrictions", json={"term": TERM, "kind": "person"}
    )
    assert added.status_code == 201, added.text
    assert editor.client.patch(f"/api/hearings/{slug}", json={"language": "ru"}).status_code == 200

    outputs = public_outputs(server, slug) | _newer_channels(
        server, slug, [e["id"] for e in (captioned, alt, corrected, queued, deleted, kept)]
    )
    assert_no_trace(outputs, TERM)

    # Withheld, queued and deleted entries' photos are not served; the clean one still is.
    for photo in (captioned_photo, alt_photo, queued_photo, deleted_photo):
        assert variant_statuses(server, photo) == {404}, photo["id"]
    assert variant_statuses(server, kept_photo) == {200}
    # The corrected entry stays, its naming version withdrawn with no text.
    versions = httpx.get(
        f"{server.url}/api/hearings/{slug}/entries/{corrected['id']}/revisions"
    ).json()["revisions"]
    assert [v.get("withdrawn", False) for v in versions] == [False, True, False]
    # The clean entry is still published, without its byline.
    entries = json.loads(outputs["entries"])["entries"]
    assert kept["id"] in {e["id"] for e in entries}
    assert signer not in json.loads(outputs["bylines"])["bylines"]


def test_a_correction_that_names_a_restricted_person_is_refused_on_every_field_and_state(
    server: LiveServer, editor: Staff
) -> None:
    """Each field a correction may change, checked by the table that reads it
    (`entries.EntryChanges`), on a published entry, a queued one and with the `revision`
    precondition: refused with its field, nothing stored, nothing in any channel."""
    slug = editor.create_hearing(
        "R v Corrected Safely", status="live", review_kinds=["verdict"], restricted_terms=[TERM]
    )["slug"]
    with Staff(server, server.staff(f"phone-{new_id()[:8]}", Role.REPORTER)) as phone:
        published = _post(phone, slug, "The court resumes.", 201)
        queued = _post(phone, slug, "Verdict reached.", 202, kind="verdict")
        photo = upload_photo(phone, slug, SEED + 10)
        deleted = _post(phone, slug, "Lunch.", 201)
        gone = phone.client.delete(f"/api/hearings/{slug}/entries/{deleted['id']}")
        assert gone.status_code == 200, gone.text
        before = public_outputs(server, slug)
        queue_before = editor.client.get(f"/api/hearings/{slug}/queue").json()
        attempts = [
            ({"body": f"{TERM} speaks."}, "body"),
            ({"speaker": {"role": "witness", "name": TERM}}, "speaker.name"),
            ({"correction": f"It was {TERM}."}, "correction"),
            ({"photo": {"id": photo["id"], "alt": f"{TERM} outside."}}, "photo.alt"),
            ({"photo": {"id": photo["id"], "alt": "A door.", "caption": TERM}}, "photo.caption"),
        ]
        for entry in (published, queued):
            path = f"/api/hearings/{slug}/entries/{entry['id']}"
            for changes, field in attempts:
                for precondition in ({}, {"revision": entry["revision"]}):
                    refused = phone.client.patch(path, json=changes | precondition)
                    assert refused.status_code == 422, (entry["body"], changes, refused.text)
                    error = refused.json()["error"]
                    assert (error["code"], error["field"]) == ("restricted_term", field)
        # A deleted entry is not revived by a correction, clean or not.
        revived = phone.client.patch(
            f"/api/hearings/{slug}/entries/{deleted['id']}", json={"body": f"{TERM} ate."}
        )
        assert revived.status_code in (404, 409), revived.text

    after = public_outputs(server, slug)
    assert after == before  # nothing stored or sent: every channel as it was
    assert_no_trace(after | _newer_channels(server, slug, [published["id"], deleted["id"]]), TERM)
    assert editor.client.get(f"/api/hearings/{slug}/queue").json() == queue_before
    [shown] = json.loads(after["entries"])["entries"]
    assert (shown["body"], shown["revision"]) == ("The court resumes.", 1)
    # The photo was never attached: it is not served.
    assert variant_statuses(server, photo) == {404}
