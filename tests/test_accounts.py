"""Staff accounts that can be shut, through a real server: who may disable, enable,
change the role of, reset the password of and revoke whom (one table); a disabled
account is shut at once; passwords; idle tokens expire; every action is in the audit
trail without a password; the `courtwire user` commands."""

from __future__ import annotations

import functools
import hashlib
import json
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher

from courtwire.model import Role
from tests.support import ROOT, LiveServer, Staff, auth

PASSWORD = "correct horse battery"
_names = iter(range(1_000_000))


@functools.cache
def password_hash() -> str:
    """One argon2 hash of PASSWORD for every account made here: hashing costs most of a
    second, and the table below makes a few hundred accounts."""
    return PasswordHasher().hash(PASSWORD)


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def make_account(
    server: LiveServer, prefix: str, role: Role, *, disabled: bool = False
) -> tuple[str, str]:
    """A new account with password PASSWORD and a token, written into the database file as
    the server writes them; (username, token)."""
    username = f"{prefix}-{next(_names)}"
    token = secrets.token_urlsafe(32)
    at = iso(datetime.now(UTC))
    with server.connect() as db:
        user_id = db.execute(
            "INSERT INTO users (username, role, password_hash, created_at, disabled_at)"
            " VALUES (?, ?, ?, ?, ?) RETURNING id",
            (username, role.label, password_hash(), at, at if disabled else None),
        ).fetchone()[0]
        db.execute(
            "INSERT INTO tokens (user_id, token_hash, created_at, last_used_at)"
            " VALUES (?, ?, ?, ?)",
            (user_id, hashlib.sha256(token.encode()).hexdigest(), at, at),
        )
    return username, token


def login(server: LiveServer, username: str, password: str) -> httpx.Response:
    return httpx.post(
        f"{server.url}/api/login", json={"username": username, "password": password}, timeout=30
    )


def me(server: LiveServer, token: str) -> httpx.Response:
    return httpx.get(f"{server.url}/api/me", headers=auth(token), timeout=30)


def code(response: httpx.Response) -> str:
    return str(response.json()["error"]["code"])


def account(watcher: Staff, username: str) -> dict[str, Any]:
    users = watcher.client.get("/api/users").json()["users"]
    found: dict[str, Any] = next(u for u in users if u["username"] == username)
    return found


@pytest.fixture(scope="module")
def watcher(server: LiveServer) -> Iterator[Staff]:
    """An admin who only looks (the account list, the audit trail)."""
    _, token = make_account(server, "watcher", Role.ADMIN)
    with Staff(server, token) as staff:
        yield staff


# Who may act on whom: one table

ACTIONS = ("disable", "enable", "role", "reset", "revoke")
TARGETS = ("self", "admin", "editor", "reporter")
ALL_200 = (200, 200, 200, 200, 200)
ALL_403 = (403, 403, 403, 403, 403)
ALL_401 = (401, 401, 401, 401, 401)
# actor → target → the status of (disable, enable, role change, password reset, revoke).
# A reset is a new password without the old one: one's own needs the old one (422).
# An admin may not disable or demote themselves (409); anyone may revoke their own tokens.
EXPECTED: dict[str, dict[str, tuple[int, ...]]] = {
    "admin": {
        "self": (409, 200, 409, 422, 200),
        "admin": ALL_200,
        "editor": ALL_200,
        "reporter": ALL_200,
    },
    "editor": {
        "self": (403, 403, 403, 422, 200),
        "admin": ALL_403,
        "editor": ALL_403,
        "reporter": (200, 200, 403, 403, 200),
    },
    "reporter": {
        "self": (403, 403, 403, 422, 200),
        "admin": ALL_403,
        "editor": ALL_403,
        "reporter": ALL_403,
    },
    "anonymous": {target: ALL_401 for target in TARGETS},
}
ROLES = {"admin": Role.ADMIN, "editor": Role.EDITOR, "reporter": Role.REPORTER}


