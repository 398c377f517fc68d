DROP INDEX audit_log_article;
ALTER TABLE audit_log DROP COLUMN article_id;
DROP TABLE assignments;
DROP TABLE comments;
DROP TABLE reviews;
DROP TABLE revision_references;
DROP TABLE revisions;
DROP TABLE articles;
DROP TABLE settings;
