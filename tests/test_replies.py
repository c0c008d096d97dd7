"""The API's replies are the typed records of courtwire.replies, written by one rule
(`courtwire.schemas.members`): a member that may be absent is left out, not null; the
events page, written without decoding its events again, is the same JSON; and the sign-in
and account bodies take only the fields their validators name."""

from __future__ import annotations

import json
import uuid

import httpx

from courtwire.events import Event
from courtwire.model import EventType, Role
from courtwire.replies import EventsPage, PasswordSet, Tombstone, User, WrittenReply
from courtwire.schemas import ABSENT, members, object_schema
from tests.support import LiveServer, Staff
from tests.test_errors import assert_error


def test_an_absent_member_is_left_out_and_a_null_one_written() -> None:
    assert members(User("amina", "reporter")) == {"username": "amina", "role": "reporter"}
    waiting = WrittenReply({"id": "e1"}, state="held", release_at=None)
    assert members(waiting) == {"entry": {"id": "e1"}, "state": "held", "release_at": None}
    assert members(Tombstone("e1", withheld=True)) == {"id": "e1", "withheld": True}
    changed = PasswordSet(User("amina", "reporter", tokens=0), 2)
    assert members(changed) == {
        "user": {"username": "amina", "role": "reporter", "tokens": 0},
        "revoked": 2,
    }
    assert object_schema(PasswordSet)["required"] == ["user", "revoked"]
    assert changed.password is ABSENT


def test_the_events_page_written_from_encoded_events_is_the_records_json() -> None:
    events = [
        Event(
            seq, EventType.ENTRY_PUBLISHED, "2026-03-14T10:00:00+00:00", "r-v-x", {"id": str(seq)}
        )
        for seq in (3, 4)
    ]
    encoded = EventsPage.encoded([event.encode() for event in events], 9)
    assert json.loads(encoded) == members(EventsPage(events, 9))
    assert json.loads(EventsPage.encoded([], 0)) == {"events": [], "last_seq": 0}


def test_sign_in_and_account_bodies_refuse_a_field_their_validator_does_not_take(
    server: LiveServer,
) -> None:
    name = f"fields-{uuid.uuid4().hex[:8]}"
    token = server.staff(name, Role.ADMIN)
    signing_in = {"username": name, "password": "correct horse battery"}
    refused = httpx.post(f"{server.url}/api/login", json={**signing_in, "remember": True})
    assert_error(refused, 422, "unknown_field", "remember")
    assert httpx.post(f"{server.url}/api/login", json=signing_in).status_code == 200
    with Staff(server, token) as admin:
        newcomer = f"new-{uuid.uuid4().hex[:8]}"
        body = {"username": newcomer, "role": "reporter", "email": "x@example.org"}
        assert_error(admin.client.post("/api/users", json=body), 422, "unknown_field", "email")
        users = admin.client.get("/api/users").json()["users"]
        assert newcomer not in {user["username"] for user in users}
        created = admin.client.post("/api/users", json={"username": newcomer})
        assert created.status_code == 201
        assert set(created.json()) == {"user", "password"}
        assert created.json()["user"] == {"username": newcomer, "role": "reporter"}
        chosen = admin.client.post(
            "/api/users", json={"username": f"{newcomer}-b", "password": "a long passphrase"}
        )
        assert set(chosen.json()) == {"user"}
