-- The language of a hearing's pages, as 0006_language.sql is for SQLite.

ALTER TABLE hearings ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
