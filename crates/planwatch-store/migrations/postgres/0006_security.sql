-- Security (issue 11), PostgreSQL dialect; the SQLite twin is migrations/sqlite/0006_security.sql.
-- The audit trail becomes tamper-evident: every row carries the SHA-256 of its own content and of
-- the row before it (prev_hash), so editing, deleting or reordering a row breaks the chain at that
-- row (`planwatch audit verify`). Rows written before this migration are chained when the store
-- is opened. Sessions remember when they were last used, for the idle timeout.
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
ALTER TABLE sessions ADD COLUMN last_seen_at TIMESTAMPTZ;
UPDATE sessions SET last_seen_at = created_at;
CREATE INDEX audit_log_action_at ON audit_log (action, at);
