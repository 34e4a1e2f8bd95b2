//! The assessment as flat CSV tables (RFC 4180 quoting, UTF-8): indicators, tasks, milestones,
//! reporting, units, score items (every line of every breakdown) and group scores. Each table has
//! a header row in Chinese and, for coded values, the code beside its label for analysts.

use super::text::{forecast_zh, target_zh};
use planwatch_app::assess::Outcome;
use planwatch_monitor::Assessment;
use planwatch_monitor::scoring::Scorecard;
use serde::Serialize;

/// The tables `--table` can pick.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Table {
    All,
    Indicators,
    Tasks,
    Milestones,
    Reporting,
    Units,
    ScoreItems,
    Groups,
}

impl Table {
    const EACH: [Table; 7] = [
        Table::Indicators,
        Table::Tasks,
        Table::Milestones,
        Table::Reporting,
        Table::Units,
        Table::ScoreItems,
        Table::Groups,
    ];
}

fn field(out: &mut String, s: &str) {
    if s.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
}

fn row(out: &mut String, cells: &[String]) {
    for (k, c) in cells.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        field(out, c);
    }
    out.push('\n');
}

fn header(out: &mut String, names: &[&str]) {
    row(
        out,
        &names.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
    );
}

/// The serde name of a unit-like enum value (`target_achieved`), for the code columns.
fn code<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map_or(String::new(), |x| x.to_string())
}

