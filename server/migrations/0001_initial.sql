-- The first schema: accounts, hearings, the event log and the entries as they stand.

CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('reporter', 'editor', 'admin')),
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;

CREATE TABLE tokens (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
) STRICT;

CREATE TABLE hearings (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    court TEXT NOT NULL,
    case_ref TEXT NOT NULL,
    location TEXT NOT NULL,
    timezone TEXT NOT NULL,
    status TEXT NOT NULL
        CHECK (status IN ('scheduled', 'live', 'recess', 'adjourned', 'closed')),
    scheduled_start TEXT,
    description TEXT NOT NULL,
    restricted_terms TEXT NOT NULL DEFAULT '[]',
    last_seq INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

-- The log. `data` is the whole event as encoded once, JSON text served as it is.
CREATE TABLE events (
    hearing_id INTEGER NOT NULL REFERENCES hearings (id),
    seq INTEGER NOT NULL CHECK (seq > 0),
    entry_id TEXT,
    data TEXT NOT NULL,
    PRIMARY KEY (hearing_id, seq)
) STRICT, WITHOUT ROWID;

CREATE INDEX events_by_entry ON events (entry_id) WHERE entry_id IS NOT NULL;

-- Entries as they stand now; `entry` is the entry's JSON as the last event left it.
CREATE TABLE entries (
    id TEXT PRIMARY KEY,
    hearing_id INTEGER NOT NULL REFERENCES hearings (id),
    author_id INTEGER NOT NULL REFERENCES users (id),
    occurred_utc TEXT NOT NULL,
    published_seq INTEGER NOT NULL,
    fingerprint TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    entry TEXT NOT NULL
) STRICT;

CREATE INDEX entries_by_hearing ON entries (hearing_id, deleted, occurred_utc);
