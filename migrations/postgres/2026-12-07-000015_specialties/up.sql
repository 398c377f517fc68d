-- Specialties (issue 14): the list an admin keeps, the ones each reviewer holds and the
-- ones each article needs. With settings.require_specialist on, a revision publishes only
-- when its counted approvals include a holder of each of its article's specialties.
CREATE TABLE specialties (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX specialties_name ON specialties (lower(name));
CREATE TABLE user_specialties (
    user_id BIGINT NOT NULL REFERENCES users (id),
    specialty_id BIGINT NOT NULL REFERENCES specialties (id),
    PRIMARY KEY (user_id, specialty_id)
);
CREATE INDEX user_specialties_specialty ON user_specialties (specialty_id, user_id);
CREATE TABLE article_specialties (
    article_id BIGINT NOT NULL REFERENCES articles (id),
    specialty_id BIGINT NOT NULL REFERENCES specialties (id),
    PRIMARY KEY (article_id, specialty_id)
);
CREATE INDEX article_specialties_specialty ON article_specialties (specialty_id, article_id);
ALTER TABLE settings ADD COLUMN require_specialist BOOLEAN NOT NULL DEFAULT FALSE;
