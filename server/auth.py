"""Accounts and API tokens: argon2id password hashes, random tokens stored as SHA-256.

Hashing runs in a thread: argon2id is deliberately slow and memory-hard.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import secrets
import sqlite3
from typing import TypeGuard

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from server.db import Database, Transaction
from server.exceptions import Conflict, Invalid, Unauthorized
from server.known_tokens import KnownTokens
from server.model import Role
from server.store import Actor
from server.times import format_time, now

_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Verifying against this hash when the user does not exist keeps timing the same.

    Made on first use, not at import: hashing costs most of a second, and every start
    (a restart after a crash included) would pay it before serving anything."""
    return _hasher.hash(secrets.token_hex(16))


MIN_PASSWORD_CHARS = 10
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
        isinstance(username, str) and 2 <= len(username) <= 40 and set(username) <= USERNAME_CHARS
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


class Accounts:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.known = KnownTokens()

    async def add_user(self, username: str, password: str, role: Role) -> Actor:
        check_username(username)
        check_password(password)
        password_hash = await asyncio.to_thread(_hasher.hash, password)

        def insert(tx: Transaction) -> int | None:
            return tx.conn.execute(
                "INSERT INTO users (username, role, password_hash, created_at) VALUES (?, ?, ?, ?)",
                (username, role.label, password_hash, format_time(now())),
            ).lastrowid

        try:
            user_id = await self.db.write(insert)
        except sqlite3.IntegrityError:
            raise Conflict(
                f"The username {username!r} is taken.", field="username", code="username_taken"
            ) from None
        assert user_id is not None
        return Actor(user_id, username, role)

    async def users(self) -> list[Actor]:
        async with self.db.read() as conn:
            rows = await conn.execute_fetchall("SELECT id, username, role FROM users ORDER BY id")
        return [Actor(row[0], row[1], Role.from_label(row[2])) for row in rows]

    async def user(self, username: str) -> Actor | None:
        async with self.db.read() as conn:
            rows = list(
                await conn.execute_fetchall(
                    "SELECT id, username, role FROM users WHERE username = ?", (username,)
                )
            )
        return Actor(rows[0][0], rows[0][1], Role.from_label(rows[0][2])) if rows else None

    async def login(self, username: str, password: str) -> tuple[str, Actor]:
        """A new token for a correct password; `Unauthorized` otherwise."""
        async with self.db.read() as conn:
            rows = list(
                await conn.execute_fetchall(
                    "SELECT id, username, role, password_hash FROM users WHERE username = ?",
                    (username,),
                )
            )
        stored = rows[0]["password_hash"] if rows else await asyncio.to_thread(_dummy_hash)
        try:
            await asyncio.to_thread(_hasher.verify, stored, password)
        except (VerificationError, InvalidHashError):
            raise Unauthorized("Wrong username or password.", code="bad_credentials") from None
        if not rows:
            raise Unauthorized("Wrong username or password.", code="bad_credentials")
        actor = Actor(rows[0]["id"], rows[0]["username"], Role.from_label(rows[0]["role"]))
        if _hasher.check_needs_rehash(stored):
            rehashed = await asyncio.to_thread(_hasher.hash, password)
            await self.db.write(
                lambda tx: tx.conn.execute(
                    "UPDATE users SET password_hash = ? WHERE id = ?", (rehashed, actor.id)
                )
            )
        return await self.issue_token(actor), actor

    async def issue_token(self, actor: Actor) -> str:
        token = new_token()
        await self.db.write(
            lambda tx: tx.conn.execute(
                "INSERT INTO tokens (user_id, token_hash, created_at) VALUES (?, ?, ?)",
                (actor.id, hash_token(token), format_time(now())),
            )
        )
        return token

    async def actor_for_token(self, token: str) -> Actor:
        token_hash = hash_token(token)
        known = self.known.get(token_hash)
        if known is not None:
            return known
        generation = self.known.generation
        async with self.db.read() as conn:
            rows = list(
                await conn.execute_fetchall(
                    "SELECT users.id, users.username, users.role FROM tokens"
                    " JOIN users ON users.id = tokens.user_id"
                    " WHERE tokens.token_hash = ? AND tokens.revoked_at IS NULL",
                    (token_hash,),
                )
            )
        if not rows:
            raise Unauthorized("The token is unknown or revoked.", code="bad_token")
        actor = Actor(rows[0][0], rows[0][1], Role.from_label(rows[0][2]))
        self.known.remember(token_hash, actor, generation)
        return actor

    async def revoke_token(self, token: str) -> None:
        token_hash = hash_token(token)

        def revoke(tx: Transaction) -> None:
            tx.conn.execute(
                "UPDATE tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL",
                (format_time(now()), token_hash),
            )
            tx.after_commit(lambda: self.known.forget(lambda known, _: known == token_hash))

        await self.db.write(revoke)

    async def revoke_user_tokens(self, username: str) -> int:
        def revoke(tx: Transaction) -> int:
            revoked = tx.conn.execute(
                "UPDATE tokens SET revoked_at = ? WHERE revoked_at IS NULL"
                " AND user_id = (SELECT id FROM users WHERE username = ?)",
                (format_time(now()), username),
            ).rowcount
            tx.after_commit(lambda: self.known.forget(lambda _, actor: actor.username == username))
            return revoked

        return await self.db.write(revoke)
