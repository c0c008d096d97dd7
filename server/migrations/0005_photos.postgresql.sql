-- Photos, as 0005_photos.sql is for SQLite.
CREATE TABLE photos (
    id TEXT PRIMARY KEY,
    hearing_id BIGINT NOT NULL REFERENCES hearings (id),
    uploader_id BIGINT NOT NULL REFERENCES users (id),
    idempotency_key TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    width INTEGER NOT NULL CHECK (width > 0),
    height INTEGER NOT NULL CHECK (height > 0),
    variants TEXT NOT NULL,
    entry_id TEXT REFERENCES entries (id) DEFERRABLE INITIALLY DEFERRED,
    created_at TEXT NOT NULL,
    UNIQUE (uploader_id, idempotency_key)
);

CREATE INDEX photos_by_entry ON photos (entry_id) WHERE entry_id IS NOT NULL;

ALTER TABLE hearings ADD COLUMN photo_confirmation INTEGER NOT NULL DEFAULT 1
    CHECK (photo_confirmation IN (0, 1));
