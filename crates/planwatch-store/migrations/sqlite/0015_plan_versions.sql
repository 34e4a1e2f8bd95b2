-- A data version per plan (issue 17), SQLite dialect; the twin is
-- migrations/postgres/0015_plan_versions.sql. Decision record 0066.
-- An audit row names the plan its change belongs to (plan_id), or none for a change every plan
-- sees (units, users, the organisation, the plans themselves, the catalogue and the setup): a
-- plan's data version is then the newest row of its own, of the plans whose values it reads
-- (an indicator asked in an older plan) and of the shared ones, so that a write to one plan
-- leaves the cached pages of every other plan valid. Rows written before stay shared (NULL),
-- which only makes them count for every plan. The column routes caches; it is not part of the
-- row's hash (the audited content is unchanged).
ALTER TABLE audit_log ADD COLUMN plan_id INTEGER;
CREATE INDEX audit_log_plan ON audit_log (plan_id, id);
-- The newest row of given entities (the reference and setup versions) by an index probe each.
CREATE INDEX audit_log_entity_newest ON audit_log (entity, id);
-- The plans that ask an indicator first (same code, same reporting unit).
CREATE INDEX indicators_code_reporter ON indicators (code, reporter_id);
