-- Court safety: the register of restrictions, an entry's state, and the staff-only archive
-- of every text taken out of public view.

-- A hearing's reporting restrictions. Removing one marks it removed: the register keeps
-- who restricted what, and when.
CREATE TABLE restrictions (
    id INTEGER PRIMARY KEY,
    hearing_id INTEGER NOT NULL REFERENCES hearings (id),
    term TEXT NOT NULL,
    aliases TEXT NOT NULL DEFAULT '[]',
    kind TEXT NOT NULL CHECK (kind IN ('person', 'place', 'organisation', 'other')),
    court_order TEXT NOT NULL DEFAULT '',
    expires_at TEXT,
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL,
    removed_by TEXT,
    removed_at TEXT
) STRICT;

CREATE INDEX restrictions_by_hearing ON restrictions (hearing_id) WHERE removed_at IS NULL;

INSERT INTO restrictions (hearing_id, term, kind, added_by, added_at)
    SELECT hearings.id, terms.value, 'other', 'migration', hearings.updated_at
    FROM hearings, json_each(hearings.restricted_terms) AS terms;

ALTER TABLE hearings DROP COLUMN restricted_terms;

-- An entry is published, withheld (it names a restriction added after it went out) or
-- deleted. Only published entries reach a public channel.
ALTER TABLE entries ADD COLUMN state TEXT NOT NULL DEFAULT 'published'
    CHECK (state IN ('published', 'withheld', 'deleted'));

UPDATE entries SET state = 'deleted' WHERE deleted = 1;

DROP INDEX entries_by_hearing;

ALTER TABLE entries DROP COLUMN deleted;

CREATE INDEX entries_by_hearing ON entries (hearing_id, state, occurred_utc);

-- The one staff-only copy of what the public no longer sees: each event text replaced by
-- a tombstone or a redacted form, as it was before. `reason` says why.
CREATE TABLE originals (
    id INTEGER PRIMARY KEY,
    hearing_id INTEGER NOT NULL REFERENCES hearings (id),
    seq INTEGER NOT NULL,
    entry_id TEXT,
    data TEXT NOT NULL,
    reason TEXT NOT NULL CHECK (reason IN ('deleted', 'withheld', 'restricted')),
    restriction_id INTEGER REFERENCES restrictions (id),
    actor TEXT NOT NULL,
    at TEXT NOT NULL
) STRICT;

CREATE INDEX originals_by_entry ON originals (entry_id) WHERE entry_id IS NOT NULL;
