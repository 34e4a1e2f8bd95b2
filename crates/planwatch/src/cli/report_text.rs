//! `planwatch report text set|show|clear`: the office's own text for sections of the annual
//! report, which replaces or follows the drafted 【草稿】 paragraphs when the report is generated.
//! A refused change (unknown section, empty text, a role other than the office or an admin)
//! changes nothing and exits with code 2.

use planwatch_app as app;
use planwatch_app::AppError;
use planwatch_app::report_texts as texts;
use planwatch_docs::view::SectionKey;
use planwatch_store::{OpenMode, TextChange};
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Set a section's text from a UTF-8 file (`-` reads standard input). 填写报告文字
    Set {
        /// The year of the report. 年度
        #[arg(long)]
        year: i32,
        /// The section: its key (problems, countermeasures, overall, …) or its heading
        /// (存在的问题). 部分
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
    /// Show the office's texts of a year. 查看报告文字
    Show {
        #[arg(long)]
        year: i32,
    },
    /// Remove a section's text: the report shows the draft again. 清除报告文字
    Clear {
        #[arg(long)]
        year: i32,
        #[arg(long)]
        section: String,
        #[arg(long = "as")]
        as_user: Option<String>,
    },
}

/// Reads the text: the file, or standard input for `-`; UTF-8 only (a leading BOM is dropped).
pub(super) fn read_text(file: &Path) -> anyhow::Result<Result<String, String>> {
    let bytes = if file == Path::new("-") {
        let mut b = Vec::new();
        std::io::stdin()
            .read_to_end(&mut b)
            .map_err(|e| anyhow::anyhow!("无法读取标准输入：{e}"))?;
        b
    } else {
        std::fs::read(file).map_err(|e| anyhow::anyhow!("无法读取 {}：{e}", file.display()))?
    };
    let name = if file == Path::new("-") {
        "标准输入".to_string()
    } else {
        file.display().to_string()
    };
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    Ok(match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(e) => Err(format!(
            "{name} 不是 UTF-8 编码（第 {} 字节处）：请另存为 UTF-8 后重试，未作任何更改",
            e.valid_up_to() + 1
        )),
    })
}

pub(super) fn refused(message: impl std::fmt::Display) -> anyhow::Result<ExitCode> {
    eprintln!("未保存 (refused)：{message}");
    Ok(ExitCode::from(2))
}

fn outcome(change: TextChange, year: i32, section: SectionKey) {
    let name = format!("{year}年度报告“{}”", section.heading_zh());
    match change {
        TextChange::Changed(t) => match t.current {
            Some((mode, _)) => println!(
                "已保存{name}的办公室文字（{}，第 {} 版）。",
                mode.label_zh(),
                t.revision
            ),
            None => println!(
                "已清除{name}的办公室文字（第 {} 版），报告将显示系统草稿。",
                t.revision
            ),
        },
        TextChange::Unchanged(Some(t)) if t.current.is_some() => {
            println!("{name}的文字与已保存的相同，未作更改。")
        }
        TextChange::Unchanged(_) => println!("{name}没有办公室文字，未作更改。"),
    }
}

pub fn run(data_dir: &Path, a: Args) -> anyhow::Result<ExitCode> {
    match a.command {
        Command::Set {
            year,
            section,
            mode,
            as_user,
            file,
        } => {
            let section = match texts::parse_section(&section) {
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
                let result = async {
                    let who = app::Caller::CommandLine {
                        as_user: as_user.as_deref(),
                    };
                    let r =
                        texts::set_text(&store, who, year, section, mode, &text, None, app::now())
                            .await;
                    finish(r, year, section)
                }
                .await;
                store.close().await;
                result
            })
        }
        Command::Clear {
            year,
            section,
            as_user,
        } => {
            let section = match texts::parse_section(&section) {
                Ok(s) => s,
                Err(e) => return refused(e),
            };
            app::block_on(async {
                let store = app::open(data_dir, OpenMode::Existing).await?;
                let result = async {
                    let who = app::Caller::CommandLine {
                        as_user: as_user.as_deref(),
                    };
                    let r = texts::clear_text(&store, who, year, section, None, app::now()).await;
                    finish(r, year, section)
                }
                .await;
                store.close().await;
                result
            })
        }
        Command::Show { year } => app::block_on(async {
            let store = app::open(data_dir, OpenMode::Existing).await?;
            let result = texts::stored_texts(&store, year).await;
            store.close().await;
            let stored = result?;
            println!("{year}年度评价考核报告 · 办公室文字");
            for key in SectionKey::ALL {
                let line = describe_stored(stored.get(&key));
                println!("\n[{}] {}：{line}", key.as_str(), key.heading_zh());
            }
            Ok(ExitCode::SUCCESS)
        }),
    }
}

fn finish(
    r: Result<TextChange, AppError>,
    year: i32,
    section: SectionKey,
) -> anyhow::Result<ExitCode> {
    match r {
        Ok(change) => {
            outcome(change, year, section);
            Ok(ExitCode::SUCCESS)
        }
        Err(AppError::Internal(e)) => Err(e),
        Err(e) => refused(e),
    }
}

/// How a stored section reads in `… text show`: its mode, revision, author and text, or that
/// it was cleared, or that the draft is used.
pub(super) fn describe_stored(stored: Option<&planwatch_store::ReportText>) -> String {
    let Some(t) = stored else {
        return "未填写，使用系统草稿".to_string();
    };
    let at = t
        .updated_at
        .with_timezone(&app::assess::china())
        .format("%Y-%m-%d %H:%M");
    match &t.current {
        Some((mode, body)) => format!(
            "{}，第 {} 版，{} {at}\n{}",
            mode.label_zh(),
            t.revision,
            t.updated_by,
            body.lines()
                .map(|l| format!("    {l}"))
                .collect::<Vec<_>>()
                .join("\n")
        ),
        None => format!(
            "已清除（第 {} 版，{} {at}），使用系统草稿",
            t.revision, t.updated_by
        ),
    }
}
