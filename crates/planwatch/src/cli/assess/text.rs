//! The assessment as a plain zh-CN text an office reads: overview, every indicator with status,
//! forecast and explanation, every task with its milestones, overdue milestones, and every unit,
//! task force and county/district with score, rank and the breakdown that makes up the score.

use chrono::{Datelike, NaiveDate};
use planwatch_app::assess::Outcome;
use planwatch_model::{PlanStage, TaskJudgement, TaskStatus};
use planwatch_monitor::Assessment;
use planwatch_monitor::forecast::Reach;
use planwatch_monitor::indicator::{IndicatorAssessment, ObservedValue, TargetRecord, TargetState};
use planwatch_monitor::points::Points;
use planwatch_monitor::scoring::{GroupScore, Scorecard, UnitScore};
use planwatch_monitor::series::IndicatorKind;
use planwatch_monitor::task::TaskAssessment;
use planwatch_monitor::zh;
use std::fmt::Write as _;

pub(super) fn date_zh(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// `+100.00`, `-2.00`: a breakdown line always shows its sign.
pub(super) fn signed(p: Points) -> String {
    if p.is_negative() {
        p.to_string()
    } else {
        format!("+{p}")
    }
}

/// A value with the indicator's unit, e.g. `194家`, `1.38%`: the figure every output writes.
pub(super) fn value_zh(o: &Outcome, i: &IndicatorAssessment, v: f64) -> String {
    o.figure(i, v).zh()
}

pub(super) fn target_zh(o: &Outcome, i: &IndicatorAssessment, t: &TargetRecord) -> String {
    format!(
        "{}{}（{}）",
        t.comparator.symbol(),
        value_zh(o, i, t.value),
        t.at.label_zh()
    )
}

/// The projected value against the target and the headline's verdict (预计…可按期实现 /
/// 难以按期实现, or 已实现目标), with when. Projected and target get enough decimals that
/// 2.5 against 3 never prints as 3 against 3.
pub(super) fn forecast_zh(o: &Outcome, i: &IndicatorAssessment) -> Option<String> {
    let f = i.forecast.as_ref()?;
    let (p, t) = zh::distinct(f.projected, f.target, o.figure(i, f.target).decimals);
    let unit = i.unit.as_deref().unwrap_or("");
    let verdict = match f.reach {
        Reach::AlreadyMet => return Some(format!("已实现目标（目标{t}{unit}）")),
        _ if f.will_meet => "可按期实现",
        _ => "难以按期实现",
    };
    let when = if f.when_zh.is_empty() {
        String::new()
    } else {
        format!("；{}", f.when_zh)
    };
    Some(format!(
        "{}预计{p}{unit}（目标{t}{unit}），{verdict}{when}",
        f.target_at.label_zh()
    ))
}

/// The latest value; a year-to-date flow part-way through the year also shows its annualised
/// figure, named as such.
fn latest_zh(o: &Outcome, i: &IndicatorAssessment, l: &ObservedValue) -> String {
    if i.kind == IndicatorKind::YearToDate && (l.value - l.comparable).abs() > 1e-9 {
        format!(
            "最新值 {}累计{}，折合全年约{}",
            l.at.label_zh(),
            value_zh(o, i, l.value),
            value_zh(o, i, l.comparable)
        )
    } else {
        format!("最新值 {}（{}）", value_zh(o, i, l.value), l.at.label_zh())
    }
}

fn join_units(units: &[String]) -> String {
    if units.is_empty() {
        "—".to_string()
    } else {
        units.join("、")
    }
}

fn scorecard(out: &mut String, card: &Scorecard, indent: &str) {
    for item in &card.items {
        let rule = item.rule.label_zh();
        let why = if item.reason == rule {
            String::new()
        } else {
            format!("：{}", item.reason)
        };
        let _ = writeln!(out, "{indent}{:>8}  {rule}{why}", signed(item.points));
    }
}

fn overview(out: &mut String, a: &Assessment) {
    let s = &a.summary;
    out.push_str("一、总体情况\n");
    if let Some(units) = &a.overall.units {
        let _ = write!(out, "  参评单位平均得分 {} 分", units.total);
        match a.overall.indicator_index {
            Some(x) => {
                let _ = writeln!(
                    out,
                    "；指标总体进展 {}（满分100，各指标进展评分的加权平均）。",
                    zh::num(x, 2)
                );
            }
            None => out.push_str("。\n"),
        }
    }
    let _ = writeln!(
        out,
        "  监测指标 {} 项：绿灯 {} 项，黄灯 {} 项，红灯 {} 项，暂无数据 {} 项；已实现或预计可按期实现目标 {} 项。",
        s.indicators,
        s.indicators_green,
        s.indicators_yellow,
        s.indicators_red,
        s.indicators_grey,
        s.indicators_on_track
    );
    let word = |st: TaskStatus| st.label_at(a.stage);
    let _ = writeln!(
        out,
        "  重点任务 {} 项（本年度工作）：{} {} 项，{}（含{}）{} 项，{} {} 项，{} {} 项，{} {} 项；逾期节点 {} 个。",
        s.tasks,
        word(TaskStatus::Done),
        s.tasks_completed,
        word(TaskStatus::OnSchedule),
        word(TaskStatus::Ahead),
        s.tasks_on_schedule,
        word(TaskStatus::Behind),
        s.tasks_behind,
        word(TaskStatus::NotStarted),
        s.tasks_not_started,
        word(TaskStatus::Overdue),
        s.tasks_overdue,
        s.milestones_overdue
    );
    if a.stage == PlanStage::Closed {
        let _ = writeln!(
            out,
            "  终期评估（任务整体）：{} {} 项，{} {} 项，{} {} 项。",
            TaskJudgement::Completed.label_zh(),
            s.tasks_judged_completed,
            TaskJudgement::LargelyCompleted.label_zh(),
            s.tasks_judged_largely_completed,
            TaskJudgement::NotCompleted.label_zh(),
            s.tasks_judged_not_completed
        );
    }
    let first = a.reporting.iter().map(|r| r.period).min();
    let span = first.map_or(String::new(), |f| {
        format!("（{}至{}）", f.label_zh(), a.period.label_zh())
    });
    let _ = writeln!(
        out,
        "  季度报送{span}：应报 {} 份，按时报送 {} 份，逾期报送 {} 份，未报送 {} 份，退回待重报 {} 份。",
        s.reports_due, s.reports_on_time, s.reports_late, s.reports_missing, s.reports_returned
    );
}

fn indicator(out: &mut String, o: &Outcome, n: usize, i: &IndicatorAssessment) {
    let unit = i
        .unit
        .as_deref()
        .map_or(String::new(), |u| format!("（{u}）"));
    let _ = writeln!(
        out,
        "  {n}. {}{unit}【{}·{}】",
        i.name,
        i.light.label_zh(),
        i.headline_zh()
    );
    let mut facts = Vec::new();
    match &i.latest {
        Some(l) => facts.push(latest_zh(o, i, l)),
        None => facts.push("最新值 暂无".to_string()),
    }
    if let Some(b) = &i.base {
        facts.push(format!(
            "基期值 {}（{}）",
            value_zh(o, i, b.value),
            b.at.label_zh()
        ));
    }
    if let Some(t) = &i.current_target {
        facts.push(format!("考核目标 {}", target_zh(o, i, t)));
    }
    let _ = writeln!(out, "     {}", facts.join("；"));
    let past: Vec<String> = i
        .targets
        .iter()
        .filter(|t| Some(*t) != i.current_target.as_ref())
        .map(|t| format!("{} {}", target_zh(o, i, t), t.state.label_zh()))
        .collect();
    if !past.is_empty() {
        let _ = writeln!(out, "     其他目标：{}", past.join("；"));
    }
    match forecast_zh(o, i) {
        Some(f) => {
            let _ = writeln!(out, "     预测：{f}");
        }
        None if i
            .current_target
            .as_ref()
            .is_some_and(|t| t.state != TargetState::Current) =>
        {
            out.push_str("     预测：目标期已过，不再预测\n");
        }
        None => out.push_str("     预测：数据不足，暂不预测\n"),
    }
    let _ = writeln!(out, "     说明：{}", i.explanation);
    let score = i
        .score
        .map_or("—".to_string(), |s| format!("{}（−5至5）", zh::num(s, 2)));
    let _ = writeln!(
        out,
        "     测算方法：{}；评分 {score}；牵头单位：{}；参加单位：{}",
        i.method.label_at(i.stage),
        join_units(&i.lead_units),
        join_units(&i.participating_units)
    );
}

fn task(out: &mut String, t: &TaskAssessment) {
    let number = t
        .number
        .map_or_else(|| t.id.to_string(), |n| format!("任务{n}"));
    let _ = writeln!(
        out,
        "  {number} {}【{}·{}】",
        t.title,
        t.light.label_zh(),
        t.status_zh()
    );
    if let (Some(j), Some(basis)) = (t.judgement, &t.judgement_basis) {
        let _ = writeln!(out, "     终期评估：{}（{basis}）", j.label_zh());
    }
    let _ = writeln!(
        out,
        "     专班：{}；牵头单位：{}；参加单位：{}",
        t.task_force.as_deref().unwrap_or("未分配"),
        join_units(&t.lead_units),
        join_units(&t.participating_units)
    );
    let _ = writeln!(out, "     说明：{}", t.explanation);
    for m in &t.milestones {
        let done = m
            .completed_on
            .map_or(String::new(), |d| format!("，{}完成", date_zh(d)));
        let pct = m
            .percent_complete
            .map_or(String::new(), |p| format!("，完成{}%", zh::num(p, 1)));
        let late = m
            .days_overdue
            .map_or(String::new(), |d| format!("，已逾期{d}天"));
        let _ = writeln!(
            out,
            "     节点 {}：{}（时限{}）【{}·{}】{pct}{done}{late}",
            m.id,
            m.text,
            date_zh(m.due),
            m.light.label_zh(),
            m.status.label_zh()
        );
    }
}

fn unit(out: &mut String, u: &UnitScore) {
    let rank = match (u.rank, u.class_size) {
        (Some(r), Some(n)) => format!("第{r}名/{n}"),
        _ => "不排名".to_string(),
    };
    let grade = u
        .grade
        .as_deref()
        .map(|g| format!("  {g}"))
        .unwrap_or_default();
    let _ = writeln!(out, "  {rank}  {}  {}分{grade}", u.name, u.score.total);
    if let Some(r) = &u.reporting {
        let rates = match (r.completeness, r.timeliness) {
            (Some(c), Some(t)) => format!("，报送率{}%，及时率{}%", zh::num(c, 1), zh::num(t, 1)),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "     本年度报送：应报{}次，已报{}次，按时{}次，逾期{}次，未报{}次，退回{}次{rates}",
            r.expected, r.submitted, r.on_time, r.late, r.missing, r.returned_times
        );
    }
    scorecard(out, &u.score, "     ");
}

fn group(out: &mut String, g: &GroupScore) {
    let rank = g.rank.map_or("不排名".to_string(), |r| format!("第{r}名"));
    let _ = writeln!(out, "  {rank}  {}  {}分", g.name, g.score.total);
    scorecard(out, &g.score, "     ");
}

/// The whole text, with the adapter's notes (数据说明) at the end.
pub fn render(o: &Outcome) -> String {
    let (a, notes) = (&o.assessment, &o.notes);
    let mut out = String::with_capacity(64 * 1024);
    let _ = writeln!(out, "{}", a.plan_title);
    let _ = writeln!(out, "监测评价结果（{}）", a.period.label_zh());
    let _ = writeln!(out, "评价截至：{}", date_zh(a.as_of));
    if a.demo {
        out.push_str("【示例数据】本结果由示例数据计算，仅用于演示，不反映真实工作进展。\n");
    }
    out.push('\n');
    overview(&mut out, a);

    let _ = writeln!(out, "\n二、指标监测情况（{}项）", a.indicators.len());
    for (n, i) in a.indicators.iter().enumerate() {
        indicator(&mut out, o, n + 1, i);
    }

    let _ = writeln!(out, "\n三、重点任务推进情况（{}项）", a.tasks.len());
    for t in &a.tasks {
        task(&mut out, t);
    }

    let _ = writeln!(out, "\n四、逾期节点（{}个）", a.overdue_milestones.len());
    if a.overdue_milestones.is_empty() {
        out.push_str("  无\n");
    }
    for m in &a.overdue_milestones {
        let _ = writeln!(
            out,
            "  {}（{}）：{}，时限{}，已逾期{}天；牵头单位：{}",
            m.task_title,
            m.task_id,
            m.text,
            date_zh(m.due),
            m.days_overdue,
            join_units(&m.lead_units)
        );
    }

    out.push_str("\n五、单位考核得分与排名\n");
    let mut class: Option<Option<&str>> = None;
    for u in &a.units {
        let c = u.class.as_deref();
        if class != Some(c) {
            class = Some(c);
            let n = a.units.iter().filter(|x| x.class.as_deref() == c).count();
            let _ = writeln!(out, "【{}】（{}个）", c.unwrap_or("不排名的单位"), n);
        }
        unit(&mut out, u);
    }

    out.push_str("\n六、专班得分\n");
    for g in &a.task_forces {
        group(&mut out, g);
    }
    out.push_str("\n七、县（区）得分（本级及所属单位）\n");
    if a.areas.is_empty() {
        out.push_str("  无\n");
    }
    for g in &a.areas {
        group(&mut out, g);
    }
    if let Some(units) = &a.overall.units {
        let _ = writeln!(out, "\n八、全市平均得分 {}分", units.total);
        scorecard(&mut out, units, "     ");
    }

    if !notes.is_empty() {
        out.push_str("\n数据说明：\n");
        for n in notes {
            let _ = writeln!(out, "  - {n}");
        }
    }
    let _ = writeln!(
        out,
        "\n评分规则：起评分{}分；缺报每次扣{}分，逾期报送每次扣{}分，退回每次扣{}分（报送类最多扣{}分）；黄灯每项扣{}分，红灯每项扣{}分（预警类最多扣{}分）；指标完成情况最多扣{}分。",
        zh::num(a.rules.base.points, 2),
        zh::num(a.rules.reporting.missing, 2),
        zh::num(a.rules.reporting.late, 2),
        zh::num(a.rules.reporting.returned, 2),
        zh::num(a.rules.reporting.cap, 2),
        zh::num(a.rules.warnings.yellow, 2),
        zh::num(a.rules.warnings.red, 2),
        zh::num(a.rules.warnings.cap, 2),
        zh::num(a.rules.attainment.points, 2),
    );
    out
}
