//! Prints the text the extractor reads from a file (decoding and .docx flattening only).
fn main() {
    let path = std::env::args().nth(1).expect("usage: decode FILE");
    let bytes = std::fs::read(&path).expect("readable file");
    match planwatch_plantext::decode(&bytes, &path) {
        Ok(t) => print!("{t}"),
        Err(e) => eprintln!("{e}"),
    }
}
