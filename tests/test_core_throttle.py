"""The sign-in throttle with an injected clock: bounded, counted before verification,
slowing guesses without locking anyone out."""

from __future__ import annotations

import pytest

from courtwire.exceptions import RateLimited
from courtwire.throttle import WINDOW, LoginThrottle


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def waits(throttle: LoginThrottle, account: str, address: str) -> int:
    """0 if admitted now, else the Retry-After it answers."""
    try:
        throttle.admit(account, address)
    except RateLimited as limited:
        return limited.retry_after
    return 0


def test_attempts_count_when_admitted_so_a_burst_is_throttled() -> None:
    throttle = LoginThrottle(10, clock=Clock())
    answers = [waits(throttle, "amina", "198.51.100.7") for _ in range(25)]
    assert answers == [0] * 10 + [1] * 15


def test_the_delay_doubles_with_each_failure_and_a_success_forgives() -> None:
    clock = Clock()
    throttle = LoginThrottle(3, clock=clock)
    seen = []
    for _ in range(7):
        wait = waits(throttle, "amina", "a")
        seen.append(wait)
        clock.now += wait  # wait exactly as told, then try again
    assert seen[:3] == [0, 0, 0]
    assert seen[3:] == [1, 0, 2, 0]
    clock.now += 60
    ticket = throttle.admit("amina", "a")
    throttle.succeeded(ticket)
    assert [waits(throttle, "amina", "a") for _ in range(3)] == [0, 0, 0]


def test_guesses_from_elsewhere_do_not_lock_the_real_user_out() -> None:
    clock = Clock()
    throttle = LoginThrottle(10, clock=clock)
    for n in range(200):
        waits(throttle, "amina", f"203.0.113.{n % 50}")
        clock.now += 0.01
    clock.now += 1.0
    assert waits(throttle, "amina", "192.0.2.1") == 0  # her own address, a second later


def test_one_address_trying_many_accounts_is_slowed_not_locked_for_the_window() -> None:
    clock = Clock()
    throttle = LoginThrottle(2, clock=clock)
    assert [waits(throttle, f"user-{n}", "shared") for n in range(10)] == [0] * 10
    wait = waits(throttle, "someone", "shared")
    assert 1 <= wait <= 60
    clock.now += 61
    assert waits(throttle, "someone", "shared") == 0
    clock.now += WINDOW
    assert waits(throttle, "another", "shared") == 0


@pytest.mark.parametrize("max_keys", [10, 1000])
def test_memory_is_bounded_whatever_is_sent(max_keys: int) -> None:
    clock = Clock()
    throttle = LoginThrottle(10, clock=clock, max_keys=max_keys)
    for n in range(20_000):
        waits(throttle, f"name-{n}", f"addr-{n}")
    assert throttle.keys() == max_keys
    assert waits(throttle, "fresh", "fresh-address") == 0


def test_the_delay_runs_from_when_the_failure_is_known() -> None:
    clock = Clock()
    throttle = LoginThrottle(1, clock=clock)
    attempt = throttle.admit("amina", "a")
    clock.now += 5.0  # a slow password check
    throttle.failed(attempt)
    assert waits(throttle, "amina", "a") == 1  # not admitted: the second starts now
