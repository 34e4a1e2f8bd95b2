-- The office's own text for sections of the annual evaluation report (issue 6), SQLite dialect;
-- the PostgreSQL twin is migrations/postgres/0004_report_texts.sql. One row per plan, year and
-- section: the text replaces the drafted 【草稿】 paragraphs of the section or follows them.
-- Clearing keeps the row with body and mode NULL, so the revision counter never goes back and
-- a form rendered before a clear cannot overwrite a later text by accident.
CREATE TABLE report_texts (
    plan_id     INTEGER NOT NULL REFERENCES plans (id),
    year        INTEGER NOT NULL,
    section     TEXT    NOT NULL CHECK (section IN ('opening', 'overall', 'indicators', 'tasks',
                    'organisation', 'experience', 'problems', 'countermeasures', 'assessment')),
    mode        TEXT    CHECK (mode IN ('replace', 'append')),
    body        TEXT,
    revision    INTEGER NOT NULL CHECK (revision > 0),
    updated_at  TEXT    NOT NULL,
    updated_by  TEXT    NOT NULL,
    PRIMARY KEY (plan_id, year, section),
    CHECK ((mode IS NULL AND body IS NULL) OR (mode IS NOT NULL AND body IS NOT NULL))
) STRICT;
