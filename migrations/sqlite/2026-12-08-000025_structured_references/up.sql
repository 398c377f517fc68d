-- Structured references (issue 16): who wrote a work, where in its source it is, and the
-- identifiers a reader or librarian checks it by. `authors` holds one name per line;
-- `accessed` is a date (YYYY-MM-DD). Existing references have none of these, and keep
-- their content hashes (the new fields are left out of the hash's encoding when empty).
ALTER TABLE revision_references ADD COLUMN authors TEXT NOT NULL DEFAULT '';
ALTER TABLE revision_references ADD COLUMN volume_pages TEXT NOT NULL DEFAULT '';
ALTER TABLE revision_references ADD COLUMN doi TEXT;
ALTER TABLE revision_references ADD COLUMN pmid TEXT;
ALTER TABLE revision_references ADD COLUMN accessed DATE;
