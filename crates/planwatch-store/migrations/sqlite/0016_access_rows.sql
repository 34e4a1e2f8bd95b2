-- Access rows apart from shared data (issue 17), SQLite dialect; the twin is
-- migrations/postgres/0016_access_rows.sql. Decision record 0067.
-- Sign-ins, sessions, API tokens, refused requests and notifications sent change no data a page
-- keeps, yet their audit rows named no plan and so moved the shared version: every sign-in made
-- every app server reload every plan. They now carry plan_id 0 (no plan has that id; audit.rs, ACCESS_ROWS) and
-- move only the global version and the access version the sessions cache follows. Rows written
-- before are marked the same way; plan_id is not part of a row's hash.
UPDATE audit_log SET plan_id = 0
 WHERE plan_id IS NULL AND entity IN ('sign_in', 'session', 'api_token', 'access', 'notification');
-- The newest shared row by one index probe: an index on (plan_id, id) gives the newest row of
-- a plan directly, but not of plan_id IS NULL, which read every shared row.
CREATE INDEX audit_log_shared ON audit_log (id) WHERE plan_id IS NULL;
-- The newest row of a plan that can change the official series other plans read from it
-- (values, an acceptance that publishes a report's values, a reopening that takes them back, and
-- every other entity, conservatively), by one index probe: a plan that reads another plan's
-- values follows these only, not every draft saved there (versions.rs, plans_data_version).
CREATE INDEX audit_log_series ON audit_log (plan_id, id)
 WHERE entity <> 'report' OR action IN ('report.accept', 'report.reopen');
