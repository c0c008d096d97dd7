"""Pings and pong deadlines for every reader of one app, on one timer.

A timer per connection for each ping and another for its pong is, at 10k readers and
20 s, ~1,000 timer handles a second, each with its context and bound method, living for
20 s: old ones dying offset new ones in the garbage collector's count, so the young
generation grew to ~50k objects before it was collected (young collections of 20-40 ms
of CPU, measured). Here connections wait in queues ordered by due time (the interval and
the timeout are the same for all), holding no new tracked object per ping, and one timer
ticks while anything waits. A closed connection stays queued (a few bytes) until its
turn comes and is skipped by its own `keepalive_ping`/`pong_overdue`.

One `Keepalive` per app, made in the app's lifespan on the serving loop: two apps in
one process share nothing.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Protocol


class Pinged(Protocol):
    """A connection as the keepalive sees it."""

    def keepalive_ping(self) -> None:
        """Its ping is due: send one (and call `pong_by`), unless it is closing."""

    def pong_overdue(self, ping: int) -> None:
        """The pong to ping number `ping` is overdue, unless it came already."""


class Keepalive:
    """Every connection's next ping and pong deadline, on one timer of `loop`."""

    def __init__(self, loop: asyncio.AbstractEventLoop, interval: float, timeout: float) -> None:
        self.loop = loop
        self.interval = interval
        self.timeout = timeout
        self._tick = max(0.01, min(0.25, interval / 4, timeout / 4))
        self._timer: asyncio.TimerHandle | None = None
        self._ping_at: deque[float] = deque()
        self._ping_for: deque[Pinged] = deque()
        self._pong_by: deque[float] = deque()
        self._pong_for: deque[Pinged] = deque()
        self._pong_ping: deque[int] = deque()

    @property
    def enabled(self) -> bool:
        return self.interval > 0

    def ping_later(self, connection: Pinged) -> None:
        """Call `connection.keepalive_ping()` one interval from now."""
        self._ping_at.append(self.loop.time() + self.interval)
        self._ping_for.append(connection)
        self._arm()

    def pong_by(self, connection: Pinged, ping: int) -> None:
        """Call `connection.pong_overdue(ping)` one timeout from now."""
        self._pong_by.append(self.loop.time() + self.timeout)
        self._pong_for.append(connection)
        self._pong_ping.append(ping)
        self._arm()

    def waiting(self) -> int:
        return len(self._ping_at) + len(self._pong_by)

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        for queue in (self._ping_at, self._ping_for, self._pong_by, self._pong_for):
            queue.clear()
        self._pong_ping.clear()

    def _arm(self) -> None:
        if self._timer is None:
            self._timer = self.loop.call_later(self._tick, self._run)

    def _run(self) -> None:
        self._timer = None
        now = self.loop.time()
        while self._ping_at and self._ping_at[0] <= now:
            self._ping_at.popleft()
            self._ping_for.popleft().keepalive_ping()
        while self._pong_by and self._pong_by[0] <= now:
            self._pong_by.popleft()
            self._pong_for.popleft().pong_overdue(self._pong_ping.popleft())
        if self._ping_at or self._pong_by:
            self._arm()
