"""Two nodes on one database, racing each other: what one process guarantees holds across
nodes. Requests are released together (an event every task waits on, connections opened
beforehand), in several rounds, seeded; on PostgreSQL (`COURTWIRE_TEST_BACKEND`) the nodes
are two writers on two connections, on SQLite two processes on one file.

- Creations of one slug: one 201, the rest the 409 a later duplicate gets, one hearing
  stored, one `hearing.created` record.
- Two admins demoting or disabling each other: exactly one wins, one enabled admin stays.
- The audit trail: seqs gap-free and committed in order, so a reader paging with
  `GET /api/audit?after=N` sees every record once, in order.
- One entry id posted to two hearings: one 201, one `id_conflict`.
- A release and a discard of one queued post: one wins, the other gets its 409.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import httpx
import pytest

from courtwire.model import Role
from tests.support import LiveServer, auth, new_id, run, two_nodes

ROUNDS = 4
RACERS = 6


@pytest.fixture(scope="module")
def seed() -> int:
    found = random.randrange(1 << 30)
    print(f"seed={found}")
    return found


@pytest.fixture(scope="module")
def nodes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[LiveServer]]:
    """Two nodes on one database."""
    with two_nodes(tmp_path_factory.mktemp("races")) as started:
        yield started


@pytest.fixture(scope="module")
def editor(nodes: list[LiveServer]) -> str:
    return nodes[0].staff("race-desk", Role.EDITOR)


async def together(
    requests: list[
        tuple[LiveServer, str, Callable[[httpx.AsyncClient], Awaitable[httpx.Response]]]
    ],
) -> list[httpx.Response]:
    """Send each request (node, token, call) on a connection of its own, opened first, all
    released at once."""
    clients = [
        httpx.AsyncClient(base_url=node.url, headers=auth(token), timeout=60)
        for node, token, _ in requests
    ]
    go = asyncio.Event()

    async def one(client: httpx.AsyncClient, call: Callable[..., Any]) -> httpx.Response:
        (await client.get("/healthz")).raise_for_status()
        await go.wait()
        response: httpx.Response = await call(client)
        return response

    try:
        tasks = [
            asyncio.create_task(one(client, call))
            for client, (_, _, call) in zip(clients, requests, strict=True)
        ]
        await asyncio.sleep(0.2)  # every connection open and waiting
        go.set()
        return await asyncio.gather(*tasks)
    finally:
        for client in clients:
            await client.aclose()


def audit(node: LiveServer, token: str, **params: Any) -> list[dict[str, Any]]:
    """Every audit record (matching `params`), oldest first, paging by seq."""
    found: list[dict[str, Any]] = []
    while True:
        page = httpx.get(
            f"{node.url}/api/audit",
            params={"after": found[-1]["seq"] if found else 0, "limit": 500, **params},
            headers=auth(token),
        ).json()["records"]
        found.extend(page)
        if len(page) < 500:
            return found


def new_hearing(node: LiveServer, token: str, title: str) -> str:
    answer = httpx.post(
        f"{node.url}/api/hearings", json={"title": title, "status": "live"}, headers=auth(token)
    )
    assert answer.status_code == 201, answer.text
    slug: str = answer.json()["slug"]
    return slug


def assert_gap_free(node: LiveServer, token: str) -> None:
    seqs = [record["seq"] for record in audit(node, token)]
    assert seqs == list(range(1, len(seqs) + 1))


def test_one_slug_created_at_once_on_two_nodes_is_one_hearing_and_409s(
    nodes: list[LiveServer], editor: str, seed: int
) -> None:
    rng = random.Random(seed)
    for round_number in range(ROUNDS):
        slug = f"r-v-race-{seed}-{round_number}"
        order = [rng.randrange(2) for _ in range(RACERS)]

        def create(
            title: str, slug: str = slug
        ) -> Callable[[httpx.AsyncClient], Awaitable[httpx.Response]]:
            return lambda client: client.post(
                "/api/hearings", json={"title": title, "slug": slug, "status": "live"}
            )

        answers = run(
            together([(nodes[n], editor, create(f"R v Race {i}")) for i, n in enumerate(order)])
        )
        statuses = sorted(answer.status_code for answer in answers)
        assert statuses == [201] + [409] * (RACERS - 1), [a.text for a in answers]
        assert all(
            a.json()["error"]["code"] == "slug_taken" for a in answers if a.status_code == 409
        )
        (won,) = [a.json() for a in answers if a.status_code == 201]
        for node in nodes:
            stored = httpx.get(f"{node.url}/api/hearings/{slug}").json()
            assert (stored["slug"], stored["title"]) == (slug, won["title"])
        with nodes[0].connect() as db:
            rows = db.execute("SELECT count(*) FROM hearings WHERE slug = ?", (slug,)).fetchone()
        assert rows[0] == 1
        created = audit(nodes[1], editor, action="hearing.created", hearing=slug)
        assert [record["after"]["title"] for record in created] == [won["title"]]
    assert_gap_free(nodes[0], editor)


def test_one_title_created_at_once_on_two_nodes_gets_a_slug_each(
    nodes: list[LiveServer], editor: str, seed: int
) -> None:
    """A slug made from the title is claimed under the same lock: each creation its own."""
    title = f"R v Same Title {seed}"

    def create(client: httpx.AsyncClient) -> Awaitable[httpx.Response]:
        return client.post("/api/hearings", json={"title": title, "status": "live"})

    answers = run(together([(nodes[i % 2], editor, create) for i in range(RACERS)]))
    assert [a.status_code for a in answers] == [201] * RACERS, [a.text for a in answers]
    base = f"r-v-same-title-{seed}"
    assert sorted(a.json()["slug"] for a in answers) == sorted(
        [base] + [f"{base}-{n}" for n in range(2, RACERS + 1)]
    )
    assert_gap_free(nodes[0], editor)


def enabled_admins(node: LiveServer) -> list[str]:
    with node.connect() as db:
        rows = db.execute(
            "SELECT username FROM users WHERE role = 'admin' AND disabled_at IS NULL"
            " ORDER BY username"
        ).fetchall()
    return [row[0] for row in rows]


def test_two_admins_demoting_each_other_on_two_nodes_leave_one_admin(
    nodes: list[LiveServer], seed: int
) -> None:
    rng = random.Random(seed)
    survivor: tuple[str, str] | None = None
    for round_number in range(ROUNDS):
        names = [f"admin-{seed}-{round_number}-{side}" for side in "ab"]
        tokens = [nodes[0].staff(name, Role.ADMIN) for name in names]
        if survivor is not None:  # only the two racers are enabled admins
            shut = httpx.patch(
                f"{nodes[0].url}/api/users/{survivor[0]}",
                json={"disabled": True},
                headers=auth(tokens[0]),
            )
            assert shut.status_code == 200, shut.text
        assert enabled_admins(nodes[0]) == names
        changes = [rng.choice([{"disabled": True}, {"role": "editor"}]) for _ in names]

        def change(target: str, body: dict[str, Any]) -> Callable[..., Awaitable[httpx.Response]]:
            return lambda client: client.patch(f"/api/users/{target}", json=body)

        answers = run(
            together(
                [
                    (nodes[0], tokens[0], change(names[1], changes[0])),
                    (nodes[1], tokens[1], change(names[0], changes[1])),
                ]
            )
        )
        statuses = [a.status_code for a in answers]
        assert statuses.count(200) == 1, [a.text for a in answers]
        assert max(statuses) in (401, 403, 409), [a.text for a in answers]
        winner = statuses.index(200)
        assert enabled_admins(nodes[0]) == [names[winner]]
        done = [
            record
            for record in audit(nodes[1], tokens[winner])
            if record["actor"] in names and record["target"] in names
        ]
        assert [(r["actor"], r["target"]) for r in done] == [(names[winner], names[1 - winner])]
        survivor = (names[winner], tokens[winner])
    assert survivor is not None
    assert_gap_free(nodes[0], survivor[1])


def test_audit_reader_paging_by_seq_sees_every_record_once_in_order(
    nodes: list[LiveServer], editor: str, seed: int
) -> None:
    """Audited writes on both nodes at once (posts to several hearings, each on its own
    row lock), while an editor pages through `/api/audit?after=N` as a cursor."""
    rng = random.Random(seed)
    slugs = [new_hearing(nodes[i % 2], editor, f"R v Cursor {seed} {i}") for i in range(4)]
    reporters = [nodes[0].staff(f"cursor-{seed}-{i}") for i in range(4)]
    writes = 80

    async def main() -> tuple[list[list[int]], int]:
        done = asyncio.Event()

        async def page_through(client: httpx.AsyncClient) -> list[int]:
            seen: list[int] = []
            while True:
                finished = done.is_set()
                after = seen[-1] if seen else 0
                page = (await client.get("/api/audit", params={"after": after})).json()
                seen.extend(record["seq"] for record in page["records"])
                if finished and not page["records"]:
                    return seen

        async def post(client: httpx.AsyncClient, n: int) -> int:
            entry = {"id": new_id(), "kind": "note", "body": f"Update {n}"}
            answer = await client.post(f"/api/hearings/{rng.choice(slugs)}/entries", json=entry)
            return answer.status_code

        writers = [
            httpx.AsyncClient(base_url=nodes[i % 2].url, headers=auth(token), timeout=60)
            for i, token in enumerate(reporters)
        ]
        readers = [
            httpx.AsyncClient(base_url=node.url, headers=auth(editor), timeout=60) for node in nodes
        ]
        try:
            paging = [asyncio.create_task(page_through(client)) for client in readers]
            statuses = await asyncio.gather(
                *(post(writers[n % len(writers)], n) for n in range(writes))
            )
            assert statuses == [201] * writes
            done.set()
            seen = await asyncio.gather(*paging)
        finally:
            for client in writers + readers:
                await client.aclose()
        last = httpx.get(f"{nodes[0].url}/api/audit", headers=auth(editor)).json()["last_seq"]
        return seen, last

    seen, last = run(main())
    for cursor in seen:  # each reader's, on each node
        assert cursor == list(range(1, last + 1))
    assert_gap_free(nodes[0], editor)


def test_one_entry_id_posted_to_two_hearings_at_once_is_stored_once(
    nodes: list[LiveServer], editor: str, seed: int
) -> None:
    """Each post locks its own hearing's row: the one stored second is refused as it would
    be after the other (`id_conflict`), not with a 500."""
    slugs = [new_hearing(nodes[0], editor, f"R v Same Id {seed} {side}") for side in "ab"]
    for _ in range(ROUNDS):
        entry = {"id": new_id(), "kind": "note", "body": "The same update."}

        def post(
            slug: str, entry: dict[str, str] = entry
        ) -> Callable[[httpx.AsyncClient], Awaitable[httpx.Response]]:
            return lambda client: client.post(f"/api/hearings/{slug}/entries", json=entry)

        answers = run(together([(nodes[i], editor, post(slug)) for i, slug in enumerate(slugs)]))
        assert sorted(a.status_code for a in answers) == [201, 409], [a.text for a in answers]
        (refused,) = [a.json() for a in answers if a.status_code == 409]
        assert refused["error"]["code"] == "id_conflict"
        with nodes[0].connect() as db:
            stored = db.execute("SELECT count(*) FROM entries WHERE id = ?", (entry["id"],))
            assert stored.fetchone()[0] == 1
    assert_gap_free(nodes[0], editor)


def test_a_release_and_a_discard_of_one_post_at_once_on_two_nodes_one_wins(
    nodes: list[LiveServer], editor: str, seed: int
) -> None:
    """Every writer of an entry locks its hearing first, the release too: a release and a
    discard racing on two nodes end as one after the other would (no deadlock, no 500)."""
    rng = random.Random(seed)
    slug = new_hearing(nodes[0], editor, f"R v Release Race {seed}")
    patched = httpx.patch(
        f"{nodes[0].url}/api/hearings/{slug}",
        json={"review_kinds": ["verdict"]},
        headers=auth(editor),
    )
    assert patched.status_code == 200, patched.text
    for _ in range(ROUNDS * 3):
        entry_id = new_id()
        queued = httpx.post(
            f"{nodes[0].url}/api/hearings/{slug}/entries",
            json={"id": entry_id, "kind": "verdict", "body": "Guilty."},
            headers=auth(editor),
        )
        assert queued.status_code == 202, queued.text
        path = f"/api/hearings/{slug}/queue/{entry_id}"
        sides = [rng.randrange(2), rng.randrange(2)]
        answers = run(
            together(
                [
                    (nodes[sides[0]], editor, lambda client, p=path: client.post(f"{p}/release")),
                    (nodes[sides[1]], editor, lambda client, p=path: client.delete(p)),
                ]
            )
        )
        released, discarded = (a.status_code for a in answers)
        assert sorted([released, discarded]) in ([200, 409], [201, 409]), [a.text for a in answers]
        done = audit(nodes[1], editor, hearing=slug)
        actions = [r["action"] for r in done if r["target"] == entry_id]
        assert actions == [
            "entry.queued",
            "entry.released" if released == 201 else "entry.discarded",
        ]
    assert_gap_free(nodes[0], editor)
