-- Nothing to do on PostgreSQL: it keeps long values out of line (TOAST), so a row's
-- short columns are read without its body. The SQLite migration of the same name moves
-- the long texts to the end of each revision row.
SELECT 1;
