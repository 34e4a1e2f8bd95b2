-- Evidence files (佐证材料) attached in the browser or the API to one row of a unit's quarterly
-- report: a task row (row_kind 'task', row_key = the scope row key such as T:13 or I:2024-T13-W01)
-- or an indicator value (row_kind 'indicator', row_key = the indicator code). The bytes are kept
-- once per SHA-256 in the data folder (evidence_files); the same file may be attached to several
-- rows. Keyed by unit and quarter, not by report, so a file can be attached before the first save.
CREATE TABLE report_evidence (
    id           INTEGER PRIMARY KEY,
    plan_id      INTEGER NOT NULL REFERENCES plans (id),
    unit_id      INTEGER NOT NULL REFERENCES units (id),
    quarter      TEXT    NOT NULL,
    row_kind     TEXT    NOT NULL CHECK (row_kind IN ('task', 'indicator')),
    row_key      TEXT    NOT NULL,
    sha256       TEXT    NOT NULL REFERENCES evidence_files (sha256),
    name         TEXT    NOT NULL,
    attached_at  TEXT    NOT NULL,
    attached_by  TEXT    NOT NULL
) STRICT;

CREATE INDEX report_evidence_by_report ON report_evidence (plan_id, unit_id, quarter);
