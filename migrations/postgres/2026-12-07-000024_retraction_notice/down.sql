DROP INDEX articles_retracted;
ALTER TABLE articles DROP COLUMN retraction_notice;
