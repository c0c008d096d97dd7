"""The post limit and the sign-in throttle, for one process or for the whole cluster.

One process keeps them in memory (`courtwire.ratelimit`, `courtwire.throttle`). Several
nodes share them where the broker is (`SharedLimits`): Redis (`redis_limits`) or the
PostgreSQL database (`pg_limits`); each check and its count are one atomic step across
every node, timed by that server's clock, with the same rules as in memory (the times of
attempts per key, expiring with their window). While it cannot be reached, each node
falls back to its own memory: limits still hold per node, and nobody is locked out by
the outage.
"""

from __future__ import annotations

import logging
import math
import secrets
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import ClassVar, Protocol

from courtwire.exceptions import RateLimited
from courtwire.ratelimit import RateLimit
from courtwire.settings import POSTGRESQL_SCHEMES
from courtwire.throttle import MESSAGE, Attempt, LoginThrottle

logger = logging.getLogger(__name__)

POST_MESSAGE = "Too many posts; slow down."
POST_PERIOD = 60.0
TIMEOUT = 0.5
"""Seconds a check waits for the shared server before it falls back to this node's memory."""


class PostLimit(Protocol):
    async def take(self, key: str) -> None:
        """Count a post by `key`, or raise `RateLimited`."""


class SignInThrottle(Protocol):
    async def admit(self, account: str, address: str) -> object:
        """Count an attempt now, or raise `RateLimited`; the attempt, to report."""

    async def failed(self, attempt: object) -> None: ...

    async def succeeded(self, attempt: object) -> None: ...


class LocalPostLimit:
    def __init__(self, limit: int) -> None:
        self.memory = RateLimit(limit, POST_PERIOD, POST_MESSAGE)

    async def take(self, key: str) -> None:
        self.memory.take(key)


class LocalSignInThrottle:
    def __init__(self, limit: int) -> None:
        self.memory = LoginThrottle(limit)

    async def admit(self, account: str, address: str) -> object:
        return self.memory.admit(account, address)

    async def failed(self, attempt: object) -> None:
        assert isinstance(attempt, Attempt)
        self.memory.failed(attempt)

    async def succeeded(self, attempt: object) -> None:
        assert isinstance(attempt, Attempt)
        self.memory.succeeded(attempt)


@dataclass(frozen=True)
class SharedAttempt:
    keys: tuple[str, str, str]
    """(account and address, address, account)"""
    member: str
    """Names this attempt among the others of its keys."""


class SharedLimits(ABC):
    """Both limits for every node, through a shared server; this node's memory while it
    is away. A subclass is one server: it counts under keys prefixed by the namespace
    (the database's epoch) and answers how long to wait (0: admitted)."""

    errors: ClassVar[tuple[type[Exception], ...]]
    """What the server's client raises when it cannot be reached (a timeout included)."""

    def __init__(self, namespace: str, post_limit: int, login_limit: int) -> None:
        self.namespace = namespace
        self.prefix = f"courtwire:{namespace}"
        self.post_limit = post_limit
        self.login_limit = login_limit
        self.local_posts = LocalPostLimit(post_limit)
        self.local_sign_ins = LocalSignInThrottle(login_limit)

    @abstractmethod
    async def _take(self, key: str, member: str) -> float:
        """Count a post under `key` unless `post_limit` are in the last `POST_PERIOD`;
        the seconds to wait, or 0 when counted."""

    @abstractmethod
    async def _admit(self, attempt: SharedAttempt) -> float:
        """Count the attempt under its three keys unless one is over its tier
        (`courtwire.throttle`); the seconds to wait, or 0 when counted."""

    @abstractmethod
    async def _failed(self, attempt: SharedAttempt) -> None:
        """The attempt failed now: its delay runs from now (where it is still counted)."""

    @abstractmethod
    async def _succeeded(self, attempt: SharedAttempt) -> None:
        """Forget the pair's failures and this attempt's count of the address and account."""

    @abstractmethod
    async def close(self) -> None: ...

    async def check(self) -> None:  # noqa: B027 - a server that holds no schema has nothing to check
        """Refuse to start (SystemExit) when the server cannot hold these limits."""

    async def take(self, key: str) -> None:
        try:
            wait = await self._take(f"{self.prefix}:posts:{key}", secrets.token_hex(8))
        except self.errors as error:
            logger.warning("post limit kept in memory: %s", error)
            await self.local_posts.take(key)
            return
        if wait > 0:
            raise RateLimited(POST_MESSAGE, retry_after=_retry_after(wait))

    async def admit(self, account: str, address: str) -> object:
        prefix = f"{self.prefix}:sign-ins"
        attempt = SharedAttempt(
            (
                f"{prefix}:pair:{account}\n{address}",
                f"{prefix}:address:{address}",
                f"{prefix}:account:{account}",
            ),
            secrets.token_hex(8),
        )
        try:
            wait = await self._admit(attempt)
        except self.errors as error:
            logger.warning("sign-in throttle kept in memory: %s", error)
            return await self.local_sign_ins.admit(account, address)
        if wait > 0:
            raise RateLimited(MESSAGE, retry_after=_retry_after(wait))
        return attempt

    async def failed(self, attempt: object) -> None:
        await self._report(attempt, self._failed, self.local_sign_ins.failed)

    async def succeeded(self, attempt: object) -> None:
        await self._report(attempt, self._succeeded, self.local_sign_ins.succeeded)

    async def _report(
        self,
        attempt: object,
        shared: Callable[[SharedAttempt], Awaitable[None]],
        local: Callable[[object], Awaitable[None]],
    ) -> None:
        if not isinstance(attempt, SharedAttempt):
            await local(attempt)  # admitted from memory while the server was away
            return
        try:
            await shared(attempt)
        except self.errors as error:
            logger.warning("sign-in outcome not shared: %s", error)


def _retry_after(wait: float) -> int:
    return max(1, math.ceil(wait))


def shared_limits(url: str, namespace: str, post_limit: int, login_limit: int) -> SharedLimits:
    """The limits on the broker's server (COURTWIRE_BROKER_URL), whichever it is; each
    imported only when chosen."""
    if url.startswith(POSTGRESQL_SCHEMES):
        from courtwire.pg_limits import PgLimits

        return PgLimits(url, namespace, post_limit, login_limit)
    from courtwire.redis_limits import RedisLimits

    return RedisLimits(url, namespace, post_limit, login_limit)
