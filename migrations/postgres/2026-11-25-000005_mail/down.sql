ALTER TABLE users DROP COLUMN notify_review_due;
ALTER TABLE users DROP COLUMN notify_comments;
DROP TABLE review_reminders;
DROP TABLE mail_outbox;