def act(
    server: LiveServer, token: str | None, action: str, username: str, role: str
) -> httpx.Response:
    headers = auth(token) if token else {}
    url = f"{server.url}/api/users/{username}"
    new_role = "reporter" if role == "editor" else "editor"
    requests: dict[str, tuple[str, str, Any]] = {
        "disable": ("PATCH", url, {"disabled": True}),
        "enable": ("PATCH", url, {"disabled": False}),
        "role": ("PATCH", url, {"role": new_role}),
        "reset": ("POST", f"{url}/password", {}),
        "revoke": ("POST", f"{url}/revoke", None),
    }
    method, target_url, body = requests[action]
    return httpx.request(method, target_url, json=body, headers=headers, timeout=30)


def check_effect(
    server: LiveServer,
    watcher: Staff,
    action: str,
    username: str,
    token: str,
    role: str,
    response: httpx.Response,
) -> str | None:
    """What is wrong with the target's state after the request (None: as it should be)."""
    done = response.status_code == 200
    state = account(watcher, username)
    token_works = me(server, token).status_code == 200
    if action == "disable" and state["disabled"] != done:
        return f"disabled={state['disabled']}"
    if action in ("disable", "reset", "revoke") and token_works == done:
        return f"target's token works={token_works}"
    if action == "enable" and state["disabled"] == done:
        return f"disabled={state['disabled']}"
    if action == "role" and (state["role"] != role) != done:
        return f"role={state['role']}"
    if (
        action == "reset"
        and done
        and login(server, username, response.json()["password"]).status_code != 200
    ):
        return "the new password does not sign in"
    return None


def test_who_may_act_on_whom(server: LiveServer, watcher: Staff) -> None:
    got: dict[str, dict[str, tuple[int, ...]]] = {}
    wrong: list[str] = []
    for actor_kind in EXPECTED:
        got[actor_kind] = {}
        for target_kind in TARGETS:
            statuses = []
            for action in ACTIONS:
                if actor_kind == "anonymous":
                    actor_token = None
                else:
                    actor_name, actor_token = make_account(
                        server, f"mx-{actor_kind}", ROLES[actor_kind]
                    )
                if target_kind == "self" and actor_kind != "anonymous":
                    username, token, role = actor_name, actor_token, actor_kind
                else:
                    role = "reporter" if target_kind == "self" else target_kind
                    username, token = make_account(
                        server, f"mx-{role}", ROLES[role], disabled=action == "enable"
                    )
                response = act(server, actor_token, action, username, role)
                statuses.append(response.status_code)
                if target_kind != "self" or actor_kind == "anonymous":
                    problem = check_effect(server, watcher, action, username, token, role, response)
                    if problem:
                        wrong.append(f"{actor_kind} {action} {target_kind}: {problem}")
            got[actor_kind][target_kind] = tuple(statuses)
    assert got == EXPECTED
    assert wrong == []


def test_an_admin_acting_on_themselves_is_told_why_and_nothing_changes(
    server: LiveServer, watcher: Staff
) -> None:
    name, token = make_account(server, "lone-admin", Role.ADMIN)
    with Staff(server, token) as admin:
        disabled = admin.client.patch(f"/api/users/{name}", json={"disabled": True})
        demoted = admin.client.patch(f"/api/users/{name}", json={"role": "editor"})
        assert (disabled.status_code, code(disabled)) == (409, "cannot_disable_self")
        assert disabled.json()["error"]["field"] == "disabled"
        assert (demoted.status_code, code(demoted)) == (409, "cannot_change_own_role")
        assert admin.client.get("/api/me").json()["user"]["role"] == "admin"
    assert account(watcher, name)["disabled"] is False


