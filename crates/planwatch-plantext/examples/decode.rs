//! Prints the text the extractor reads from a file: decoding (UTF-8, GB18030, UTF-16) and the
//! .docx flattening (paragraphs, tab-separated table rows, automatic list numbers) only.
//! `cargo run -p planwatch-plantext --example decode -- FILE`

use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("用法 (usage): decode FILE");
        return ExitCode::from(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("无法读取“{path}” (cannot read {path}): {e}");
            return ExitCode::FAILURE;
        }
    };
    match planwatch_plantext::decode(&bytes, &path) {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("无法读取“{path}”：{e}");
            ExitCode::FAILURE
        }
    }
}
