"""Whose reader connection it is: the peer, or the client a trusted proxy names."""

from __future__ import annotations

from courtwire.live.addresses import Addresses


def test_forwarded_addresses_count_only_from_a_trusted_proxy() -> None:
    addresses = Addresses(2, "127.0.0.1, 10.0.0.0/8")
    assert addresses.client("127.0.0.1", "203.0.113.9") == "203.0.113.9"
    assert addresses.client("10.1.2.3", "198.51.100.1, 203.0.113.7") == "203.0.113.7"
    assert addresses.client("192.0.2.44", "203.0.113.9") == "192.0.2.44"
    assert addresses.client("127.0.0.1", None) == "127.0.0.1"
    assert addresses.client(None, "203.0.113.9") == "unknown"
    assert Addresses(2, "").client("127.0.0.1", "203.0.113.9") == "127.0.0.1"


def test_slots_are_counted_and_given_back() -> None:
    addresses = Addresses(2, "")
    assert [addresses.admit("a") for _ in range(3)] == [True, True, False]
    assert addresses.admit("b")
    addresses.leave("a")
    assert addresses.admit("a")
    assert not addresses.admit("a")
