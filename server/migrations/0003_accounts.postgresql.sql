-- Staff accounts that can be shut, as 0003_accounts.sql is for SQLite.

ALTER TABLE users ADD COLUMN disabled_at TEXT;

ALTER TABLE tokens ADD COLUMN last_used_at TEXT;

UPDATE tokens SET last_used_at = created_at;

CREATE INDEX tokens_by_user ON tokens (user_id) WHERE revoked_at IS NULL;

INSERT INTO meta (key, value) VALUES ('accounts_version', '0') ON CONFLICT DO NOTHING;

CREATE FUNCTION bump_accounts_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT)
    WHERE key = 'accounts_version';
    RETURN NULL;
END
$$;

CREATE TRIGGER accounts_version_on_revoke AFTER UPDATE OF revoked_at ON tokens
    FOR EACH ROW WHEN (NEW.revoked_at IS NOT NULL AND OLD.revoked_at IS NULL)
    EXECUTE FUNCTION bump_accounts_version();

CREATE TRIGGER accounts_version_on_user AFTER UPDATE OF disabled_at, role ON users
    FOR EACH ROW
    WHEN (NEW.disabled_at IS DISTINCT FROM OLD.disabled_at OR NEW.role IS DISTINCT FROM OLD.role)
    EXECUTE FUNCTION bump_accounts_version();
