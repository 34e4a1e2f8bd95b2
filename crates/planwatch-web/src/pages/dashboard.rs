//! 驾驶舱 with monitoring results: the overall score, indicator lights, task status counts, the
//! units that have not reported, charts, what changed since the quarter before, and for a unit's
//! or a task force's people, their own standing.

use super::super::AppState;
use super::super::assessment::{self, Assessed};
use super::super::error::WebResult;
use super::super::session::CurrentUser;
use super::super::svg;
use super::{Chrome, render};
use askama::Template;
use axum::response::Html;
use planwatch_app::assess::Outcome;
use planwatch_monitor::indicator::IndicatorAssessment;
use planwatch_monitor::measure::Light;
use planwatch_monitor::reporting::ReportingStatus;
use planwatch_monitor::zh;
use std::collections::BTreeMap;

/// The CSS class of a light: its wire name.
pub fn light_class(l: Light) -> &'static str {
    l.as_str()
}

/// A value with the indicator's unit, e.g. `194家`, `1.38%`, with the decimals every output
/// uses (`IndicatorAssessment::display_decimals`).
pub fn value_zh(o: &Outcome, i: &IndicatorAssessment, v: f64) -> String {
    o.figure(i, v).zh()
}

pub struct IndicatorRow {
    pub id: String,
    pub name: String,
    pub light: &'static str,
    pub light_label: &'static str,
    pub status: &'static str,
    pub latest: String,
    pub target: String,
    pub forecast: String,
}

pub fn indicator_row(o: &Outcome, i: &IndicatorAssessment) -> IndicatorRow {
    IndicatorRow {
        id: i.id.clone(),
        name: i.name.clone(),
        light: light_class(i.light),
        light_label: i.light.label_zh(),
        status: i.status_zh(),
        latest: i
            .latest
            .as_ref()
            .map(|l| format!("{}（{}）", value_zh(o, i, l.value), l.at.label_zh()))
            .unwrap_or_else(|| "暂无".to_string()),
        target: i
            .current_target
            .as_ref()
            .map(|t| {
                format!(
                    "{}{}（{}）",
                    t.comparator.symbol(),
                    value_zh(o, i, t.value),
                    t.at.label_zh()
                )
            })
            .unwrap_or_default(),
        forecast: i
            .forecast
            .as_ref()
            .map(|f| {
                if f.will_meet {
                    "预计可按期实现".to_string()
                } else {
                    format!("预计{}，不能按期实现", value_zh(o, i, f.projected))
                }
            })
            .unwrap_or_default(),
    }
}

pub struct UnitLine {
    pub id: i64,
    pub name: String,
    pub detail: String,
}

pub struct Mine {
    pub title: String,
    pub score: String,
    pub rank: String,
    pub report: String,
    pub report_href: String,
}

/// The dashboard: the page around its body, which is rendered once per everything it is made
/// from and kept (`home::show`, rendered.rs).
#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage<'a> {
    c: Chrome,
    body: &'a str,
}

#[derive(Template)]
#[template(path = "dashboard_body.html")]
struct DashboardBody {
    title: String,
    period: String,
    period_label: String,
    as_of: String,
    /// Reports of this quarter accepted after the as-of date (not counted on this page), and
    /// whether the date was chosen rather than the default.
    accepted_later: usize,
    as_of_chosen: bool,
    periods: Vec<(String, String)>,
    overall: String,
    index: String,
    /// The tasks that need pushing, counted once here: behind or overdue while the plan runs,
    /// 未完成 once it is over (终期评估).
    stalled_label: &'static str,
    stalled: usize,
    s: planwatch_monitor::assess::Summary,
    light_chart: String,
    task_chart: String,
    report_chart: String,
    ranking_chart: String,
    /// The last five units (beyond the first ten), so the dashboard shows who lags as well.
    bottom_chart: String,
    units_scored: usize,
    /// Indicators with a green or grey light: folded away on phones behind a link.
    folded: usize,
    indicators: Vec<IndicatorRow>,
    missing: Vec<UnitLine>,
    returned: Vec<UnitLine>,
    /// Overdue milestones with a link to their task's page (text, href).
    overdue: Vec<(String, String)>,
    changes: Vec<String>,
    first_period: bool,
    mine: Option<Mine>,
    notes: Vec<String>,
    /// The first of the signed-in person's to-do items, and how many there are.
    todo: Vec<planwatch_app::todo::TodoItem>,
    todo_total: usize,
}

