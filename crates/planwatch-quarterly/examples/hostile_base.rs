//! Writes the base files of the hostile-file collection (`fixtures/hostile/base/`): the
//! 市科技局 2023Q3 quarterly form filled in completely, and the 2023 breakdown form, both as the
//! product generates them. `fixtures/hostile/make_hostile.py` derives every hostile file from
//! these. Run: `cargo run -p planwatch-quarterly --example hostile_base`.

#[path = "../tests/hostile/support.rs"]
mod support;

fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/hostile/base");
    std::fs::create_dir_all(&dir).expect("base folder");
    let w = support::world();
    let quarterly = w.filled_quarterly();
    // The base files must read cleanly, or the hostile variants would test nothing.
    planwatch_quarterly::xlsx::quarterly::read_quarterly(&quarterly, &w.read_context())
        .expect("the filled base form reads back");
    let breakdown = w.breakdown_form();
    planwatch_quarterly::xlsx::breakdown::read_breakdown(&breakdown, &w.breakdown_context())
        .expect("the base breakdown form reads back");
    for (name, bytes) in [("quarterly.xlsx", quarterly), ("breakdown.xlsx", breakdown)] {
        let path = dir.join(name);
        std::fs::write(&path, &bytes).expect("write");
        println!("{} ({} bytes)", path.display(), bytes.len());
    }
}
