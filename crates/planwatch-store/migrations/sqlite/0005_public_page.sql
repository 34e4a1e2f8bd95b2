-- What the office publishes on the public progress page (issue 7, 宣传机制), SQLite dialect; the
-- PostgreSQL twin is migrations/postgres/0005_public_page.sql. One settings row per plan: the
-- introduction, whether task status counts are shown, and the reporting period the published
-- figures are as of (NULL: no figures). Each published headline indicator (its latest accepted
-- value and light) is a row of public_indicators. Nothing else reaches the public page.
CREATE TABLE public_settings (
    plan_id           INTEGER PRIMARY KEY REFERENCES plans (id),
    intro             TEXT    NOT NULL,
    show_task_counts  INTEGER NOT NULL CHECK (show_task_counts IN (0, 1)),
    as_of_quarter     TEXT,
    revision          INTEGER NOT NULL CHECK (revision > 0),
    updated_at        TEXT    NOT NULL,
    updated_by        TEXT    NOT NULL
) STRICT;

CREATE TABLE public_indicators (
    plan_id       INTEGER NOT NULL REFERENCES public_settings (plan_id),
    indicator_id  INTEGER NOT NULL REFERENCES indicators (id),
    PRIMARY KEY (plan_id, indicator_id)
) STRICT;
