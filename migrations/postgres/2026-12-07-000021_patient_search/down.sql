DROP INDEX search_documents_patient;
ALTER TABLE search_documents DROP COLUMN patient_document;
