-- Holds, delays and review, as 0004_queue.sql is for SQLite.

ALTER TABLE hearings ADD COLUMN reporting TEXT NOT NULL DEFAULT 'open'
    CHECK (reporting IN ('open', 'held'));

ALTER TABLE hearings ADD COLUMN reporting_note TEXT NOT NULL DEFAULT '';

ALTER TABLE hearings ADD COLUMN publish_delay INTEGER NOT NULL DEFAULT 0
    CHECK (publish_delay BETWEEN 0 AND 600);

ALTER TABLE hearings ADD COLUMN review_kinds TEXT NOT NULL DEFAULT '[]';

CREATE TABLE queue (
    entry_id TEXT PRIMARY KEY REFERENCES entries (id),
    hearing_id BIGINT NOT NULL REFERENCES hearings (id),
    reason TEXT NOT NULL CHECK (reason IN ('held', 'delayed', 'review')),
    release_at TEXT,
    queued_at TEXT NOT NULL
);

CREATE INDEX queue_by_hearing ON queue (hearing_id);

CREATE INDEX queue_by_release ON queue (release_at) WHERE release_at IS NOT NULL;
