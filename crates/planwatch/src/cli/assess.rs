//! `planwatch assess --period 2023Q4 [--format text|json|csv]`: the monitoring and assessment
//! of the current plan at the end of a quarter, computed from what is in the store at this
//! moment — every indicator with status, forecast and explanation, every task and milestone,
//! every unit, task force and county/district with score, rank and breakdown.

mod csv;
mod text;

use chrono::NaiveDate;
use planwatch_app as app;
use planwatch_app::assess::input::default_as_of;
use planwatch_model::Quarter;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub use csv::Table;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// 中文文本
    Text,
    /// The serialised assessment (JSON)
    Json,
    /// Flat tables (CSV)
    Csv,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The quarter assessed, e.g. 2023Q4. 评价季度
    #[arg(long)]
    pub period: Quarter,
    /// Output format. 输出格式
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// The day due dates are judged at (default: the end of the following quarter, or today if
    /// earlier). 评价截至日期 YYYY-MM-DD
    #[arg(long)]
    pub as_of: Option<NaiveDate>,
    /// With --format csv: one table only (default: all, separated by a blank line). 表
    #[arg(long, value_enum, default_value_t = Table::All)]
    pub table: Table,
    /// Scoring rules file (default: the built-in rules, as in config/scoring.toml). 评分规则文件
    #[arg(long)]
    pub rules: Option<PathBuf>,
    /// Indicator methods file (default: config/indicator-methods.toml). 指标测算方法文件
    #[arg(long)]
    pub methods: Option<PathBuf>,
    /// Every plan of the period's year, each assessed at the period; each unit's combined score
    /// with the breakdown per plan. 多计划综合评价
    #[arg(long)]
    pub all_plans: bool,
    /// With --all-plans: a plan's weight, CODE=WEIGHT (repeatable; default from
    /// <data-dir>/combined.toml, else 1). 计划权重
    #[arg(long = "weight", value_name = "CODE=WEIGHT")]
    pub weights: Vec<String>,
}

