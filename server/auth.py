"""Accounts and API tokens: argon2id password hashes, random tokens stored as SHA-256.

Hashing runs in a thread: argon2id is deliberately slow and memory-hard.

Who may act on whom (disable, enable, revoke tokens, change a role, set a password):
an admin acts on anyone, but never disables or demotes themselves; an editor disables,
enables and revokes reporters only; anyone may revoke their own tokens and change their
own password (with the old one); only an admin changes roles and resets passwords. The
rule is checked again inside the transaction that makes the change, against the actor
and target as they stand then. Every change, sign-in and failed sign-in goes to the
audit trail in the transaction of the change; no password or token ever does.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import logging
import secrets
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeGuard

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from courtwire import audit
from courtwire.db import Connection, Database, Row, Transaction
from courtwire.dialect import Dialect
from courtwire.exceptions import BadRequest, Conflict, Forbidden, Invalid, NotFound, Unauthorized
from courtwire.inputs import known_fields
from courtwire.known_tokens import KnownTokens
from courtwire.model import Role
from courtwire.records import Actor
from courtwire.replies import User
from courtwire.schemas import ABSENT, Absent, field_names, schema
from courtwire.times import format_time, now
from courtwire.types import JSONObject

logger = logging.getLogger(__name__)

_hasher = PasswordHasher()

CLI_ACTOR = "@cli"
"""The audit trail's actor for changes made with the `courtwire` command ('@' is never
part of a username)."""
TOUCH_SECONDS = 300.0
"""A token's `last_used_at` is written at most this often (or a tenth of its lifetime)."""
WATCH_SECONDS = 1.0
"""How often a server looks for account changes made by another process."""
SECONDS_A_DAY = 86400.0


@functools.cache
def _dummy_hash() -> str:
    """Verifying against this hash when the user does not exist keeps timing the same.

    Made on first use, not at import: hashing costs most of a second, and every start
    (a restart after a crash included) would pay it before serving anything."""
    return _hasher.hash(secrets.token_hex(16))


MIN_PASSWORD_CHARS = 10
MAX_USERNAME_CHARS = 40
USERNAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_.-")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    """256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def new_password() -> str:
    return secrets.token_urlsafe(15)


def is_username(username: object) -> TypeGuard[str]:
    """Whether `username` could name an account (so a sign-in attempt is worth a look)."""
    return (
        isinstance(username, str)
        and 2 <= len(username) <= MAX_USERNAME_CHARS
        and set(username) <= USERNAME_CHARS
    )


def check_username(username: object) -> str:
    if not is_username(username):
        raise Invalid(
            "A username is 2–40 lower-case letters, digits, '.', '_' or '-'.", field="username"
        )
    return username


def check_password(password: object) -> str:
    if not isinstance(password, str) or not MIN_PASSWORD_CHARS <= len(password) <= 1000:
        raise Invalid(f"A password is at least {MIN_PASSWORD_CHARS} characters.", field="password")
    return password


@dataclass(frozen=True)
class Account:
    """A staff account as editors see it."""

    username: str
    role: Role
    display_name: str | None
    """The byline of its entries on public pages, or None."""
    disabled_at: str | None
    created_at: str
    last_seen: str | None
    """The last use of any of its tokens (to within a few minutes), or None."""
    tokens: int
    """Tokens that are neither revoked nor expired."""

    def view(self) -> User:
        return User(
            self.username,
            self.role.label,
            display_name=self.display_name,
            disabled=self.disabled_at is not None,
            disabled_at=self.disabled_at,
            created_at=self.created_at,
            last_seen=self.last_seen,
            tokens=self.tokens,
        )


def accounts_sql(dialect: Dialect) -> str:
    return (
        "SELECT username, role, display_name, disabled_at, created_at,"  # noqa: S608 - the dialect's SQL
        " (SELECT max(last_used_at) FROM tokens WHERE user_id = users.id) AS last_seen,"
        " (SELECT count(*) FROM tokens WHERE user_id = users.id AND revoked_at IS NULL"
        f"  AND {dialect.days_since('last_used_at')} <= ?) AS tokens"
        " FROM users"
    )


