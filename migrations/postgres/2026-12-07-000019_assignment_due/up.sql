-- Due dates on review assignments (issue 14): each assignment (by an admin or reviewer, a
-- claim, a re-request) has a due date, by default settings.review_due_days after it is
-- made. The reminder job sends one reminder the day before and one when it passes, each
-- once (the reminded_* columns record that it was sent, or that it was no longer owed).
ALTER TABLE assignments ADD COLUMN due_at TIMESTAMP;
ALTER TABLE assignments ADD COLUMN reminded_before_at TIMESTAMP;
ALTER TABLE assignments ADD COLUMN reminded_overdue_at TIMESTAMP;
ALTER TABLE settings ADD COLUMN review_due_days INTEGER NOT NULL DEFAULT 7;
CREATE INDEX assignments_due ON assignments (due_at)
    WHERE due_at IS NOT NULL AND reminded_overdue_at IS NULL;
