//! `planwatch template --unit UNIT --period 2023Q3 --out FILE.xlsx`: the unit's quarterly form
//! (重点任务季度进展报送表 and 指标季度报送表), pre-filled with its saved draft if any.

use anyhow::Context as _;
use planwatch_app as app;
use planwatch_app::reporting as rep;
use planwatch_model::Quarter;
use planwatch_store::OpenMode;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The reporting unit, e.g. 市科技局. 填报单位
    #[arg(long)]
    pub unit: String,
    /// The quarter, e.g. 2023Q3. 报送季度
    #[arg(long)]
    pub period: Quarter,
    /// Where to write the workbook (default: UNIT-PERIOD.xlsx). 输出文件
    #[arg(long)]
    pub out: Option<PathBuf>,
}

pub fn run(data_dir: &Path, a: Args) -> anyhow::Result<ExitCode> {
    app::block_on(async {
        let store = app::open(data_dir, OpenMode::Existing).await?;
        let result = async {
            let now = app::now();
            let ctx = rep::prepare(&store, data_dir, &app::cli_actor(), now).await?;
            if let Some(s) = ctx.setup_summary() {
                println!("{s}");
            }
            let bytes = rep::template(
                &store,
                &ctx,
                &planwatch_model::UnitName::from(a.unit.trim()),
                a.period,
            )
            .await?;
            let out = a
                .out
                .clone()
                .unwrap_or_else(|| PathBuf::from(format!("{}-{}.xlsx", a.unit.trim(), a.period)));
            std::fs::write(&out, &bytes).with_context(|| format!("无法写入 {}", out.display()))?;
            let scope = ctx
                .inputs()
                .scope(&planwatch_model::UnitName::from(a.unit.trim()), a.period);
            let period = ctx.period(a.period)?;
            println!(
                "已生成“{}”{}报送模板：{}（重点任务 {} 行，指标 {} 项；报送期限 {}）",
                a.unit.trim(),
                a.period.label_zh(),
                out.display(),
                scope.rows.len(),
                scope.indicators.len(),
                period.deadline_for(&planwatch_model::UnitName::from(a.unit.trim()))
            );
            println!(
                "填写黄色单元格后，用 planwatch submit {} 提交。",
                out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        .await;
        store.close().await;
        result
    })
}
