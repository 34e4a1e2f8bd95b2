-- Per-unit API tokens (issue 7), SQLite dialect; the PostgreSQL twin is
-- migrations/postgres/0003_api_tokens.sql. A token lets a system such as the city's data platform
-- (城市大脑) write one unit's indicator values into that unit's quarterly report. Only a hash of
-- the token is stored; a revoked token stays on record for the audit trail.
CREATE TABLE api_tokens (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER NOT NULL REFERENCES units (id),
    name        TEXT    NOT NULL,
    token_hash  TEXT    NOT NULL UNIQUE,
    created_at  TEXT    NOT NULL,
    created_by  TEXT    NOT NULL,
    revoked_at  TEXT
) STRICT;
CREATE INDEX api_tokens_unit ON api_tokens (unit_id);
