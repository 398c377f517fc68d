ALTER TABLE settings DROP COLUMN require_specialist;
DROP TABLE article_specialties;
DROP TABLE user_specialties;
DROP TABLE specialties;
