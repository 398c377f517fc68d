-- Nothing to do on SQLite: its FTS5 index stores the words, not a row per article to
-- read back. The PostgreSQL migration of the same name narrows its index table.
SELECT 1;
