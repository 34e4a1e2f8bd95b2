-- PlanWatch schema, SQLite dialect. The PostgreSQL twin is migrations/postgres/0001_initial.sql:
-- the two files must describe the same tables, columns and keys (a test compares them), because
-- `planwatch export` / `import` move rows between the backends column by column.
-- Timestamps are TEXT in the canonical form 2023-09-30T08:00:00.000000Z (fixed width, so text
-- order is time order); PostgreSQL stores the same instant as TIMESTAMPTZ.

-- Marks the file as a PlanWatch database so that a foreign SQLite file is refused, not migrated.
PRAGMA application_id = 1347178071; -- "PLNW"

-- Responsible units (责任单位): departments, counties/districts, zones, enterprises, and group
-- names such as 各县（区）人民政府 whose members are listed in unit_group_members.
CREATE TABLE units (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE,
    kind        TEXT    NOT NULL CHECK (kind IN ('city_department', 'county_government',
                        'development_zone', 'enterprise', 'institution', 'group', 'other')),
    short_name  TEXT,
    created_at  TEXT    NOT NULL
) STRICT;

CREATE TABLE unit_group_members (
    group_id   INTEGER NOT NULL REFERENCES units (id),
    member_id  INTEGER NOT NULL REFERENCES units (id),
    position   INTEGER NOT NULL,
    PRIMARY KEY (group_id, member_id),
    CHECK (group_id <> member_id)
) STRICT;

-- A plan and its revisions. The current revision is the one with the highest number; older
-- revisions are kept unchanged.
CREATE TABLE plans (
    id          INTEGER PRIMARY KEY,
    created_at  TEXT    NOT NULL,
    created_by  TEXT    NOT NULL
) STRICT;

CREATE TABLE plan_revisions (
    id            INTEGER PRIMARY KEY,
    plan_id       INTEGER NOT NULL REFERENCES plans (id),
    number        INTEGER NOT NULL CHECK (number >= 1),
    title         TEXT    NOT NULL,
    period_start  INTEGER NOT NULL,
    period_end    INTEGER NOT NULL,
    source_kind   TEXT    NOT NULL CHECK (source_kind IN ('embedded', 'text', 'json')),
    source_name   TEXT    NOT NULL,
    plan_json     TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    created_by    TEXT    NOT NULL,
    UNIQUE (plan_id, number)
) STRICT;

CREATE TABLE plan_sections (
    revision_id  INTEGER NOT NULL REFERENCES plan_revisions (id),
    position     INTEGER NOT NULL,
    number       TEXT    NOT NULL,
    title        TEXT    NOT NULL,
    PRIMARY KEY (revision_id, position)
) STRICT;

-- A task's identity is stable across revisions (plan, number): reports and breakdowns refer to
-- tasks.id and survive a corrected re-import. What a revision says about it is in task_versions.
CREATE TABLE tasks (
    id       INTEGER PRIMARY KEY,
    plan_id  INTEGER NOT NULL REFERENCES plans (id),
    number   INTEGER NOT NULL,
    UNIQUE (plan_id, number)
) STRICT;

CREATE TABLE task_versions (
    revision_id  INTEGER NOT NULL REFERENCES plan_revisions (id),
    task_id      INTEGER NOT NULL REFERENCES tasks (id),
    label        TEXT    NOT NULL,
    title        TEXT    NOT NULL,
    section      TEXT    NOT NULL,
    body         TEXT    NOT NULL,
    PRIMARY KEY (revision_id, task_id)
) STRICT;

CREATE TABLE task_units (
    revision_id  INTEGER NOT NULL,
    task_id      INTEGER NOT NULL,
    role         TEXT    NOT NULL CHECK (role IN ('lead', 'participating')),
    unit_id      INTEGER NOT NULL REFERENCES units (id),
    position     INTEGER NOT NULL,
    PRIMARY KEY (revision_id, task_id, role, unit_id),
    FOREIGN KEY (revision_id, task_id) REFERENCES task_versions (revision_id, task_id)
) STRICT;
CREATE INDEX task_units_unit ON task_units (unit_id);