fn changes(now: &Outcome, before: &Outcome) -> Vec<String> {
    let mut out = Vec::new();
    let (a, b) = (&now.assessment, &before.assessment);
    if let (Some(x), Some(y)) = (&a.overall.units, &b.overall.units)
        && x.total != y.total
    {
        out.push(format!("参评单位平均得分 {} → {} 分", y.total, x.total));
    }
    let prev: BTreeMap<&str, &IndicatorAssessment> =
        b.indicators.iter().map(|i| (i.id.as_str(), i)).collect();
    for i in &a.indicators {
        let Some(p) = prev.get(i.id.as_str()) else {
            continue;
        };
        if p.light != i.light {
            out.push(format!(
                "指标“{}”：{} → {}",
                i.name,
                p.light.label_zh(),
                i.light.label_zh()
            ));
        }
        match (&p.latest, &i.latest) {
            (Some(x), Some(y)) if x.at != y.at => out.push(format!(
                "指标“{}”新数据：{}（{}）",
                i.name,
                value_zh(now, i, y.value),
                y.at.label_zh()
            )),
            (None, Some(y)) => out.push(format!(
                "指标“{}”首次有数据：{}（{}）",
                i.name,
                value_zh(now, i, y.value),
                y.at.label_zh()
            )),
            _ => {}
        }
    }
    let prev_tasks: BTreeMap<&str, _> = b.tasks.iter().map(|t| (t.id.as_str(), t)).collect();
    for t in &a.tasks {
        if let Some(p) = prev_tasks.get(t.id.as_str())
            && p.status != t.status
        {
            out.push(format!(
                "任务{}“{}”：{} → {}",
                t.number.map(|n| n.to_string()).unwrap_or_default(),
                t.title,
                p.status_zh(),
                t.status_zh()
            ));
        }
    }
    out
}

/// The dashboard page around a rendered body.
pub async fn page(state: &AppState, user: &CurrentUser, body: &str) -> WebResult<Html<String>> {
    render(&DashboardPage {
        c: Chrome::new(state, user, "home", "驾驶舱").await?,
        body,
    })
}

