-- The people of a hearing as readers may see them: a JSON list of {"role", "name"}.

ALTER TABLE hearings ADD COLUMN "cast" TEXT NOT NULL DEFAULT '[]';
