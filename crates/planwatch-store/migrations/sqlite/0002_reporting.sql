-- Quarterly reporting (issue 4), SQLite dialect. The PostgreSQL twin is
-- migrations/postgres/0002_reporting.sql: same tables, columns and keys.
-- Dates (deadlines, due dates, milestone dates) are TEXT 'YYYY-MM-DD' on both backends: they are
-- calendar days in China Standard Time, not instants. Timestamps follow 0001 (TEXT here,
-- TIMESTAMPTZ on PostgreSQL). Flags are 0/1 integers.

-- The quarters of a plan as reporting periods, and the office's actions on them.
CREATE TABLE reporting_periods (
    id          INTEGER PRIMARY KEY,
    plan_id     INTEGER NOT NULL REFERENCES plans (id),
    quarter     TEXT    NOT NULL,
    deadline    TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    UNIQUE (plan_id, quarter)
) STRICT;

CREATE TABLE period_events (
    id          INTEGER PRIMARY KEY,
    period_id   INTEGER NOT NULL REFERENCES reporting_periods (id),
    action      TEXT    NOT NULL CHECK (action IN ('lock', 'reopen')),
    at          TEXT    NOT NULL,
    actor       TEXT    NOT NULL,
    reason      TEXT,
    until_day   TEXT
) STRICT;
CREATE INDEX period_events_period ON period_events (period_id);

CREATE TABLE period_extensions (
    id          INTEGER PRIMARY KEY,
    period_id   INTEGER NOT NULL REFERENCES reporting_periods (id),
    unit_id     INTEGER NOT NULL REFERENCES units (id),
    until_day   TEXT    NOT NULL,
    reason      TEXT    NOT NULL,
    at          TEXT    NOT NULL,
    actor       TEXT    NOT NULL
) STRICT;
CREATE INDEX period_extensions_period ON period_extensions (period_id);

-- The indicator catalogue of a plan: one reporting unit per indicator (report once).
-- def_json is the whole definition (targets, baseline from the catalogue file, rules).
CREATE TABLE indicators (
    id               INTEGER PRIMARY KEY,
    plan_id          INTEGER NOT NULL REFERENCES plans (id),
    position         INTEGER NOT NULL,
    code             TEXT    NOT NULL,
    name             TEXT    NOT NULL,
    unit_of_measure  TEXT,
    reporter_id      INTEGER NOT NULL REFERENCES units (id),
    kind             TEXT    NOT NULL CHECK (kind IN ('cumulative', 'level', 'ratio', 'year_to_date')),
    direction        TEXT    NOT NULL CHECK (direction IN ('higher_is_better', 'lower_is_better')),
    def_json         TEXT    NOT NULL,
    UNIQUE (plan_id, code)
) STRICT;

CREATE TABLE indicator_baselines (
    indicator_id  INTEGER PRIMARY KEY REFERENCES indicators (id),
    year          INTEGER NOT NULL,
    value         REAL    NOT NULL,
    source        TEXT    NOT NULL,
    demo          INTEGER NOT NULL CHECK (demo IN (0, 1)),
    updated_at    TEXT    NOT NULL,
    updated_by    TEXT    NOT NULL
) STRICT;

-- The yearly breakdown (清单、项目、节点).
CREATE TABLE breakdown_items (
    id              INTEGER PRIMARY KEY,
    plan_id         INTEGER NOT NULL REFERENCES plans (id),
    item_key        TEXT    NOT NULL,
    year            INTEGER NOT NULL,
    task_id         INTEGER NOT NULL REFERENCES tasks (id),
    kind            TEXT    NOT NULL CHECK (kind IN ('work_item', 'project', 'milestone')),
    title           TEXT    NOT NULL,
    responsible_id  INTEGER NOT NULL REFERENCES units (id),
    due_day         TEXT    NOT NULL,
    indicator_code  TEXT,
    target_value    REAL,
    origin          TEXT    NOT NULL CHECK (origin IN ('plan_target', 'plan_milestone', 'added')),
    note            TEXT    NOT NULL,
    withdrawn       INTEGER NOT NULL CHECK (withdrawn IN (0, 1)),
    updated_at      TEXT    NOT NULL,
    UNIQUE (plan_id, item_key)
) STRICT;

