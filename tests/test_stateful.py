"""A Hypothesis state machine over post / retry / revise / delete / reader disconnect /
resume against a real server: after every step the log, the entries and every reader's
view equal a simple model."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)
from websockets.sync.client import ClientConnection, connect

from courtwire.model import Role
from tests.support import LiveServer, auth, new_id

LIVE: dict[str, Any] = {}
TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=40
).filter(lambda text: text.strip() != "")


@dataclass
class ModelEvent:
    seq: int
    type: str
    entry_id: str
    body: str | None


@dataclass
class Model:
    log: list[ModelEvent] = field(default_factory=list)
    bodies: dict[str, str] = field(default_factory=dict)
    """Entries as they stand: id -> body."""
    revisions: dict[str, int] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)
    payloads: dict[str, dict[str, Any]] = field(default_factory=dict)

    def append(self, kind: str, entry_id: str, body: str | None) -> int:
        self.log.append(ModelEvent(len(self.log) + 1, kind, entry_id, body))
        return len(self.log)


@dataclass
class Reader:
    ws: ClientConnection | None
    seqs: list[int] = field(default_factory=list)
    view: dict[str, str] = field(default_factory=dict)

    def take(self, until: int) -> None:
        """Receive events until this reader has seq `until`."""
        assert self.ws is not None
        while (self.seqs[-1] if self.seqs else 0) < until:
            message = json.loads(self.ws.recv(timeout=10))
            if message["type"] in ("hello", "reset"):
                assert message["type"] == "hello", message
                continue
            self.seqs.append(message["seq"])
            data = message["data"]
            if message["type"] == "entry.deleted" or data.get("deleted"):
                self.view.pop(data["id"], None)  # deleted, or a tombstone of what was
            elif message["type"] in ("entry.published", "entry.revised"):
                self.view[data["id"]] = data["body"]


@pytest.fixture(scope="module", autouse=True)
def live(server: LiveServer) -> Iterator[None]:
    LIVE["server"] = server
    LIVE["token"] = server.staff("stateful-reporter", Role.REPORTER)
    LIVE["editor"] = server.staff("stateful-editor", Role.EDITOR)
    yield
    LIVE.clear()


class Hearing(RuleBasedStateMachine):
    entries = Bundle("entries")
    readers = Bundle("readers")

    def __init__(self) -> None:
        super().__init__()
        self.server: LiveServer = LIVE["server"]
        self.http = httpx.Client(base_url=self.server.url, headers=auth(LIVE["token"]))
        self.model = Model()
        self.all_readers: list[Reader] = []
        self.stack = ExitStack()
        response = self.http.post(
            "/api/hearings",
            json={"title": "R v Model", "status": "live"},
            headers=auth(LIVE["editor"]),
        )
        assert response.status_code == 201
        self.slug = response.json()["slug"]

    @property
    def last_seq(self) -> int:
        return len(self.model.log)

    def connect(self, after: int) -> ClientConnection:
        # Entered on a stack of its own, closed with the reader or at teardown.
        return self.stack.enter_context(
            connect(
                f"{self.server.ws_url}/ws/hearings/{self.slug}?after={after}",
                compression=None,
                close_timeout=1,
            )
        )

    @initialize(target=readers)
    def first_reader(self) -> Reader:
        reader = Reader(self.connect(0))
        self.all_readers.append(reader)
        return reader

    @rule(target=entries, body=TEXT)
    def post(self, body: str) -> str:
        payload = {"id": new_id(), "kind": "note", "body": body}
        response = self.http.post(f"/api/hearings/{self.slug}/entries", json=payload)
        assert response.status_code == 201, response.text
        seq = self.model.append("entry.published", payload["id"], body)
        assert response.json()["seq"] == seq
        self.model.bodies[payload["id"]] = body
        self.model.revisions[payload["id"]] = 1
        self.model.payloads[payload["id"]] = payload
        return payload["id"]

    @rule(entry_id=entries)
    def retry(self, entry_id: str) -> None:
        payload = self.model.payloads[entry_id]
        response = self.http.post(f"/api/hearings/{self.slug}/entries", json=payload)
        assert response.status_code == 200, response.text
        published = next(e.seq for e in self.model.log if e.entry_id == entry_id)
        assert response.json()["seq"] == published
        if entry_id in self.model.deleted:
            assert response.json()["entry"] == {"id": entry_id, "deleted": True}
        else:
            assert response.json()["entry"]["body"] == self.model.bodies[entry_id]

    @rule(entry_id=entries, body=TEXT)
    def revise(self, entry_id: str, body: str) -> None:
        response = self.http.patch(
            f"/api/hearings/{self.slug}/entries/{entry_id}", json={"body": body}
        )
        if entry_id in self.model.deleted:
            assert response.status_code == 404, response.text
            return
        assert response.status_code == 200, response.text
        assert response.json()["seq"] == self.model.append("entry.revised", entry_id, body)
        self.model.bodies[entry_id] = body
        self.model.revisions[entry_id] += 1
        assert response.json()["entry"]["revision"] == self.model.revisions[entry_id]

    @rule(entry_id=entries)
    def delete(self, entry_id: str) -> None:
        response = self.http.delete(f"/api/hearings/{self.slug}/entries/{entry_id}")
        assert response.status_code == 200, response.text
        if entry_id in self.model.deleted:
            return  # a repeated delete appends nothing
        assert response.json()["seq"] == self.model.append("entry.deleted", entry_id, None)
        self.model.deleted.add(entry_id)
        del self.model.bodies[entry_id]

    @rule(target=readers)
    def new_reader(self) -> Reader:
        reader = Reader(self.connect(0))
        self.all_readers.append(reader)
        return reader

    @precondition(lambda self: any(r.ws is not None for r in self.all_readers))
    @rule(reader=readers)
    def disconnect(self, reader: Reader) -> None:
        if reader.ws is not None:
            reader.ws.close()
            reader.ws = None

    @rule(reader=readers)
    def resume(self, reader: Reader) -> None:
        if reader.ws is None:
            last = reader.seqs[-1] if reader.seqs else 0
            reader.ws = self.connect(last)

    @invariant()
    def log_equals_the_model(self) -> None:
        events = self.http.get(f"/api/hearings/{self.slug}/events", params={"limit": 1000}).json()[
            "events"
        ]
        assert [event["seq"] for event in events] == list(range(1, self.last_seq + 1))
        for event, expected in zip(events, self.model.log, strict=True):
            assert event["type"] == expected.type
            if expected.entry_id in self.model.deleted:
                assert event["data"] == {"id": expected.entry_id, "deleted": True}
            else:
                assert event["data"]["id"] == expected.entry_id
                assert event["data"]["body"] == expected.body

    @invariant()
    def entries_equal_the_model(self) -> None:
        entries = self.http.get(f"/api/hearings/{self.slug}/entries", params={"limit": 200}).json()[
            "entries"
        ]
        assert {entry["id"]: entry["body"] for entry in entries} == self.model.bodies
        for entry in entries:
            assert entry["revision"] == self.model.revisions[entry["id"]]

    @invariant()
    def every_connected_reader_sees_the_model(self) -> None:
        for reader in self.all_readers:
            if reader.ws is None:
                continue
            reader.take(self.last_seq)
            assert reader.seqs == list(range(1, self.last_seq + 1))
            assert reader.view == self.model.bodies

    def teardown(self) -> None:
        self.stack.close()
        self.http.close()


Hearing.TestCase.settings = settings(
    max_examples=15,
    stateful_step_count=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@pytest.mark.timeout(180)
def test_log_entries_and_readers_always_equal_the_model() -> None:
    Hearing.TestCase().runTest()
