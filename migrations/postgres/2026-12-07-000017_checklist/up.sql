-- The review checklist (issue 14): the items an approval attests, kept by admins. An item
-- is retired rather than deleted, and each review keeps the items it attested (an
-- approval) or named as failing (a change request) with their wording at that moment, as
-- JSON ([{"id": 1, "text": "..."}]), so later edits never rewrite what was signed.
CREATE TABLE checklist_items (
    id BIGSERIAL PRIMARY KEY,
    text TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    retired_at TIMESTAMP
);
ALTER TABLE reviews ADD COLUMN checklist TEXT NOT NULL DEFAULT '[]';
