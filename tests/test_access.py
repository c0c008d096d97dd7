"""Access: argon2id passwords, random hashed tokens, login throttling, post rate limits,
and the role matrix: every route against every kind of caller, as one table."""

from __future__ import annotations

import asyncio
import base64
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from argon2 import PasswordHasher

from courtwire.app import create_app
from courtwire.auth import Accounts
from courtwire.live import READER_PATH
from courtwire.model import Role
from courtwire.settings import Settings
from tests.photo_support import encode, noise
from tests.support import LiveServer, Staff, auth, new_id, run

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server with small limits: 2 failed logins an account (10 an address), 5 posts
    a minute a token."""
    live = LiveServer(tmp_path_factory.mktemp("limited"), login_limit="2", post_limit="5")
    live.start()
    yield live
    live.stop()


def issue_token(server: LiveServer, username: str) -> str:
    """Another token for an existing account (cheap: no password hashing)."""

    async def issue() -> str:
        async with server.database() as db:
            accounts = Accounts(db)
            actor = await accounts.user(username)
            assert actor is not None
            return await accounts.issue_token(actor)

    return run(issue())


def login(server: LiveServer, username: str, password: str) -> httpx.Response:
    return httpx.post(
        f"{server.url}/api/login", json={"username": username, "password": password}, timeout=30
    )


# Passwords and tokens


def test_password_hashed_with_weaker_parameters_is_rehashed_on_login(limited: LiveServer) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(PASSWORD)
    with limited.connect() as db:
        db.execute(
            "INSERT INTO users (username, role, password_hash, created_at)"
            " VALUES ('old-timer', 'reporter', ?, '2020-01-01T00:00:00Z')",
            (weak,),
        )
    response = login(limited, "old-timer", PASSWORD)
    assert response.status_code == 200, response.text
    with limited.connect() as db:
        stored = db.execute(
            "SELECT password_hash FROM users WHERE username = 'old-timer'"
        ).fetchone()
    assert stored[0] != weak
    assert stored[0].startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert not PasswordHasher().check_needs_rehash(stored[0])
    assert login(limited, "old-timer", PASSWORD).status_code == 200  # the new hash works


def test_tokens_are_random_256_bit_stored_only_as_hashes_and_revocable(
    limited: LiveServer,
) -> None:
    limited.staff("token-owner")
    signed_in = login(limited, "token-owner", PASSWORD)
    assert "set-cookie" not in signed_in.headers  # bearer tokens only: no CSRF surface
    first = signed_in.json()["token"]
    second = login(limited, "token-owner", PASSWORD).json()["token"]
    assert first != second
    for token in (first, second):
        assert len(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))) >= 16
    with limited.connect() as db:
        hashes = {row[0] for row in db.execute("SELECT token_hash FROM tokens")}
        stored = db.execute(
            "SELECT password_hash FROM users WHERE username = 'token-owner'"
        ).fetchone()
    assert hashlib.sha256(first.encode()).hexdigest() in hashes
    assert stored[0].startswith("$argon2id$")
    for path in limited.directory.glob("courtwire.db*"):
        content = path.read_bytes()
        assert first.encode() not in content
        assert PASSWORD.encode() not in content
    me = httpx.get(f"{limited.url}/api/me", headers=auth(first))
    assert me.json()["user"] == {"username": "token-owner", "role": "reporter"}
    assert httpx.post(f"{limited.url}/api/logout", headers=auth(first)).status_code == 204
    assert httpx.get(f"{limited.url}/api/me", headers=auth(first)).status_code == 401
    assert httpx.get(f"{limited.url}/api/me", headers=auth(second)).status_code == 200


def test_a_token_revoked_just_after_use_is_refused_at_once_and_posts_nothing(
    server: LiveServer, editor: Staff
) -> None:
    """The server remembers tokens it has seen valid; a revocation must still bite on the
    very next request, for every token of the account and no other account's."""
    slug = editor.create_hearing("R v Revoked", status="live")["slug"]
    with (
        Staff(server, server.staff("soon-revoked")) as gone,
        Staff(server, server.staff("still-here")) as kept,
    ):
        second = issue_token(server, "soon-revoked")
        assert gone.post(slug, "Before the revocation.").status_code == 201
        assert httpx.get(f"{server.url}/api/me", headers=auth(second)).status_code == 200
        assert kept.post(slug, "Another reporter.").status_code == 201

        revoked = editor.client.post("/api/users/soon-revoked/revoke")
        assert revoked.json() == {"revoked": 2}

        refused = gone.post(slug, "After the revocation.")
        assert refused.status_code == 401
        assert refused.json()["error"]["code"] == "bad_token"
        assert httpx.get(f"{server.url}/api/me", headers=auth(second)).status_code == 401
        assert kept.post(slug, "Still posting.").status_code == 201
    bodies = [
        e["body"] for e in editor.client.get(f"/api/hearings/{slug}/entries").json()["entries"]
    ]
    assert sorted(bodies) == sorted(
        ["Before the revocation.", "Another reporter.", "Still posting."]
    )