/// The dashboard's body: the assessment `a` as `user` sees it.
pub async fn body(state: &AppState, user: &CurrentUser, a: Assessed) -> WebResult<String> {
    let o = &a.outcome;
    let x = &o.assessment;
    let s = x.summary.clone();
    let units = state.units().await?;
    let unit_id = |name: &str| units.iter().find(|u| u.name == name).map_or(0, |u| u.id);
    let this: Vec<_> = x
        .reporting
        .iter()
        .filter(|r| r.period == a.period)
        .collect();
    let missing = this
        .iter()
        .filter(|r| r.status == ReportingStatus::Missing)
        .map(|r| UnitLine {
            id: unit_id(&r.unit),
            name: r.unit.clone(),
            detail: format!("应于 {} 前报送", r.due.format("%Y-%m-%d")),
        })
        .collect();
    let returned = this
        .iter()
        .filter(|r| r.status == ReportingStatus::Returned)
        .map(|r| UnitLine {
            id: unit_id(&r.unit),
            name: r.unit.clone(),
            detail: "退回待重报".to_string(),
        })
        .collect();
    let before = assessment::previous(state, &a).await?;
    let mut indicators: Vec<IndicatorRow> =
        x.indicators.iter().map(|i| indicator_row(o, i)).collect();
    let order = |l: &str| match l {
        "red" => 0,
        "yellow" => 1,
        "green" => 2,
        _ => 3,
    };
    indicators.sort_by_key(|r| order(r.light));
    let mut ranked: Vec<(String, f64)> = x
        .units
        .iter()
        .map(|u| (u.name.clone(), u.score.total.as_f64()))
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
    let top: Vec<(String, f64)> = ranked.iter().take(10).cloned().collect();
    // The last ones too (those not already among the first ten), lowest last.
    let bottom: Vec<(String, f64)> = ranked
        .iter()
        .skip(10)
        .rev()
        .take(5)
        .rev()
        .cloned()
        .collect();
    let max = top.first().map_or(100.0, |t| t.1.max(100.0));
    let mine = if let Some(unit) = user.user.unit.as_deref() {
        let score = x.units.iter().find(|u| u.name == unit);
        let rec = this.iter().find(|r| r.unit == unit);
        Some(Mine {
            title: unit.to_string(),
            score: score.map_or("—".to_string(), |u| format!("{} 分", u.score.total)),
            rank: score
                .and_then(|u| {
                    Some(format!(
                        "{}第 {} 名（共 {} 家）",
                        u.class.clone().unwrap_or_default(),
                        u.rank?,
                        u.class_size?
                    ))
                })
                .unwrap_or_default(),
            report: rec.map_or("本季度无需报送".to_string(), |r| {
                r.status.label_zh().to_string()
            }),
            report_href: format!("/reports/{}/{}", unit_id(unit), a.period),
        })
    } else {
        user.user.task_force.as_deref().map(|tf| {
            let g = x.task_forces.iter().find(|g| g.name == tf);
            Mine {
                title: tf.to_string(),
                score: g.map_or("—".to_string(), |g| format!("{} 分", g.score.total)),
                rank: g
                    .and_then(|g| g.rank)
                    .map(|r| format!("专班第 {r} 名"))
                    .unwrap_or_default(),
                report: String::new(),
                report_href: String::new(),
            }
        })
    };
    let (todo, todo_total) = super::home::todo_head(state, &user.user).await?;
    let body = DashboardBody {
        todo,
        todo_total,
        title: x.plan_title.clone(),
        period: a.period.to_string(),
        period_label: a.period.label_zh(),
        as_of: a.as_of.format("%Y-%m-%d").to_string(),
        accepted_later: a.accepted_later,
        as_of_chosen: a.as_of_chosen,
        periods: a
            .periods
            .iter()
            .rev()
            .map(|p| (p.to_string(), p.label_zh()))
            .collect(),
        overall: x
            .overall
            .units
            .as_ref()
            .map_or("—".to_string(), |u| u.total.to_string()),
        index: x
            .overall
            .indicator_index
            .map_or("—".to_string(), |v| zh::num(v, 1)),
        stalled_label: if x.stage == planwatch_model::PlanStage::Closed {
            "未完成任务（终期评估）"
        } else {
            "滞后或逾期任务"
        },
        // The same predicate as the task list's `?status=stalled`, so the tile and the list agree.
        stalled: x.tasks.iter().filter(|t| t.is_stalled()).count(),
        light_chart: svg::proportion_bar(
            "指标红绿灯",
            &[
                svg::Segment {
                    label: "绿灯",
                    count: s.indicators_green,
                    color: "#2e7d32",
                },
                svg::Segment {
                    label: "黄灯",
                    count: s.indicators_yellow,
                    color: "#d89b00",
                },
                svg::Segment {
                    label: "红灯",
                    count: s.indicators_red,
                    color: "#c62828",
                },
                svg::Segment {
                    label: "暂无数据",
                    count: s.indicators_grey,
                    color: "#9aa5b1",
                },
            ],
        ),
        task_chart: if a.outcome.assessment.stage == planwatch_model::PlanStage::Closed {
            // Once the plan is over, tasks are judged as a whole (终期评估).
            svg::proportion_bar(
                "重点任务终期评估",
                &[
                    svg::Segment {
                        label: planwatch_model::TaskJudgement::Completed.label_zh(),
                        count: s.tasks_judged_completed,
                        color: "#2e7d32",
                    },
                    svg::Segment {
                        label: planwatch_model::TaskJudgement::LargelyCompleted.label_zh(),
                        count: s.tasks_judged_largely_completed,
                        color: "#0b4a8b",
                    },
                    svg::Segment {
                        label: planwatch_model::TaskJudgement::NotCompleted.label_zh(),
                        count: s.tasks_judged_not_completed,
                        color: "#c62828",
                    },
                ],
            )
        } else {
            svg::proportion_bar(
                "任务状态",
                &[
                    svg::Segment {
                        label: "已完成",
                        count: s.tasks_completed,
                        color: "#2e7d32",
                    },
                    svg::Segment {
                        label: planwatch_model::TaskStatus::OnSchedule
                            .label_at(a.outcome.assessment.stage),
                        count: s.tasks_on_schedule,
                        color: "#0b4a8b",
                    },
                    svg::Segment {
                        label: planwatch_model::TaskStatus::Behind
                            .label_at(a.outcome.assessment.stage),
                        count: s.tasks_behind,
                        color: "#d89b00",
                    },
                    svg::Segment {
                        label: "未启动",
                        count: s.tasks_not_started,
                        color: "#9aa5b1",
                    },
                    svg::Segment {
                        label: "逾期",
                        count: s.tasks_overdue,
                        color: "#c62828",
                    },
                ],
            )
        },
        report_chart: svg::proportion_bar(
            "季度报送",
            &[
                svg::Segment {
                    label: "按时",
                    count: s.reports_on_time,
                    color: "#2e7d32",
                },
                svg::Segment {
                    label: "逾期",
                    count: s.reports_late,
                    color: "#d89b00",
                },
                svg::Segment {
                    label: "未报",
                    count: s.reports_missing,
                    color: "#c62828",
                },
                svg::Segment {
                    label: "退回",
                    count: s.reports_returned,
                    color: "#7a5195",
                },
            ],
        ),
        ranking_chart: svg::bars("单位得分前十名", &top, max, "#0b4a8b"),
        bottom_chart: if bottom.is_empty() {
            String::new()
        } else {
            svg::bars("单位得分后五名", &bottom, max, "#b3261e")
        },
        units_scored: ranked.len(),
        folded: s.indicators_green + s.indicators_grey,
        indicators,
        missing,
        returned,
        overdue: x
            .overdue_milestones
            .iter()
            .take(8)
            .map(|m| {
                let number = x
                    .tasks
                    .iter()
                    .find(|t| t.id == m.task_id)
                    .and_then(|t| t.number);
                (
                    format!("{}：{}（逾期 {} 天）", m.task_title, m.text, m.days_overdue),
                    number.map_or(String::new(), |n| format!("/tasks/{n}?period={}", a.period)),
                )
            })
            .collect(),
        first_period: before.is_none(),
        changes: before.map(|b| changes(o, &b.outcome)).unwrap_or_default(),
        mine,
        notes: o.notes.clone(),
        s,
    };
    Ok(body.render()?)
}
