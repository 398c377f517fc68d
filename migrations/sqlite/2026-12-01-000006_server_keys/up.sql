-- Secrets the server instances sharing this database agree on: the key that signs the
-- tokens of visitors who are not signed in (so a sign-in form needs no session row).
CREATE TABLE server_keys (
    name TEXT PRIMARY KEY,
    secret TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
