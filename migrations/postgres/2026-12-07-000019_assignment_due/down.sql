DROP INDEX assignments_due;
ALTER TABLE settings DROP COLUMN review_due_days;
ALTER TABLE assignments DROP COLUMN reminded_overdue_at;
ALTER TABLE assignments DROP COLUMN reminded_before_at;
ALTER TABLE assignments DROP COLUMN due_at;
