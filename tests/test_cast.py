"""A hearing's cast, through the real API: stored and public, in the hearing.updated event,
checked against restrictions like every published text; bad input is refused with the
field it is in, and nothing is stored."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.support import LiveServer, Staff, event_count

CAST = [
    {"role": "judge", "name": "Mrs Justice Hale"},
    {"role": "prosecution", "name": "Sarah Okafor KC"},
    {"role": "witness", "name": "Witness A"},
]


def public(server: LiveServer, slug: str) -> dict[str, Any]:
    result: dict[str, Any] = httpx.get(f"{server.url}/api/hearings/{slug}").json()
    return result


def test_a_cast_is_stored_public_and_in_the_hearing_event(
    server: LiveServer, editor: Staff
) -> None:
    created = editor.create_hearing("R v Cast", cast=CAST)
    slug = created["slug"]
    assert created["cast"] == CAST
    assert public(server, slug)["cast"] == CAST
    assert editor.create_hearing("R v Nobody")["cast"] == []

    # Names are tidied; the same person twice is kept once; the order is the editor's.
    messy = [*CAST, {"role": "defence", "name": "  Mr  Daniel   Reyes "}, CAST[0]]
    response = editor.client.patch(f"/api/hearings/{slug}", json={"cast": messy})
    assert response.status_code == 200, response.text
    expected = [*CAST, {"role": "defence", "name": "Mr Daniel Reyes"}]
    assert response.json()["cast"] == expected
    assert public(server, slug)["cast"] == expected
    events = httpx.get(f"{server.url}/api/hearings/{slug}/events").json()["events"]
    assert [(e["type"], e["data"]["cast"]) for e in events] == [("hearing.updated", expected)]


@pytest.mark.parametrize(
    ("cast", "field"),
    [
        ("Mrs Justice Hale", "cast"),
        ([{"role": "judge"}], "cast[0]"),
        ([{"role": "judge", "name": "A", "extra": 1}], "cast[0]"),
        ([CAST[0], {"role": "usher", "name": "Mr Pike"}], "cast[1].role"),
        ([{"role": "judge", "name": "   "}], "cast[0].name"),
        ([{"role": "judge", "name": "x" * 201}], "cast[0].name"),
        ([{"role": "judge", "name": 7}], "cast[0].name"),
        ([CAST[0]] * 61, "cast"),
    ],
)
def test_bad_cast_is_refused_with_its_field_and_nothing_is_stored(
    server: LiveServer, editor: Staff, cast: object, field: str
) -> None:
    slug = editor.create_hearing("R v Careful", cast=CAST)["slug"]
    before = event_count(server, slug)
    response = editor.client.patch(f"/api/hearings/{slug}", json={"cast": cast})
    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"] == field
    assert public(server, slug)["cast"] == CAST
    assert event_count(server, slug) == before
    title = f"R v Refused cast {field} {len(str(cast))}"  # unique on the shared server
    created = editor.client.post("/api/hearings", json={"title": title, "cast": cast})
    assert created.status_code == 422
    listed = httpx.get(f"{server.url}/api/hearings").json()["hearings"]
    assert title not in {hearing["title"] for hearing in listed}


def test_a_cast_name_under_restriction_is_refused_and_a_new_restriction_must_rename_it(
    server: LiveServer, editor: Staff
) -> None:
    slug = editor.create_hearing("R v Protected", restricted_terms=["Katherine Hollis"])["slug"]
    named = [CAST[0], {"role": "witness", "name": "Ms Katherine HOLLIS"}]
    response = editor.client.patch(f"/api/hearings/{slug}", json={"cast": named})
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["code"], error["field"]) == ("restricted_term", "cast[1].name")
    assert "Hollis" not in response.text
    assert public(server, slug)["cast"] == []
    created = editor.client.post(
        "/api/hearings",
        json={"title": "R v Other", "restricted_terms": ["Katherine Hollis"], "cast": named},
    )
    assert created.status_code == 422

    # A person restricted later: the cast that names them must change in the same request.
    witness = [CAST[0], {"role": "witness", "name": "Jane Doe"}]
    assert editor.client.patch(f"/api/hearings/{slug}", json={"cast": witness}).is_success
    restriction = editor.client.post(
        f"/api/hearings/{slug}/restrictions", json={"term": "Jane Doe", "kind": "person"}
    )
    assert restriction.status_code == 409
    assert restriction.json()["error"]["code"] == "restriction_in_hearing"
    renamed = [CAST[0], {"role": "witness", "name": "Witness B"}]
    restriction = editor.client.post(
        f"/api/hearings/{slug}/restrictions",
        json={"term": "Jane Doe", "kind": "person", "hearing": {"cast": renamed}},
    )
    assert restriction.status_code in (200, 201), restriction.text
    assert public(server, slug)["cast"] == renamed
    # No public event keeps the name: the earlier hearing.updated is served redacted.
    log = httpx.get(f"{server.url}/api/hearings/{slug}/events").text
    assert "Jane Doe" not in log
