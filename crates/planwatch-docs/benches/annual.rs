//! Benchmark: the annual report in all four formats from one assessment, fonts loaded once.
//! Run: `cargo bench -p planwatch-docs --bench annual` (release). Prints the time to load
//! fonts, then per round the time to compose and to write docx, pdf, html and xlsx.

use planwatch_docs::docx::DocxWriter;
use planwatch_docs::pdf::PdfEngine;
use planwatch_docs::view::AnnualView;
use planwatch_docs::{Fonts, ReportConfig, annual, html, xlsx};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn main() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/annual-view-2023.json"
    );
    let view: AnnualView = serde_json::from_str(&std::fs::read_to_string(path).expect("fixture"))
        .expect("an AnnualView");
    let cfg = ReportConfig::default();

    let t = Instant::now();
    let fonts = Arc::new(Fonts::load(&cfg.fonts).expect("a CJK font is installed"));
    let font_load = t.elapsed();
    let pdf = PdfEngine::new(Arc::clone(&fonts), cfg.layout.clone());
    let docx = DocxWriter::new(Arc::clone(&fonts), cfg.clone());

    let rounds = 10;
    let mut totals = [Duration::ZERO; 6];
    let mut sizes = [0usize; 4];
    let mut best = Duration::MAX;
    let mut first = Duration::ZERO;
    for round_no in 0..rounds {
        let round = Instant::now();
        let t = Instant::now();
        let doc = annual::compose(&view).expect("composes");
        totals[0] += t.elapsed();
        let t = Instant::now();
        sizes[0] = docx.render(&doc).expect("docx").len();
        totals[1] += t.elapsed();
        let t = Instant::now();
        sizes[1] = pdf.render(&doc).expect("pdf").len();
        totals[2] += t.elapsed();
        let t = Instant::now();
        sizes[2] = html::render(&doc, &cfg.fonts).len();
        totals[3] += t.elapsed();
        let t = Instant::now();
        sizes[3] = xlsx::render(&doc, "宋体").expect("xlsx").len();
        totals[4] += t.elapsed();
        let r = round.elapsed();
        if round_no == 0 {
            // The first round pays typst's one-off costs (library, caches): what a one-shot CLI run sees.
            first = r;
        }
        totals[5] += r;
        best = best.min(r);
    }
    let ms = |d: Duration| d.as_secs_f64() * 1000.0 / f64::from(rounds);
    println!(
        "fonts loaded once: {:.1} ms ({:?})",
        font_load.as_secs_f64() * 1000.0,
        fonts
    );
    println!(
        "annual report, {} indicators, {} tasks, {} units, {} sources; mean of {rounds} rounds:",
        view.indicators.len(),
        view.tasks.len(),
        view.units.len(),
        view.sources.len()
    );
    println!(
        "  compose (incl. {} SVG charts) {:8.1} ms",
        annual::compose(&view).expect("composes").charts().count(),
        ms(totals[0])
    );
    println!(
        "  docx (charts → PNG)          {:8.1} ms  {:>8} bytes",
        ms(totals[1]),
        sizes[0]
    );
    println!(
        "  pdf (typst)                  {:8.1} ms  {:>8} bytes",
        ms(totals[2]),
        sizes[1]
    );
    println!(
        "  html                         {:8.1} ms  {:>8} bytes",
        ms(totals[3]),
        sizes[2]
    );
    println!(
        "  xlsx                         {:8.1} ms  {:>8} bytes",
        ms(totals[4]),
        sizes[3]
    );
    println!(
        "  all four formats             {:8.1} ms  (first round {:.1} ms, best {:.1} ms)",
        ms(totals[5]),
        first.as_secs_f64() * 1000.0,
        best.as_secs_f64() * 1000.0
    );
}
