-- A reviewer's assigned list in one index range (issue 12). An assignment carries its
-- revision's submission time while the revision waits for reviewers (submitted or under
-- review) and NULL once it no longer does (decided, sent back, superseded, withdrawn), so
-- "assigned to me, oldest first" reads the first rows of assignments_waiting instead of
-- walking every waiting revision to find the reviewer's. The revision's state stays the
-- truth: the list still checks it.
ALTER TABLE assignments ADD COLUMN waiting_since TIMESTAMP;
UPDATE assignments SET waiting_since = (
    SELECT r.submitted_at FROM revisions r
    WHERE r.id = assignments.revision_id AND r.state IN ('submitted', 'under_review')
);
CREATE INDEX assignments_waiting ON assignments (reviewer_id, re_requested, waiting_since, revision_id)
    WHERE waiting_since IS NOT NULL;
-- Everything waiting, oldest submission first, in one range: the unassigned list walked one
-- range per waiting state and merged them, reading twice the rows it showed.
CREATE INDEX revisions_waiting_all ON revisions (submitted_at, id, author_id)
    WHERE state IN ('submitted', 'under_review');
