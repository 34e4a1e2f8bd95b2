//! Prints the text the extractor reads from a file (a PDF's text layer with form feeds between
//! pages, a web page's article, a .docx's paragraphs): `cargo run -p planwatch-plantext
//! --example plan_text -- FILE`.

fn main() -> std::process::ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: plan_text FILE");
        return std::process::ExitCode::FAILURE;
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match planwatch_plantext::decode_document(&bytes, &path) {
        Ok(d) => {
            print!("{}", d.text);
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
