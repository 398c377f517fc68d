ALTER TABLE revision_references DROP COLUMN accessed;
ALTER TABLE revision_references DROP COLUMN pmid;
ALTER TABLE revision_references DROP COLUMN doi;
ALTER TABLE revision_references DROP COLUMN volume_pages;
ALTER TABLE revision_references DROP COLUMN authors;
