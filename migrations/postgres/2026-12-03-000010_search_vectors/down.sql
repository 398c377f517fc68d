DROP TABLE search_documents;
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
INSERT INTO search_documents (title, summary, body, article_id)
SELECT revisions.title, revisions.summary, revisions.body, articles.id
FROM articles JOIN revisions ON revisions.id = articles.published_revision_id
WHERE articles.retracted_at IS NULL;
DROP FUNCTION search_document(TEXT, TEXT, TEXT);