def _account(row: Any) -> Account:
    return Account(
        row["username"],
        Role.from_label(row["role"]),
        row["display_name"],
        row["disabled_at"],
        row["created_at"],
        row["last_seen"],
        row["tokens"],
    )


def _target(conn: Connection, username: str) -> Row:
    row: Row | None = conn.execute(
        "SELECT id, username, role, disabled_at, password_hash FROM users WHERE username = ?",
        (username,),
    ).fetchone()
    if row is None:
        raise NotFound(f"No user {username!r}.", code="user_not_found")
    return row


def _acting_role(conn: Connection, actor: Actor | None) -> Role | None:
    """The actor's role as it stands in this transaction; None for the command line."""
    if actor is None:
        return None
    row = conn.execute("SELECT role, disabled_at FROM users WHERE id = ?", (actor.id,)).fetchone()
    if row is None or row["disabled_at"] is not None:
        raise Unauthorized("This account is disabled.", code="bad_token")
    return Role.from_label(row["role"])


def _check_may_manage(acting: Role | None, target: Role, what: str) -> None:
    """An admin (or the command line) acts on anyone; an editor on reporters only."""
    if acting is None or acting == Role.ADMIN:
        return
    if acting == Role.EDITOR:
        if target == Role.REPORTER:
            return
        raise Forbidden(f"An editor may {what} reporters only; ask an admin.")
    raise Forbidden("This needs the editor role.")


def _check_an_admin_remains(conn: Connection) -> None:
    enabled = conn.execute(
        "SELECT count(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL"
    ).fetchone()[0]
    if enabled == 0:
        raise Conflict(
            "That would leave no admin who can sign in; make another admin first.",
            code="last_admin",
        )


def _revoke_tokens(conn: Connection, user_id: int, at: str, keep_hash: str | None = None) -> int:
    """Revoke the user's live tokens (all but `keep_hash`); how many were revoked."""
    revoked: int = conn.execute(
        "UPDATE tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL"
        " AND token_hash IS DISTINCT FROM ?",
        (at, user_id, keep_hash),
    ).rowcount
    return revoked


def _name(actor: Actor | None) -> str:
    return CLI_ACTOR if actor is None else actor.username


def _seconds(stored: str) -> float:
    return datetime.fromisoformat(stored).timestamp()


def parse_role(value: object) -> Role:
    try:
        return Role.from_label(str(value))
    except KeyError:
        raise Invalid("role is reporter, editor or admin.", field="role") from None


# The JSON bodies the account operations take, each as the one definition of its shape:
# the parsers below accept exactly their fields, and the OpenAPI document is written from
# them (courtwire.openapi).

ROLE_LABEL = schema(enum=[role.label for role in Role])
NEW_PASSWORD = schema(minLength=MIN_PASSWORD_CHARS)
MAX_DISPLAY_NAME_CHARS = 80


@dataclass(frozen=True)
class Credentials:
    """A sign-in."""

    username: str
    password: str


@dataclass(frozen=True)
class NewAccount:
    """A staff account: a reporter unless a role is given; without a password, one is
    generated and shown once."""

    username: str
    role: str | Absent = field(default=ABSENT, metadata=ROLE_LABEL)
    password: str | Absent = field(default=ABSENT, metadata=NEW_PASSWORD)


@dataclass(frozen=True)
class AccountChanges:
    """An account disabled or enabled, or given another role (either or both)."""

    disabled: bool | Absent = ABSENT
    role: str | Absent = field(default=ABSENT, metadata=ROLE_LABEL)


@dataclass(frozen=True)
class DisplayName:
    """The byline of one's entries; null: none."""

    display_name: str | None = field(metadata=schema(maxLength=MAX_DISPLAY_NAME_CHARS))


@dataclass(frozen=True)
class PasswordChange:
    """A new password; one's own is changed with the old one."""

    password: str | Absent = field(default=ABSENT, metadata=NEW_PASSWORD)
    old_password: str | Absent = ABSENT


