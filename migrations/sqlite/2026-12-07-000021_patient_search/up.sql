-- The public index holds each article's patient version beside its clinician one (issue
-- 15): one document per article (rowid = the article's id), so a search ranks an article
-- once; a column filter on the clinician columns tells which version a match came from.
-- FTS5 tables cannot gain columns, so the index is rebuilt (no patient versions exist yet).
CREATE VIRTUAL TABLE search_documents_new USING fts5(
    title, summary, body, article_id UNINDEXED, patient_title, patient_summary, patient_body,
    tokenize = 'porter unicode61'
);
INSERT INTO search_documents_new (rowid, title, summary, body, article_id)
SELECT rowid, title, summary, body, article_id FROM search_documents;
DROP TABLE search_documents;
ALTER TABLE search_documents_new RENAME TO search_documents;
INSERT INTO search_documents (search_documents) VALUES ('optimize');