def test_repeated_failed_logins_for_one_account_get_429(limited: LiveServer) -> None:
    limited.staff("target")
    for _ in range(2):
        assert login(limited, "target", "wrong password!").status_code == 401
    throttled = login(limited, "target", PASSWORD)  # even the right password, for now
    assert throttled.status_code == 429
    assert throttled.json()["error"]["code"] == "rate_limited"
    assert int(throttled.headers["Retry-After"]) >= 1


def test_repeated_failed_logins_from_one_address_get_429(tmp_path: Path) -> None:
    server = LiveServer(tmp_path, login_limit="2")
    server.start()
    try:
        for n in range(10):  # one failure each for 10 accounts: under the per-account limit
            assert login(server, f"nobody-{n}", "wrong password!").status_code == 401
        throttled = login(server, "someone-else", "wrong password!")
        assert throttled.status_code == 429
        assert int(throttled.headers["Retry-After"]) >= 1
    finally:
        server.stop()


def test_simultaneous_wrong_passwords_are_throttled_before_they_are_verified(
    tmp_path: Path,
) -> None:
    server = LiveServer(tmp_path, login_limit="10")
    server.start()
    try:
        server.staff("besieged")

        async def burst() -> list[int]:
            async with httpx.AsyncClient(base_url=server.url, timeout=60) as client:
                answers = await asyncio.gather(
                    *(
                        client.post(
                            "/api/login",
                            json={"username": "besieged", "password": f"guess number {n}"},
                        )
                        for n in range(25)
                    )
                )
            return sorted(answer.status_code for answer in answers)

        assert run(burst()) == [401] * 10 + [429] * 15
    finally:
        server.stop()


def test_login_wants_json_and_a_possible_username(limited: LiveServer) -> None:
    form = httpx.post(
        f"{limited.url}/api/login",
        content=b'{"username": "target", "password": "wrong password!"}',
        headers={"Content-Type": "text/plain"},
    )
    assert (form.status_code, form.json()["error"]["code"]) == (415, "unsupported_media_type")
    for name in ("x" * 5000, "evil\nforged log line", "UPPER"):
        answer = login(limited, name, "wrong password!")
        assert (answer.status_code, answer.json()["error"]["code"]) == (401, "bad_credentials")


def test_posts_over_the_limit_get_429_with_retry_after_and_store_nothing(
    limited: LiveServer,
) -> None:
    editor = limited.staff("limit-editor", Role.EDITOR)
    busy = issue_token(limited, "limit-editor")
    with httpx.Client(base_url=limited.url, headers=auth(editor)) as client:
        slug = client.post("/api/hearings", json={"title": "R v Fast", "status": "live"}).json()[
            "slug"
        ]
        statuses = [
            client.post(f"/api/hearings/{slug}/entries", json={"id": new_id(), "body": "x"})
            for _ in range(6)
        ]
        assert [r.status_code for r in statuses] == [201] * 5 + [429]
        refused = statuses[-1]
        assert refused.json()["error"]["code"] == "rate_limited"
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        assert client.get(f"/api/hearings/{slug}/events").json()["last_seq"] == 5
        # The limit is per account: a new token of the same account does not reset it.
        other = client.post(
            f"/api/hearings/{slug}/entries",
            json={"id": new_id(), "body": "y"},
            headers=auth(busy),
        )
        assert other.status_code == 429


