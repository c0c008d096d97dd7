"""Sliding-window rate limits in memory, one window per key (an account posting)."""

from __future__ import annotations

import math
import time
from collections import deque

from courtwire.exceptions import RateLimited


class RateLimit:
    def __init__(self, limit: int, period: float, message: str) -> None:
        self.limit = limit
        self.period = period
        self.message = message
        self._hits: dict[str, deque[float]] = {}

    MAX_KEYS = 10_000

    def _window(self, key: str, moment: float) -> deque[float]:
        if key not in self._hits and len(self._hits) >= self.MAX_KEYS:
            # Forget idle keys so the table does not grow without bound.
            self._hits = {k: v for k, v in self._hits.items() if v and v[-1] > moment - self.period}
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= moment - self.period:
            hits.popleft()
        return hits

    def check(self, key: str) -> None:
        """Raise `RateLimited` if `key` is at its limit; does not count a hit."""
        moment = time.monotonic()
        hits = self._window(key, moment)
        if len(hits) >= self.limit:
            retry = max(1, math.ceil(hits[0] + self.period - moment))
            raise RateLimited(self.message, retry_after=retry)

    def hit(self, key: str) -> None:
        moment = time.monotonic()
        self._window(key, moment).append(moment)

    def take(self, key: str) -> None:
        """Check, then count one hit."""
        self.check(key)
        self.hit(key)

    def clear(self, key: str) -> None:
        self._hits.pop(key, None)