def test_a_demoted_editor_loses_the_role_on_the_very_next_request(
    server: LiveServer, watcher: Staff
) -> None:
    name, token = make_account(server, "demoted", Role.EDITOR)
    with Staff(server, token) as demoted:
        assert demoted.client.get("/api/users").status_code == 200  # remembered as editor
        changed = watcher.client.patch(f"/api/users/{name}", json={"role": "reporter"})
        assert changed.status_code == 200
        assert changed.json()["user"]["role"] == "reporter"
        assert demoted.client.get("/api/users").status_code == 403
        assert demoted.client.get("/api/me").json()["user"]["role"] == "reporter"


# A disabled account


def test_a_disabled_reporter_is_shut_out_at_once_and_signs_in_again_when_enabled(
    server: LiveServer, editor: Staff
) -> None:
    slug = editor.create_hearing("R v Shut Out", status="live")["slug"]
    name, first = make_account(server, "shut", Role.REPORTER)
    signed_in = login(server, name, PASSWORD)
    assert signed_in.status_code == 200
    second = signed_in.json()["token"]
    with Staff(server, first) as reporter:
        assert reporter.post(slug, "Before.").status_code == 201
        assert me(server, second).status_code == 200  # both tokens remembered as valid

        disabled = editor.client.patch(f"/api/users/{name}", json={"disabled": True})
        assert disabled.status_code == 200, disabled.text
        assert disabled.json()["revoked"] == 2
        assert disabled.json()["user"]["disabled"] is True

        refused = reporter.post(slug, "After.")
        assert refused.status_code == 401
        assert code(refused) == "bad_token"
        assert me(server, second).status_code == 401
        again = login(server, name, PASSWORD)
        assert (again.status_code, code(again)) == (403, "account_disabled")
        wrong = login(server, name, "not the password")
        assert (wrong.status_code, code(wrong)) == (401, "bad_credentials")  # says nothing more

        bodies = [
            e["body"] for e in editor.client.get(f"/api/hearings/{slug}/entries").json()["entries"]
        ]
        assert bodies == ["Before."]

        enabled = editor.client.patch(f"/api/users/{name}", json={"disabled": False})
        assert enabled.status_code == 200
        assert enabled.json()["user"]["disabled"] is False
        assert reporter.post(slug, "Old token, still revoked.").status_code == 401
        back = login(server, name, PASSWORD)
        assert back.status_code == 200
        with Staff(server, back.json()["token"]) as returned:
            assert returned.post(slug, "Back.").status_code == 201


def test_the_account_list_shows_state_sessions_and_last_use(
    server: LiveServer, editor: Staff
) -> None:
    name, _ = make_account(server, "listed", Role.REPORTER)
    listed = account(editor, name)
    assert listed["disabled"] is False
    assert listed["disabled_at"] is None
    assert listed["tokens"] == 1
    assert listed["last_seen"] is not None
    editor.client.patch(f"/api/users/{name}", json={"disabled": True})
    listed = account(editor, name)
    assert listed["disabled"] is True
    assert listed["disabled_at"] is not None
    assert listed["tokens"] == 0


def test_the_last_admin_cannot_be_disabled_from_the_command_line(tmp_path: Path) -> None:
    db = LiveServer(tmp_path)
    assert cli(db, "user", "add", "only-admin", "--role", "admin", stdin=PASSWORD).returncode == 0
    refused = cli(db, "user", "disable", "only-admin")
    assert refused.returncode != 0
    assert "no admin" in refused.stderr
    refused = cli(db, "user", "role", "only-admin", "editor")
    assert refused.returncode != 0


# Passwords


