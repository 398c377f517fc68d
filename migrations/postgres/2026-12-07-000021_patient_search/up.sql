-- The public index holds each article's patient version beside its clinician one (issue
-- 15): a second weighted vector on the article's row (NULL without a patient version), so
-- a search ranks an article once and tells which version matched.
ALTER TABLE search_documents ADD COLUMN patient_document TSVECTOR;
CREATE INDEX search_documents_patient ON search_documents USING GIN (patient_document);
