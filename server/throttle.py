"""Sign-in throttling that slows guessing without letting anyone lock a person out.

Failures count per (account, address), per address and per account, in a sliding window
of 15 minutes, and past a threshold each further attempt waits a delay that doubles with
every failure (1 s, 2 s, 4 s, …) up to a cap:
- one account from one address: past `limit` failures, up to the whole window; the same
  account from another address is not slowed by it;
- one address: past `limit × 5` failures, up to a minute (people behind one router are
  slowed, not locked out; name the proxy in COURTWIRE_FORWARDED_ALLOW_IPS);
- one account from all addresses together: past `limit × 5` failures, one attempt a
  second: guessing from many addresses is slow, and the real user still gets in.

An attempt is counted when it is admitted, before the password is verified, so a burst
of simultaneous guesses is throttled like a sequence of them. Memory is bounded: each
table keeps at most `max_keys` keys and forgets the least recently used.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass

from courtwire.exceptions import RateLimited

MESSAGE = "Too many failed sign-ins; wait before trying again."
WINDOW = 900.0
MAX_KEYS = 10_000
TIERS = ((1, WINDOW), (5, 60.0), (5, 1.0))
"""(threshold as a multiple of the limit, longest delay in seconds) of the pair, the
address and the account, in that order."""


class _Window:
    """Failure times per key, the most recently used key last, at most `max_keys` keys."""

    def __init__(self, max_keys: int) -> None:
        self.max_keys = max_keys
        self.times: OrderedDict[str, deque[float]] = OrderedDict()

    def recent(self, key: str, moment: float) -> deque[float]:
        found = self.times.get(key)
        if found is None:
            return deque()
        while found and found[0] <= moment - WINDOW:
            found.popleft()
        if not found:
            del self.times[key]
        return found

    def add(self, key: str, moment: float) -> None:
        found = self.times.get(key)
        if found is None:
            found = self.times[key] = deque()
            while len(self.times) > self.max_keys:
                self.times.popitem(last=False)
        else:
            self.times.move_to_end(key)
        found.append(moment)

    def drop(self, key: str) -> None:
        self.times.pop(key, None)


@dataclass(frozen=True)
class Attempt:
    """An admitted sign-in, to report as failed or succeeded."""

    pair: str
    address: str
    account: str
    at: float


class LoginThrottle:
    def __init__(
        self,
        limit: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = MAX_KEYS,
    ) -> None:
        self.limit = limit
        self.clock = clock
        self._pairs = _Window(max_keys)
        self._addresses = _Window(max_keys)
        self._accounts = _Window(max_keys)

    def admit(self, account: str, address: str) -> Attempt:
        """Count an attempt now, or raise `RateLimited` with how long to wait."""
        moment = self.clock()
        attempt = Attempt(f"{account}\n{address}", address, account, moment)
        wait = max(
            _wait(table.recent(key, moment), self.limit * times, cap, moment)
            for (table, key), (times, cap) in zip(self._keys(attempt), TIERS, strict=True)
        )
        if wait > 0:
            raise RateLimited(MESSAGE, retry_after=max(1, math.ceil(wait)))
        # Counted as failed until it proves otherwise: simultaneous guesses see each other.
        for table, key in ((self._pairs, attempt.pair), (self._addresses, address)):
            table.add(key, moment)
        self._accounts.add(account, moment)
        return attempt

    def keys(self) -> int:
        """The most keys any of the tables holds (each is bounded by `max_keys`)."""
        return max(len(table.times) for table in (self._pairs, self._addresses, self._accounts))

    def failed(self, attempt: Attempt) -> None:
        """A wrong password: the delay runs from now, when the client hears so, not from
        when the attempt came in (a slow check must not use up the wait)."""
        moment = self.clock()
        for table, key in self._keys(attempt):
            found = table.times.get(key)
            if found is not None and attempt.at in found:
                found.remove(attempt.at)
                found.append(moment)

    def _keys(self, attempt: Attempt) -> tuple[tuple[_Window, str], ...]:
        return (
            (self._pairs, attempt.pair),
            (self._addresses, attempt.address),
            (self._accounts, attempt.account),
        )

    def succeeded(self, attempt: Attempt) -> None:
        """A right password: this address's failures on this account are forgiven."""
        self._pairs.drop(attempt.pair)
        self._forget_one(self._addresses, attempt.address)
        self._forget_one(self._accounts, attempt.account)

    def _forget_one(self, table: _Window, key: str) -> None:
        found = table.times.get(key)
        if found:
            found.pop()


def _wait(failures: deque[float], threshold: int, cap: float, moment: float) -> float:
    return delay(len(failures), failures[-1] if failures else 0.0, threshold, cap, moment)


def delay(count: int, last: float, threshold: int, cap: float, moment: float) -> float:
    """Seconds still to wait after `count` failures, the last at `last`: past
    `threshold`, a delay doubling with each one, at most `cap`, counted from the last."""
    over = count - threshold + 1
    if over <= 0:
        return 0.0
    return last + min(cap, 2.0 ** min(over - 1, 30)) - moment