LOGIN_FIELDS = field_names(Credentials)
NEW_USER_FIELDS = field_names(NewAccount)
ACCOUNT_CHANGE_FIELDS = field_names(AccountChanges)
DISPLAY_NAME_FIELDS = field_names(DisplayName)
PASSWORD_FIELDS = field_names(PasswordChange)


def _only(payload: object, allowed: frozenset[str], expected: str) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise Invalid(f"Expected {expected}.")
    return known_fields(payload, allowed)


def parse_credentials(payload: object) -> tuple[str, str]:
    """`{"username", "password"}` → both; a body of any other shape is a 400, as a
    request no sign-in form sends."""
    if not isinstance(payload, dict):
        raise BadRequest('Expected {"username", "password"}.')
    known_fields(payload, LOGIN_FIELDS)
    username, password = payload.get("username"), payload.get("password")
    if not isinstance(username, str) or not isinstance(password, str):
        raise BadRequest('Expected {"username", "password"} as text.', code="bad_request")
    return username, password


def parse_new_user(payload: object) -> tuple[str, Role, str | None]:
    """`{"username", "role", "password"}` (role reporter and password generated when
    absent) → (username, role, password or None)."""
    found = _only(payload, NEW_USER_FIELDS, '{"username", "role", "password"}')
    password = found.get("password") or None
    return (
        check_username(found.get("username")),
        parse_role(found.get("role", "reporter")),
        None if password is None else check_password(password),
    )


def parse_account_changes(payload: object) -> tuple[bool | None, Role | None]:
    """`{"disabled", "role"}` (either or both) → (disabled, role), None where absent."""
    expected = '{"disabled": true | false, "role"}'
    found = _only(payload, ACCOUNT_CHANGE_FIELDS, expected)
    if not found:
        raise Invalid(f"Expected {expected}.")
    disabled = found.get("disabled")
    if "disabled" in found and not isinstance(disabled, bool):
        raise Invalid("disabled is true or false.", field="disabled")
    return disabled, parse_role(found["role"]) if "role" in found else None


