//! `planwatch extract FILE [--format json|text]`: reads a plan file (.txt in UTF-8/GB18030,
//! .docx, a PDF with a text layer, a saved web page, .doc/.wps through LibreOffice, or a task
//! table in .xlsx/.ods/.csv) and prints the extracted plan as interchange JSON or as a Chinese
//! summary.

use anyhow::anyhow;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The plan file (.txt in UTF-8 or GB18030/GBK, .docx, .pdf with a text layer, a saved web
    /// page .html/.htm, .doc/.wps through LibreOffice, or a task table in .xlsx/.ods/.csv). 计划文件
    pub file: PathBuf,
    /// Output format: json (plan interchange JSON) or text (summary for checking). 输出格式
    #[arg(long, default_value = "text", value_parser = ["json", "text"])]
    pub format: String,
}

pub fn run(a: Args) -> anyhow::Result<ExitCode> {
    let shown = a.file.display();
    let bytes = std::fs::read(&a.file).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => anyhow!("找不到文件“{shown}” (file not found: {shown})"),
        std::io::ErrorKind::PermissionDenied => {
            anyhow!("没有权限读取文件“{shown}” (permission denied: {shown})")
        }
        std::io::ErrorKind::IsADirectory => {
            anyhow!("“{shown}”是文件夹，请给出计划文件 (is a directory: {shown})")
        }
        _ => anyhow!("无法读取文件“{shown}”：{e} (cannot read {shown})"),
    })?;
    let name = a
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let plan = planwatch_app::plan_input::extract_plan_bytes(&bytes, &name)
        .map_err(|e| anyhow!("无法读取“{shown}”：{e}"))?;
    let out = if a.format == "json" {
        let mut s = serde_json::to_string_pretty(&plan)?;
        s.push('\n');
        s
    } else {
        planwatch_plantext::summary_zh(&plan)
    };
    // Write all at once: a closed pipe is not a crash worth a panic.
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout
        .write_all(out.as_bytes())
        .and_then(|()| stdout.flush())
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        return Err(e.into());
    }
    Ok(ExitCode::SUCCESS)
}
