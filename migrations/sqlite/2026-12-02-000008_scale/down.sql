DROP INDEX mail_outbox_failed;
DROP TABLE article_titles;
CREATE INDEX articles_last_reviewed ON articles (last_reviewed_at);
DROP INDEX articles_published;
DROP INDEX articles_current;
DROP INDEX articles_current_author;
DROP INDEX articles_current_state;
DROP INDEX articles_updated;
CREATE INDEX articles_updated ON articles (updated_at);
-- SQLite cannot drop a column that is a foreign key (articles.current_author_id); it stays.
ALTER TABLE articles DROP COLUMN current_state;
DROP INDEX assignments_reviewer;
CREATE INDEX assignments_reviewer ON assignments (reviewer_id);
DROP INDEX revisions_decided;
DROP INDEX revisions_author;
CREATE INDEX revisions_author ON revisions (author_id, state);
DROP INDEX revisions_waiting;
CREATE INDEX revisions_state ON revisions (state, submitted_at);
