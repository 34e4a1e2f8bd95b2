-- The office's own text for sections of the annual evaluation report (issue 6), PostgreSQL
-- dialect; the SQLite twin is migrations/sqlite/0004_report_texts.sql: same table, columns and
-- keys.
CREATE TABLE report_texts (
    plan_id     BIGINT NOT NULL REFERENCES plans (id),
    year        BIGINT NOT NULL,
    section     TEXT   NOT NULL CHECK (section IN ('opening', 'overall', 'indicators', 'tasks',
                    'organisation', 'experience', 'problems', 'countermeasures', 'assessment')),
    mode        TEXT   CHECK (mode IN ('replace', 'append')),
    body        TEXT,
    revision    BIGINT NOT NULL CHECK (revision > 0),
    updated_at  TIMESTAMPTZ NOT NULL,
    updated_by  TEXT   NOT NULL,
    PRIMARY KEY (plan_id, year, section),
    CHECK ((mode IS NULL AND body IS NULL) OR (mode IS NOT NULL AND body IS NOT NULL))
);
