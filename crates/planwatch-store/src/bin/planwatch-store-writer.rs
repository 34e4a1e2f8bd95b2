//! A small writer process for the crash tests and benchmarks of `planwatch-store` (not part of
//! the product): it adds units one by one and prints each one's id only after its transaction
//! has committed, so everything printed is an acknowledged write.
//!
//! Usage: `planwatch-store-writer DATA_DIR PREFIX COUNT` (PostgreSQL when `DATABASE_URL` is set).

use chrono::Utc;
use planwatch_model::UnitKind;
use planwatch_store::{Actor, Location, OpenMode, Store};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, prefix, count] = args.as_slice() else {
        eprintln!("usage: planwatch-store-writer DATA_DIR PREFIX COUNT");
        return ExitCode::from(2);
    };
    let Ok(count) = count.parse::<u64>() else {
        eprintln!("COUNT must be a number");
        return ExitCode::from(2);
    };
    let url = std::env::var("DATABASE_URL").ok();
    let store = match Location::resolve(&PathBuf::from(dir), url.as_deref()) {
        Ok(loc) => Store::open(&loc, OpenMode::Create).await,
        Err(e) => Err(e),
    };
    let store = match store {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(1);
        }
    };
    let actor = Actor::cli("crash-writer");
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "ready");
    let _ = out.flush();
    for i in 0..count {
        let name = format!("{prefix}-{i}");
        match store
            .add_unit(&actor, &name, UnitKind::Other, Utc::now())
            .await
        {
            Ok(unit) => {
                // Printed only after the commit returned: this line is the acknowledgement.
                if writeln!(out, "{} {name}", unit.id)
                    .and_then(|()| out.flush())
                    .is_err()
                {
                    break;
                }
            }
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::from(1);
            }
        }
    }
    store.close().await;
    ExitCode::SUCCESS
}