fn num(v: Option<f64>) -> String {
    v.map_or(String::new(), |x| {
        // Plain decimal, enough digits to round-trip what the monitor computed.
        let s = format!("{x:.6}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    })
}

fn indicators(out: &mut String, o: &Outcome) {
    let a = &o.assessment;
    header(
        out,
        &[
            "序号",
            "指标编码",
            "指标名称",
            "计量单位",
            "测算方法",
            "状态",
            "状态代码",
            "预警",
            "评分",
            "基期",
            "基期值",
            "最新期",
            "最新值",
            "考核目标",
            "考核目标值",
            "目标时间",
            "预测值",
            "预测能否实现",
            "预测说明",
            "说明",
            "所属任务",
            "牵头单位",
            "参加单位",
        ],
    );
    for (n, i) in a.indicators.iter().enumerate() {
        row(
            out,
            &[
                (n + 1).to_string(),
                i.id.clone(),
                i.name.clone(),
                i.unit.clone().unwrap_or_default(),
                i.method.label_at(i.stage).to_string(),
                i.status_zh().to_string(),
                code(&i.status),
                i.light.label_zh().to_string(),
                num(i.score),
                opt(i.base.as_ref().map(|b| b.at.label_zh())),
                num(i.base.as_ref().map(|b| b.value)),
                opt(i.latest.as_ref().map(|l| l.at.label_zh())),
                num(i.latest.as_ref().map(|l| l.value)),
                opt(i.current_target.as_ref().map(|t| target_zh(o, i, t))),
                num(i.current_target.as_ref().map(|t| t.value)),
                opt(i.current_target.as_ref().map(|t| t.at.label_zh())),
                num(i.forecast.as_ref().map(|f| f.projected)),
                opt(i
                    .forecast
                    .as_ref()
                    .map(|f| if f.will_meet { "能" } else { "不能" })),
                forecast_zh(o, i).unwrap_or_default(),
                i.explanation.clone(),
                i.task.as_ref().map(ToString::to_string).unwrap_or_default(),
                i.lead_units.join("、"),
                i.participating_units.join("、"),
            ],
        );
    }
}

fn tasks(out: &mut String, a: &Assessment) {
    header(
        out,
        &[
            "任务编号",
            "任务",
            "专班",
            "状态",
            "状态代码",
            "预警",
            "完成进度(%)",
            "序时进度(%)",
            "落后(百分点)",
            "依据季度",
            "逾期节点数",
            "说明",
            "牵头单位",
            "参加单位",
        ],
    );
    for t in &a.tasks {
        row(
            out,
            &[
                t.id.to_string(),
                t.title.clone(),
                t.task_force.clone().unwrap_or_default(),
                t.status_zh().to_string(),
                code(&t.status),
                t.light.label_zh().to_string(),
                num(t.percent_complete),
                num(Some(t.expected_percent)),
                num(t.gap_points),
                opt(t.evidence_period),
                t.milestones
                    .iter()
                    .filter(|m| m.days_overdue.is_some())
                    .count()
                    .to_string(),
                t.explanation.clone(),
                t.lead_units.join("、"),
                t.participating_units.join("、"),
            ],
        );
    }
}

fn milestones(out: &mut String, a: &Assessment) {
    header(
        out,
        &[
            "任务编号",
            "节点编码",
            "节点",
            "完成时限",
            "状态",
            "状态代码",
            "预警",
            "完成进度(%)",
            "应完成进度(%)",
            "完成日期",
            "逾期完成",
            "逾期天数",
        ],
    );
    for t in &a.tasks {
        for m in &t.milestones {
            row(
                out,
                &[
                    t.id.to_string(),
                    m.id.clone(),
                    m.text.clone(),
                    m.due.to_string(),
                    m.status.label_zh().to_string(),
                    code(&m.status),
                    m.light.label_zh().to_string(),
                    num(m.percent_complete),
                    num(Some(m.expected_percent)),
                    opt(m.completed_on),
                    if m.completed_late { "是" } else { "否" }.to_string(),
                    opt(m.days_overdue),
                ],
            );
        }
    }
}

fn reporting(out: &mut String, a: &Assessment) {
    header(
        out,
        &[
            "单位",
            "季度",
            "报送期限",
            "状态",
            "状态代码",
            "按时",
            "首次报送日期",
            "逾期天数",
            "退回次数",
            "审核状态",
        ],
    );
    for r in &a.reporting {
        row(
            out,
            &[
                r.unit.clone(),
                r.period.to_string(),
                r.due.to_string(),
                r.status.label_zh().to_string(),
                code(&r.status),
                opt(r.timely.map(|t| if t { "是" } else { "否" })),
                opt(r.first_submitted_on),
                opt(r.days_late),
                r.returned_times.to_string(),
                code(&r.review),
            ],
        );
    }
}

fn units(out: &mut String, a: &Assessment) {
    header(
        out,
        &[
            "排名类别",
            "名次",
            "类别单位数",
            "单位",
            "单位类型",
            "得分",
            "等次",
            "应报",
            "已报",
            "按时",
            "逾期",
            "未报",
            "退回次数",
            "报送率(%)",
            "及时率(%)",
        ],
    );
    for u in &a.units {
        let r = u.reporting.as_ref();
        row(
            out,
            &[
                u.class.clone().unwrap_or_default(),
                opt(u.rank),
                opt(u.class_size),
                u.name.clone(),
                u.kind.label_zh().to_string(),
                u.score.total.to_string(),
                u.grade.clone().unwrap_or_default(),
                opt(r.map(|r| r.expected)),
                opt(r.map(|r| r.submitted)),
                opt(r.map(|r| r.on_time)),
                opt(r.map(|r| r.late)),
                opt(r.map(|r| r.missing)),
                opt(r.map(|r| r.returned_times)),
                num(r.and_then(|r| r.completeness)),
                num(r.and_then(|r| r.timeliness)),
            ],
        );
    }
}

fn items(out: &mut String, kind: &str, name: &str, card: &Scorecard) {
    for i in &card.items {
        row(
            out,
            &[
                kind.to_string(),
                name.to_string(),
                i.rule.label_zh().to_string(),
                code(&i.rule),
                i.points.to_string(),
                i.reason.clone(),
                i.subject.clone().unwrap_or_default(),
            ],
        );
    }
}

fn score_items(out: &mut String, a: &Assessment) {
    header(
        out,
        &[
            "对象类型",
            "对象",
            "规则",
            "规则代码",
            "分值",
            "原因",
            "关联",
        ],
    );
    for u in &a.units {
        items(out, "单位", &u.name, &u.score);
    }
    for g in &a.task_forces {
        items(out, "专班", &g.name, &g.score);
    }
    for g in &a.areas {
        items(out, "县（区）", &g.name, &g.score);
    }
    if let Some(card) = &a.overall.units {
        items(out, "全市", "全市", card);
    }
}

fn groups(out: &mut String, a: &Assessment) {
    header(out, &["类型", "名称", "名次", "得分"]);
    for (kind, list) in [("专班", &a.task_forces), ("县（区）", &a.areas)] {
        for g in list {
            row(
                out,
                &[
                    kind.to_string(),
                    g.name.clone(),
                    opt(g.rank),
                    g.score.total.to_string(),
                ],
            );
        }
    }
    if let Some(card) = &a.overall.units {
        row(
            out,
            &[
                "全市".to_string(),
                "全市平均".to_string(),
                String::new(),
                card.total.to_string(),
            ],
        );
    }
}

/// One table, or all of them one after another with a blank line between.
pub fn render(o: &Outcome, table: Table) -> String {
    let a = &o.assessment;
    let mut out = String::with_capacity(128 * 1024);
    let one = |out: &mut String, t: Table| match t {
        Table::Indicators => indicators(out, o),
        Table::Tasks => tasks(out, a),
        Table::Milestones => milestones(out, a),
        Table::Reporting => reporting(out, a),
        Table::Units => units(out, a),
        Table::ScoreItems => score_items(out, a),
        Table::Groups => groups(out, a),
        Table::All => {}
    };
    if table == Table::All {
        for (k, t) in Table::EACH.into_iter().enumerate() {
            if k > 0 {
                out.push('\n');
            }
            one(&mut out, t);
        }
    } else {
        one(&mut out, table);
    }
    out
}

#[cfg(test)]
pub(super) fn probe_row(out: &mut String, cells: &[String]) {
    row(out, cells);
}

/// Splits CSV text into rows of fields (RFC 4180), to check the writer.
#[cfg(test)]
pub(super) fn parse_for_test(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => cur.push(c),
            (false, '"') => quoted = true,
            (false, ',') => fields.push(std::mem::take(&mut cur)),
            (false, '\n') => {
                fields.push(std::mem::take(&mut cur));
                rows.push(std::mem::take(&mut fields));
            }
            (false, c) => cur.push(c),
        }
    }
    rows
}
