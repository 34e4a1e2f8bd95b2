//! The portable full dump (`planwatch export` / `planwatch import`) and online backups.
//!
//! The dump lists every table, its columns and its rows in primary-key order, with one canonical
//! text for every value (integers as integers, reals as serde_json prints an f64, timestamps in
//! the store's canonical form), so the same data gives a byte-identical file on SQLite and on
//! PostgreSQL. Importing a dump restores every row with its id into an empty database; it is a
//! restore, so it adds no audit row of its own (the dump carries the audit trail it restores).

use crate::Store;
use crate::db::{Backend, Pools, Row, Tx, Value};
use crate::error::{Result, StoreError};
use crate::time;
use serde_json::Value as Json;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The `format` field of a dump.
pub const FORMAT_NAME: &str = "planwatch-dump";
const FORMAT_VERSION: i64 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Int,
    OptInt,
    OptReal,
    Text,
    OptText,
    Time,
    OptTime,
}

struct Table {
    name: &'static str,
    columns: &'static [(&'static str, Col)],
    order_by: &'static str,
    /// Whether `id` is an identity column whose sequence must follow a restore (PostgreSQL).
    identity: bool,
}

use Col::*;

/// Every table, parents before children (the order rows are restored in). A test checks this
/// list against the migrated schema of both backends, so a new table cannot be forgotten.
const TABLES: &[Table] = &[
    Table {
        name: "units",
        columns: &[
            ("id", Int),
            ("name", Text),
            ("kind", Text),
            ("short_name", OptText),
            ("created_at", Time),
        ],
        order_by: "id",
        identity: true,
    },
    Table {
        name: "unit_group_members",
        columns: &[("group_id", Int), ("member_id", Int), ("position", Int)],
        order_by: "group_id, member_id",
        identity: false,
    },
    Table {
        name: "plans",
        columns: &[
            ("id", Int),
            ("created_at", Time),
            ("created_by", Text),
            ("code", OptText),
            ("state", Text),
        ],
        order_by: "id",
        identity: true,
    },
    Table {
        name: "plan_revisions",
        columns: &[
            ("id", Int),
            ("plan_id", Int),
            ("number", Int),
            ("title", Text),
            ("period_start", Int),
            ("period_end", Int),
            ("source_kind", Text),
            ("source_name", Text),
            ("plan_json", Text),
            ("created_at", Time),
            ("created_by", Text),
        ],
        order_by: "id",
        identity: true,
    },
    Table {
        name: "plan_sections",
        columns: &[
            ("revision_id", Int),
            ("position", Int),
            ("number", Text),
            ("title", Text),
        ],
        order_by: "revision_id, position",
        identity: false,
    },
    Table {
        name: "tasks",
        columns: &[("id", Int), ("plan_id", Int), ("number", Int)],
        order_by: "id",
        identity: true,
    },
    Table {
        name: "task_versions",
        columns: &[
            ("revision_id", Int),
            ("task_id", Int),
            ("label", Text),
            ("title", Text),
            ("section", Text),
            ("body", Text),
        ],
        order_by: "revision_id, task_id",
        identity: false,
    },
    Table {
        name: "task_units",
        columns: &[
            ("revision_id", Int),
            ("task_id", Int),
            ("role", Text),
            ("unit_id", Int),
            ("position", Int),
        ],
        order_by: "revision_id, task_id, role, unit_id",
        identity: false,
    },
    Table {
        name: "plan_indicators",
        columns: &[
            ("revision_id", Int),
            ("key", Text),
            ("name", Text),
            ("unit", OptText),
            ("direction", Text),
        ],
        order_by: "revision_id, key",
        identity: false,
    },
    Table {
        name: "targets",
        columns: &[
            ("id", Int),
            ("revision_id", Int),
            ("task_id", OptInt),
            ("position", Int),
            ("indicator", Text),
            ("indicator_key", OptText),
            ("text", Text),
            ("value", OptReal),
            ("value_max", OptReal),
            ("value_text", OptText),
            ("unit", OptText),
            ("year", OptInt),
            ("comparator", OptText),
            ("year_basis", OptText),
            ("recurrence", OptText),
            ("note", OptText),
        ],
        order_by: "id",
        identity: true,
    },
    Table {
        name: "milestones",
        columns: &[
            ("id", Int),
            ("revision_id", Int),
            ("task_id", Int),
            ("position", Int),
            ("text", Text),
            ("what", Text),
            ("year_start", OptInt),
            ("year", OptInt),
            ("kind", OptText),
        ],
        order_by: "id",
        identity: true,
    },
    Table {
        name: "org_bodies",
        columns: &[
            ("id", Int),
            ("kind", Text),
            ("name", Text),
            ("seat_unit_id", OptInt),
            ("description", Text),
            ("position", Int),
        ],
        order_by: "id",
        identity: true,
    },
    Table {
        name: "org_body_units",
        columns: &[("body_id", Int), ("unit_id", Int), ("position", Int)],
        order_by: "body_id, unit_id",
        identity: false,
    },
    Table {
        name: "task_force_tasks",
        columns: &[("task_id", Int), ("body_id", Int)],
        order_by: "task_id",
        identity: false,
    },
    Table {
        name: "users",
        columns: &[
            ("id", Int),
            ("username", Text),
            ("display_name", Text),
            ("role", Text),
            ("unit_id", OptInt),
            ("task_force_id", OptInt),
            ("password_hash", Text),
            ("disabled_at", OptTime),
            ("created_at", Time),
            ("updated_at", Time),
            ("email", OptText),
            ("mobile", OptText),
        ],
        order_by: "id",
        identity: true,
    },
    Table {
        name: "sessions",
        columns: &[
            ("id", Int),
            ("token_hash", Text),
            ("user_id", Int),
            ("created_at", Time),
            ("expires_at", Time),
            ("revoked_at", OptTime),
            ("last_seen_at", OptTime),
        ],
        order_by: "id",
        identity: true,
    },
    Table {
        name: "audit_log",
        columns: &[
            ("id", Int),
            ("at", Time),
            ("actor", Text),
            ("action", Text),
            ("entity", Text),
            ("entity_id", Text),
            ("before_json", OptText),
            ("after_json", OptText),
            ("prev_hash", OptText),
            ("hash", OptText),
            ("plan_id", OptInt),
        ],
        order_by: "id",
        identity: true,
    },
    // Quarterly reporting (migration 0002).
    Table {
        name: "reporting_periods",
        columns: &[
            ("id", Int),
            ("plan_id", Int),
            ("quarter", Text),
            ("deadline", Text),
            ("created_at", Time),
        ],
        order_by: "id",
        identity: true,
    },
    Table {
        name: "period_events",
        columns: &[
            ("id", Int),
            ("period_id", Int),
            ("action", Text),
            ("at", Time),
            ("actor", Text),
            ("reason", OptText),
            ("until_day", OptText),
        ],
        order_by: "id",
        identity: true,
    },
    Table {
        name: "period_extensions",
        columns: &[
            ("id", Int),
            ("period_id", Int),
            ("unit_id", Int),
            ("until_day", Text),
            ("reason", Text),
            ("at", Time),
            ("actor", Text),
        ],
        order_by: "id",
        identity: true,
    },
    Table {
        name: "extension_requests",
        columns: &[
            ("id", Int),
            ("period_id", Int),
            ("unit_id", Int),
            ("until_day", Text),
            ("reason", Text),
            ("asked_at", Time),
            ("asked_by", Text),
            ("decision", OptText),
            ("decided_at", OptTime),
            ("decided_by", OptText),
            ("note", OptText),
        ],
        order_by: "id",
        identity: true,
    },
    Table {
        name: "indicators",
        columns: &[
            ("id", Int),
            ("plan_id", Int),
            ("position", Int),
            ("code", Text),
            ("name", Text),
            ("unit_of_measure", OptText),
            ("reporter_id", Int),
            ("kind", Text),
            ("direction", Text),
            ("def_json", Text),
            ("set_aside", OptText),
        ],
        order_by: "id",
        identity: true,
    },
    Table {
        name: "indicator_baselines",
        columns: &[
            ("indicator_id", Int),
            ("year", Int),
            ("value", OptReal),
            ("source", Text),
            ("demo", Int),
            ("updated_at", Time),
            ("updated_by", Text),
        ],
        order_by: "indicator_id",
        identity: false,
    },
    Table {
        name: "breakdown_items",
        columns: &[
            ("id", Int),
            ("plan_id", Int),
            ("item_key", Text),
            ("year", Int),
            ("task_id", Int),
            ("kind", Text),
            ("title", Text),
            ("responsible_id", Int),
            ("due_day", Text),
            ("indicator_code", OptText),
            ("target_value", OptReal),
            ("origin", Text),
            ("note", Text),
            ("withdrawn", Int),
            ("updated_at", Time),
        ],
        order_by: "id",
        identity: true,
    },
    Table {
        name: "reports",
        columns: &[
            ("id", Int),
            ("plan_id", Int),
            ("unit_id", Int),
            ("quarter", Text),
            ("state", Text),
            ("version", Int),
            ("submissions", Int),
            ("first_submitted_at", OptTime),
            ("last_submitted_at", OptTime),
            ("comment", OptText),
            ("approved_by", OptText),
            ("content_hash", Text),
            ("filled_by", Text),
            ("phone", Text),
            ("demo", Int),
            ("created_at", Time),
            ("updated_at", Time),
        ],
        order_by: "id",
        identity: true,
    },
    Table {
        name: "report_events",
        columns: &[
            ("id", Int),
            ("report_id", Int),
            ("version", Int),
            ("action", Text),
            ("from_state", OptText),
            ("to_state", Text),
            ("actor", Text),
            ("role", Text),
            ("at", Time),
            ("comment", OptText),
        ],
        order_by: "id",
        identity: true,
    },
    Table {
        name: "report_task_rows",
        columns: &[
            ("report_id", Int),
            ("position", Int),
            ("row_key", Text),
            ("status", OptText),
            ("share_complete", OptReal),
            ("reached_on", OptText),
            ("contact", Text),
            ("progress", Text),
            ("cumulative", Text),
            ("problems", Text),
            ("next_steps", Text),
            ("evidence_json", Text),
            ("note", Text),
        ],
        order_by: "report_id, position",
        identity: false,
    },
    Table {
        name: "report_indicator_rows",
        columns: &[
            ("report_id", Int),
            ("position", Int),
            ("indicator_id", Int),
            ("value", OptReal),
            ("source", Text),
            ("note", Text),
        ],
        order_by: "report_id, position",
        identity: false,
    },
    Table {
        name: "indicator_values",
        columns: &[
            ("indicator_id", Int),
            ("quarter", Text),
            ("value", OptReal),
            ("source", Text),
            ("note", Text),
            ("origin", Text),
            ("report_id", OptInt),
            ("demo", Int),
            ("updated_at", Time),
            ("updated_by", Text),
        ],
        order_by: "indicator_id, quarter",
        identity: false,
    },
    Table {
        name: "evidence_files",
        columns: &[
            ("sha256", Text),
            ("kind", Text),
            ("size", Int),
            ("first_name", Text),
            ("created_at", Time),
        ],
        order_by: "sha256",
        identity: false,
    },
    Table {
        name: "report_evidence",
        columns: &[
            ("id", Int),
            ("plan_id", Int),
            ("unit_id", Int),
            ("quarter", Text),
            ("row_kind", Text),
            ("row_key", Text),
            ("sha256", Text),
            ("name", Text),
            ("attached_at", Time),
            ("attached_by", Text),
        ],
        order_by: "id",
        identity: true,
    },
    Table {
        name: "api_tokens",
        columns: &[
            ("id", Int),
            ("unit_id", Int),
            ("name", Text),
            ("token_hash", Text),
            ("created_at", Time),
            ("created_by", Text),
            ("revoked_at", OptTime),
            ("scopes", Text),
        ],
        order_by: "id",
        identity: true,
    },
    Table {
        name: "report_texts",
        columns: &[
            ("plan_id", Int),
            ("year", Int),
            ("section", Text),
            ("mode", OptText),
            ("body", OptText),
            ("revision", Int),
            ("updated_at", Time),
            ("updated_by", Text),
        ],
        order_by: "plan_id, year, section",
        identity: false,
    },
    Table {
        name: "public_settings",
        columns: &[
            ("plan_id", Int),
            ("intro", Text),
            ("show_task_counts", Int),
            ("as_of_quarter", OptText),
            ("revision", Int),
            ("updated_at", Time),
            ("updated_by", Text),
        ],
        order_by: "plan_id",
        identity: false,
    },
    Table {
        name: "public_indicators",
        columns: &[("plan_id", Int), ("indicator_id", Int)],
        order_by: "plan_id, indicator_id",
        identity: false,
    },
    Table {
        name: "evaluation_choices",
        columns: &[
            ("plan_id", Int),
            ("kind", Text),
            ("subject", Text),
            ("choice", Text),
            ("evidence", Text),
            ("revision", Int),
            ("updated_at", Time),
            ("updated_by", Text),
        ],
        order_by: "plan_id, kind, subject",
        identity: false,
    },
    // Notifications (migration 0012, decision 0061).
    Table {
        name: "notifications",
        columns: &[
            ("id", Int),
            ("user_id", Int),
            ("kind", Text),
            ("title", Text),
            ("body", Text),
            ("link", Text),
            ("created_at", Time),
            ("read_at", OptTime),
        ],
        order_by: "id",
        identity: true,
    },
    Table {
        name: "notification_deliveries",
        columns: &[
            ("id", Int),
            ("channel", Text),
            ("recipient", Text),
            ("kind", Text),
            ("subject", Text),
            ("body", Text),
            ("status", Text),
            ("attempts", Int),
            ("last_error", OptText),
            ("created_at", Time),
            ("sent_at", OptTime),
            ("not_before", OptTime),
        ],
        order_by: "id",
        identity: true,
    },
    Table {
        name: "reminders_sent",
        columns: &[
            ("kind", Text),
            ("unit_id", Int),
            ("period", Text),
            ("day", Text),
            ("created_at", Time),
        ],
        order_by: "kind, unit_id, period, day",
        identity: false,
    },
    Table {
        name: "supervisions",
        columns: &[
            ("id", Int),
            ("unit_id", Int),
            ("period", Text),
            ("note", Text),
            ("created_by", Text),
            ("created_at", Time),
        ],
        order_by: "id",
        identity: true,
    },
    Table {
        name: "scheduler_leases",
        columns: &[
            ("name", Text),
            ("day", Text),
            ("holder", Text),
            ("taken_at", Time),
        ],
        order_by: "name",
        identity: false,
    },
];