pub fn run(data_dir: &Path, a: Args) -> anyhow::Result<ExitCode> {
    let rules = app::assess::load_rules(a.rules.as_deref())?;
    let methods = app::assess::load_methods(a.methods.as_deref())?;
    let today = app::now().with_timezone(&app::assess::china()).date_naive();
    let as_of = a.as_of.unwrap_or_else(|| default_as_of(a.period, today));
    if a.as_of.is_none() && as_of < today {
        eprintln!(
            "提示：{}的评价截至 {as_of}（下一季度末）；此后的报送、审核和数据不计入本次评价，如需计入请加 --as-of {today}",
            a.period.label_zh()
        );
    }
    if a.all_plans {
        return combined(data_dir, &a, &rules, as_of);
    }
    let outcome = app::block_on(app::assess::from_store(
        data_dir, a.period, as_of, &rules, methods,
    ))?;
    let out = match a.format {
        Format::Text => text::render(&outcome),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&outcome.assessment)?;
            s.push('\n');
            s
        }
        Format::Csv => csv::render(&outcome, a.table),
    };
    if a.format != Format::Text {
        // Machine-readable output stays clean; the notes go to stderr.
        for n in &outcome.notes {
            eprintln!("数据说明：{n}");
        }
    }
    std::io::stdout().lock().write_all(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// `--all-plans`: the units' combined scores across the plans of the year.
fn combined(
    data_dir: &Path,
    a: &Args,
    rules: &planwatch_monitor::Rules,
    as_of: NaiveDate,
) -> anyhow::Result<ExitCode> {
    let weights = app::combined::load_weights(data_dir, &a.weights)?;
    let c = app::block_on(app::combined::from_store(
        data_dir, a.period, as_of, &weights, rules,
    ))?;
    let mut out = String::new();
    if a.format == Format::Json {
        out = serde_json::to_string_pretty(&c)?;
        out.push('\n');
    } else {
        use std::fmt::Write as _;
        let _ = writeln!(
            out,
            "{}年多计划综合评价（各计划按{}评价）",
            c.year,
            c.quarter.label_zh()
        );
        for (code, title, w) in &c.plans {
            let _ = writeln!(out, "  {code}《{title}》 权重 {w}");
        }
        let _ = writeln!(out);
        for u in &c.units {
            let parts: Vec<String> = u
                .parts
                .iter()
                .map(|p| match (p.score, p.rank) {
                    (Some(s), Some((r, n))) => format!("{} {s}分（第{r}/{n}名）", p.code),
                    (Some(s), None) => format!("{} {s}分", p.code),
                    (None, _) => format!("{} 不参评", p.code),
                })
                .collect();
            let _ = writeln!(
                out,
                "{:>3}. {}  {}分  ＝ {}",
                u.rank,
                u.unit,
                u.score,
                parts.join("；")
            );
        }
    }
    std::io::stdout().lock().write_all(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use planwatch_app::assess::testing::{q, yangquan_demo};
    use planwatch_app::assess::{Outcome, assess_sources};
    use planwatch_monitor::Rules;

    fn demo_outcome() -> Outcome {
        let d = yangquan_demo("2024Q2", 7);
        assess_sources(&d.sources, q("2024Q2"), d.as_of.date(), &Rules::default()).expect("valid")
    }

    #[test]
    fn the_text_lists_every_indicator_task_and_unit_and_says_it_is_demo_data() {
        let o = demo_outcome();
        let t = text::render(&o);
        assert!(t.contains("【示例数据】"));
        assert!(t.contains("监测评价结果（2024年第二季度）"));
        for i in &o.assessment.indicators {
            assert!(t.contains(&i.name), "{}", i.name);
            assert!(t.contains(&i.explanation), "{}", i.id);
        }
        for task in &o.assessment.tasks {
            assert!(t.contains(&task.title), "{}", task.id);
            assert!(t.contains(&task.explanation), "{}", task.id);
        }
        for u in &o.assessment.units {
            assert!(
                t.contains(&format!("{}  {}分", u.name, u.score.total)),
                "{}",
                u.name
            );
        }
        assert_eq!(t.matches("预测：").count(), o.assessment.indicators.len());
        assert!(t.contains("起评分"));
    }

    #[test]
    fn every_breakdown_line_of_the_text_adds_up_to_the_unit_score() {
        let o = demo_outcome();
        let t = text::render(&o);
        let u = o
            .assessment
            .units
            .iter()
            .find(|u| u.score.items.len() > 3)
            .expect("a unit with several items");
        let start = t
            .find(&format!("{}  {}分", u.name, u.score.total))
            .expect("listed");
        let lines: Vec<&str> = t[start..].lines().skip(1).collect();
        let mut sum = 0_i64;
        let mut n = 0;
        for l in lines.iter().skip_while(|l| l.contains("本年度报送")) {
            let Some(first) = l.split_whitespace().next() else {
                break;
            };
            let Ok(v) = first.replace('+', "").parse::<f64>() else {
                break;
            };
            sum += (v * 100.0).round() as i64;
            n += 1;
        }
        assert_eq!(n, u.score.items.len());
        assert_eq!(sum, (u.score.total.as_f64() * 100.0).round() as i64);
    }

    #[test]
    fn csv_tables_have_a_row_per_record_and_quote_what_needs_quoting() {
        let o = demo_outcome();
        let a = &o.assessment;
        let count = |t: Table| csv::render(&o, t).lines().count() - 1;
        assert_eq!(count(Table::Indicators), a.indicators.len());
        assert_eq!(count(Table::Tasks), a.tasks.len());
        assert_eq!(count(Table::Units), a.units.len());
        assert_eq!(count(Table::Reporting), a.reporting.len());
        let items: usize = a.units.iter().map(|u| u.score.items.len()).sum::<usize>()
            + a.task_forces
                .iter()
                .map(|g| g.score.items.len())
                .sum::<usize>()
            + a.areas.iter().map(|g| g.score.items.len()).sum::<usize>()
            + a.overall.units.as_ref().map_or(0, |c| c.items.len());
        assert_eq!(count(Table::ScoreItems), items);
        let all = csv::render(&o, Table::All);
        assert_eq!(all.split("\n\n").count(), 7);
        // Explanations contain Chinese commas only, but the plan's own titles may contain ASCII
        // ones; a quoted field keeps the column count.
        let mut s = String::new();
        csv_probe(&mut s);
        assert_eq!(s, "\"a,b\",\"say \"\"hi\"\"\",plain\n");
    }

    fn csv_probe(out: &mut String) {
        csv::probe_row(
            out,
            &["a,b".to_string(), "say \"hi\"".to_string(), "plain".into()],
        );
    }

    #[test]
    fn every_csv_row_has_as_many_fields_as_its_header() {
        let o = demo_outcome();
        for t in [
            Table::Indicators,
            Table::Tasks,
            Table::Milestones,
            Table::Reporting,
            Table::Units,
            Table::ScoreItems,
            Table::Groups,
        ] {
            let text = csv::render(&o, t);
            let rows = csv::parse_for_test(&text);
            let width = rows[0].len();
            assert!(rows.iter().all(|r| r.len() == width), "{t:?}");
        }
    }

    #[test]
    fn json_is_the_serialised_assessment_and_reads_back() {
        let o = demo_outcome();
        let json = serde_json::to_string_pretty(&o.assessment).expect("serialises");
        // serde_json reads floats to within one ulp, so compare what must be exact.
        let back: planwatch_monitor::Assessment = serde_json::from_str(&json).expect("reads");
        assert_eq!(back.summary, o.assessment.summary);
        assert_eq!(back.tasks, o.assessment.tasks);
        assert_eq!(back.reporting, o.assessment.reporting);
        let totals = |a: &planwatch_monitor::Assessment| {
            a.units
                .iter()
                .map(|u| (u.unit.clone(), u.rank, u.score.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(totals(&back), totals(&o.assessment));
        assert_eq!(back.indicators.len(), o.assessment.indicators.len());
    }
}
