-- Patient and clinician versions of an article (issue 15). A revision's title, summary and
-- body are its clinician version; the patient_* columns hold its optional patient version
-- in plain language (all NULL when it has none). Both share the references, are hashed
-- together and are approved together.
ALTER TABLE revisions ADD COLUMN patient_title TEXT;
ALTER TABLE revisions ADD COLUMN patient_summary TEXT;
ALTER TABLE revisions ADD COLUMN patient_body TEXT;
ALTER TABLE revisions ADD COLUMN patient_body_html TEXT;
-- The audience the public page shows when the reader has not chosen, and the disclaimer
-- each audience reads (the existing `disclaimer` is the clinician one).
ALTER TABLE settings ADD COLUMN default_audience TEXT NOT NULL DEFAULT 'clinician'
    CHECK (default_audience IN ('clinician', 'patient'));
ALTER TABLE settings ADD COLUMN patient_disclaimer TEXT NOT NULL
    DEFAULT 'This information is for general education and does not replace advice from your own doctor. If you have questions about your health or treatment, talk to your doctor, nurse or pharmacist.';
