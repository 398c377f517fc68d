-- The column order is not part of the schema: nothing to undo.
SELECT 1;
