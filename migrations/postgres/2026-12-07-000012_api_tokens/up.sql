-- Personal API tokens (issue 13): a program acts as the person who made the token, never
-- with more than the scopes chosen and the account's current roles. Only the SHA-256 of
-- the secret is kept; `prefix` (its first characters) is what lists show.
CREATE TABLE api_tokens (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    scopes TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP,
    last_used_at TIMESTAMP,
    last_used_addr TEXT,
    revoked_at TIMESTAMP,
    revoked_by BIGINT REFERENCES users (id)
);
CREATE INDEX api_tokens_user ON api_tokens (user_id, id);
