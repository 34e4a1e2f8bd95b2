-- What the office publishes on the public progress page (issue 7, 宣传机制), PostgreSQL dialect;
-- the SQLite twin is migrations/sqlite/0005_public_page.sql: same tables, columns and keys.
CREATE TABLE public_settings (
    plan_id           BIGINT PRIMARY KEY REFERENCES plans (id),
    intro             TEXT   NOT NULL,
    show_task_counts  BIGINT NOT NULL CHECK (show_task_counts IN (0, 1)),
    as_of_quarter     TEXT,
    revision          BIGINT NOT NULL CHECK (revision > 0),
    updated_at        TIMESTAMPTZ NOT NULL,
    updated_by        TEXT   NOT NULL
);

CREATE TABLE public_indicators (
    plan_id       BIGINT NOT NULL REFERENCES public_settings (plan_id),
    indicator_id  BIGINT NOT NULL REFERENCES indicators (id),
    PRIMARY KEY (plan_id, indicator_id)
);
