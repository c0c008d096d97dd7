-- The post limit and the sign-in throttle shared by every node when the broker is this
-- database (COURTWIRE_BROKER_URL=postgresql://…, server/pg_limits.py): one row per
-- counted attempt, times in seconds on the database's clock. UNLOGGED: nothing here needs
-- to survive a crash (one forgets the last minutes of attempts, as a restarted Redis does).

CREATE UNLOGGED TABLE shared_limits (
    key TEXT NOT NULL,
    member TEXT NOT NULL,
    at DOUBLE PRECISION NOT NULL,
    expires DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (key, member)
);

CREATE INDEX shared_limits_expires ON shared_limits (expires);