# The role matrix

ANON, AUTHOR, OTHER, EDITOR, ADMIN, REVOKED = range(6)
CALLERS = ("anonymous", "reporter", "another reporter", "editor", "admin", "revoked token")

OK, NO_TOKEN, FORBIDDEN = "ok", 401, 403
# Each row: method, path (as routed), then what each caller gets, in the order of
# CALLERS: "ok" (the route's success status), 401 or 403. Entry rows act on an entry
# the "reporter" wrote. A revoked token is refused wherever a token is looked at; the
# public reads that ignore tokens (the log, entries, exports, pages) serve it anyway.
MATRIX: list[tuple[str, str, tuple[Any, ...]]] = [
    ("GET", "/healthz", (OK, OK, OK, OK, OK, OK)),
    ("POST", "/api/login", (OK, OK, OK, OK, OK, OK)),
    ("POST", "/api/logout", (401, OK, OK, OK, OK, 401)),
    ("GET", "/api/me", (401, OK, OK, OK, OK, 401)),
    ("GET", "/api/users", (401, 403, 403, OK, OK, 401)),
    ("POST", "/api/users", (401, 403, 403, OK, OK, 401)),
    ("PATCH", "/api/users/{username}", (401, 403, 403, OK, OK, 401)),
    ("POST", "/api/users/{username}/password", (401, 403, 403, 403, OK, 401)),
    ("POST", "/api/users/{username}/revoke", (401, 403, 403, OK, OK, 401)),
    ("PUT", "/api/users/{username}/display_name", (401, 403, 403, 403, OK, 401)),
    ("GET", "/api/audit", (401, 403, 403, OK, OK, 401)),
    ("GET", "/api/audit.csv", (401, 403, 403, OK, OK, 401)),
    ("GET", "/api/hearings", (OK, OK, OK, OK, OK, OK)),
    ("POST", "/api/hearings", (401, 403, 403, OK, OK, 401)),
    ("GET", "/api/hearings/{slug}", (OK, OK, OK, OK, OK, OK)),
    ("PATCH", "/api/hearings/{slug}", (401, 403, 403, OK, OK, 401)),
    ("GET", "/api/hearings/{slug}/restrictions", (401, 403, 403, OK, OK, 401)),
    ("POST", "/api/hearings/{slug}/restrictions", (401, 403, 403, OK, OK, 401)),
    ("DELETE", "/api/hearings/{slug}/restrictions/{restriction_id}", (401, 403, 403, OK, OK, 401)),
    ("GET", "/api/hearings/{slug}/withheld", (401, 403, 403, OK, OK, 401)),
    ("GET", "/api/hearings/{slug}/queue", (401, OK, OK, OK, OK, 401)),
    ("POST", "/api/hearings/{slug}/queue/{entry_id}/release", (401, 403, 403, OK, OK, 401)),
    ("DELETE", "/api/hearings/{slug}/queue/{entry_id}", (401, OK, 403, OK, OK, 401)),
    ("GET", "/api/hearings/{slug}/entries", (OK, OK, OK, OK, OK, OK)),
    ("POST", "/api/hearings/{slug}/photos", (401, OK, OK, OK, OK, 401)),
    ("POST", "/api/hearings/{slug}/uploads", (401, OK, OK, OK, OK, 401)),
    ("PUT", "/api/hearings/{slug}/uploads/{key}", (401, OK, OK, OK, OK, 401)),
    ("GET", "/media/{photo_id}/{name}", (OK, OK, OK, OK, OK, OK)),
    ("GET", "/api/hearings/{slug}/entries/{entry_id}/revisions", (OK, OK, OK, OK, OK, OK)),
    ("GET", "/api/hearings/{slug}/bylines", (OK, OK, OK, OK, OK, OK)),
    ("POST", "/api/hearings/{slug}/entries", (401, OK, OK, OK, OK, 401)),
    ("PATCH", "/api/hearings/{slug}/entries/{entry_id}", (401, OK, 403, OK, OK, 401)),
    ("DELETE", "/api/hearings/{slug}/entries/{entry_id}", (401, OK, 403, OK, OK, 401)),
    ("GET", "/api/hearings/{slug}/events", (OK, OK, OK, OK, OK, OK)),
    ("GET", "/api/hearings/{slug}/export.json", (OK, OK, OK, OK, OK, OK)),
    ("GET", "/api/hearings/{slug}/export.md", (OK, OK, OK, OK, OK, OK)),
    ("GET", "/api/hearings/{slug}/export.html", (OK, OK, OK, OK, OK, OK)),
    ("GET", "/api/openapi.json", (OK, OK, OK, OK, OK, OK)),
    ("WS", "/ws/hearings/{slug}", (OK, OK, OK, OK, OK, OK)),
    ("GET", "/", (OK, OK, OK, OK, OK, OK)),
    ("GET", "/h/{slug}", (OK, OK, OK, OK, OK, OK)),
    ("GET", "/h/{slug}/feed.atom", (OK, OK, OK, OK, OK, OK)),
    ("GET", "/h/{slug}/embed", (OK, OK, OK, OK, OK, OK)),
    ("GET", "/h/{slug}/events.sse", (OK, OK, OK, OK, OK, OK)),
    ("GET", "/oembed", (OK, OK, OK, OK, OK, OK)),
    ("GET", "/report", (OK, OK, OK, OK, OK, OK)),
    ("GET", "/report-sw.js", (OK, OK, OK, OK, OK, OK)),
    ("GET", "/matcher/fold.json", (OK, OK, OK, OK, OK, OK)),
    ("GET", "/desk", (OK, OK, OK, OK, OK, OK)),
    ("GET", "/static/{path}", (OK, OK, OK, OK, OK, OK)),
]
SUCCESS = {
    "POST /api/logout": 204,
    "POST /api/users": 201,
    "POST /api/hearings": 201,
    "POST /api/hearings/{slug}/entries": 201,
    "POST /api/hearings/{slug}/photos": 201,
    "POST /api/hearings/{slug}/uploads": 201,
    "PUT /api/hearings/{slug}/uploads/{key}": 201,
    "POST /api/hearings/{slug}/restrictions": 201,
    "POST /api/hearings/{slug}/queue/{entry_id}/release": 201,
}


