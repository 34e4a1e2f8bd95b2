-- API token scopes (issue 18), PostgreSQL dialect; the SQLite twin is
-- migrations/sqlite/0008_api_token_scopes.sql: same column, default and check.
ALTER TABLE api_tokens ADD COLUMN scopes TEXT NOT NULL DEFAULT 'read write'
    CHECK (scopes IN ('read', 'write', 'read write'));
