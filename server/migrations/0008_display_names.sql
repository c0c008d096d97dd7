-- Bylines: the name a staff account's entries are signed with on public pages (set by the
-- account's owner or an admin). NULL: no byline.

ALTER TABLE users ADD COLUMN display_name TEXT;
