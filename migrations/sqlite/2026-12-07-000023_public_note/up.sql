-- Two notes per revision (issue 16): `change_note` is the internal note to reviewers;
-- `public_note` is the change summary readers see on the public history, the feed and the
-- public API (blank: "Editorial update"). Existing revisions get a blank public note, so
-- their internal notes never reach the public pages.
ALTER TABLE revisions ADD COLUMN public_note TEXT NOT NULL DEFAULT '';
