DROP INDEX comments_parent;
ALTER TABLE assignments DROP COLUMN re_requested;
ALTER TABLE comments DROP COLUMN anchor_excerpt;
ALTER TABLE comments DROP COLUMN anchor;
-- SQLite cannot drop a column that is a foreign key (comments.resolved_by); it stays, unused.
ALTER TABLE comments DROP COLUMN resolved_at;
ALTER TABLE revisions DROP COLUMN approvals_required;
