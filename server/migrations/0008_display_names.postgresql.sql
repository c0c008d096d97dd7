-- Bylines, as 0008_display_names.sql is for SQLite.

ALTER TABLE users ADD COLUMN display_name TEXT;
