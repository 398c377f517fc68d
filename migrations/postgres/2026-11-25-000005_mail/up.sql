-- Email: an outbox written in the transaction of the event that causes each message, the
-- reminders already sent for a review date, and each person's notification choices.

CREATE TABLE mail_outbox (
    id BIGSERIAL PRIMARY KEY,
    recipient TEXT NOT NULL,
    recipient_id BIGINT REFERENCES users (id),
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT NOT NULL,
    event TEXT NOT NULL,
    article_id BIGINT REFERENCES articles (id) ON DELETE SET NULL,
    revision_id BIGINT REFERENCES revisions (id) ON DELETE SET NULL,
    -- Stable across retries, so a receiver can tell a resend from a new message.
    message_id TEXT NOT NULL UNIQUE,
    -- Messages about one revision share it, so mail clients thread them.
    thread_id TEXT,
    created_at TIMESTAMP NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    -- A worker that claimed the row holds it until then; a crashed worker's claim expires.
    claimed_until TIMESTAMP,
    claimed_by TEXT,
    sent_at TIMESTAMP,
    failed_at TIMESTAMP,
    last_error TEXT
);
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;
CREATE INDEX mail_outbox_recent ON mail_outbox (created_at);

CREATE TABLE review_reminders (
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('due_soon', 'overdue')),
    due_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP NOT NULL,
    PRIMARY KEY (article_id, kind, due_at)
);

ALTER TABLE users ADD COLUMN notify_comments BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE users ADD COLUMN notify_review_due BOOLEAN NOT NULL DEFAULT TRUE;
