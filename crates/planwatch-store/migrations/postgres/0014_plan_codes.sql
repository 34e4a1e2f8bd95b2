-- Many plans in one deployment (issue 17), PostgreSQL dialect; the SQLite twin is
-- migrations/sqlite/0014_plan_codes.sql. Decision record 0064.
-- Every plan gets a short code (used in commands and URLs) and a state: 进行中 (active),
-- 已结束 (ended: read-only, its final evaluation stays readable) or 已归档 (archived: hidden
-- from the plan switcher). The plan a database already holds becomes plan1 and stays active.
ALTER TABLE plans ADD COLUMN code TEXT;
ALTER TABLE plans ADD COLUMN state TEXT NOT NULL DEFAULT 'active'
    CHECK (state IN ('active', 'ended', 'archived'));
UPDATE plans SET code = 'plan' || id WHERE code IS NULL;
CREATE UNIQUE INDEX plans_code ON plans (code);
