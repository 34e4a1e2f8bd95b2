//! Prints the plan interchange JSON extracted from a file, exactly as
//! `planwatch extract FILE --format json` prints it; used to score the extractor against gold
//! annotations. `cargo run -p planwatch-plantext --example extract_json -- FILE`

use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("用法 (usage): extract_json FILE");
        return ExitCode::from(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("无法读取“{path}” (cannot read {path}): {e}");
            return ExitCode::FAILURE;
        }
    };
    let plan = match planwatch_plantext::extract_bytes(&bytes, &path) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("无法读取“{path}”：{e}");
            return ExitCode::FAILURE;
        }
    };
    match serde_json::to_string_pretty(&plan) {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("无法输出 JSON (cannot write JSON): {e}");
            ExitCode::FAILURE
        }
    }
}
