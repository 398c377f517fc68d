CREATE VIRTUAL TABLE search_documents_old USING fts5(
    title, summary, body, article_id UNINDEXED,
    tokenize = 'porter unicode61'
);
INSERT INTO search_documents_old (rowid, title, summary, body, article_id)
SELECT rowid, title, summary, body, article_id FROM search_documents;
DROP TABLE search_documents;
ALTER TABLE search_documents_old RENAME TO search_documents;