/// The tables whose `id` is an identity column.
pub(crate) fn tables_with_identity() -> impl Iterator<Item = &'static str> {
    TABLES.iter().filter(|t| t.identity).map(|t| t.name)
}

/// Every exported table and its columns, for the schema test.
pub fn exported_columns() -> Vec<(&'static str, Vec<&'static str>)> {
    TABLES
        .iter()
        .map(|t| (t.name, t.columns.iter().map(|c| c.0).collect()))
        .collect()
}

/// How many rows of each table a dump held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DumpSummary {
    pub tables: Vec<(String, usize)>,
}

impl DumpSummary {
    pub fn total_rows(&self) -> usize {
        self.tables.iter().map(|t| t.1).sum()
    }
}

/// What `backup` wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackupKind {
    /// A SQLite database file (`VACUUM INTO`): copy it to `planwatch.sqlite` to restore.
    SqliteFile,
    /// A dump from one consistent snapshot: restore with `planwatch import`.
    Dump,
}

fn cell(row: &Row, name: &str, col: Col) -> Result<Json> {
    Ok(match col {
        Int => Json::from(row.i64(name)?),
        OptInt => row.opt_i64(name)?.map_or(Json::Null, Json::from),
        OptReal => match row.opt_f64(name)? {
            None => Json::Null,
            Some(v) => serde_json::Number::from_f64(v).map_or(Json::Null, Json::Number),
        },
        Text => Json::from(row.text(name)?),
        OptText => row.opt_text(name)?.map_or(Json::Null, Json::from),
        Time => Json::from(time::to_text(row.time(name)?)),
        OptTime => row
            .opt_time(name)?
            .map_or(Json::Null, |t| Json::from(time::to_text(t))),
    })
}

