-- A retraction tells readers why (issue 16): `retraction_notice` is the reason shown on the
-- article's address and in the feed; `retraction_reason` stays the internal one in the audit
-- log. Retractions made before this have no notice (their reason was typed as internal).
ALTER TABLE articles ADD COLUMN retraction_notice TEXT;
-- The feed's retraction entries: the newest retractions, one index range.
CREATE INDEX articles_retracted ON articles (retracted_at, id) WHERE retracted_at IS NOT NULL;
