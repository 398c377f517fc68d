-- Retraction, and the full-text index of published articles.

ALTER TABLE articles ADD COLUMN retracted_at TIMESTAMP;
ALTER TABLE articles ADD COLUMN retraction_reason TEXT;
ALTER TABLE articles ADD COLUMN retracted_by BIGINT REFERENCES users (id);
CREATE INDEX articles_last_reviewed ON articles (last_reviewed_at);

-- One row per article that is on the public site, holding its published text. Written in the
-- same transaction as the publication or retraction that changes it.
CREATE VIRTUAL TABLE search_documents USING fts5(
    title, summary, body, article_id UNINDEXED,
    tokenize = 'porter unicode61'
);

-- Index what is already published.
INSERT INTO search_documents (title, summary, body, article_id)
SELECT revisions.title, revisions.summary, revisions.body, articles.id
FROM articles JOIN revisions ON revisions.id = articles.published_revision_id;
