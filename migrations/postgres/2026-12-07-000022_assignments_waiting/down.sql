DROP INDEX revisions_waiting_all;
DROP INDEX assignments_waiting;
ALTER TABLE assignments DROP COLUMN waiting_since;
