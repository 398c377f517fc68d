ALTER TABLE reviews DROP COLUMN checklist;
DROP TABLE checklist_items;
