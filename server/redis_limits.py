"""The shared limits on Redis: each check one Lua script, so a check and its count are
one atomic step across every node, timed by Redis's clock (sorted sets of attempt times
per key, expiring with their window)."""

from __future__ import annotations

from courtwire.hub.redis_broker import ERRORS, client
from courtwire.limits import POST_PERIOD, TIMEOUT, SharedAttempt, SharedLimits
from courtwire.throttle import WINDOW

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


class RedisLimits(SharedLimits):
    errors = ERRORS

    def __init__(self, url: str, namespace: str, post_limit: int, login_limit: int) -> None:
        super().__init__(namespace, post_limit, login_limit)
        self.redis = client(url, TIMEOUT)
        self._post = self.redis.register_script(POST_SCRIPT)
        self._admit_script = self.redis.register_script(ADMIT_SCRIPT)
        self._failed_script = self.redis.register_script(FAILED_SCRIPT)
        self._succeeded_script = self.redis.register_script(SUCCEEDED_SCRIPT)

    async def _take(self, key: str, member: str) -> float:
        args: list[str | float] = [self.post_limit, POST_PERIOD, member]
        return float(await self._post(keys=[key], args=args))

    async def _admit(self, attempt: SharedAttempt) -> float:
        args: list[str | float] = [self.login_limit, WINDOW, attempt.member]
        return float(await self._admit_script(keys=list(attempt.keys), args=args))

    async def _failed(self, attempt: SharedAttempt) -> None:
        await self._failed_script(keys=list(attempt.keys), args=[attempt.member])

    async def _succeeded(self, attempt: SharedAttempt) -> None:
        await self._succeeded_script(keys=list(attempt.keys), args=[attempt.member])

    async def close(self) -> None:
        await self.redis.aclose()
