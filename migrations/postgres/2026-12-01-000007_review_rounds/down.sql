DROP INDEX comments_parent;
ALTER TABLE assignments DROP COLUMN re_requested;
ALTER TABLE comments DROP COLUMN anchor_excerpt;
ALTER TABLE comments DROP COLUMN anchor;
ALTER TABLE comments DROP COLUMN resolved_by;
ALTER TABLE comments DROP COLUMN resolved_at;
ALTER TABLE revisions DROP COLUMN approvals_required;
