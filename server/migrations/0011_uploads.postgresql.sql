-- Photo uploads in pieces, as 0009_uploads.sql is for SQLite.
CREATE TABLE uploads (
    id TEXT PRIMARY KEY,
    hearing_id BIGINT NOT NULL REFERENCES hearings (id),
    uploader_id BIGINT NOT NULL REFERENCES users (id),
    idempotency_key TEXT NOT NULL,
    media_type TEXT NOT NULL,
    length BIGINT NOT NULL CHECK (length > 0),
    received BIGINT NOT NULL DEFAULT 0 CHECK (received BETWEEN 0 AND length),
    updated_at TEXT NOT NULL,
    UNIQUE (uploader_id, idempotency_key)
);

CREATE TABLE upload_pieces (
    upload_id TEXT NOT NULL REFERENCES uploads (id) ON DELETE CASCADE,
    start BIGINT NOT NULL CHECK (start >= 0),
    data BYTEA NOT NULL,
    PRIMARY KEY (upload_id, start)
);

CREATE INDEX photos_unattached ON photos (created_at) WHERE entry_id IS NULL;
