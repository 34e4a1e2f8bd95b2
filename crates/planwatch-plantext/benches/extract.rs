//! Extraction speed, measured with std::time (no harness): the median time to extract the
//! Yangquan plan, and throughput in MB/s on a ~10 MB concatenation of plan text. Run with
//! `cargo bench -p planwatch-plantext --bench extract`; results go to BENCHMARKS.md.

use planwatch_plantext::{YANGQUAN_PLAN, extract_bytes, extract_text};
use std::hint::black_box;
use std::time::{Duration, Instant};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time<F: FnMut()>(runs: usize, mut f: F) -> Vec<Duration> {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect()
}

/// Time this thread has spent on a CPU (Linux /proc/thread-self/schedstat), which leaves out
/// the time other processes had the CPU: the machine is shared with other builds. The kernel
/// updates it when the thread is switched out, so it only means something for long runs.
fn on_cpu() -> Option<Duration> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = s.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

fn time_on_cpu<F: FnMut()>(runs: usize, mut f: F) -> Option<Vec<Duration>> {
    (0..runs)
        .map(|_| {
            let t = on_cpu()?;
            f();
            Some(on_cpu()? - t)
        })
        .collect()
}

fn mb_per_s(bytes: usize, d: Duration) -> f64 {
    bytes as f64 / 1e6 / d.as_secs_f64()
}

fn main() {
    // Warm up caches and the allocator.
    for _ in 0..20 {
        black_box(extract_text(black_box(YANGQUAN_PLAN)));
    }
    let runs = time(300, || {
        black_box(extract_text(black_box(YANGQUAN_PLAN)));
    });
    let m = median(runs.clone());
    let (lo, hi) = (
        runs.iter().min().copied().unwrap_or_default(),
        runs.iter().max().copied().unwrap_or_default(),
    );
    println!(
        "yangquan plan ({} bytes, UTF-8 text): median {:.3} ms (min {:.3}, max {:.3}) over 300 runs = {:.1} MB/s",
        YANGQUAN_PLAN.len(),
        m.as_secs_f64() * 1e3,
        lo.as_secs_f64() * 1e3,
        hi.as_secs_f64() * 1e3,
        mb_per_s(YANGQUAN_PLAN.len(), m)
    );

    let (gb, _, _) = encoding_rs::GB18030.encode(YANGQUAN_PLAN);
    let m = median(time(100, || {
        black_box(extract_bytes(black_box(&gb), "yangquan.txt").ok());
    }));
    println!(
        "yangquan plan as GB18030 bytes (decode + extract): median {:.3} ms",
        m.as_secs_f64() * 1e3
    );

    let docx_path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/plans/yangquan-2022-2024.docx"
    );
    if let Ok(docx) = std::fs::read(docx_path) {
        let m = median(time(100, || {
            black_box(extract_bytes(black_box(&docx), "yangquan.docx").ok());
        }));
        println!(
            "yangquan plan as .docx (unzip + XML + extract): median {:.3} ms",
            m.as_secs_f64() * 1e3
        );
    }

    // ~10 MB of plan text: the plan's body repeated (without its attachment list, after which
    // everything would be read as attachment content), so every copy goes through the whole
    // pipeline.
    let body = YANGQUAN_PLAN
        .find("- 附件")
        .map_or(YANGQUAN_PLAN, |end| &YANGQUAN_PLAN[..end]);
    let mut big = String::with_capacity(10_500_000);
    while big.len() < 10_000_000 {
        big.push_str(body);
        big.push('\n');
    }
    let runs = time(11, || {
        black_box(extract_text(black_box(&big)));
    });
    let fastest = runs.iter().min().copied().unwrap_or_default();
    let m = median(runs);
    let plan = extract_text(&big);
    println!(
        "concatenation ({:.1} MB, {} tasks found): wall-clock median {:.1} ms over 11 runs = {:.1} MB/s (fastest {:.1} ms = {:.1} MB/s)",
        big.len() as f64 / 1e6,
        plan.tasks.len(),
        m.as_secs_f64() * 1e3,
        mb_per_s(big.len(), m),
        fastest.as_secs_f64() * 1e3,
        mb_per_s(big.len(), fastest)
    );
    if let Some(cpu) = time_on_cpu(11, || {
        black_box(extract_text(black_box(&big)));
    }) {
        let m = median(cpu);
        println!(
            "concatenation, on-CPU time: median {:.1} ms over 11 runs = {:.1} MB/s",
            m.as_secs_f64() * 1e3,
            mb_per_s(big.len(), m)
        );
    }
}
