-- When each account last signed in (issue 17): shown to admins on the accounts list and an
-- account's page. Set by a sign-in and by a one-time link that signs the person in.
ALTER TABLE users ADD COLUMN last_sign_in_at TIMESTAMP;
