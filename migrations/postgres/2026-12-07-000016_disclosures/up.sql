-- Conflict-of-interest disclosures and the public board (issue 14). A reviewer keeps a
-- standing disclosure (dated; "None" is an answer) and chooses to be listed on /board; an
-- admin can hide an account from it. Each approval carries a declaration for its article:
-- reviews.conflict_declared (NULL for votes that ask none, and for approvals given before
-- declarations existed) and the text of a declared conflict. Whether an approval with a
-- declared conflict counts toward the quorum is a setting (off: it does not).
ALTER TABLE users ADD COLUMN disclosure TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN disclosure_updated_at TIMESTAMP;
ALTER TABLE users ADD COLUMN board_listed BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE users ADD COLUMN board_hidden BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE reviews ADD COLUMN conflict_declared BOOLEAN;
ALTER TABLE reviews ADD COLUMN conflict TEXT NOT NULL DEFAULT '';
ALTER TABLE settings ADD COLUMN conflicted_approvals_count BOOLEAN NOT NULL DEFAULT FALSE;
-- The board page counts each listed reviewer's approvals: one index range per reviewer.
CREATE INDEX reviews_reviewer ON reviews (reviewer_id, verdict, revision_id);