-- Indicators of a revision as the extractor grouped them (one per measured quantity, several
-- targets may mention it); `key` is the extraction's id (I1, I2, …), stable within a revision.
CREATE TABLE plan_indicators (
    revision_id  INTEGER NOT NULL REFERENCES plan_revisions (id),
    key          TEXT NOT NULL,
    name         TEXT NOT NULL,
    unit         TEXT,
    direction    TEXT NOT NULL CHECK (direction IN ('higher_is_better', 'lower_is_better')),
    PRIMARY KEY (revision_id, key)
) STRICT;

-- Targets of a revision: headline goals (task_id NULL) and task targets.
CREATE TABLE targets (
    id           INTEGER PRIMARY KEY,
    revision_id  INTEGER NOT NULL REFERENCES plan_revisions (id),
    task_id      INTEGER REFERENCES tasks (id),
    position     INTEGER NOT NULL,
    indicator    TEXT    NOT NULL,
    indicator_key TEXT,
    text         TEXT    NOT NULL,
    value        REAL,
    value_max    REAL,
    value_text   TEXT,
    unit         TEXT,
    year         INTEGER,
    comparator   TEXT,
    year_basis   TEXT,
    recurrence   TEXT,
    note         TEXT,
    FOREIGN KEY (revision_id, indicator_key) REFERENCES plan_indicators (revision_id, key)
) STRICT;
CREATE INDEX targets_revision ON targets (revision_id, task_id);

CREATE TABLE milestones (
    id           INTEGER PRIMARY KEY,
    revision_id  INTEGER NOT NULL REFERENCES plan_revisions (id),
    task_id      INTEGER NOT NULL REFERENCES tasks (id),
    position     INTEGER NOT NULL,
    text         TEXT    NOT NULL,
    what         TEXT    NOT NULL,
    year_start   INTEGER,
    year         INTEGER,
    kind         TEXT
) STRICT;
CREATE INDEX milestones_revision ON milestones (revision_id, task_id);

-- The organisation: the leading group (领导小组), its office (办公室) and the task forces (专班).
-- seat_unit_id is the office's host unit or the task force's lead unit.
CREATE TABLE org_bodies (
    id            INTEGER PRIMARY KEY,
    kind          TEXT    NOT NULL CHECK (kind IN ('leading_group', 'office', 'task_force')),
    name          TEXT    NOT NULL UNIQUE,
    seat_unit_id  INTEGER REFERENCES units (id),
    description   TEXT    NOT NULL,
    position      INTEGER NOT NULL
) STRICT;

CREATE TABLE org_body_units (
    body_id   INTEGER NOT NULL REFERENCES org_bodies (id),
    unit_id   INTEGER NOT NULL REFERENCES units (id),
    position  INTEGER NOT NULL,
    PRIMARY KEY (body_id, unit_id)
) STRICT;

-- Which task force steers a task: at most one per task.
CREATE TABLE task_force_tasks (
    task_id  INTEGER PRIMARY KEY REFERENCES tasks (id),
    body_id  INTEGER NOT NULL REFERENCES org_bodies (id)
) STRICT;

-- Users. Reporters and unit heads belong to one unit; task-force users to one task force.
CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    username       TEXT    NOT NULL UNIQUE,
    display_name   TEXT    NOT NULL,
    role           TEXT    NOT NULL CHECK (role IN ('admin', 'office', 'task_force', 'reporter',
                           'unit_head', 'leader')),
    unit_id        INTEGER REFERENCES units (id),
    task_force_id  INTEGER REFERENCES org_bodies (id),
    password_hash  TEXT    NOT NULL,
    disabled_at    TEXT,
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL,
    CHECK ((role IN ('reporter', 'unit_head')) = (unit_id IS NOT NULL)),
    CHECK ((role = 'task_force') = (task_force_id IS NOT NULL))
) STRICT;

-- Web sessions: only a hash of the cookie token is stored.
CREATE TABLE sessions (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT    NOT NULL UNIQUE,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    created_at  TEXT    NOT NULL,
    expires_at  TEXT    NOT NULL,
    revoked_at  TEXT
) STRICT;
CREATE INDEX sessions_user ON sessions (user_id);

-- Every mutation writes one row here in the same transaction as the change itself.
CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    at           TEXT    NOT NULL,
    actor        TEXT    NOT NULL,
    action       TEXT    NOT NULL,
    entity       TEXT    NOT NULL,
    entity_id    TEXT    NOT NULL,
    before_json  TEXT,
    after_json   TEXT
) STRICT;
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
CREATE INDEX audit_log_at ON audit_log (at);
