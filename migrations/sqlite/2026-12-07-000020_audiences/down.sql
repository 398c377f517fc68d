ALTER TABLE settings DROP COLUMN patient_disclaimer;
ALTER TABLE settings DROP COLUMN default_audience;
ALTER TABLE revisions DROP COLUMN patient_body_html;
ALTER TABLE revisions DROP COLUMN patient_body;
ALTER TABLE revisions DROP COLUMN patient_summary;
ALTER TABLE revisions DROP COLUMN patient_title;
