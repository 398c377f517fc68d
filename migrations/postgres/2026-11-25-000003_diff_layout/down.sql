ALTER TABLE users DROP COLUMN diff_layout;
