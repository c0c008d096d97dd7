-- The language of a hearing's pages: their own words (labels, headings, dates) are
-- written in it. Checked by the server against the languages it has catalogs for, so
-- adding a language needs no migration.

ALTER TABLE hearings ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
