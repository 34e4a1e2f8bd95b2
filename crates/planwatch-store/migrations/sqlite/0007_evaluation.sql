-- The office's judgements for the evaluation (issue 13), SQLite dialect; the PostgreSQL twin is
-- migrations/postgres/0007_evaluation.sql. One row per plan, kind and subject:
--   kind 'goal':   subject = a qualitative goal of the plan (its text), choice = achieved /
--                  largely_achieved / not_achieved, evidence = what it rests on;
--   kind 'target': subject = an indicator code and year (I03@2024), choice = the target value
--                  the office applies when the plan states two for that year, evidence = why.
-- Each change moves the revision and is audited in the same transaction.
CREATE TABLE evaluation_choices (
    plan_id     INTEGER NOT NULL REFERENCES plans (id),
    kind        TEXT    NOT NULL CHECK (kind IN ('goal', 'target')),
    subject     TEXT    NOT NULL,
    choice      TEXT    NOT NULL,
    evidence    TEXT    NOT NULL,
    revision    INTEGER NOT NULL CHECK (revision > 0),
    updated_at  TEXT    NOT NULL,
    updated_by  TEXT    NOT NULL,
    PRIMARY KEY (plan_id, kind, subject)
) STRICT;
