-- Photo uploads in pieces: a session per idempotency key (the one the finished photo
-- keeps), its length and how much of it has arrived; the pieces themselves, in order.
-- Held in the database, so that every node sees them; an unfinished session is
-- removed by the sweep when it was left untouched for COURTWIRE_PHOTO_UNATTACHED_HOURS.
CREATE TABLE uploads (
    id TEXT PRIMARY KEY,
    hearing_id INTEGER NOT NULL REFERENCES hearings (id),
    uploader_id INTEGER NOT NULL REFERENCES users (id),
    idempotency_key TEXT NOT NULL,
    media_type TEXT NOT NULL,
    length INTEGER NOT NULL CHECK (length > 0),
    received INTEGER NOT NULL DEFAULT 0 CHECK (received BETWEEN 0 AND length),
    updated_at TEXT NOT NULL,
    UNIQUE (uploader_id, idempotency_key)
) STRICT;

CREATE TABLE upload_pieces (
    upload_id TEXT NOT NULL REFERENCES uploads (id) ON DELETE CASCADE,
    start INTEGER NOT NULL CHECK (start >= 0),
    data BLOB NOT NULL,
    PRIMARY KEY (upload_id, start)
) STRICT;

-- The sweep looks for photos never put on an update.
CREATE INDEX photos_unattached ON photos (created_at) WHERE entry_id IS NULL;
