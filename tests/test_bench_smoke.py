"""Small runs of the benchmarks (bench/), so that they cannot rot: 200 swarm readers, 20
updates through the real API, against Courtwire, the websockets.broadcast() reference and
Courtwire with the Redis broker (its redis-server started and stopped with it), every
update reaching every reader, once, in order; and the read path's."""

from __future__ import annotations

import argparse

import pytest

from bench import entries
from bench.run import connect_readers, fan_out, new_hearings, running
from tests.support import run

READERS = 200
UPDATES = 20
"""4000 deliveries: tens of ms of any server's CPU, several clock ticks (10 ms), so a CPU
figure of 0 means it was not counted."""


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


def test_the_read_path_benchmark_times_every_case() -> None:
    """bench/entries.py on a small hearing: the page and the reader page answer with the
    entries (it checks that before timing), and every case gets one figure per run."""
    args = argparse.Namespace(entries=12, page=10, runs=2, number=1)
    results = run(entries.measure(args))
    assert len(results) == 5
    assert all(len(runs) == 2 and min(runs) >= 0 for runs in results.values())
