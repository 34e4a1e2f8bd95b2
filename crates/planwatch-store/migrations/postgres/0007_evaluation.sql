-- The office's judgements for the evaluation (issue 13), PostgreSQL dialect; the SQLite twin is
-- migrations/sqlite/0007_evaluation.sql: same table, columns and keys.
CREATE TABLE evaluation_choices (
    plan_id     BIGINT NOT NULL REFERENCES plans (id),
    kind        TEXT   NOT NULL CHECK (kind IN ('goal', 'target')),
    subject     TEXT   NOT NULL,
    choice      TEXT   NOT NULL,
    evidence    TEXT   NOT NULL,
    revision    BIGINT NOT NULL CHECK (revision > 0),
    updated_at  TIMESTAMPTZ NOT NULL,
    updated_by  TEXT   NOT NULL,
    PRIMARY KEY (plan_id, kind, subject)
);