def test_a_user_changes_their_own_password_with_the_old_one(
    server: LiveServer, watcher: Staff
) -> None:
    name, kept = make_account(server, "own-pw", Role.REPORTER)
    other = login(server, name, PASSWORD).json()["token"]
    url = f"{server.url}/api/users/{name}/password"
    new = "a brand new passphrase"
    with Staff(server, kept) as user:
        missing = user.client.post(url, json={"password": new})
        assert (missing.status_code, code(missing)) == (422, "old_password_required")
        wrong = user.client.post(url, json={"password": new, "old_password": "a wrong guess"})
        assert (wrong.status_code, code(wrong)) == (403, "wrong_password")
        assert wrong.json()["error"]["field"] == "old_password"
        short = user.client.post(url, json={"password": "short", "old_password": PASSWORD})
        assert short.status_code == 422
        assert login(server, name, PASSWORD).status_code == 200  # nothing changed yet
        other = login(server, name, PASSWORD).json()["token"]

        changed = user.client.post(url, json={"password": new, "old_password": PASSWORD})
        assert changed.status_code == 200, changed.text
        assert changed.json()["revoked"] >= 2
        assert "password" not in changed.json()  # not generated: not echoed
        assert user.client.get("/api/me").status_code == 200  # the token in use is kept
    assert me(server, other).status_code == 401
    assert login(server, name, PASSWORD).status_code == 401
    assert login(server, name, new).status_code == 200


def test_an_admin_resets_a_password_and_every_token_of_the_user_ends(
    server: LiveServer, watcher: Staff
) -> None:
    name, token = make_account(server, "reset-pw", Role.EDITOR)
    reset = watcher.client.post(f"/api/users/{name}/password", json={})
    assert reset.status_code == 200, reset.text
    generated = reset.json()["password"]
    assert len(generated) >= 10
    assert reset.json()["revoked"] == 1
    assert me(server, token).status_code == 401
    assert login(server, name, PASSWORD).status_code == 401
    assert login(server, name, generated).status_code == 200
    chosen = watcher.client.post(
        f"/api/users/{name}/password", json={"password": "chosen by the admin"}
    )
    assert chosen.status_code == 200
    assert "password" not in chosen.json()
    assert login(server, name, "chosen by the admin").status_code == 200


# Idle tokens expire


def set_last_used(server: LiveServer, token: str, moment: datetime) -> None:
    with server.connect() as db:
        db.execute(
            "UPDATE tokens SET last_used_at = ? WHERE token_hash = ?",
            (iso(moment), hashlib.sha256(token.encode()).hexdigest()),
        )


def last_used(server: LiveServer, token: str) -> str:
    with server.connect() as db:
        row = db.execute(
            "SELECT last_used_at FROM tokens WHERE token_hash = ?",
            (hashlib.sha256(token.encode()).hexdigest(),),
        ).fetchone()
        return str(row[0])


def test_a_token_unused_for_longer_than_the_setting_is_refused_as_expired(
    server: LiveServer,
) -> None:
    _, stale = make_account(server, "stale", Role.REPORTER)
    _, recent = make_account(server, "recent", Role.REPORTER)
    set_last_used(server, stale, datetime.now(UTC) - timedelta(days=31))
    set_last_used(server, recent, datetime.now(UTC) - timedelta(days=29))
    refused = me(server, stale)
    assert (refused.status_code, code(refused)) == (401, "token_expired")
    assert me(server, recent).status_code == 200
    # The use is recorded (not on every request: the next ones leave it as it is).
    deadline = time.monotonic() + 5
    while datetime.fromisoformat(last_used(server, recent)) < datetime.now(UTC) - timedelta(
        minutes=1
    ):
        assert time.monotonic() < deadline, "the use was not recorded"
        time.sleep(0.05)
    recorded = last_used(server, recent)
    for _ in range(10):
        assert me(server, recent).status_code == 200
    time.sleep(0.3)
    assert last_used(server, recent) == recorded


def test_an_idle_token_expires_even_while_the_server_remembers_it(fresh_server: LiveServer) -> None:
    """COURTWIRE_TOKEN_DAYS may be a fraction: here 3 seconds."""
    fresh_server.env["COURTWIRE_TOKEN_DAYS"] = str(3 / 86400)
    fresh_server.start()
    _, busy = make_account(fresh_server, "busy", Role.REPORTER)
    _, idle = make_account(fresh_server, "idle", Role.REPORTER)
    assert me(fresh_server, idle).status_code == 200
    started = time.monotonic()
    while time.monotonic() - started < 4.5:  # in use: each use keeps it alive
        assert me(fresh_server, busy).status_code == 200
        time.sleep(0.4)
    refused = me(fresh_server, idle)
    assert (refused.status_code, code(refused)) == (401, "token_expired")
    time.sleep(3.5)
    assert code(me(fresh_server, busy)) == "token_expired"


