-- Staff accounts that can be shut: a disabled account keeps its history but cannot sign
-- in; a token expires after a stretch without use (COURTWIRE_TOKEN_DAYS).

ALTER TABLE users ADD COLUMN disabled_at TEXT;

-- When the token was last used, kept to within a few minutes (not written on every
-- request). A token from before this migration counts as used when it was issued.
ALTER TABLE tokens ADD COLUMN last_used_at TEXT;

UPDATE tokens SET last_used_at = created_at;

CREATE INDEX tokens_by_user ON tokens (user_id) WHERE revoked_at IS NULL;

-- A counter every change that can end a token's validity bumps (a revocation, a disabled
-- account, a changed role), whichever process made it: a server that remembers valid
-- tokens forgets them all when it sees the counter move (a change made by the
-- `courtwire` command, or by another worker).
INSERT OR IGNORE INTO meta (key, value) VALUES ('accounts_version', '0');

CREATE TRIGGER accounts_version_on_revoke AFTER UPDATE OF revoked_at ON tokens
WHEN NEW.revoked_at IS NOT NULL AND OLD.revoked_at IS NULL
BEGIN
    UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)
    WHERE key = 'accounts_version';
END;

CREATE TRIGGER accounts_version_on_user AFTER UPDATE OF disabled_at, role ON users
WHEN NEW.disabled_at IS NOT OLD.disabled_at OR NEW.role IS NOT OLD.role
BEGIN
    UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)
    WHERE key = 'accounts_version';
END;
