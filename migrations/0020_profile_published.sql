-- A bio page can be taken down and put back: its address answers 404 while unpublished, and
-- the profile (display name, avatar, the language webhook messages are written in) is kept.
ALTER TABLE profile ADD COLUMN published boolean NOT NULL DEFAULT true;
