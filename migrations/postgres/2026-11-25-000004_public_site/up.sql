-- Retraction, and the full-text index of published articles.

ALTER TABLE articles ADD COLUMN retracted_at TIMESTAMP;
ALTER TABLE articles ADD COLUMN retraction_reason TEXT;
ALTER TABLE articles ADD COLUMN retracted_by BIGINT REFERENCES users (id);
CREATE INDEX articles_last_reviewed ON articles (last_reviewed_at);

-- One row per article that is on the public site, holding its published text. Written in the
-- same transaction as the publication or retraction that changes it.
CREATE TABLE search_documents (
    article_id BIGINT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    body TEXT NOT NULL,
    document TSVECTOR GENERATED ALWAYS AS (
        setweight(to_tsvector('english', title), 'A')
        || setweight(to_tsvector('english', summary), 'B')
        || setweight(to_tsvector('english', body), 'C')
    ) STORED
);
CREATE INDEX search_documents_document ON search_documents USING GIN (document);

-- Index what is already published.
INSERT INTO search_documents (title, summary, body, article_id)
SELECT revisions.title, revisions.summary, revisions.body, articles.id
FROM articles JOIN revisions ON revisions.id = articles.published_revision_id;