# The audit trail


def test_every_account_action_is_audited_and_no_record_holds_a_password(
    server: LiveServer, editor: Staff
) -> None:
    admin_name, admin_token = make_account(server, "audit-admin", Role.ADMIN)
    created_password = "first passphrase here"
    reset_password = "second passphrase here"
    own_password = "third passphrase here"
    long_name = "x" * 100
    with Staff(server, admin_token) as admin:
        name = f"audited-{next(_names)}"
        assert (
            admin.client.post(
                "/api/users",
                json={"username": name, "role": "reporter", "password": created_password},
            ).status_code
            == 201
        )
        assert login(server, name, "a wrong password").status_code == 401
        assert login(server, long_name, "a wrong password").status_code == 401
        assert admin.client.patch(f"/api/users/{name}", json={"disabled": True}).status_code == 200
        assert login(server, name, created_password).status_code == 403
        assert admin.client.patch(f"/api/users/{name}", json={"disabled": False}).status_code == 200
        assert admin.client.patch(f"/api/users/{name}", json={"role": "editor"}).status_code == 200
        assert (
            admin.client.post(
                f"/api/users/{name}/password", json={"password": reset_password}
            ).status_code
            == 200
        )
        token = login(server, name, reset_password).json()["token"]
        with Staff(server, token) as user:
            url = f"/api/users/{name}/password"
            refused = user.client.post(
                url, json={"password": own_password, "old_password": "nope nope nope"}
            )
            assert refused.status_code == 403
            changed = user.client.post(
                url, json={"password": own_password, "old_password": reset_password}
            )
            assert changed.status_code == 200
            assert user.client.post("/api/logout").status_code == 204
        assert admin.client.post(f"/api/users/{name}/revoke").status_code == 200

    def trail(**query: Any) -> list[dict[str, Any]]:
        """Every record that matches, page by page."""
        found: list[dict[str, Any]] = []
        while True:
            response = editor.client.get(
                "/api/audit",
                params={"limit": 1000, "after": found[-1]["seq"] if found else 0, **query},
            )
            assert response.status_code == 200
            page = response.json()["records"]
            found.extend(page)
            if len(page) < 1000:
                return found

    by_admin = [(r["action"], r["target"]) for r in trail(actor=admin_name)]
    assert by_admin == [
        ("user.created", name),
        ("user.disabled", name),
        ("user.enabled", name),
        ("user.role_changed", name),
        ("user.password_reset", name),
        ("token.revoked", name),
    ]
    by_user = trail(actor=name)
    assert [(r["action"], r["target"]) for r in by_user] == [
        ("login.failed", name),
        ("login.failed", name),
        ("login", name),
        ("request.refused", f"POST /api/users/{name}/password"),
        ("user.password_changed", name),
        ("logout", name),
    ]
    failed = by_user[0]
    assert failed["reason"] == "address 127.0.0.1: bad_credentials"
    assert by_user[1]["reason"] == "address 127.0.0.1: account_disabled"
    assert by_user[2]["reason"] == "address 127.0.0.1"
    assert by_user[3]["after"] == {"password": "(not recorded)", "old_password": "(not recorded)"}
    # A name no account can have is refused before any look-up, and so not recorded:
    # the trail cannot be flooded with made-up names of any length.
    assert trail(actor="x" * 40, action="login.failed") == []
    records = {r["action"]: r for r in trail(actor=admin_name)}
    assert records["user.disabled"]["before"] == {"disabled": False}
    assert records["user.disabled"]["after"] == {"disabled": True, "tokens_revoked": 0}
    assert records["user.role_changed"]["before"] == {"role": "reporter"}
    assert records["user.role_changed"]["after"] == {"role": "editor"}

    everything = json.dumps(trail())
    for secret in (created_password, reset_password, own_password, "nope nope nope", token):
        assert secret not in everything
    assert hashlib.sha256(token.encode()).hexdigest() not in everything
    assert "$argon2" not in everything


