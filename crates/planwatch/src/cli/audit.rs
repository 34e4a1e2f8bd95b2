//! `planwatch audit [--entity E] [--entity-id ID] [--since DATE] [--limit N] [--format text|json]`:
//! read the audit trail (who changed what, before and after, when).

use crate::app;
use anyhow::Context as _;
use chrono::{DateTime, NaiveDate, Utc};
use planwatch_store::{AuditFilter, OpenMode};
use std::path::Path;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only this kind of entity: plan_revision, unit, organisation, user, session.
    #[arg(long)]
    pub entity: Option<String>,
    /// Only this entity (with --entity).
    #[arg(long)]
    pub entity_id: Option<String>,
    /// Only changes at or after this time: 2023-09-30 or 2023-09-30T08:00:00Z (UTC).
    #[arg(long)]
    pub since: Option<String>,
    /// Only the newest N rows.
    #[arg(long)]
    pub limit: Option<i64>,
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    pub format: String,
}

fn parse_since(s: &str) -> anyhow::Result<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
        .with_context(|| {
            format!("--since “{s}” 无法识别：请写成 2023-09-30 或 2023-09-30T08:00:00Z")
        })
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(max).collect::<String>())
    }
}

pub fn run(data_dir: &Path, a: Args) -> anyhow::Result<ExitCode> {
    let filter = AuditFilter {
        entity: a.entity,
        entity_id: a.entity_id,
        since: a.since.as_deref().map(parse_since).transpose()?,
        limit: a.limit,
    };
    app::block_on(async {
        let store = app::open(data_dir, OpenMode::Existing).await?;
        let rows = store.audit_entries(&filter).await;
        store.close().await;
        let rows = rows?;
        if a.format == "json" {
            println!("{}", serde_json::to_string_pretty(&rows)?);
            return Ok(ExitCode::SUCCESS);
        }
        if rows.is_empty() {
            println!("没有符合条件的审计记录。");
        }
        for r in rows {
            println!(
                "#{} {} {} {} {}#{}",
                r.id,
                r.at.format("%Y-%m-%d %H:%M:%S%.3fZ"),
                r.actor,
                r.action,
                r.entity,
                r.entity_id
            );
            if let Some(b) = &r.before {
                println!("    之前：{}", shorten(b, 300));
            }
            if let Some(after) = &r.after {
                println!("    之后：{}", shorten(after, 300));
            }
        }
        Ok(ExitCode::SUCCESS)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_accepts_a_date_or_a_full_timestamp() {
        assert_eq!(
            parse_since("2023-09-30").expect("date").to_rfc3339(),
            "2023-09-30T00:00:00+00:00"
        );
        assert_eq!(
            parse_since("2023-09-30T08:00:00+08:00")
                .expect("rfc3339")
                .to_rfc3339(),
            "2023-09-30T00:00:00+00:00"
        );
        assert!(parse_since("yesterday").is_err());
    }
}
