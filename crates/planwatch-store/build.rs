//! The migrations are embedded by `sqlx::migrate!`, which cannot tell cargo to watch their folder
//! on stable Rust: without this, a new migration file is left out of the binary until some source
//! file of this crate changes.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
