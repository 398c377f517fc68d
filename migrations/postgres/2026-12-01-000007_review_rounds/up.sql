-- Review over several rounds. A revision keeps the quorum in force when it was submitted;
-- a comment can be resolved and anchored to a paragraph block or a reference; an
-- assignment carried into a resubmission is marked as re-requested.
ALTER TABLE revisions ADD COLUMN approvals_required INTEGER;
UPDATE revisions SET approvals_required = (SELECT approvals_required FROM settings WHERE id = 1)
    WHERE number IS NOT NULL;
ALTER TABLE comments ADD COLUMN resolved_at TIMESTAMP;
ALTER TABLE comments ADD COLUMN resolved_by BIGINT REFERENCES users (id);
-- 'block:<sha-256 of the block's words>' or 'reference:<sha-256 of the reference>'.
ALTER TABLE comments ADD COLUMN anchor TEXT;
ALTER TABLE comments ADD COLUMN anchor_excerpt TEXT;
ALTER TABLE assignments ADD COLUMN re_requested BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX comments_parent ON comments (parent_id);
