//! `planwatch audit [--entity E] [--entity-id ID] [--since DATE] [--limit N] [--format text|json]`:
//! read the audit trail (who changed what, before and after, when).
//! `planwatch audit verify`: check the trail's hash chain and report the first broken row.

use anyhow::Context as _;
use chrono::{DateTime, NaiveDate, Utc};
use planwatch_app as app;
use planwatch_store::{AuditFilter, OpenMode};
use std::path::Path;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<AuditCommand>,
    /// Only this kind of entity: plan_revision, unit, organisation, user, session, sign_in,
    /// access; `security` for every security event.
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

#[derive(Debug, clap::Subcommand)]
pub enum AuditCommand {
    /// Check that no audit row was changed, deleted or reordered behind PlanWatch's back (each
    /// row carries a hash chained to the row before it). Exit 1 at the first broken row. 校验审计日志
    Verify,
}

fn verify(data_dir: &Path) -> anyhow::Result<ExitCode> {
    app::block_on(async {
        let store = app::open(data_dir, OpenMode::Existing).await?;
        let report = store.verify_audit_chain().await;
        store.close().await;
        let report = report?;
        match (&report.first_broken, &report.head) {
            (Some(b), _) => {
                println!(
                    "审计日志校验未通过：第 #{} 行起哈希链断开（{}）。已校验 {} 行。",
                    b.id, b.problem, report.rows
                );
                println!("请从备份核对该行及其后的记录；审计日志不应在 PlanWatch 之外被修改。");
                Ok(ExitCode::from(1))
            }
            (None, Some((id, hash))) => {
                println!(
                    "审计日志校验通过 (ok)：{} 行，哈希链完整。链尾：#{id} {hash}",
                    report.rows
                );
                println!("（可记下链尾哈希：日后若链尾之前的记录被截去或替换，将与此不符。）");
                Ok(ExitCode::SUCCESS)
            }
            (None, None) => {
                println!("审计日志校验通过 (ok)：审计日志为空。");
                Ok(ExitCode::SUCCESS)
            }
        }
    })
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
    if let Some(AuditCommand::Verify) = a.command {
        return verify(data_dir);
    }
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
