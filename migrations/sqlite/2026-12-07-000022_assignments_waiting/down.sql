DROP INDEX assignments_waiting;
ALTER TABLE assignments DROP COLUMN waiting_since;
