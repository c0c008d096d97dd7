"""Tokens this process has recently seen valid, so a staff request does not wait for a
database read before its real work.

A reporter's post during a fan-out to thousands of readers waits a turn of the event loop
for every hand-over to another thread; the token lookup was one of them. A change that
ends a token's validity (a revocation, a disabled account, a changed role) made through
this process drops the token at once (from its write's `after_commit`, so even a change
whose caller went away does); a lookup that was in flight across one is not remembered.
A change made elsewhere (the `courtwire` command, another worker) is seen when `Accounts`
notices the database's accounts version move, within a second; `TTL_SECONDS` bounds how
long anything else would go unseen.

Each token also carries when it was last used (wall-clock seconds), so that an idle token
expires on time even while remembered here.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from courtwire.records import Actor

TTL_SECONDS = 60.0
CAPACITY = 4096


@dataclass
class Known:
    actor: Actor
    used_at: float
    """Wall-clock seconds of the token's last use as recorded (or about to be)."""
    forget_at: float
    """Monotonic seconds after which the token must be looked up again."""


class KnownTokens:
    """Token hash → actor, newest last; used on the event loop only."""

    def __init__(self, ttl: float = TTL_SECONDS, capacity: int = CAPACITY) -> None:
        self._ttl = ttl
        self._capacity = capacity
        self._known: OrderedDict[str, Known] = OrderedDict()
        self.generation = 0  # bumped by every revocation

    def lookup(self, token_hash: str) -> Known | None:
        found = self._known.get(token_hash)
        if found is None:
            return None
        if found.forget_at <= time.monotonic():
            del self._known[token_hash]
            return None
        return found

    def get(self, token_hash: str) -> Actor | None:
        found = self.lookup(token_hash)
        return None if found is None else found.actor

    def remember(
        self,
        token_hash: str,
        actor: Actor,
        looked_up_at_generation: int,
        used_at: float | None = None,
    ) -> None:
        """Keep a lookup's result, unless a revocation happened while it was in flight."""
        if looked_up_at_generation != self.generation:
            return
        used = time.time() if used_at is None else used_at
        self._known[token_hash] = Known(actor, used, time.monotonic() + self._ttl)
        self._known.move_to_end(token_hash)
        while len(self._known) > self._capacity:
            self._known.popitem(last=False)

    def drop(self, token_hash: str) -> None:
        self._known.pop(token_hash, None)

    def forget(self, revoked: Callable[[str, Actor], bool]) -> None:
        """Drop every token `revoked(token_hash, actor)` is true of."""
        self.generation += 1
        for token_hash in [h for h, known in self._known.items() if revoked(h, known.actor)]:
            del self._known[token_hash]
