-- SQLite reads a row's columns in the order they are stored, and a revision's body and
-- HTML (kilobytes, in overflow pages) sat before its dates and counts: every list that
-- showed a revision's date read the whole text from disk. The table is rebuilt with the
-- short columns first and the long texts last, so lists read one page per row. The
-- schema diesel sees is unchanged (it names the columns it reads).
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
CREATE TABLE revisions_narrow (
    id INTEGER PRIMARY KEY,
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    -- Assigned when submitted (1, 2, 3, ...): drafts have none, so numbers follow submission order.
    number INTEGER,
    base_revision_id BIGINT REFERENCES revisions (id),
    author_id BIGINT NOT NULL REFERENCES users (id),
    state TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'under_review',
        'changes_requested', 'approved', 'rejected', 'withdrawn', 'superseded')),
    version BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    submitted_at TIMESTAMP,
    decided_at TIMESTAMP,
    approvals_required INTEGER,
    content_hash TEXT NOT NULL,
    title TEXT NOT NULL,
    change_note TEXT NOT NULL,
    summary TEXT NOT NULL,
    body TEXT NOT NULL,
    body_html TEXT NOT NULL,
    UNIQUE (article_id, number)
);
INSERT INTO revisions_narrow (id, article_id, number, base_revision_id, author_id, state,
    version, created_at, updated_at, submitted_at, decided_at, approvals_required,
    content_hash, title, change_note, summary, body, body_html)
SELECT id, article_id, number, base_revision_id, author_id, state,
    version, created_at, updated_at, submitted_at, decided_at, approvals_required,
    content_hash, title, change_note, summary, body, body_html
FROM revisions ORDER BY id;
DROP TABLE revisions;
ALTER TABLE revisions_narrow RENAME TO revisions;
CREATE INDEX revisions_waiting ON revisions (state, submitted_at, id, author_id);
CREATE INDEX revisions_author ON revisions (author_id, state, updated_at, id);
CREATE INDEX revisions_decided ON revisions (author_id, decided_at, id);
COMMIT;
PRAGMA foreign_keys = ON;
