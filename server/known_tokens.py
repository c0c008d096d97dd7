"""Tokens this process has recently seen valid, so a staff request does not wait for a
database read before its real work.

A reporter's post during a fan-out to thousands of readers waits a turn of the event loop
for every hand-over to another thread; the token lookup was one of them. A revocation made
through this process drops the token at once (from its write's `after_commit`, so even a
revoke whose caller went away does); a lookup that was in flight across a revocation is
not remembered. Nothing outside this process revokes tokens; `TTL_SECONDS` bounds how long
such a change would go unseen if something ever did.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

from server.store import Actor

TTL_SECONDS = 60.0
CAPACITY = 4096


class KnownTokens:
    """Token hash → actor, newest last; used on the event loop only."""

    def __init__(self, ttl: float = TTL_SECONDS, capacity: int = CAPACITY) -> None:
        self._ttl = ttl
        self._capacity = capacity
        self._actors: OrderedDict[str, tuple[float, Actor]] = OrderedDict()
        self.generation = 0  # bumped by every revocation

    def get(self, token_hash: str) -> Actor | None:
        found = self._actors.get(token_hash)
        if found is None:
            return None
        expires, actor = found
        if expires <= time.monotonic():
            del self._actors[token_hash]
            return None
        return actor

    def remember(self, token_hash: str, actor: Actor, looked_up_at_generation: int) -> None:
        """Keep a lookup's result, unless a revocation happened while it was in flight."""
        if looked_up_at_generation != self.generation:
            return
        self._actors[token_hash] = (time.monotonic() + self._ttl, actor)
        self._actors.move_to_end(token_hash)
        while len(self._actors) > self._capacity:
            self._actors.popitem(last=False)

    def forget(self, revoked: Callable[[str, Actor], bool]) -> None:
        """Drop every token `revoked(token_hash, actor)` is true of."""
        self.generation += 1
        for token_hash in [h for h, (_, actor) in self._actors.items() if revoked(h, actor)]:
            del self._actors[token_hash]
