-- Counter rows that every node's writers share, as 0009_counters.sql is for SQLite; the
-- audit trail's seq comes from its counter row, no longer from an identity (whose numbers
-- are handed out before commit, so they can skip and commit out of order).

CREATE TABLE counters (
    name TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);

INSERT INTO counters (name, value) SELECT 'audit', coalesce(max(seq), 0) FROM audit;

INSERT INTO counters (name, value) VALUES ('slugs', 0), ('admins', 0);

ALTER TABLE audit ALTER COLUMN seq DROP IDENTITY;