fn to_json_text(v: &impl serde::Serialize) -> String {
    serde_json::to_string(v).expect("JSON values and string lists always serialise")
}

async fn write_dump(tx: &mut Tx, schema_version: i64) -> Result<(String, DumpSummary)> {
    let mut out = String::new();
    let mut summary = Vec::new();
    out.push_str("{\n");
    let _ = writeln!(out, "  \"format\": {},", to_json_text(&FORMAT_NAME));
    let _ = writeln!(out, "  \"version\": {FORMAT_VERSION},");
    let _ = writeln!(out, "  \"schema_version\": {schema_version},");
    out.push_str("  \"tables\": {\n");
    for (ti, t) in TABLES.iter().enumerate() {
        let cols: Vec<&str> = t.columns.iter().map(|c| c.0).collect();
        // Table and column names come from TABLES above, never from input.
        let sql = format!(
            "SELECT {} FROM {} ORDER BY {}",
            cols.join(", "),
            t.name,
            t.order_by
        );
        let rows = tx.fetch_all_sql(sqlx::AssertSqlSafe(sql), &[]).await?;
        let _ = writeln!(out, "    {}: {{", to_json_text(&t.name));
        let _ = writeln!(out, "      \"columns\": {},", to_json_text(&cols));
        if rows.is_empty() {
            out.push_str("      \"rows\": []\n");
        } else {
            out.push_str("      \"rows\": [\n");
            for (ri, r) in rows.iter().enumerate() {
                let cells = t
                    .columns
                    .iter()
                    .map(|(n, c)| cell(r, n, *c))
                    .collect::<Result<Vec<_>>>()?;
                let sep = if ri + 1 < rows.len() { "," } else { "" };
                let _ = writeln!(out, "        {}{sep}", to_json_text(&cells));
            }
            out.push_str("      ]\n");
        }
        let sep = if ti + 1 < TABLES.len() { "," } else { "" };
        let _ = writeln!(out, "    }}{sep}");
        summary.push((t.name.to_string(), rows.len()));
    }
    out.push_str("  }\n}\n");
    Ok((out, DumpSummary { tables: summary }))
}

