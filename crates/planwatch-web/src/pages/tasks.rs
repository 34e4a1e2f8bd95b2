//! 任务: the plan's tasks by section or by task force, and each task with its units, targets,
//! milestones and full text.

use super::super::AppState;
use super::super::assessment;
use super::super::error::{WebError, WebResult};
use super::super::format;
use super::super::policy::Permission;
use super::super::session::CurrentUser;
use super::dashboard::{IndicatorRow, indicator_row};
use super::data::{PlanData, Responsibility, TaskRow, UnitLink};
use super::lists;
use super::{Chrome, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use planwatch_model::Quarter;
use planwatch_monitor::task::{TaskAssessment, TaskStatus, percent_zh};
use planwatch_quarterly::RowKey;
use planwatch_quarterly::content::TaskRow as ReportTaskRow;
use planwatch_store::TaskView;
use serde::Deserialize;
use std::collections::BTreeMap;

pub struct Group {
    pub heading: String,
    pub sub: String,
    pub tasks: Vec<ListRow>,
}

/// A task in the list with its monitoring result (empty before any quarter is assessed).
pub struct ListRow {
    pub t: TaskRow,
    pub status: &'static str,
    pub light: &'static str,
    pub light_label: &'static str,
    pub percent: String,
    pub explanation: String,
    /// Most urgent first when sorted by status.
    pub urgency: u8,
    /// The final judgement (终期评估) once the plan is over; empty while it runs.
    pub judgement: &'static str,
}

#[derive(Template)]
#[template(path = "tasks.html")]
struct TasksPage {
    c: Chrome,
    by_task_force: bool,
    groups: Vec<Group>,
    total: usize,
    shown: usize,
    assessed: bool,
    period: String,
    period_label: String,
    periods: Vec<(String, String)>,
    q: TasksQuery,
    statuses: Vec<(String, &'static str)>,
    forces: Vec<String>,
    export: String,
    filtered: bool,
    /// The plan is over: the list shows each task's final judgement too.
    closed: bool,
}

#[derive(Deserialize, Default, Clone)]
pub struct TasksQuery {
    #[serde(default)]
    pub by: String,
    /// `stalled` (the dashboard's 滞后或逾期任务), or a status's wire name (`behind`, `overdue`…).
    #[serde(default)]
    pub status: String,
    /// `red`, `yellow`, `green`, `grey`.
    #[serde(default)]
    pub light: String,
    /// A task force's name.
    #[serde(default)]
    pub force: String,
    /// Words in the title or a unit's name.
    #[serde(default)]
    pub q: String,
    /// `number` (default), `status` (most urgent first) or `percent` (least done first).
    #[serde(default)]
    pub sort: String,
    #[serde(default)]
    pub period: String,
    #[serde(default)]
    pub format: String,
}

fn no_plan() -> WebError {
    WebError::BadRequest(
        "数据库中还没有计划：请先导入计划（计划 → 导入新版本，或命令 planwatch init）".to_string(),
    )
}

/// A status's wire name (`behind`).
fn status_key(s: TaskStatus) -> String {
    serde_json::to_value(s)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The order of urgency: overdue first, done last.
fn urgency(s: TaskStatus) -> u8 {
    match s {
        TaskStatus::Overdue => 0,
        TaskStatus::Behind => 1,
        TaskStatus::NotStarted => 2,
        TaskStatus::Other => 3,
        TaskStatus::OnSchedule => 4,
        TaskStatus::Ahead => 5,
        TaskStatus::Done => 6,
    }
}

fn parse_period(s: &str) -> WebResult<Option<Quarter>> {
    if s.trim().is_empty() {
        Ok(None)
    } else {
        Quarter::parse(s.trim())
            .map(Some)
            .map_err(|e| WebError::BadRequest(format!("季度“{s}”无法识别：{e}")))
    }
}

pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<TasksQuery>,
) -> WebResult<Response> {
    user.require(Permission::ReadPlan)?;
    let xlsx = lists::wants_xlsx(&q.format)?;
    let d = PlanData::load(&state).await?.ok_or_else(no_plan)?;
    let a = assessment::assessed(&state, parse_period(&q.period)?).await?;
    let judged: BTreeMap<i64, &TaskAssessment> = a
        .as_ref()
        .map(|a| {
            a.outcome
                .assessment
                .tasks
                .iter()
                .filter_map(|t| Some((i64::from(t.number?), t)))
                .collect()
        })
        .unwrap_or_default();
    let wanted_status = match q.status.as_str() {
        "" | "stalled" => None,
        s => Some(
            TaskStatus::ASSESSED
                .into_iter()
                .find(|x| status_key(*x) == s)
                .ok_or_else(|| WebError::BadRequest(format!("任务状态“{s}”无法识别")))?,
        ),
    };
    let needle = q.q.trim().to_string();
    let keep = |t: &TaskView| -> bool {
        let j = judged.get(&t.number);
        if q.status == "stalled" && !j.is_some_and(|j| j.is_stalled()) {
            return false;
        }
        if let Some(s) = wanted_status
            && j.is_none_or(|j| j.status != s)
        {
            return false;
        }
        if !q.light.is_empty() && j.is_none_or(|j| j.light.as_str() != q.light) {
            return false;
        }
        if !q.force.is_empty() && t.task_force.as_deref() != Some(q.force.as_str()) {
            return false;
        }
        if !needle.is_empty() {
            let hay = t.title.contains(&needle)
                || t.number.to_string() == needle
                || t.lead_units
                    .iter()
                    .chain(&t.participating_units)
                    .any(|u| u.name.contains(needle.as_str()));
            if !hay {
                return false;
            }
        }
        true
    };
    let row = |t: &TaskView| {
        let j = judged.get(&t.number);
        ListRow {
            t: TaskRow::from(t),
            status: j.map_or("", |j| j.status_zh()),
            light: j.map_or("", |j| j.light.as_str()),
            light_label: j.map_or("", |j| j.light.label_zh()),
            percent: j.and_then(|j| j.percent_zh()).unwrap_or_default(),
            explanation: j.map(|j| j.explanation.clone()).unwrap_or_default(),
            urgency: j.map_or(9, |j| urgency(j.status)),
            judgement: j.and_then(|j| j.judgement).map_or("", |x| x.label_zh()),
        }
    };
    let shown_tasks: Vec<&TaskView> = d.view.tasks.iter().filter(|t| keep(t)).collect();
    let by_task_force = q.by == "task_force";
    let sorted = matches!(q.sort.as_str(), "status" | "percent");
    let groups = if sorted {
        let mut tasks = shown_tasks.clone();
        let key = |t: &TaskView| judged.get(&t.number).copied();
        if q.sort == "status" {
            tasks.sort_by_key(|t| (key(t).map_or(9, |j| urgency(j.status)), t.number));
        } else {
            tasks.sort_by(|x, y| {
                let p = |t: &TaskView| key(t).and_then(|j| j.percent_complete);
                match (p(x), p(y)) {
                    (Some(a), Some(b)) => a.total_cmp(&b),
                    (Some(_), None) => std::cmp::Ordering::Less,
                    (None, Some(_)) => std::cmp::Ordering::Greater,
                    (None, None) => std::cmp::Ordering::Equal,
                }
                .then(x.number.cmp(&y.number))
            });
        }
        vec![Group {
            heading: if q.sort == "status" {
                "按状态排序（最需推进的在前）".to_string()
            } else {
                "按年度完成进度排序（进度最低的在前）".to_string()
            },
            sub: String::new(),
            tasks: tasks.into_iter().map(row).collect(),
        }]
    } else if by_task_force {
        let org = &d.org;
        let mut groups: Vec<Group> = org
            .task_forces
            .iter()
            .map(|tf| Group {
                heading: tf.body.name.clone(),
                sub: tf
                    .body
                    .seat
                    .as_ref()
                    .map(|s| format!("牵头单位：{s}"))
                    .unwrap_or_default(),
                tasks: shown_tasks
                    .iter()
                    .filter(|t| t.task_force.as_deref() == Some(tf.body.name.as_str()))
                    .map(|t| row(t))
                    .collect(),
            })
            .collect();
        let unassigned: Vec<ListRow> = shown_tasks
            .iter()
            .filter(|t| t.task_force.is_none())
            .map(|t| row(t))
            .collect();
        if !unassigned.is_empty() {
            groups.push(Group {
                heading: "未分配专班".to_string(),
                sub: "组织架构中没有专班负责这些任务".to_string(),
                tasks: unassigned,
            });
        }
        groups.retain(|g| !g.tasks.is_empty());
        groups
    } else {
        d.view
            .sections
            .iter()
            .map(|s| Group {
                heading: format!("{} {}", s.number, s.title),
                sub: String::new(),
                tasks: shown_tasks
                    .iter()
                    .filter(|t| t.section == s.number)
                    .map(|t| row(t))
                    .collect(),
            })
            .filter(|g| !g.tasks.is_empty())
            .collect()
    };
    let period = a.as_ref().map(|a| a.period.to_string()).unwrap_or_default();
    let period_label = a.as_ref().map(|a| a.period.label_zh()).unwrap_or_default();
    if xlsx {
        let rows = groups
            .iter()
            .flat_map(|g| &g.tasks)
            .map(|r| {
                vec![
                    r.t.number.to_string(),
                    r.t.title.clone(),
                    names(&r.t.lead),
                    names(&r.t.participating),
                    r.t.task_force.clone(),
                    r.status.to_string(),
                    r.light_label.to_string(),
                    r.percent.clone(),
                    r.judgement.to_string(),
                    r.explanation.clone(),
                ]
            })
            .collect();
        return lists::ListTable {
            title: if period_label.is_empty() {
                "重点任务".to_string()
            } else {
                format!("重点任务（{period_label}）")
            },
            sheet: "任务",
            columns: vec![
                ("序号", true),
                ("任务", false),
                ("牵头单位", false),
                ("参加单位", false),
                ("工作专班", false),
                ("状态", false),
                ("信号", false),
                ("年度完成", false),
                ("终期评估", false),
                ("说明", false),
            ],
            rows,
            demo: super::demo_present(&state).await?,
        }
        .download();
    }
    let stage = a
        .as_ref()
        .map(|a| a.outcome.assessment.stage)
        .unwrap_or_default();
    let mut statuses = vec![(
        "stalled".to_string(),
        if stage == planwatch_model::PlanStage::Closed {
            "未完成（终期评估）"
        } else {
            "滞后或逾期"
        },
    )];
    statuses.extend(
        TaskStatus::ASSESSED
            .into_iter()
            .map(|s| (status_key(s), s.label_at(stage))),
    );
    let export = lists::export_href(
        "/tasks",
        &[
            ("by", &q.by),
            ("status", &q.status),
            ("light", &q.light),
            ("force", &q.force),
            ("q", &q.q),
            ("sort", &q.sort),
            ("period", &q.period),
        ],
    );
    let shown = shown_tasks.len();
    Ok(render(&TasksPage {
        c: Chrome::new(&state, &user, "tasks", "任务").await?,
        by_task_force,
        groups,
        total: d.view.tasks.len(),
        shown,
        assessed: a.is_some(),
        period,
        period_label,
        periods: a
            .as_ref()
            .map(|a| {
                a.periods
                    .iter()
                    .rev()
                    .map(|p| (p.to_string(), p.label_zh()))
                    .collect()
            })
            .unwrap_or_default(),
        filtered: !q.status.is_empty()
            || !q.light.is_empty()
            || !q.force.is_empty()
            || !q.q.trim().is_empty(),
        statuses,
        forces: d
            .org
            .task_forces
            .iter()
            .map(|f| f.body.name.clone())
            .collect(),
        export,
        closed: stage == planwatch_model::PlanStage::Closed,
        q,
    })?
    .into_response())
}

fn names(units: &[UnitLink]) -> String {
    units
        .iter()
        .map(|u| u.name.as_str())
        .collect::<Vec<_>>()
        .join("、")
}

pub struct TargetRow {
    pub indicator: String,
    pub value: String,
    pub year: String,
    pub text: String,
}

pub struct MilestoneRow {
    pub year: String,
    pub what: String,
}

/// The task's standing in the chosen quarter, in the monitor's words.
pub struct Standing {
    pub status: &'static str,
    pub light: &'static str,
    pub light_label: &'static str,
    pub percent: String,
    pub expected: String,
    pub explanation: String,
    pub judgement: String,
    pub judgement_basis: String,
    pub evidence: String,
}

/// A dated milestone with its status.
pub struct MilestoneLine {
    pub text: String,
    pub due: String,
    pub status: &'static str,
    pub light: &'static str,
    pub detail: String,
}

/// A responsible unit's latest signed-off report on the task.
pub struct UnitProgress {
    pub id: i64,
    pub name: String,
    pub role: &'static str,
    /// e.g. 2024年第四季度 · 已采纳; empty when the unit has no signed-off report yet.
    pub period: String,
    pub href: String,
    pub status: String,
    pub share: String,
    pub progress: String,
    pub problems: String,
    pub next_steps: String,
}

/// One quarter of the task's history.
pub struct HistoryRow {
    pub period: String,
    pub label: String,
    pub status: &'static str,
    pub light: &'static str,
    pub light_label: &'static str,
    pub percent: String,
    pub explanation: String,
}

#[derive(Template)]
#[template(path = "task.html")]
struct TaskPage {
    c: Chrome,
    number: i64,
    label: String,
    title: String,
    section: String,
    task_force: String,
    lead: Vec<UnitLink>,
    participating: Vec<UnitLink>,
    targets: Vec<TargetRow>,
    milestones: Vec<MilestoneRow>,
    body: String,
    previous: Option<i64>,
    next: Option<i64>,
    period: String,
    period_label: String,
    periods: Vec<(String, String)>,
    standing: Option<Standing>,
    dated: Vec<MilestoneLine>,
    progress: Vec<UnitProgress>,
    /// Participating units (shown folded when there are many) and how many have a report.
    participants: usize,
    participants_reported: usize,
    history: Vec<HistoryRow>,
    indicators: Vec<IndicatorRow>,
}

#[derive(Deserialize, Default)]
pub struct TaskQuery {
    #[serde(default)]
    period: String,
}

fn date(d: chrono::NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Each responsible unit's latest report on task `number` up to `period` that its unit head has
/// signed off (approved, submitted or accepted — never a draft or a returned report), lead units
/// first. Units without one are listed too, so a silent unit shows.
fn unit_progress(
    d: &PlanData,
    view: &TaskView,
    number: i64,
    period: Quarter,
    reports: &[std::sync::Arc<planwatch_store::StoredReport>],
) -> Vec<UnitProgress> {
    let Ok(n) = u32::try_from(number) else {
        return Vec::new();
    };
    let lead_key = RowKey::Task { task: n };
    let other_key = RowKey::Contribution { task: n };
    let mut latest: BTreeMap<String, (&planwatch_store::StoredReport, &ReportTaskRow, bool)> =
        BTreeMap::new();
    for r in reports
        .iter()
        .filter(|r| r.record.state.is_signed_off() && r.period <= period)
    {
        let found = r
            .content
            .task(&lead_key)
            .map(|row| (row, true))
            .or_else(|| r.content.task(&other_key).map(|row| (row, false)));
        let Some((row, lead)) = found else { continue };
        let name = r.unit.to_string();
        if latest
            .get(&name)
            .is_none_or(|(x, _, _)| x.period < r.period)
        {
            latest.insert(name, (r, row, lead));
        }
    }
    let unit_id = |name: &str| d.units.iter().find(|u| u.name == name).map_or(0, |u| u.id);
    let mut out: Vec<UnitProgress> = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    // The reporting units in plan order: lead units (or their groups' members), then the others.
    let mut order: Vec<(String, &'static str)> = Vec::new();
    for (units, role) in [
        (&view.lead_units, Responsibility::Lead),
        (&view.participating_units, Responsibility::Participating),
    ] {
        for u in units {
            let members = d
                .view
                .groups
                .iter()
                .find(|(g, _)| *g == u.name.as_str())
                .map(|(_, m)| m.clone());
            match members {
                Some(m) => order.extend(m.into_iter().map(|m| (m, role.label()))),
                None => order.push((u.name.to_string(), role.label())),
            }
        }
    }
    for name in latest.keys() {
        if !order.iter().any(|(n, _)| n == name) {
            order.push((name.clone(), "参加"));
        }
    }
    for (name, role) in order {
        if !seen.insert(name.clone()) {
            continue;
        }
        let id = unit_id(&name);
        let line = match latest.get(&name) {
            Some((r, row, _)) => UnitProgress {
                id,
                href: format!("/reports/{id}/{}", r.period),
                period: format!("{} · {}", r.period.label_zh(), r.record.state.label_zh()),
                status: row
                    .status
                    .map(|s| s.label_zh().to_string())
                    .unwrap_or_default(),
                share: row.share_complete.map(percent_zh).unwrap_or_default(),
                progress: row.progress.clone(),
                problems: row.problems.clone(),
                next_steps: row.next_steps.clone(),
                name,
                role,
            },
            None => UnitProgress {
                id,
                href: String::new(),
                period: String::new(),
                status: String::new(),
                share: String::new(),
                progress: String::new(),
                problems: String::new(),
                next_steps: String::new(),
                name,
                role,
            },
        };
        out.push(line);
    }
    out
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<String>,
    Query(q): Query<TaskQuery>,
) -> WebResult<Html<String>> {
    user.require(Permission::ReadPlan)?;
    let number: i64 = number.parse().map_err(|_| WebError::NotFound)?;
    let d = PlanData::load(&state).await?.ok_or_else(no_plan)?;
    let (view, task) = d.task(number).ok_or(WebError::NotFound)?;
    let position = d.view.tasks.iter().position(|t| t.number == number);
    let previous = position
        .and_then(|i| i.checked_sub(1))
        .and_then(|i| d.view.tasks.get(i))
        .map(|t| t.number);
    let next = position
        .and_then(|i| d.view.tasks.get(i + 1))
        .map(|t| t.number);
    let targets = task
        .targets
        .iter()
        .map(|t| TargetRow {
            indicator: t.indicator.clone(),
            value: format::target_value(t),
            year: match (t.year, t.recurrence.as_deref()) {
                (_, Some("annual")) => "每年".to_string(),
                (Some(y), _) => format!("{y}年"),
                (None, _) => String::new(),
            },
            text: t.text.clone(),
        })
        .collect();
    let milestones = task
        .milestones
        .iter()
        .map(|m| MilestoneRow {
            year: m.year.map(|y| format!("{y}年")).unwrap_or_default(),
            what: m.what.clone(),
        })
        .collect();
    let section = format!("{} {}", view.section, d.section_title(&view.section));
    let a = assessment::assessed(&state, parse_period(&q.period)?).await?;
    let judged = a.as_ref().and_then(|a| {
        a.outcome
            .assessment
            .tasks
            .iter()
            .find(|t| t.number.map(i64::from) == Some(number))
    });
    let standing = judged.map(|t| Standing {
        status: t.status_zh(),
        light: t.light.as_str(),
        light_label: t.light.label_zh(),
        percent: t.percent_zh().unwrap_or_else(|| "暂无".to_string()),
        expected: t.expected_zh(),
        explanation: t.explanation.clone(),
        judgement: t
            .judgement
            .map(|j| j.label_zh().to_string())
            .unwrap_or_default(),
        judgement_basis: t.judgement_basis.clone().unwrap_or_default(),
        evidence: t.evidence_period.map(|p| p.label_zh()).unwrap_or_default(),
    });
    let dated = judged
        .map(|t| {
            t.milestones
                .iter()
                .map(|m| MilestoneLine {
                    text: m.text.clone(),
                    due: date(m.due),
                    status: m.status.label_zh(),
                    light: m.light.as_str(),
                    detail: match (m.completed_on, m.days_overdue) {
                        (Some(on), _) if m.completed_late => {
                            format!("{} 完成（逾期完成）", date(on))
                        }
                        (Some(on), _) => format!("{} 完成", date(on)),
                        (None, Some(days)) if days > 0 => format!("逾期 {days} 天"),
                        _ => m
                            .percent_complete
                            .map(|p| format!("已完成 {}", percent_zh(p)))
                            .unwrap_or_default(),
                    },
                })
                .collect()
        })
        .unwrap_or_default();
    let mut history = Vec::new();
    let mut progress = Vec::new();
    let mut indicators = Vec::new();
    if let Some(a) = &a {
        progress = unit_progress(&d, view, number, a.period, &a.reports);
        for p in a.periods.iter().filter(|p| **p <= a.period).rev() {
            let Some(h) = assessment::assessed(&state, Some(*p)).await? else {
                continue;
            };
            if let Some(t) = h
                .outcome
                .assessment
                .tasks
                .iter()
                .find(|t| t.number.map(i64::from) == Some(number))
            {
                history.push(HistoryRow {
                    period: p.to_string(),
                    label: p.label_zh(),
                    status: t.status_zh(),
                    light: t.light.as_str(),
                    light_label: t.light.label_zh(),
                    percent: t.percent_zh().unwrap_or_default(),
                    explanation: t.explanation.clone(),
                });
            }
        }
        let o = &a.outcome;
        let id = judged.map(|t| t.id.clone());
        indicators = o
            .assessment
            .indicators
            .iter()
            .filter(|i| {
                (id.is_some() && i.task == id)
                    || a.sources
                        .catalogue
                        .by_code(&i.id)
                        .is_some_and(|def| def.tasks.iter().any(|t| i64::from(*t) == number))
            })
            .map(|i| indicator_row(o, i))
            .collect();
    }
    render(&TaskPage {
        c: Chrome::new(&state, &user, "tasks", format!("任务 {number}")).await?,
        number,
        label: view.label.clone(),
        title: view.title.clone(),
        section,
        task_force: view.task_force.clone().unwrap_or_default(),
        lead: view.lead_units.iter().map(UnitLink::from).collect(),
        participating: view
            .participating_units
            .iter()
            .map(UnitLink::from)
            .collect(),
        targets,
        milestones,
        body: task.body.clone(),
        previous,
        next,
        period: a.as_ref().map(|a| a.period.to_string()).unwrap_or_default(),
        period_label: a.as_ref().map(|a| a.period.label_zh()).unwrap_or_default(),
        periods: a
            .as_ref()
            .map(|a| {
                a.periods
                    .iter()
                    .rev()
                    .map(|p| (p.to_string(), p.label_zh()))
                    .collect()
            })
            .unwrap_or_default(),
        standing,
        dated,
        participants: progress.iter().filter(|u| u.role != "牵头").count(),
        participants_reported: progress
            .iter()
            .filter(|u| u.role != "牵头" && !u.period.is_empty())
            .count(),
        progress,
        history,
        indicators,
    })
}
