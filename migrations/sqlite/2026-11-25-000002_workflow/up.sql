-- Articles, their immutable revisions, references, reviews, comments, assignments, and the
-- site settings (approval policy, review interval, texts).

CREATE TABLE settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    approvals_required INTEGER NOT NULL CHECK (approvals_required BETWEEN 1 AND 9),
    review_interval_days INTEGER NOT NULL CHECK (review_interval_days BETWEEN 1 AND 3650),
    site_name TEXT NOT NULL,
    disclaimer TEXT NOT NULL,
    editorial_policy TEXT NOT NULL,
    editorial_policy_html TEXT NOT NULL,
    version BIGINT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by BIGINT REFERENCES users (id)
);

CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    -- The newest submitted revision (any state but draft): what the workspace lists.
    current_revision_id BIGINT REFERENCES revisions (id),
    published_revision_id BIGINT REFERENCES revisions (id),
    first_published_at TIMESTAMP,
    last_reviewed_at TIMESTAMP,
    next_review_due TIMESTAMP,
    version BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX articles_next_review_due ON articles (next_review_due);
CREATE INDEX articles_updated ON articles (updated_at);

CREATE TABLE revisions (
    id INTEGER PRIMARY KEY,
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    -- Assigned when submitted (1, 2, 3, ...): drafts have none, so numbers follow submission order.
    number INTEGER,
    base_revision_id BIGINT REFERENCES revisions (id),
    author_id BIGINT NOT NULL REFERENCES users (id),
    state TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'under_review',
        'changes_requested', 'approved', 'rejected', 'withdrawn', 'superseded')),
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    body TEXT NOT NULL,
    body_html TEXT NOT NULL,
    change_note TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    submitted_at TIMESTAMP,
    decided_at TIMESTAMP,
    UNIQUE (article_id, number)
);
CREATE INDEX revisions_state ON revisions (state, submitted_at);
CREATE INDEX revisions_author ON revisions (author_id, state);

CREATE TABLE revision_references (
    id INTEGER PRIMARY KEY,
    revision_id BIGINT NOT NULL REFERENCES revisions (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('guideline', 'drug_label', 'research', 'other')),
    title TEXT NOT NULL,
    source TEXT NOT NULL,
    year INTEGER,
    url TEXT,
    UNIQUE (revision_id, position)
);

CREATE TABLE reviews (
    id INTEGER PRIMARY KEY,
    revision_id BIGINT NOT NULL REFERENCES revisions (id) ON DELETE CASCADE,
    reviewer_id BIGINT NOT NULL REFERENCES users (id),
    verdict TEXT NOT NULL CHECK (verdict IN ('approve', 'request_changes', 'reject', 'comment')),
    body TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX reviews_revision ON reviews (revision_id, created_at);
-- One approval per reviewer per revision: approving twice counts once.
CREATE UNIQUE INDEX reviews_one_approval ON reviews (revision_id, reviewer_id) WHERE verdict = 'approve';

CREATE TABLE comments (
    id INTEGER PRIMARY KEY,
    revision_id BIGINT NOT NULL REFERENCES revisions (id) ON DELETE CASCADE,
    parent_id BIGINT REFERENCES comments (id) ON DELETE CASCADE,
    author_id BIGINT NOT NULL REFERENCES users (id),
    review_id BIGINT REFERENCES reviews (id),
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX comments_revision ON comments (revision_id, created_at);

CREATE TABLE assignments (
    revision_id BIGINT NOT NULL REFERENCES revisions (id) ON DELETE CASCADE,
    reviewer_id BIGINT NOT NULL REFERENCES users (id),
    assigned_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (revision_id, reviewer_id)
);
CREATE INDEX assignments_reviewer ON assignments (reviewer_id);

INSERT INTO settings (id, approvals_required, review_interval_days, site_name, disclaimer,
    editorial_policy, editorial_policy_html, version, updated_at, updated_by)
VALUES (1, 1, 365, 'Imprimatur',
    'This article is general information, not a substitute for professional medical advice. Talk to your doctor or pharmacist about your own situation.',
    'Every article is written by our editors and reviewed by members of our medical advisory board, practising clinicians, before it is published.

A reviewer never approves an article they wrote. Only the approved version of an article is ever shown on this site, and each article shows who reviewed it and when.

Articles are reviewed again at least once a year, and sooner when guidelines or drug labels change.',
    '<p>Every article is written by our editors and reviewed by members of our medical advisory board, practising clinicians, before it is published.</p>
<p>A reviewer never approves an article they wrote. Only the approved version of an article is ever shown on this site, and each article shows who reviewed it and when.</p>
<p>Articles are reviewed again at least once a year, and sooner when guidelines or drug labels change.</p>
',
    1, '2026-11-25 00:00:00', NULL);

-- Audit rows about an article's revisions name the article too, so the log filters by it.
ALTER TABLE audit_log ADD COLUMN article_id BIGINT;
CREATE INDEX audit_log_article ON audit_log (article_id, id);
