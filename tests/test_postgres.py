"""What PostgreSQL needs beyond the shared suite: a server that outlives its connections,
a database collated otherwise refused, and the migrations' data steps."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import psycopg

from courtwire.model import Role
from courtwire.postgres_db import migrate
from tests.backend import postgres
from tests.support import ROOT, LiveServer, Staff, auth, new_id


def test_the_server_reconnects_when_the_database_drops_its_connections(
    fresh_server: LiveServer,
) -> None:
    fresh_server.start()
    with Staff(fresh_server, fresh_server.staff("ed", Role.EDITOR)) as editor:
        slug = editor.create_hearing("R v Dropped", status="live")["slug"]
        assert editor.post(slug, "before").status_code == 201
        with psycopg.connect(postgres().url(), autocommit=True) as admin:
            dropped = admin.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = %s AND pid <> pg_backend_pid()",
                (fresh_server.database_url.split("/")[3].split("?")[0],),
            ).fetchone()
        assert dropped is not None
        assert dropped[0] >= 2
        # A connection found dropped fails the one request that found it (500, stored
        # nothing) and is opened anew for the next: the writer and each of the 4 readers.
        statuses = []
        while not statuses or statuses[-1] != 201:
            entry = {"id": new_id(), "kind": "note", "body": "after"}
            statuses.append(
                httpx.post(
                    f"{fresh_server.url}/api/hearings/{slug}/entries",
                    json=entry,
                    headers=auth(editor.token),
                    timeout=30,
                ).status_code
            )
            assert len(statuses) <= 6, statuses
        assert set(statuses[:-1]) <= {500}
        for _ in range(6):
            events = httpx.get(f"{fresh_server.url}/api/hearings/{slug}/events")
            if events.status_code == 200:
                break
        assert events.status_code == 200
        bodies = [event["data"]["body"] for event in events.json()["events"]]
    assert bodies == ["before", "after"]
    assert [e["seq"] for e in events.json()["events"]] == list(range(1, len(bodies) + 1))


def test_a_database_not_collated_c_is_refused_with_the_command_to_make_one() -> None:
    server = postgres()
    with psycopg.connect(server.url(), autocommit=True) as admin:
        admin.execute(
            "CREATE DATABASE courtwire_en TEMPLATE template0 ENCODING 'UTF8'"
            " LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
        )
        admin.execute(
            "CREATE DATABASE courtwire_latin TEMPLATE template0 ENCODING 'LATIN1'"
            " LC_COLLATE 'C' LC_CTYPE 'C'"
        )
    assert migrate(server.url("courtwire_en"))  # C.UTF-8 sorts by code point too
    refused = subprocess.run(
        [sys.executable, "-m", "courtwire.cli", "token", "nobody"],
        env={"COURTWIRE_DATABASE_URL": server.url("courtwire_latin"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert refused.returncode != 0
    assert "LC_COLLATE 'C'" in refused.stderr
    assert "'LATIN1'" in refused.stderr


def test_restricted_terms_of_an_old_hearing_become_restrictions(tmp_path: Path) -> None:
    url = postgres().new_database()
    first = (ROOT / "server" / "migrations" / "0001_initial.postgresql.sql").read_text()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(first.encode())
        conn.execute(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY,"
            " applied_at TIMESTAMPTZ NOT NULL DEFAULT now());"
            "INSERT INTO schema_migrations (version) VALUES (1);"
            "INSERT INTO users VALUES (1, 'amina', 'reporter', 'x', 'then');"
            "INSERT INTO hearings (id, slug, title, court, case_ref, location, timezone, status,"
            " description, restricted_terms, created_at, updated_at) VALUES (1, 'r-v-old',"
            " 'R v Old', '', '', '', 'UTC', 'live', '', '[\"Zhana Olmez\", \"Witness B\"]',"
            " 'then', 'then');"
            "INSERT INTO entries VALUES ('a', 1, 1, 't', 1, 'f', 0, '{}');"
            "INSERT INTO entries VALUES ('b', 1, 1, 't', 2, 'f', 1, '{}');"
        )
    migrate(url)
    with psycopg.connect(url) as conn:
        terms = conn.execute("SELECT term, kind, added_by FROM restrictions ORDER BY id").fetchall()
        states = conn.execute("SELECT id, state FROM entries ORDER BY id").fetchall()
    assert terms == [("Zhana Olmez", "other", "migration"), ("Witness B", "other", "migration")]
    assert states == [("a", "published"), ("b", "deleted")]
