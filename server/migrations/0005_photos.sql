-- Photos: an upload is stored once per idempotency key (a retry after a lost answer finds
-- it), served only while the entry that carries it is published, and its files are
-- removed with the entry. `variants` is the JSON list of the stored files.
CREATE TABLE photos (
    id TEXT PRIMARY KEY,
    hearing_id INTEGER NOT NULL REFERENCES hearings (id),
    uploader_id INTEGER NOT NULL REFERENCES users (id),
    idempotency_key TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    width INTEGER NOT NULL CHECK (width > 0),
    height INTEGER NOT NULL CHECK (height > 0),
    variants TEXT NOT NULL,
    entry_id TEXT REFERENCES entries (id) DEFERRABLE INITIALLY DEFERRED,
    created_at TEXT NOT NULL,
    UNIQUE (uploader_id, idempotency_key)
) STRICT;

CREATE INDEX photos_by_entry ON photos (entry_id) WHERE entry_id IS NOT NULL;

-- Reporters confirm that each photo was not taken inside the courtroom, unless the
-- hearing turns the check off (0).
ALTER TABLE hearings ADD COLUMN photo_confirmation INTEGER NOT NULL DEFAULT 1
    CHECK (photo_confirmation IN (0, 1));
