//! The `planwatch` binary: parses argv and hands each command to its module in `cli/`.
//! Only this layer knows argv and exit codes.

mod app;
mod cli;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误 (error): {e:#}");
            ExitCode::from(1)
        }
    }
}