@dataclass
class Cast:
    """The callers, with a token each (None for anonymous), on the session's server."""

    server: LiveServer
    names: dict[int, str]
    tokens: dict[int, str | None]
    slug: str
    delayed_slug: str
    """A hearing whose posts wait 600 s: its queue's routes act on them."""

    def fresh_token(self, caller: int) -> str | None:
        """Logging out spends a token: those cells get one of their own."""
        if caller in (ANON, REVOKED):
            return self.tokens[caller]
        return issue_token(self.server, self.names[caller])


@pytest.fixture(scope="module")
def cast(server: LiveServer) -> Cast:
    names = {AUTHOR: "m-reporter", OTHER: "m-other", EDITOR: "m-editor", ADMIN: "m-admin"}
    roles = {AUTHOR: Role.REPORTER, OTHER: Role.REPORTER, EDITOR: Role.EDITOR, ADMIN: Role.ADMIN}
    tokens: dict[int, str | None] = {
        caller: server.staff(name, roles[caller]) for caller, name in names.items()
    }
    tokens[ANON] = None
    revoked = server.staff("m-revoked", Role.ADMIN)
    assert httpx.post(f"{server.url}/api/logout", headers=auth(revoked)).status_code == 204
    tokens[REVOKED] = revoked
    editor = auth(str(tokens[EDITOR]))
    slug = httpx.post(
        f"{server.url}/api/hearings",
        json={"title": "R v Matrix", "status": "live"},
        headers=editor,
    ).json()["slug"]
    delayed = httpx.post(
        f"{server.url}/api/hearings",
        json={"title": "R v Matrix Delayed", "status": "live", "publish_delay": 600},
        headers=editor,
    ).json()["slug"]
    return Cast(server, names, tokens, slug, delayed)


