"""A small run of the fan-out benchmark (bench/), so that it cannot rot: 200 swarm
readers, 5 updates through the real API, against Courtwire and against the
websockets.broadcast() reference, and against Courtwire with the Redis broker (its
redis-server started and stopped with it); every update reaches every reader, once, in
order."""

from __future__ import annotations

import pytest

from bench.run import connect_readers, fan_out, new_hearings, running

READERS = 200
UPDATES = 5


@pytest.mark.parametrize("kind", ["courtwire", "reference", "courtwire-redis"])
def test_every_update_reaches_every_swarm_reader(kind: str) -> None:
    with running(kind, 2, {}) as (server, pool):
        slugs = new_hearings(server, 1)
        connected = connect_readers(server, pool, slugs, READERS)
        assert connected["connected"] == READERS
        assert (server.broker is not None) == (kind == "courtwire-redis")
        row = fan_out(server, pool, slugs, UPDATES, 0.1, 1000, UPDATES)
    assert row["missing_readers"] == 0
    assert row["deliveries"] == READERS * UPDATES
    assert row["gaps"] == 0
    assert row["dups"] == 0
    assert row["post_failures"] == 0
    assert row["cpu_us_per_delivery"] > 0
    assert ("broker_cpu_us_per_delivery" in row) == (kind == "courtwire-redis")
    if kind != "reference":
        assert row["gc_collections"] >= 0  # the server's bench figures came back
