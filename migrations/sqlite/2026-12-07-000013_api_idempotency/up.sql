-- Idempotency keys of API writes (issue 13): a program that retries a POST with the same
-- `Idempotency-Key` gets the first answer back and nothing is done twice. The row is
-- written in the same transaction as the write it stands for; the answer is added once
-- the transaction has committed. Kept for a day.
CREATE TABLE api_idempotency (
    token_id BIGINT NOT NULL REFERENCES api_tokens (id) ON DELETE CASCADE,
    idempotency_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status INTEGER,
    body TEXT,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (token_id, idempotency_key)
);
CREATE INDEX api_idempotency_created ON api_idempotency (created_at);