/// Writes `bytes` to `path` through a temporary file in the same folder, synced before it is
/// renamed into place, so a crash never leaves a half-written file under the final name.
pub(crate) fn write_file_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let io = |p: &Path, e: std::io::Error| StoreError::Io {
        path: p.to_path_buf(),
        detail: e.to_string(),
    };
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "planwatch".to_string());
    let tmp = dir.join(format!(".{file_name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp).map_err(|e| io(&tmp, e))?;
        f.write_all(bytes).map_err(|e| io(&tmp, e))?;
        f.sync_all().map_err(|e| io(&tmp, e))?;
        std::fs::rename(&tmp, path).map_err(|e| io(path, e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

fn bad(source_name: &str, detail: String) -> StoreError {
    StoreError::Dump {
        source_name: source_name.to_string(),
        detail,
    }
}

fn json_to_value(v: &Json, col: Col) -> Option<Value> {
    Some(match (col, v) {
        (OptInt, Json::Null) => Value::Int(None),
        (OptReal, Json::Null) => Value::Real(None),
        (OptText, Json::Null) => Value::Text(None),
        (OptTime, Json::Null) => Value::Time(None),
        (Int | OptInt, Json::Number(n)) => Value::Int(Some(n.as_i64()?)),
        (OptReal, Json::Number(n)) => Value::Real(Some(n.as_f64()?)),
        (Text | OptText, Json::String(s)) => Value::Text(Some(s.clone())),
        (Time | OptTime, Json::String(s)) => Value::Time(Some(time::from_text(s)?)),
        _ => return None,
    })
}

fn expected(col: Col) -> &'static str {
    match col {
        Int => "整数",
        OptInt => "整数或 null",
        OptReal => "数值或 null",
        Text => "文本",
        OptText => "文本或 null",
        Time => "时间（如 2023-09-30T08:00:00.000000Z）",
        OptTime => "时间或 null",
    }
}

/// Checks a parsed dump completely before anything is written: format, schema version, every
/// table and column, and every value's type. Returns the rows to insert, table by table.
fn validate(doc: &Json, schema_version: i64, source_name: &str) -> Result<Vec<Vec<Vec<Value>>>> {
    if doc.get("format").and_then(Json::as_str) != Some(FORMAT_NAME) {
        return Err(bad(
            source_name,
            format!("不是 PlanWatch 导出文件（缺少 \"format\": \"{FORMAT_NAME}\"）"),
        ));
    }
    let version = doc.get("version").and_then(Json::as_i64);
    if version != Some(FORMAT_VERSION) {
        return Err(bad(
            source_name,
            format!("导出格式版本 {version:?} 不受支持（本程序读 {FORMAT_VERSION}）"),
        ));
    }
    let sv = doc.get("schema_version").and_then(Json::as_i64);
    if sv != Some(schema_version) {
        return Err(bad(
            source_name,
            format!(
                "导出文件的数据库结构版本 {sv:?} 与目标数据库（{schema_version}）不同：请用导出它的同一版本 PlanWatch 导入"
            ),
        ));
    }
    let tables = doc
        .get("tables")
        .and_then(Json::as_object)
        .ok_or_else(|| bad(source_name, "缺少 \"tables\"".to_string()))?;
    let mut out = Vec::new();
    for t in TABLES {
        let tv = tables
            .get(t.name)
            .ok_or_else(|| bad(source_name, format!("缺少表 {}", t.name)))?;
        let cols: Vec<&str> = tv
            .get("columns")
            .and_then(Json::as_array)
            .map(|a| a.iter().filter_map(Json::as_str).collect())
            .unwrap_or_default();
        let want: Vec<&str> = t.columns.iter().map(|c| c.0).collect();
        if cols != want {
            return Err(bad(
                source_name,
                format!("表 {} 的列应为 {:?}，文件中是 {:?}", t.name, want, cols),
            ));
        }
        let rows = tv
            .get("rows")
            .and_then(Json::as_array)
            .ok_or_else(|| bad(source_name, format!("表 {} 缺少 \"rows\"", t.name)))?;
        let mut table_rows = Vec::with_capacity(rows.len());
        for (ri, r) in rows.iter().enumerate() {
            let cells = r
                .as_array()
                .filter(|c| c.len() == t.columns.len())
                .ok_or_else(|| {
                    bad(
                        source_name,
                        format!(
                            "表 {} 第 {} 行应有 {} 个值",
                            t.name,
                            ri + 1,
                            t.columns.len()
                        ),
                    )
                })?;
            let mut values = Vec::with_capacity(cells.len());
            for ((name, col), v) in t.columns.iter().zip(cells) {
                values.push(json_to_value(v, *col).ok_or_else(|| {
                    bad(
                        source_name,
                        format!(
                            "表 {} 第 {} 行列 {name}：应为{}，实为 {v}",
                            t.name,
                            ri + 1,
                            expected(*col)
                        ),
                    )
                })?);
            }
            table_rows.push(values);
        }
        out.push(table_rows);
    }
    if let Some(extra) = tables
        .keys()
        .find(|k| !TABLES.iter().any(|t| t.name == k.as_str()))
    {
        return Err(bad(source_name, format!("未知的表 {extra}")));
    }
    Ok(out)
}

impl Store {
    /// The full dump of the database from one consistent snapshot.
    pub async fn export_json(&self) -> Result<(String, DumpSummary)> {
        let schema_version = self.schema_version().await?;
        let mut tx = self.pools.read().await?;
        write_dump(&mut tx, schema_version).await
    }

    /// Writes the full dump to a file (atomically).
    pub async fn export_to(&self, path: &Path) -> Result<DumpSummary> {
        let (text, summary) = self.export_json().await?;
        write_file_atomically(path, text.as_bytes())?;
        Ok(summary)
    }

    /// Restores a dump into this (empty, migrated) database in one transaction: every row with
    /// its id. Anything wrong with the file, or a database that already has data, changes nothing.
    pub async fn import_json(&self, text: &str, source_name: &str) -> Result<DumpSummary> {
        let doc: Json = serde_json::from_str(text).map_err(|e| {
            bad(
                source_name,
                format!("第 {} 行第 {} 列不是有效的 JSON：{e}", e.line(), e.column()),
            )
        })?;
        let schema_version = self.schema_version().await?;
        let data = validate(&doc, schema_version, source_name)?;
        let mut tx = self.pools.write().await?;
        for t in TABLES {
            let sql = format!("SELECT COUNT(*) AS n FROM {}", t.name);
            let rows = tx.fetch_all_sql(sqlx::AssertSqlSafe(sql), &[]).await?;
            let n = rows.first().map(|r| r.i64("n")).transpose()?.unwrap_or(0);
            if n > 0 {
                return Err(StoreError::NotEmpty {
                    table: t.name.to_string(),
                    rows: n,
                });
            }
        }
        let mut summary = Vec::new();
        for (t, rows) in TABLES.iter().zip(&data) {
            let cols: Vec<&str> = t.columns.iter().map(|c| c.0).collect();
            let params: Vec<String> = (1..=cols.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "INSERT INTO {} ({}) VALUES ({})",
                t.name,
                cols.join(", "),
                params.join(", ")
            );
            for values in rows {
                tx.execute_sql(sqlx::AssertSqlSafe(sql.clone()), values)
                    .await?;
            }
            summary.push((t.name.to_string(), rows.len()));
        }
        if tx.backend() == Backend::Postgres {
            for t in TABLES.iter().filter(|t| t.identity) {
                let sql = format!(
                    "SELECT setval(pg_get_serial_sequence('{0}', 'id'), \
                     COALESCE((SELECT MAX(id) FROM {0}), 0) + 1, false)",
                    t.name
                );
                tx.fetch_all_sql(sqlx::AssertSqlSafe(sql), &[]).await?;
            }
        }
        tx.commit().await?;
        Ok(DumpSummary { tables: summary })
    }

    /// A consistent online backup. SQLite: `VACUUM INTO` a new database file. PostgreSQL: the
    /// full dump from one REPEATABLE READ snapshot. An existing file is never overwritten.
    pub async fn backup(&self, path: &Path) -> Result<BackupKind> {
        if path.exists() {
            return Err(StoreError::BackupExists {
                path: path.to_path_buf(),
            });
        }
        match &self.pools {
            Pools::Sqlite { writer, .. } => {
                let target = path.to_string_lossy().to_string();
                sqlx::query("VACUUM INTO $1")
                    .bind(target)
                    .execute(writer)
                    .await?;
                let synced = std::fs::File::open(path).and_then(|f| f.sync_all());
                synced.map_err(|e| StoreError::Io {
                    path: PathBuf::from(path),
                    detail: e.to_string(),
                })?;
                Ok(BackupKind::SqliteFile)
            }
            Pools::Postgres(_) => {
                self.export_to(path).await?;
                Ok(BackupKind::Dump)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_has_an_id_or_a_composite_order() {
        for t in TABLES {
            assert_eq!(
                t.identity,
                t.columns[0].0 == "id" && t.order_by == "id",
                "{}",
                t.name
            );
            for key in t.order_by.split(", ") {
                assert!(t.columns.iter().any(|c| c.0 == key), "{}.{key}", t.name);
            }
        }
    }

    #[test]
    fn values_of_the_wrong_type_are_refused() {
        assert_eq!(
            json_to_value(&Json::from(3), Int),
            Some(Value::Int(Some(3)))
        );
        assert_eq!(json_to_value(&Json::from("3"), Int), None);
        assert_eq!(json_to_value(&Json::Null, Int), None);
        assert_eq!(json_to_value(&Json::from(1.5), Int), None);
        assert_eq!(json_to_value(&Json::from("2023-13-01"), Time), None);
        assert!(json_to_value(&Json::from("2023-09-30T08:00:00.000000Z"), Time).is_some());
    }
}
