-- Counter rows that every node's writers share: a transaction bumps one (UPDATE … RETURNING)
-- to take the next numbers, or to wait for any other transaction that bumped it until that
-- one commits (PostgreSQL; SQLite lets one writer in at a time anyway).
--   audit   the audit trail's last seq: records are numbered gap-free in commit order
--   slugs   taken to claim a hearing's slug (create, rename)
--   admins  taken to change an account's role or disable it (the last-admin check)

CREATE TABLE counters (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) STRICT;

INSERT INTO counters (name, value) SELECT 'audit', coalesce(max(seq), 0) FROM audit;

INSERT INTO counters (name, value) VALUES ('slugs', 0), ('admins', 0);
