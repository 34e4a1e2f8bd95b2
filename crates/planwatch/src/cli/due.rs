//! `planwatch due --period 2023Q3 [--format text|json]`: per unit, what is due, by when, and its
//! state (not started, draft, submitted, late, returned, accepted, missing).

use planwatch_app as app;
use planwatch_app::reporting as rep;
use planwatch_model::Quarter;
use planwatch_quarterly::DueState;
use planwatch_store::OpenMode;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The quarter, e.g. 2023Q3. 报送季度
    #[arg(long)]
    pub period: Quarter,
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    pub format: String,
}

/// Pads to a display width counting CJK characters as two columns.
fn pad(s: &str, width: usize) -> String {
    let w: usize = s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

pub fn run(data_dir: &Path, a: Args) -> anyhow::Result<ExitCode> {
    app::block_on(async {
        let store = app::open(data_dir, OpenMode::Existing).await?;
        let now = app::now();
        let result = async {
            let ctx = rep::prepare(&store, data_dir, &app::cli_actor(), now).await?;
            if let Some(s) = ctx.setup_summary() {
                println!("{s}");
            }
            rep::due(&store, &ctx, a.period, now).await
        }
        .await;
        store.close().await;
        let lines = result?;
        if a.format == "json" {
            println!("{}", serde_json::to_string_pretty(&lines)?);
            return Ok(ExitCode::SUCCESS);
        }
        let demo = lines.iter().any(|l| l.demo);
        println!(
            "{}报送情况（截至 {}）{}",
            a.period.label_zh(),
            planwatch_quarterly::period::cst_from_utc(now).format("%Y-%m-%d %H:%M"),
            if demo { "【含示例数据】" } else { "" }
        );
        println!(
            "{}{}{}{}状态",
            pad("单位", 24),
            pad("任务行", 8),
            pad("指标", 6),
            pad("报送期限", 12)
        );
        let mut counts: BTreeMap<DueState, usize> = BTreeMap::new();
        for l in &lines {
            *counts.entry(l.due.state).or_default() += 1;
            let when = l
                .submitted_at
                .map(|t| format!("（首次报送 {}）", t.format("%m-%d %H:%M")))
                .unwrap_or_default();
            println!(
                "{}{}{}{}{}{when}",
                pad(&l.unit, 24),
                pad(&l.task_rows.to_string(), 8),
                pad(&l.indicators.to_string(), 6),
                pad(&l.deadline.to_string(), 12),
                l.state_label
            );
        }
        let summary: Vec<String> = counts
            .iter()
            .map(|(s, n)| format!("{} {n}", s.label_zh()))
            .collect();
        println!("合计：应报 {} 个单位；{}", lines.len(), summary.join("，"));
        Ok(ExitCode::SUCCESS)
    })
}