def parse_display_name(payload: object) -> str | None:
    """`{"display_name": "Amina Sadykova"}` → the name, trimmed; null or "" → None (no
    byline). One line of text: no control or formatting characters."""
    found = _only(payload, DISPLAY_NAME_FIELDS, '{"display_name": text or null}')
    if "display_name" not in found:
        raise Invalid('Expected {"display_name": text or null}.', field="display_name")
    name = found["display_name"]
    if name is None:
        return None
    if not isinstance(name, str) or len(name) > MAX_DISPLAY_NAME_CHARS:
        raise Invalid(
            f"display_name is text of at most {MAX_DISPLAY_NAME_CHARS} characters.",
            field="display_name",
        )
    if any(unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") for char in name):
        raise Invalid("display_name is one line, without control characters.", field="display_name")
    return " ".join(name.split()) or None


def parse_password_change(payload: object) -> tuple[str | None, str | None]:
    """`{"password", "old_password"}` (both optional) → (password, old_password)."""
    found = _only(payload, PASSWORD_FIELDS, '{"password", "old_password"}')
    password, old = found.get("password"), found.get("old_password")
    if password is not None:
        check_password(password)
    if old is not None and not isinstance(old, str):
        raise Invalid("old_password is text.", field="old_password")
    return password, old


class Accounts:
    def __init__(self, db: Database, token_days: float = 30.0) -> None:
        self.db = db
        self.known = KnownTokens()
        self.token_days = token_days
        self.lifetime = token_days * SECONDS_A_DAY
        """Seconds without use after which a token expires."""
        self.touch_every = min(TOUCH_SECONDS, self.lifetime / 10)
        self._touches: set[asyncio.Task[None]] = set()
        self._version: str | None = None
        self.ended: Callable[[], None] = lambda: None
        """Told after each commit that ended tokens' validity (courtwire.cluster tells
        every other node at once; the accounts version is the slower fallback)."""

    # Accounts

    async def add_user(
        self, username: str, password: str, role: Role, by: str = CLI_ACTOR
    ) -> Actor:
        check_username(username)
        check_password(password)
        password_hash = await asyncio.to_thread(_hasher.hash, password)

        def insert(tx: Transaction) -> int:
            user_id: int = tx.conn.execute(
                "INSERT INTO users (username, role, password_hash, created_at)"
                " VALUES (?, ?, ?, ?) RETURNING id",
                (username, role.label, password_hash, format_time(now())),
            ).fetchone()[0]
            record = audit.Record(by, "user.created", None, username, None, {"role": role.label})
            audit.record(tx, record)
            return user_id

        try:
            user_id = await self.db.write(insert)
        except self.db.integrity_error:
            raise Conflict(
                f"The username {username!r} is taken.", field="username", code="username_taken"
            ) from None
        return Actor(user_id, username, role)

    async def accounts(self) -> list[Account]:
        async with self.db.read() as conn:
            rows = await conn.execute_fetchall(
                f"{accounts_sql(self.db.dialect)} ORDER BY id", (self.token_days,)
            )
        return [_account(row) for row in rows]

    async def account(self, username: str) -> Account:
        async with self.db.read() as conn:
            rows = list(
                await conn.execute_fetchall(
                    f"{accounts_sql(self.db.dialect)} WHERE username = ?",
                    (self.token_days, username),
                )
            )
        if not rows:
            raise NotFound(f"No user {username!r}.", code="user_not_found")
        return _account(rows[0])

    async def user(self, username: str) -> Actor | None:
        async with self.db.read() as conn:
            rows = list(
                await conn.execute_fetchall(
                    "SELECT id, username, role FROM users WHERE username = ?", (username,)
                )
            )
        return Actor(rows[0][0], rows[0][1], Role.from_label(rows[0][2])) if rows else None

    async def change(
        self,
        actor: Actor | None,
        username: str,
        *,
        disabled: bool | None = None,
        role: Role | None = None,
    ) -> int:
        """Disable, enable or change the role of `username` as `actor` (None: the command
        line); disabling revokes every token. How many tokens were revoked."""
        by = _name(actor)

        def change(tx: Transaction) -> int:
            conn = tx.conn
            # Changes of role and access wait for each other (the `admins` counter row),
            # on every node: two admins demoting or disabling each other at once cannot
            # both pass the last-admin check, and each sees the other's role as committed.
            tx.take("admins")
            acting = _acting_role(conn, actor)
            target = _target(conn, username)
            current = Role.from_label(target["role"])
            if acting not in (None, Role.ADMIN) and role is not None and role != current:
                raise Forbidden("Only an admin changes roles.", field="role")
            _check_may_manage(acting, current, "disable or enable")
            if actor is not None and actor.id == target["id"]:
                if disabled:
                    raise Conflict(
                        "You cannot disable your own account; another admin can.",
                        field="disabled",
                        code="cannot_disable_self",
                    )
                if role is not None and role != current:
                    raise Conflict(
                        "You cannot change your own role; another admin can.",
                        field="role",
                        code="cannot_change_own_role",
                    )
            at = format_time(now())
            was_disabled = target["disabled_at"] is not None
            revoked = 0
            changed = False
            if disabled is not None and disabled != was_disabled:
                conn.execute(
                    "UPDATE users SET disabled_at = ? WHERE id = ?",
                    (at if disabled else None, target["id"]),
                )
                if disabled:
                    revoked = _revoke_tokens(conn, target["id"], at)
                after: JSONObject = {"disabled": disabled}
                if disabled:
                    after["tokens_revoked"] = revoked
                action = "user.disabled" if disabled else "user.enabled"
                audit.record(
                    tx, audit.Record(by, action, None, username, {"disabled": was_disabled}, after)
                )
                changed = True
            if role is not None and role != current:
                conn.execute("UPDATE users SET role = ? WHERE id = ?", (role.label, target["id"]))
                audit.record(
                    tx,
                    audit.Record(
                        by,
                        "user.role_changed",
                        None,
                        username,
                        {"role": current.label},
                        {"role": role.label},
                    ),
                )
                changed = True
            if changed and current == Role.ADMIN:
                _check_an_admin_remains(conn)
            if changed:
                # A remembered token carries the old role; a disabled user's are revoked.
                user_id = target["id"]
                self._forget_after(tx, lambda _, known: known.id == user_id)
            return revoked

        return await self.db.write(change)

    async def set_display_name(self, actor: Actor, username: str, name: str | None) -> None:
        """The byline of `username`'s entries: one's own, or anyone's as an admin."""

        def store(tx: Transaction) -> None:
            acting = _acting_role(tx.conn, actor)
            target = _target(tx.conn, username)
            if target["id"] != actor.id and acting != Role.ADMIN:
                raise Forbidden("Only an admin sets another person's display name.")
            before = tx.conn.execute(
                "SELECT display_name FROM users WHERE id = ?", (target["id"],)
            ).fetchone()[0]
            if before == name:
                return
            tx.conn.execute("UPDATE users SET display_name = ? WHERE id = ?", (name, target["id"]))
            audit.record(
                tx,
                audit.Record(
                    actor.username,
                    "user.display_name",
                    None,
                    username,
                    {"display_name": before},
                    {"display_name": name},
                ),
            )

        await self.db.write(store)

    async def set_password(
        self,
        actor: Actor | None,
        username: str,
        password: str,
        *,
        old_password: str | None = None,
        token_in_use: str | None = None,
    ) -> int:
        """Set `username`'s password as `actor` (None: the command line): their own with
        `old_password`, anyone's as an admin. Revokes the user's other tokens (all but
        `token_in_use`); how many were revoked."""
        check_password(password)
        own = actor is not None and actor.username == username
        if own and old_password is None:
            raise Invalid(
                "Give your current password as old_password.",
                field="old_password",
                code="old_password_required",
            )
        if not own and actor is not None and actor.role != Role.ADMIN:
            raise Forbidden("Only an admin sets another user's password.")
        verified: str | None = None
        if own:
            assert old_password is not None
            async with self.db.read() as conn:
                rows = list(
                    await conn.execute_fetchall(
                        "SELECT password_hash FROM users WHERE username = ?", (username,)
                    )
                )
            if not rows:
                raise NotFound(f"No user {username!r}.", code="user_not_found")
            verified = rows[0]["password_hash"]
            try:
                await asyncio.to_thread(_hasher.verify, verified, old_password)
            except (VerificationError, InvalidHashError):
                raise Forbidden(
                    "The current password is wrong.", field="old_password", code="wrong_password"
                ) from None
        new_hash = await asyncio.to_thread(_hasher.hash, password)
        keep = None if token_in_use is None or not own else hash_token(token_in_use)
        by = _name(actor)

        def store(tx: Transaction) -> int:
            conn = tx.conn
            acting = _acting_role(conn, actor)
            target = _target(conn, username)
            if own and target["password_hash"] != verified:
                raise Conflict(
                    "The password changed meanwhile; try again.", code="password_changed"
                )
            if not own and acting not in (None, Role.ADMIN):
                raise Forbidden("Only an admin sets another user's password.")
            at = format_time(now())
            conn.execute(
                "UPDATE users SET password_hash = ? WHERE id = ?", (new_hash, target["id"])
            )
            revoked = _revoke_tokens(conn, target["id"], at, keep)
            action = "user.password_changed" if own else "user.password_reset"
            record = audit.Record(by, action, None, username, None, {"tokens_revoked": revoked})
            audit.record(tx, record)
            user_id = target["id"]
            self._forget_after(
                tx, lambda token_hash, known: known.id == user_id and token_hash != keep
            )
            return revoked

        return await self.db.write(store)

    # Signing in and out

    async def login(
        self, username: str, password: str, address: str = "unknown"
    ) -> tuple[str, Actor]:
        """A new token for a correct password of an enabled account; `Unauthorized`
        (wrong username or password) or `Forbidden` (`account_disabled`) otherwise, each
        recorded as a failed sign-in."""
        async with self.db.read() as conn:
            rows = list(
                await conn.execute_fetchall(
                    "SELECT id, username, role, password_hash, disabled_at FROM users"
                    " WHERE username = ?",
                    (username,),
                )
            )
        stored = rows[0]["password_hash"] if rows else await asyncio.to_thread(_dummy_hash)
        try:
            await asyncio.to_thread(_hasher.verify, stored, password)
            if not rows:
                raise VerificationError
        except (VerificationError, InvalidHashError):
            await self._failed_login(username, address, "bad_credentials")
            raise Unauthorized("Wrong username or password.", code="bad_credentials") from None
        if rows[0]["disabled_at"] is not None:
            await self._failed_login(username, address, "account_disabled")
            raise Forbidden(
                "This account is disabled; an editor or admin can enable it.",
                code="account_disabled",
            )
        user_id = rows[0]["id"]
        rehashed = None
        if _hasher.check_needs_rehash(stored):
            rehashed = await asyncio.to_thread(_hasher.hash, password)
        token = new_token()

        def sign_in(tx: Transaction) -> Actor:
            row = tx.conn.execute(
                "SELECT role, disabled_at FROM users WHERE id = ?", (user_id,)
            ).fetchone()
            if row is None or row["disabled_at"] is not None:
                raise Forbidden("This account is disabled.", code="account_disabled")
            if rehashed is not None:
                tx.conn.execute(
                    "UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?",
                    (rehashed, user_id, stored),
                )
            actor = Actor(user_id, username, Role.from_label(row["role"]))
            self._insert_token(tx, actor, token)
            audit.record(
                tx,
                audit.Record(
                    username,
                    "login",
                    None,
                    username,
                    None,
                    {"role": actor.role.label},
                    f"address {address}",
                ),
            )
            return actor

        return token, await self.db.write(sign_in)

    async def _failed_login(self, username: str, address: str, code: str) -> None:
        name = username[:MAX_USERNAME_CHARS]
        record = audit.Record(
            name, "login.failed", None, name, None, None, f"address {address}: {code}"
        )
        await self.db.write(lambda tx: audit.record(tx, record))

    def _insert_token(self, tx: Transaction, actor: Actor, token: str) -> None:
        at = format_time(now())
        tx.conn.execute(
            "INSERT INTO tokens (user_id, token_hash, created_at, last_used_at)"
            " VALUES (?, ?, ?, ?)",
            (actor.id, hash_token(token), at, at),
        )

    async def issue_token(self, actor: Actor, by: str = CLI_ACTOR) -> str:
        """A new token for an enabled account (the command line's `courtwire token`)."""
        token = new_token()

        def issue(tx: Transaction) -> None:
            row = tx.conn.execute(
                "SELECT disabled_at FROM users WHERE id = ?", (actor.id,)
            ).fetchone()
            if row is None or row["disabled_at"] is not None:
                raise Forbidden(
                    f"The account {actor.username!r} is disabled; enable it first.",
                    code="account_disabled",
                )
            self._insert_token(tx, actor, token)
            audit.record(tx, audit.Record(by, "token.issued", None, actor.username))

        await self.db.write(issue)
        return token

    async def actor_for_token(self, token: str) -> Actor:
        token_hash = hash_token(token)
        moment = time.time()
        known = self.known.lookup(token_hash)
        if known is not None:
            if moment - known.used_at <= self.lifetime:
                if moment - known.used_at >= self.touch_every:
                    known.used_at = moment
                    self._touch(token_hash, moment)
                return known.actor
            self.known.drop(token_hash)  # idle too long: the database says why
        generation = self.known.generation
        async with self.db.read() as conn:
            rows = list(
                await conn.execute_fetchall(
                    "SELECT users.id, users.username, users.role, users.disabled_at,"
                    " tokens.revoked_at, tokens.created_at, tokens.last_used_at FROM tokens"
                    " JOIN users ON users.id = tokens.user_id WHERE tokens.token_hash = ?",
                    (token_hash,),
                )
            )
        if not rows or rows[0]["revoked_at"] is not None:
            raise Unauthorized("The token is unknown or revoked.", code="bad_token")
        row = rows[0]
        if row["disabled_at"] is not None:
            raise Unauthorized("This account is disabled.", code="bad_token")
        used_at = _seconds(row["last_used_at"] or row["created_at"])
        if moment - used_at > self.lifetime:
            raise Unauthorized(
                f"The token expired after {self.token_days:g} days without use; sign in again.",
                code="token_expired",
            )
        actor = Actor(row["id"], row["username"], Role.from_label(row["role"]))
        if moment - used_at >= self.touch_every:
            used_at = moment
            self._touch(token_hash, moment)
        self.known.remember(token_hash, actor, generation, used_at)
        return actor

    def _touch(self, token_hash: str, moment: float) -> None:
        """Record a token's use, in a write of its own that nobody waits for."""
        at = format_time(datetime.fromtimestamp(moment, UTC))

        async def touch() -> None:
            try:
                await self.db.write(
                    lambda tx: tx.conn.execute(
                        "UPDATE tokens SET last_used_at = ? WHERE token_hash = ?"
                        " AND revoked_at IS NULL",
                        (at, token_hash),
                    )
                )
            except Exception:
                logger.warning("token use not recorded", exc_info=True)

        task = asyncio.get_running_loop().create_task(touch())
        self._touches.add(task)
        task.add_done_callback(self._touches.discard)

    async def revoke_token(self, token: str, actor: Actor | None = None) -> None:
        """Sign out: revoke the token in use."""
        token_hash = hash_token(token)

        def revoke(tx: Transaction) -> None:
            tx.conn.execute(
                "UPDATE tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL",
                (format_time(now()), token_hash),
            )
            if actor is not None:
                audit.record(tx, audit.Record(actor.username, "logout", None, actor.username))
            self._forget_after(tx, lambda known, _: known == token_hash)

        await self.db.write(revoke)

    async def revoke_user_tokens(self, username: str, actor: Actor | None = None) -> int:
        """Revoke every token of `username` as `actor` (None: the command line)."""
        by = _name(actor)

        def revoke(tx: Transaction) -> int:
            acting = _acting_role(tx.conn, actor)
            target = _target(tx.conn, username)
            if actor is None or actor.id != target["id"]:  # one's own: always
                _check_may_manage(acting, Role.from_label(target["role"]), "revoke the tokens of")
            revoked = _revoke_tokens(tx.conn, target["id"], format_time(now()))
            audit.record(
                tx, audit.Record(by, "token.revoked", None, username, None, {"revoked": revoked})
            )
            user_id = target["id"]
            self._forget_after(tx, lambda _, known: known.id == user_id)
            return revoked

        return await self.db.write(revoke)

    def _forget_after(self, tx: Transaction, revoked: Callable[[str, Actor], bool]) -> None:
        """Once `tx` commits, forget here the tokens it ended, and tell the other nodes
        (`ended`)."""

        def forget() -> None:
            self.known.forget(revoked)
            self.ended()

        tx.after_commit(forget)

    # Changes made by other processes

    def forget_all(self) -> None:
        """Look every token up again: another process changed accounts."""
        self.known.forget(lambda _, __: True)

    async def watch(self, interval: float = WATCH_SECONDS) -> None:
        """Forget every remembered token whenever the accounts version moves (a change
        by the `courtwire` command or another worker); runs until cancelled."""
        while True:
            try:
                async with self.db.read() as conn:
                    rows = list(
                        await conn.execute_fetchall(
                            "SELECT value FROM meta WHERE key = 'accounts_version'"
                        )
                    )
                version = rows[0][0] if rows else None
                if version != self._version:
                    if self._version is not None:
                        self.forget_all()
                    self._version = version
            except Exception:
                logger.warning("accounts version not read", exc_info=True)
            await asyncio.sleep(interval)
