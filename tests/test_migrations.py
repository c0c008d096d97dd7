"""One numbered sequence of migrations for both engines: each SQLite file has its
PostgreSQL twin of the same number and name, so neither engine falls behind."""

from __future__ import annotations

from courtwire.db import migrations
from courtwire.dialect import POSTGRESQL, SQLITE
from tests.support import ROOT


def test_every_migration_is_written_for_both_engines() -> None:
    folder = ROOT / "server" / "migrations"
    sqlite = sorted(
        p.name.removesuffix(".sql") for p in folder.glob("*.sql") if ".postgresql" not in p.name
    )
    postgresql = sorted(
        p.name.removesuffix(".postgresql.sql") for p in folder.glob("*.postgresql.sql")
    )
    assert sqlite == postgresql
    numbers = [int(name.split("_", 1)[0]) for name in sqlite]
    assert len(set(numbers)) == len(numbers)
    assert [n for n, _ in migrations(SQLITE)] == [n for n, _ in migrations(POSTGRESQL)] == numbers
