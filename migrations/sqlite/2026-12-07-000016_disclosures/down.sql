DROP INDEX reviews_reviewer;
ALTER TABLE settings DROP COLUMN conflicted_approvals_count;
ALTER TABLE reviews DROP COLUMN conflict;
ALTER TABLE reviews DROP COLUMN conflict_declared;
ALTER TABLE users DROP COLUMN board_hidden;
ALTER TABLE users DROP COLUMN board_listed;
ALTER TABLE users DROP COLUMN disclosure_updated_at;
ALTER TABLE users DROP COLUMN disclosure;