-- A unit's quarterly report: workflow state with its version (optimistic concurrency), and
-- its content in the two row tables below. content_hash recognises a repeated import.
CREATE TABLE reports (
    id                  INTEGER PRIMARY KEY,
    plan_id             INTEGER NOT NULL REFERENCES plans (id),
    unit_id             INTEGER NOT NULL REFERENCES units (id),
    quarter             TEXT    NOT NULL,
    state               TEXT    NOT NULL CHECK (state IN ('draft', 'approved', 'submitted',
                                'returned', 'accepted')),
    version             INTEGER NOT NULL CHECK (version >= 1),
    submissions         INTEGER NOT NULL,
    first_submitted_at  TEXT,
    last_submitted_at   TEXT,
    comment             TEXT,
    approved_by         TEXT,
    content_hash        TEXT    NOT NULL,
    filled_by           TEXT    NOT NULL,
    phone               TEXT    NOT NULL,
    demo                INTEGER NOT NULL CHECK (demo IN (0, 1)),
    created_at          TEXT    NOT NULL,
    updated_at          TEXT    NOT NULL,
    UNIQUE (plan_id, unit_id, quarter)
) STRICT;

CREATE TABLE report_events (
    id          INTEGER PRIMARY KEY,
    report_id   INTEGER NOT NULL REFERENCES reports (id),
    version     INTEGER NOT NULL,
    action      TEXT    NOT NULL,
    from_state  TEXT,
    to_state    TEXT    NOT NULL,
    actor       TEXT    NOT NULL,
    role        TEXT    NOT NULL,
    at          TEXT    NOT NULL,
    comment     TEXT,
    UNIQUE (report_id, version)
) STRICT;

CREATE TABLE report_task_rows (
    report_id       INTEGER NOT NULL REFERENCES reports (id),
    position        INTEGER NOT NULL,
    row_key         TEXT    NOT NULL,
    status          TEXT,
    share_complete  REAL,
    reached_on      TEXT,
    contact         TEXT    NOT NULL,
    progress        TEXT    NOT NULL,
    cumulative      TEXT    NOT NULL,
    problems        TEXT    NOT NULL,
    next_steps      TEXT    NOT NULL,
    evidence_json   TEXT    NOT NULL,
    note            TEXT    NOT NULL,
    PRIMARY KEY (report_id, position)
) STRICT;

CREATE TABLE report_indicator_rows (
    report_id     INTEGER NOT NULL REFERENCES reports (id),
    position      INTEGER NOT NULL,
    indicator_id  INTEGER NOT NULL REFERENCES indicators (id),
    value         REAL,
    source        TEXT    NOT NULL,
    note          TEXT    NOT NULL,
    PRIMARY KEY (report_id, position)
) STRICT;

-- The official series of each indicator: values of accepted reports and imported history.
CREATE TABLE indicator_values (
    indicator_id  INTEGER NOT NULL REFERENCES indicators (id),
    quarter       TEXT    NOT NULL,
    value         REAL    NOT NULL,
    source        TEXT    NOT NULL,
    note          TEXT    NOT NULL,
    origin        TEXT    NOT NULL CHECK (origin IN ('report', 'import')),
    report_id     INTEGER REFERENCES reports (id),
    demo          INTEGER NOT NULL CHECK (demo IN (0, 1)),
    updated_at    TEXT    NOT NULL,
    updated_by    TEXT    NOT NULL,
    PRIMARY KEY (indicator_id, quarter)
) STRICT;

-- Evidence files are kept in the data folder under their SHA-256; this table knows them.
CREATE TABLE evidence_files (
    sha256      TEXT    PRIMARY KEY,
    kind        TEXT    NOT NULL,
    size        INTEGER NOT NULL,
    first_name  TEXT    NOT NULL,
    created_at  TEXT    NOT NULL
) STRICT;