# The command line


def cli(
    server: LiveServer, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """The `courtwire` command on the (maybe not started) server's database."""
    return subprocess.run(
        [sys.executable, "-m", "courtwire.cli", *args],
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env={
            "COURTWIRE_DB": str(server.db_path),
            "COURTWIRE_DATABASE_URL": server.database_url,
            "COURTWIRE_LOG_LEVEL": "WARNING",
            "PATH": "/usr/bin:/bin",
        },
    )


def eventually(check: Any, timeout: float = 5.0) -> None:
    """The server sees a change made by another process within a second or so."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline
        time.sleep(0.1)


def test_the_user_commands_shut_and_reopen_an_account_in_a_running_server(
    fresh_server: LiveServer,
) -> None:
    db = fresh_server
    added = cli(db, "user", "add", "cli-reporter", stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    fresh_server.start()
    signed_in = login(fresh_server, "cli-reporter", PASSWORD)
    assert signed_in.status_code == 200
    token = signed_in.json()["token"]
    assert me(fresh_server, token).status_code == 200  # remembered by the server

    disabled = cli(db, "user", "disable", "cli-reporter")
    assert disabled.returncode == 0, disabled.stderr
    assert "Disabled cli-reporter; 1 token revoked." in disabled.stdout
    eventually(lambda: me(fresh_server, token).status_code == 401)
    assert code(login(fresh_server, "cli-reporter", PASSWORD)) == "account_disabled"

    enabled = cli(db, "user", "enable", "cli-reporter")
    assert enabled.returncode == 0, enabled.stderr
    signed_in = login(fresh_server, "cli-reporter", PASSWORD)
    assert signed_in.status_code == 200
    token = signed_in.json()["token"]

    role = cli(db, "user", "role", "cli-reporter", "editor")
    assert role.returncode == 0, role.stderr
    eventually(lambda: me(fresh_server, token).json()["user"]["role"] == "editor")

    piped = cli(db, "user", "password", "cli-reporter", stdin="a piped new passphrase\n")
    assert piped.returncode == 0, piped.stderr
    assert "Password:" not in piped.stdout
    eventually(lambda: me(fresh_server, token).status_code == 401)
    assert login(fresh_server, "cli-reporter", PASSWORD).status_code == 401
    assert login(fresh_server, "cli-reporter", "a piped new passphrase").status_code == 200

    generated = cli(db, "user", "password", "cli-reporter")
    assert generated.returncode == 0, generated.stderr
    password = generated.stdout.strip().splitlines()[-1].removeprefix("Password: ")
    assert login(fresh_server, "cli-reporter", password).status_code == 200

    unknown = cli(db, "user", "disable", "nobody-here")
    assert unknown.returncode != 0
    assert "No user 'nobody-here'" in unknown.stderr

    with db.connect() as conn:
        actions = [
            row[0]
            for row in conn.execute("SELECT action FROM audit WHERE actor = '@cli' ORDER BY seq")
        ]
    assert actions == [
        "user.created",
        "user.disabled",
        "user.enabled",
        "user.role_changed",
        "user.password_reset",
        "user.password_reset",
    ]


def test_a_token_for_a_disabled_account_is_not_issued(tmp_path: Path) -> None:
    db = LiveServer(tmp_path)
    assert cli(db, "user", "add", "shut-cli", stdin=PASSWORD).returncode == 0
    assert cli(db, "user", "disable", "shut-cli").returncode == 0
    refused = cli(db, "token", "shut-cli")
    assert refused.returncode != 0
    assert "disabled" in refused.stderr
