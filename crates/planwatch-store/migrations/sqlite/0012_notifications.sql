-- Notifications that reach people (issue 15, item 2), SQLite dialect; the PostgreSQL twin is
-- migrations/postgres/0012_notifications.sql. Decision record 0061.
-- People get an e-mail address and a mobile number (both optional).
ALTER TABLE users ADD COLUMN email TEXT;
ALTER TABLE users ADD COLUMN mobile TEXT;

-- The in-app notification list: one row per person and message; read_at NULL = unread.
CREATE TABLE notifications (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    kind        TEXT    NOT NULL,
    title       TEXT    NOT NULL,
    body        TEXT    NOT NULL,
    link        TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    read_at     TEXT
) STRICT;
CREATE INDEX notifications_by_user ON notifications (user_id, read_at);

-- The outbox: every e-mail and robot message to send, with its delivery status. Written in the
-- transaction that makes the notification; sent afterwards by a background sender.
CREATE TABLE notification_deliveries (
    id          INTEGER PRIMARY KEY,
    channel     TEXT    NOT NULL CHECK (channel IN ('email', 'webhook')),
    recipient   TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    subject     TEXT    NOT NULL,
    body        TEXT    NOT NULL,
    status      TEXT    NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts    INTEGER NOT NULL,
    last_error  TEXT,
    created_at  TEXT    NOT NULL,
    sent_at     TEXT,
    -- A sender holds the row until then (several app servers never send it twice); after
    -- a failure, the next try waits until then.
    not_before  TEXT
) STRICT;
CREATE INDEX notification_deliveries_pending ON notification_deliveries (status, id);

-- Reminders already sent: the same reminder (kind, unit, period, day in China time) once.
CREATE TABLE reminders_sent (
    kind        TEXT    NOT NULL,
    unit_id     INTEGER NOT NULL REFERENCES units (id),
    period      TEXT    NOT NULL,
    day         TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    PRIMARY KEY (kind, unit_id, period, day)
) STRICT;

-- 督办: the office chases a unit's report for a period (催办).
CREATE TABLE supervisions (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER NOT NULL REFERENCES units (id),
    period      TEXT    NOT NULL,
    note        TEXT    NOT NULL,
    created_by  TEXT    NOT NULL,
    created_at  TEXT    NOT NULL
) STRICT;

-- Scheduled jobs run once a day by whichever app server takes the lease for that day.
CREATE TABLE scheduler_leases (
    name        TEXT    PRIMARY KEY,
    day         TEXT    NOT NULL,
    holder      TEXT    NOT NULL,
    taken_at    TEXT    NOT NULL
) STRICT;
