-- no-transaction
-- Issue 15: a report waits for its unit head (待负责人审核) after the reporter asks for approval.
-- SQLite cannot change a CHECK constraint in place, so the reports table is rebuilt as SQLite's
-- documented twelve-step ALTER TABLE procedure says: foreign keys off outside a transaction, the
-- new table filled and renamed inside one, foreign keys back on. Children (report_events, rows,
-- evidence) keep referring to "reports" by name. Run again after a crash between the commit and
-- sqlx's bookkeeping, it rebuilds the already rebuilt table the same way.
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE reports_rebuilt (
    id                  INTEGER PRIMARY KEY,
    plan_id             INTEGER NOT NULL REFERENCES plans (id),
    unit_id             INTEGER NOT NULL REFERENCES units (id),
    quarter             TEXT    NOT NULL,
    state               TEXT    NOT NULL CHECK (state IN ('draft', 'awaiting_approval',
                                'approved', 'submitted', 'returned', 'accepted')),
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
INSERT INTO reports_rebuilt (id, plan_id, unit_id, quarter, state, version, submissions,
        first_submitted_at, last_submitted_at, comment, approved_by, content_hash, filled_by,
        phone, demo, created_at, updated_at)
    SELECT id, plan_id, unit_id, quarter, state, version, submissions, first_submitted_at,
        last_submitted_at, comment, approved_by, content_hash, filled_by, phone, demo,
        created_at, updated_at
    FROM reports;
DROP TABLE reports;
ALTER TABLE reports_rebuilt RENAME TO reports;
-- A unit asks the office for more time (申请延期); the office grants it (a period extension is
-- written with it) or refuses it. Undecided requests are on the office's to-do list.
CREATE TABLE IF NOT EXISTS extension_requests (
    id          INTEGER PRIMARY KEY,
    period_id   INTEGER NOT NULL REFERENCES reporting_periods (id),
    unit_id     INTEGER NOT NULL REFERENCES units (id),
    until_day   TEXT    NOT NULL,
    reason      TEXT    NOT NULL,
    asked_at    TEXT    NOT NULL,
    asked_by    TEXT    NOT NULL,
    decision    TEXT    CHECK (decision IN ('granted', 'refused')),
    decided_at  TEXT,
    decided_by  TEXT,
    note        TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS extension_requests_period ON extension_requests (period_id);
COMMIT;
PRAGMA foreign_keys = ON;
