-- The people of a hearing, as 0007_cast.sql is for SQLite.

ALTER TABLE hearings ADD COLUMN "cast" TEXT NOT NULL DEFAULT '[]';
