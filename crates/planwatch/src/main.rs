//! The `planwatch` binary: parses argv and hands each command to its module in `cli/`.
//! Only this layer knows argv and exit codes.

mod cli;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    quiet_on_closed_stdout();
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误 (error): {e:#}");
            ExitCode::from(1)
        }
    }
}

/// `planwatch due | head` closes stdout early; `println!` then panics with "Broken pipe". That is
/// the reader's choice, not a failure of ours, so end quietly with the conventional status 141
/// (128 + SIGPIPE) instead of printing a panic message. Every other panic keeps the default hook.
fn quiet_on_closed_stdout() {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or_default();
        if message.contains("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(141);
        }
        default_hook(info);
    }));
}
