//! `planwatch extract FILE [--format json|text]`.

use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The plan file.
    pub file: PathBuf,
    /// Output format.
    #[arg(long, default_value = "text", value_parser = ["json", "text"])]
    pub format: String,
}

pub fn run(a: Args) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(&a.file)?;
    let plan = planwatch_plantext::extract_text(&text);
    if a.format == "json" {
        println!("{}", serde_json::to_string_pretty(&plan)?);
    } else {
        println!("{}", plan.title);
    }
    Ok(ExitCode::SUCCESS)
}