_counter = iter(range(1_000_000))


def _published_photo(cast: Cast, n: int) -> str:
    """The address of a variant of a photo on a published entry."""
    author = auth(str(cast.tokens[AUTHOR]))
    uploaded = httpx.post(
        f"{cast.server.url}/api/hearings/{cast.slug}/photos",
        content=encode(noise(n, (64, 48)), "JPEG"),
        headers=author | {"content-type": "image/jpeg", "idempotency-key": new_id()},
    )
    assert uploaded.status_code == 201, uploaded.text
    photo = {"id": uploaded.json()["photo"]["id"], "alt": f"Photo {n}"}
    posted = httpx.post(
        f"{cast.server.url}/api/hearings/{cast.slug}/entries",
        json={"id": new_id(), "body": f"Photo post {n}", "photo": photo},
        headers=author,
    )
    assert posted.status_code == 201, posted.text
    return str(posted.json()["entry"]["photo"]["variants"][0]["url"])


def _upload_request(cast: Cast, route: str, headers: dict[str, str], n: int) -> Callable[[], int]:
    """Opening an upload in pieces, or sending its one piece (to an upload the caller
    opened beforehand, if the caller can)."""
    data = encode(noise(n, (64, 48)), "JPEG")
    key = new_id()
    base = f"{cast.server.url}/api/hearings/{cast.slug}/uploads"
    opening = {
        "content-type": "image/jpeg",
        "idempotency-key": key,
        "upload-length": str(len(data)),
    }
    if route.endswith("/uploads"):
        return lambda: httpx.post(base, headers=headers | opening).status_code
    httpx.post(base, headers=headers | opening)
    piece = {"content-range": f"bytes 0-{len(data) - 1}/{len(data)}"}
    return lambda: httpx.put(f"{base}/{key}", content=data, headers=headers | piece).status_code


