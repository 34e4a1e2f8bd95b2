-- API token scopes (issue 18), SQLite dialect; the PostgreSQL twin is
-- migrations/postgres/0008_api_token_scopes.sql. The office chooses, when it creates a token,
-- whether it reads (plan, tasks, units, indicators, scores, values), writes (the unit's indicator
-- values) or both. Tokens made before scopes existed were made to write and could read
-- indicators and scores: they keep both.
ALTER TABLE api_tokens ADD COLUMN scopes TEXT NOT NULL DEFAULT 'read write'
    CHECK (scopes IN ('read', 'write', 'read write'));
