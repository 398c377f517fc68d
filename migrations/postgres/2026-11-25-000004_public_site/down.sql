DROP TABLE search_documents;
DROP INDEX articles_last_reviewed;
ALTER TABLE articles DROP COLUMN retracted_by;
ALTER TABLE articles DROP COLUMN retraction_reason;
ALTER TABLE articles DROP COLUMN retracted_at;
