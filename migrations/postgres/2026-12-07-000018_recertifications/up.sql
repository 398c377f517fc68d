-- Re-certification (issue 14): at the periodic review, reviewers confirm the published
-- version unchanged, each with the checklist and a declaration. The round is every
-- re-certification since the article was last reviewed; the one that meets the policy
-- (completes) moves the article's review dates, and the public history shows the round as
-- "Reviewed, no changes".
CREATE TABLE recertifications (
    id BIGSERIAL PRIMARY KEY,
    article_id BIGINT NOT NULL REFERENCES articles (id),
    revision_id BIGINT NOT NULL REFERENCES revisions (id),
    reviewer_id BIGINT NOT NULL REFERENCES users (id),
    conflict_declared BOOLEAN NOT NULL,
    conflict TEXT NOT NULL DEFAULT '',
    checklist TEXT NOT NULL DEFAULT '[]',
    note TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    completes BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX recertifications_article ON recertifications (article_id, created_at);
