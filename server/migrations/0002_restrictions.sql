-- Court safety: the register of restrictions, an entry's state, and the audit trail (the
-- staff-only archive of every text taken out of public view).

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

-- An entry is queued (held, delayed or in review), published, withheld (it names a
-- restriction added after it went out), deleted, or discarded (queued, never published).
-- Only published entries reach a public channel.
ALTER TABLE entries ADD COLUMN state TEXT NOT NULL DEFAULT 'published'
    CHECK (state IN ('queued', 'published', 'withheld', 'deleted', 'discarded'));

UPDATE entries SET state = 'deleted' WHERE deleted = 1;

DROP INDEX entries_by_hearing;

ALTER TABLE entries DROP COLUMN deleted;

CREATE INDEX entries_by_hearing ON entries (hearing_id, state, occurred_utc);

-- The audit trail: every staff action and every refusal, written in the transaction of
-- what it records, never changed. It is also the one staff-only copy of every text taken
-- out of public view (action `event.redacted`: `before` is the event as it was).
CREATE TABLE audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    hearing TEXT,
    target TEXT,
    before TEXT,
    after TEXT,
    reason TEXT
) STRICT;

CREATE INDEX audit_by_hearing ON audit (hearing, seq);

CREATE INDEX audit_by_target ON audit (target, action);

CREATE TRIGGER audit_is_append_only_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;

CREATE TRIGGER audit_is_append_only_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
