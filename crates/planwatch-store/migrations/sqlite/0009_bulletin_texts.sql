-- The office's own text for sections of the quarterly bulletin (季度通报, issue 16), SQLite
-- dialect; the PostgreSQL twin is migrations/postgres/0009_bulletin_texts.sql. They live in
-- report_texts beside the annual report's: the year is the quarter's year and the section is
-- the quarter and the bulletin's section (q3.requirements), so setting, clearing, revisions,
-- audit, dump and import are the annual texts' own. SQLite cannot change a CHECK in place: the
-- table is rebuilt with the wider check and its rows copied.
CREATE TABLE report_texts_0009 (
    plan_id     INTEGER NOT NULL REFERENCES plans (id),
    year        INTEGER NOT NULL,
    section     TEXT    NOT NULL CHECK (
                    section IN ('opening', 'overall', 'indicators', 'tasks', 'organisation',
                        'experience', 'problems', 'countermeasures', 'assessment')
                    OR (substr(section, 1, 1) = 'q' AND substr(section, 2, 1) IN ('1', '2', '3', '4')
                        AND substr(section, 3, 1) = '.'
                        AND substr(section, 4) IN ('opening', 'overall', 'reporting', 'indicators',
                            'tasks', 'highlights', 'requirements'))),
    mode        TEXT    CHECK (mode IN ('replace', 'append')),
    body        TEXT,
    revision    INTEGER NOT NULL CHECK (revision > 0),
    updated_at  TEXT    NOT NULL,
    updated_by  TEXT    NOT NULL,
    PRIMARY KEY (plan_id, year, section),
    CHECK ((mode IS NULL AND body IS NULL) OR (mode IS NOT NULL AND body IS NOT NULL))
) STRICT;
INSERT INTO report_texts_0009 (plan_id, year, section, mode, body, revision, updated_at, updated_by)
    SELECT plan_id, year, section, mode, body, revision, updated_at, updated_by FROM report_texts;
DROP TABLE report_texts;
ALTER TABLE report_texts_0009 RENAME TO report_texts;