def request_for(cast: Cast, method: str, route: str, caller: int) -> Callable[[], int]:
    """A call of `route` as `caller`, with whatever the route needs made beforehand."""
    token = cast.fresh_token(caller) if route == "/api/logout" else cast.tokens[caller]
    headers = auth(token) if token else {}
    base = cast.server.url
    path = route.replace("{slug}", cast.slug).replace("{path}", "css/app.css")
    body: dict[str, Any] | None = None
    n = next(_counter)
    if "{entry_id}" in route:
        entry_id = new_id()
        slug = cast.delayed_slug if "/queue/" in route else cast.slug
        created = httpx.post(
            f"{base}/api/hearings/{slug}/entries",
            json={"id": entry_id, "body": f"Entry {n}"},
            headers=auth(str(cast.tokens[AUTHOR])),
        )
        assert created.status_code == (202 if "/queue/" in route else 201)
        path = path.replace(cast.slug, slug)
        path = path.replace("{entry_id}", entry_id)
    if "{restriction_id}" in route:
        added = httpx.post(
            f"{base}/api/hearings/{cast.slug}/restrictions",
            json={"term": f"Lifted Name {n}"},
            headers=auth(str(cast.tokens[EDITOR])),
        )
        assert added.status_code == 201, added.text
        path = path.replace("{restriction_id}", str(added.json()["restriction"]["id"]))
    if "{username}" in route:
        path = path.replace("{username}", "m-other-victim")
    if route == "/api/login":
        body = {"username": "m-other", "password": PASSWORD}
    elif route == "/api/users":
        body = {"username": f"m-new-{n}", "role": "reporter", "password": PASSWORD}
    elif route == "/api/users/{username}":
        body = {"disabled": False}
    elif route == "/api/users/{username}/password":
        body = {}
    elif route == "/api/users/{username}/display_name":
        body = {"display_name": f"Named {n}"}
    elif route == "/api/hearings":
        body = {"title": f"R v Matrix {n}"}
    elif route == "/api/hearings/{slug}":
        body = {"description": f"Changed {n}"}
    elif route == "/api/hearings/{slug}/restrictions":
        body = {"term": f"Protected Name {n}", "kind": "person"}
    elif route == "/api/hearings/{slug}/entries":
        body = {"id": new_id(), "body": f"Post {n}"}
    elif route.endswith("{entry_id}") and method == "PATCH":
        body = {"body": f"Revised {n}"}

    if route == "/oembed":
        path = f"/oembed?url={base}/h/{cast.slug}"
    if route.endswith("/photos"):
        photo = {"content-type": "image/jpeg", "idempotency-key": new_id()}
        data = encode(noise(n, (64, 48)), "JPEG")
        return lambda: (
            httpx.post(f"{base}{path}", content=data, headers=headers | photo).status_code
        )
    if "/uploads" in route:
        return _upload_request(cast, route, headers, n)
    if "{photo_id}" in route:
        path = _published_photo(cast, n)
    if route.endswith("/events.sse"):

        def stream() -> int:
            with httpx.stream("GET", f"{base}{path}", headers=headers, timeout=30) as response:
                return response.status_code

        return stream
    if method == "WS":

        async def connect() -> int:
            extra = {"additional_headers": headers} if headers else {}
            # max_queue=None: with the backlog unread, a bounded queue pauses reading
            # and the client's close would wait its full timeout for the server's reply.
            async with websockets.connect(
                f"{cast.server.ws_url}{path}", compression=None, max_queue=None, **extra
            ) as ws:
                await ws.recv()
            return 101

        return lambda: run(connect())
    return lambda: httpx.request(method, f"{base}{path}", json=body, headers=headers).status_code


def test_matrix_covers_every_route() -> None:
    app = create_app(Settings(db_path=Path("unused.db")))
    # Reader sockets are served by the connection's protocol, not by the router.
    routed = {("WS", f"{READER_PATH}{{slug}}")}
    for route in app.routes:
        methods = getattr(route, "methods", None)
        path = getattr(route, "path", "")
        if methods is None:
            routed.add(("GET", path or "/static/{path}"))
            continue
        for method in methods - {"HEAD"}:
            routed.add((method, path))
    routed = {(method, "/static/{path}" if path == "/static" else path) for method, path in routed}
    assert routed == {(method, path) for method, path, _ in MATRIX}


@pytest.mark.parametrize(
    ("method", "route", "expected"), MATRIX, ids=[f"{m} {p}" for m, p, _ in MATRIX]
)
def test_role_matrix(cast: Cast, method: str, route: str, expected: tuple[Any, ...]) -> None:
    if "{username}" in route and "m-other-victim" not in _users(cast):
        cast.server.staff("m-other-victim")
    success = 101 if method == "WS" else SUCCESS.get(f"{method} {route}", 200)
    got = []
    for caller in range(len(CALLERS)):
        call = request_for(cast, method, route, caller)
        try:
            status = call()
        except websockets.InvalidStatus as refused:
            status = refused.response.status_code
        got.append(status)
    want = [success if cell == OK else cell for cell in expected]
    assert dict(zip(CALLERS, got, strict=True)) == dict(zip(CALLERS, want, strict=True))


def _users(cast: Cast) -> set[str]:
    with cast.server.connect() as db:
        return {row[0] for row in db.execute("SELECT username FROM users")}
