ALTER TABLE revisions DROP COLUMN public_note;
