"""The memory of valid tokens: a revocation wins over a lookup that was in flight,
entries expire, and the memory stays bounded."""

from __future__ import annotations

import time

from courtwire.known_tokens import KnownTokens
from courtwire.model import Role
from courtwire.records import Actor

ANNA = Actor(1, "anna", Role.REPORTER)
BEN = Actor(2, "ben", Role.EDITOR)


def test_a_lookup_in_flight_across_a_revocation_is_not_remembered() -> None:
    known = KnownTokens()
    started = known.generation
    known.forget(lambda token_hash, actor: actor.username == "anna")
    known.remember("a1", ANNA, started)  # the read began before the revocation committed
    assert known.get("a1") is None
    known.remember("a1", ANNA, known.generation)
    assert known.get("a1") == ANNA


def test_forget_drops_only_what_the_revocation_names() -> None:
    known = KnownTokens()
    for token_hash, actor in (("a1", ANNA), ("a2", ANNA), ("b1", BEN)):
        known.remember(token_hash, actor, known.generation)
    known.forget(lambda _, actor: actor.username == "anna")
    assert [known.get(h) for h in ("a1", "a2", "b1")] == [None, None, BEN]
    known.forget(lambda token_hash, _: token_hash == "b1")
    assert known.get("b1") is None


def test_entries_expire_and_the_oldest_go_first_past_capacity() -> None:
    short = KnownTokens(ttl=0.05)
    short.remember("a1", ANNA, short.generation)
    assert short.get("a1") == ANNA
    time.sleep(0.06)
    assert short.get("a1") is None

    small = KnownTokens(capacity=2)
    for token_hash in ("t1", "t2", "t3"):
        small.remember(token_hash, ANNA, small.generation)
    assert [small.get(h) for h in ("t1", "t2", "t3")] == [None, ANNA, ANNA]
