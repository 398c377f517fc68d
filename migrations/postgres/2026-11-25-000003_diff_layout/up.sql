-- How each person likes revision diffs laid out: one column, or old and new side by side.
ALTER TABLE users ADD COLUMN diff_layout TEXT NOT NULL DEFAULT 'inline'
    CHECK (diff_layout IN ('inline', 'split'));
