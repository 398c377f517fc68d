-- Lists at an archive's size (100,000 articles, 1,000,000 revisions): every list is read
-- from an index in the order it shows, so a page costs the same whatever the archive holds.

-- The review queue: waiting revisions of one state, oldest submission first, with the
-- author to leave out the caller's own (one index range per waiting state).
DROP INDEX revisions_state;
CREATE INDEX revisions_waiting ON revisions (state, submitted_at, id, author_id);
-- An author's drafts and revisions in review, newest change first; and their decisions.
DROP INDEX revisions_author;
CREATE INDEX revisions_author ON revisions (author_id, state, updated_at, id);
CREATE INDEX revisions_decided ON revisions (author_id, decided_at, id);
-- A reviewer's assignments, the re-requested ones apart.
DROP INDEX assignments_reviewer;
CREATE INDEX assignments_reviewer ON assignments (reviewer_id, re_requested, revision_id);

-- The article list filters on its current revision's state and author: kept on the article
-- (by the code that changes either), so a filter is an index range in the list's order.
ALTER TABLE articles ADD COLUMN current_state TEXT;
ALTER TABLE articles ADD COLUMN current_author_id BIGINT REFERENCES users (id);
UPDATE articles SET
    current_state = (SELECT state FROM revisions WHERE revisions.id = articles.current_revision_id),
    current_author_id = (SELECT author_id FROM revisions WHERE revisions.id = articles.current_revision_id);
DROP INDEX articles_updated;
CREATE INDEX articles_updated ON articles (updated_at, id);
CREATE INDEX articles_current_state ON articles (current_state, updated_at, id);
CREATE INDEX articles_current_author ON articles (current_author_id, updated_at, id);
CREATE INDEX articles_current ON articles (current_revision_id);
CREATE INDEX articles_published ON articles (last_reviewed_at, id) WHERE published_revision_id IS NOT NULL;
DROP INDEX articles_last_reviewed;

-- Words of the current titles, for the article list's title filter; matches come newest
-- article first.
CREATE TABLE article_titles (
    article_id BIGINT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    document TSVECTOR GENERATED ALWAYS AS (to_tsvector('simple', title)) STORED
);
CREATE INDEX article_titles_document ON article_titles USING GIN (document);
INSERT INTO article_titles (title, article_id)
SELECT revisions.title, articles.id FROM articles JOIN revisions ON revisions.id = articles.current_revision_id;

-- The mail page's failed messages (few among many sent), newest first.
CREATE INDEX mail_outbox_failed ON mail_outbox (id) WHERE failed_at IS NOT NULL AND sent_at IS NULL;
