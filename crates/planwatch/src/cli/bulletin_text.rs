//! `planwatch report bulletin-text set|show|clear`: the office's own text for sections of a
//! quarter's bulletin (季度通报), which replaces or follows the drafted 【草稿】 paragraphs. Stored
//! and audited as the annual report's texts are; a refused change changes nothing and exits
//! with code 2.

use super::report_text::{read_text, refused};
use planwatch_app as app;
use planwatch_app::AppError;
use planwatch_app::report_texts as texts;
use planwatch_docs::bulletin::BulletinSection;
use planwatch_model::Quarter;
use planwatch_store::{OpenMode, TextChange};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Set a section's text from a UTF-8 file (`-` reads standard input). 填写通报文字
    Set {
        /// The quarter of the bulletin, e.g. 2024Q3. 季度
        #[arg(long)]
        period: Quarter,
        /// The section: its key (requirements, highlights, overall, …) or its heading
        /// (下一步工作要求). 部分
        #[arg(long)]
        section: String,
        /// replace: instead of the drafted text; append: after it. 方式
        #[arg(long, default_value = "replace")]
        mode: String,
        /// Act as this PlanWatch user (default: the operator, as the office).
        #[arg(long = "as")]
        as_user: Option<String>,
        /// The text, one paragraph per line (UTF-8); `-` for standard input. 文字文件
        file: PathBuf,
    },
    /// Show the office's texts of a quarter's bulletin. 查看通报文字
    Show {
        #[arg(long)]
        period: Quarter,
    },
    /// Remove a section's text: the bulletin shows the draft again. 清除通报文字
    Clear {
        #[arg(long)]
        period: Quarter,
        #[arg(long)]
        section: String,
        #[arg(long = "as")]
        as_user: Option<String>,
    },
}

fn finish(
    r: Result<TextChange, AppError>,
    period: Quarter,
    section: BulletinSection,
) -> anyhow::Result<ExitCode> {
    let name = format!("{}通报“{}”", period.label_zh(), section.heading_zh());
    match r {
        Ok(TextChange::Changed(t)) => {
            match t.current {
                Some((mode, _)) => println!(
                    "已保存{name}的办公室文字（{}，第 {} 版）。",
                    mode.label_zh(),
                    t.revision
                ),
                None => println!(
                    "已清除{name}的办公室文字（第 {} 版），通报将显示系统草稿。",
                    t.revision
                ),
            }
            Ok(ExitCode::SUCCESS)
        }
        Ok(TextChange::Unchanged(Some(t))) if t.current.is_some() => {
            println!("{name}的文字与已保存的相同，未作更改。");
            Ok(ExitCode::SUCCESS)
        }
        Ok(TextChange::Unchanged(_)) => {
            println!("{name}没有办公室文字，未作更改。");
            Ok(ExitCode::SUCCESS)
        }
        Err(AppError::Internal(e)) => Err(e),
        Err(e) => refused(e),
    }
}

pub fn run(data_dir: &Path, a: Args) -> anyhow::Result<ExitCode> {
    match a.command {
        Command::Set {
            period,
            section,
            mode,
            as_user,
            file,
        } => {
            let section = match texts::parse_bulletin_section(&section) {
                Ok(s) => s,
                Err(e) => return refused(e),
            };
            let mode = match texts::parse_mode(&mode) {
                Ok(m) => m,
                Err(e) => return refused(e),
            };
            let text = match read_text(&file)? {
                Ok(t) => t,
                Err(m) => return refused(m),
            };
            app::block_on(async {
                let store = app::open(data_dir, OpenMode::Existing).await?;
                let who = app::Caller::CommandLine {
                    as_user: as_user.as_deref(),
                };
                let r = texts::set_bulletin_text(
                    &store,
                    who,
                    period,
                    section,
                    mode,
                    &text,
                    None,
                    app::now(),
                )
                .await;
                store.close().await;
                finish(r, period, section)
            })
        }
        Command::Clear {
            period,
            section,
            as_user,
        } => {
            let section = match texts::parse_bulletin_section(&section) {
                Ok(s) => s,
                Err(e) => return refused(e),
            };
            app::block_on(async {
                let store = app::open(data_dir, OpenMode::Existing).await?;
                let who = app::Caller::CommandLine {
                    as_user: as_user.as_deref(),
                };
                let r = texts::clear_bulletin_text(&store, who, period, section, None, app::now())
                    .await;
                store.close().await;
                finish(r, period, section)
            })
        }
        Command::Show { period } => app::block_on(async {
            let store = app::open(data_dir, OpenMode::Existing).await?;
            let result = texts::stored_bulletin_texts(&store, period).await;
            store.close().await;
            let stored = result?;
            println!("{}季度通报 · 办公室文字", period.label_zh());
            for key in BulletinSection::ALL {
                let line = super::report_text::describe_stored(stored.get(&key));
                println!("\n[{}] {}：{line}", key.as_str(), key.heading_zh());
            }
            Ok(ExitCode::SUCCESS)
        }),
    }
}
