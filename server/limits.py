"""The post limit and the sign-in throttle, for one process or for the whole cluster.

One process keeps them in memory (`courtwire.ratelimit`, `courtwire.throttle`). Several
nodes share them through Redis: each check is one Lua script, so a check and its count are
one atomic step across every node, timed by Redis's clock, with the same rules as in
memory (sorted sets of attempt times per key, expiring with their window). While Redis
cannot be reached, each node falls back to its own memory: limits still hold per node,
and nobody is locked out by the outage.
"""

from __future__ import annotations

import logging
import math
import secrets
from dataclasses import dataclass
from typing import Any, Protocol

from redis.exceptions import RedisError

from courtwire.exceptions import RateLimited
from courtwire.hub.redis_broker import client
from courtwire.ratelimit import RateLimit
from courtwire.throttle import MESSAGE, WINDOW, Attempt, LoginThrottle

logger = logging.getLogger(__name__)

POST_MESSAGE = "Too many posts; slow down."
POST_PERIOD = 60.0
REDIS_TIMEOUT = 0.5
"""Seconds a check waits for Redis before it falls back to this node's memory."""


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


NOW = "local t = redis.call('TIME') local now = tonumber(t[1]) + tonumber(t[2]) / 1e6 "

POST_SCRIPT = (
    NOW
    + """
local limit, period = tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - period)
if redis.call('ZCARD', KEYS[1]) >= limit then
  local first = tonumber(redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2])
  return tostring(first + period - now)
end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('EXPIRE', KEYS[1], math.ceil(period))
return '0'
"""
)

ADMIT_SCRIPT = (
    NOW
    + """
local limit, window = tonumber(ARGV[1]), tonumber(ARGV[2])
local thresholds = {limit, limit * 5, limit * 5}
local caps = {window, 60, 1}
local wait = 0
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local over = redis.call('ZCARD', key) - thresholds[i] + 1
  if over > 0 then
    local last = tonumber(redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')[2])
    wait = math.max(wait, last + math.min(caps[i], 2 ^ math.min(over - 1, 30)) - now)
  end
end
if wait > 0 then return tostring(wait) end
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[3])
  redis.call('EXPIRE', key, math.ceil(window))
end
return '0'
"""
)

FAILED_SCRIPT = (
    NOW
    + """
for _, key in ipairs(KEYS) do redis.call('ZADD', key, 'XX', now, ARGV[1]) end
return '0'
"""
)

SUCCEEDED_SCRIPT = """
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
return '0'
"""


def _retry_after(wait: Any) -> int:
    return max(1, math.ceil(float(wait)))


@dataclass(frozen=True)
class SharedAttempt:
    keys: tuple[str, str, str]
    """(account and address, address, account)"""
    member: str


class RedisLimits:
    """Both limits for every node, through Redis; this node's memory while it is away."""

    def __init__(self, url: str, namespace: str, post_limit: int, login_limit: int) -> None:
        self.redis = client(url, REDIS_TIMEOUT)
        self.prefix = f"courtwire:{namespace}"
        self.post_limit = post_limit
        self.login_limit = login_limit
        self.local_posts = LocalPostLimit(post_limit)
        self.local_sign_ins = LocalSignInThrottle(login_limit)
        self._post = self.redis.register_script(POST_SCRIPT)
        self._admit = self.redis.register_script(ADMIT_SCRIPT)
        self._failed = self.redis.register_script(FAILED_SCRIPT)
        self._succeeded = self.redis.register_script(SUCCEEDED_SCRIPT)

    async def take(self, key: str) -> None:
        args: list[str | float] = [self.post_limit, POST_PERIOD, secrets.token_hex(8)]
        try:
            wait = await self._post(keys=[f"{self.prefix}:posts:{key}"], args=args)
        except (RedisError, OSError) as error:
            logger.warning("post limit kept in memory: %s", error)
            await self.local_posts.take(key)
            return
        if float(wait) > 0:
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
        args: list[str | float] = [self.login_limit, WINDOW, attempt.member]
        try:
            wait = await self._admit(keys=list(attempt.keys), args=args)
        except (RedisError, OSError) as error:
            logger.warning("sign-in throttle kept in memory: %s", error)
            return await self.local_sign_ins.admit(account, address)
        if float(wait) > 0:
            raise RateLimited(MESSAGE, retry_after=_retry_after(wait))
        return attempt

    async def failed(self, attempt: object) -> None:
        await self._report(attempt, self._failed, self.local_sign_ins.failed)

    async def succeeded(self, attempt: object) -> None:
        await self._report(attempt, self._succeeded, self.local_sign_ins.succeeded)

    async def _report(self, attempt: object, script: Any, local: Any) -> None:
        if not isinstance(attempt, SharedAttempt):
            await local(attempt)  # admitted from memory while Redis was away
            return
        try:
            await script(keys=list(attempt.keys), args=[attempt.member])
        except (RedisError, OSError) as error:
            logger.warning("sign-in outcome not shared: %s", error)

    async def close(self) -> None:
        await self.redis.aclose()
