//! The report's tables, shared by the annual report and the feedback sheets: 主要指标完成情况表
//! (表A), 重点任务推进情况表 (表B), the task-force summary, the ranking and the scoring sheet
//! (表C). Every data cell carries its trace; a dash stands for "not reported".

use crate::model::{Align, Cell, Column, Row, Table, fmt_num, fmt_pct};
use crate::view::{
    FinalReview, IndicatorView, PlanStage, ScoreItemView, TaskJudgement, TaskStatus, TaskView,
    UnitScoreView,
};
use std::collections::BTreeMap;

const DASH: &str = "—";

/// Ids that figures link to when they summarise a table rather than one submission.
pub const INDICATORS_TABLE: &str = "attachment-1";
pub const TASKS_TABLE: &str = "attachment-2";
pub const SCORES_TABLE: &str = "attachment-3";

fn num_cell(v: Option<f64>, trace: &[String]) -> Cell {
    num_cell_dp(v, 2, trace)
}

/// A number shown with at most `dp` decimals (Excel keeps the exact value).
fn num_cell_dp(v: Option<f64>, dp: usize, trace: &[String]) -> Cell {
    match v {
        Some(v) if v.is_finite() => {
            let format = if dp == 0 || (v.fract() == 0.0) {
                "0"
            } else {
                "0.00"
            };
            Cell::number(fmt_num(v, dp), v, format, trace)
        }
        _ => Cell::text(DASH),
    }
}

fn pct_cell(v: Option<f64>, trace: &[String]) -> Cell {
    match v {
        Some(v) if v.is_finite() => Cell::number(fmt_pct(v), v, "0.0%", trace),
        _ => Cell::text(DASH),
    }
}

fn text_or_dash(s: &str, trace: &[String]) -> Cell {
    if s.trim().is_empty() {
        Cell::text(DASH)
    } else {
        Cell::traced(s, trace)
    }
}

/// 表A: 序号, 指标名称, 单位, 年度目标值, 截至期末完成值, 完成率, 序时进度, 状态, 责任单位, 备注.
/// `grouped` (the attachment) puts headline goals first, then the task targets by task force;
/// the body's table, set upright on A4, leaves out 序时进度 and 备注.
pub fn indicator_table(
    rows: &[&IndicatorView],
    id: &str,
    number: Option<&str>,
    title: &str,
    plan_src: &str,
    grouped: bool,
    stage: PlanStage,
) -> Table {
    let closed = stage == PlanStage::Closed;
    let mut columns = vec![
        Column::key("序号", 3),
        Column::new("指标名称", 14, Align::Left),
        Column::new("单位", 4, Align::Center),
        Column::new(
            if closed {
                "期末目标值"
            } else {
                "年度目标值"
            },
            6,
            Align::Right,
        ),
        Column::new("截至期末完成值", 6, Align::Right),
        Column::new("完成率", 5, Align::Right),
        // 序时进度 is the share of the year elapsed: a calendar fact, not a reported figure.
        Column::key(stage.schedule_term(), 5),
        Column::new("状态", 6, Align::Center),
        Column::new("责任单位", 9, Align::Left),
        Column::new("备注", 9, Align::Left),
    ];
    let narrow = !grouped;
    if narrow {
        columns.remove(9);
        columns.remove(6);
        // Upright A4 is narrow: numbers get the room, names wrap.
        for (c, w) in columns.iter_mut().zip([3, 12, 3, 6, 6, 6, 6, 8]) {
            c.width = w;
        }
    }
    let plan = vec![plan_src.to_string()];
    let row = |n: usize, i: &IndicatorView| {
        let mut cells = vec![
            Cell::text(n.to_string()),
            Cell::traced(&i.name, &plan),
            Cell::text(if i.unit.is_empty() { DASH } else { &i.unit }),
            // A year's target may be interpolated (17.33家): shown as computed, so that 完成率
            // can be checked from the two printed numbers.
            num_cell(i.annual_target, &plan),
            num_cell_dp(i.actual, i.decimals(), &i.sources),
            pct_cell(i.completion_rate(), &i.sources),
            Cell::text(fmt_pct(i.schedule_share)),
            Cell::text(i.status_zh()),
            Cell::text(if i.units.is_empty() {
                DASH.to_string()
            } else {
                i.units.join("、")
            }),
            text_or_dash(&i.note, &i.sources),
        ];
        if narrow {
            cells.remove(9);
            cells.remove(6);
        }
        Row::cells(cells)
    };
    let mut out = Vec::new();
    if grouped {
        let mut groups: Vec<(String, Vec<&IndicatorView>)> = Vec::new();
        for i in rows {
            let g = if i.headline {
                "总体目标".to_string()
            } else {
                i.task_force.clone().unwrap_or_else(|| "其他指标".into())
            };
            match groups.iter_mut().find(|(name, _)| *name == g) {
                Some((_, v)) => v.push(i),
                None => groups.push((g, vec![i])),
            }
        }
        let mut n = 0;
        for (g, items) in groups {
            out.push(Row::Group { text: g });
            for i in items {
                n += 1;
                out.push(row(n, i));
            }
        }
    } else {
        for (k, i) in rows.iter().enumerate() {
            out.push(row(k + 1, i));
        }
    }
    Table {
        id: id.into(),
        number: number.map(Into::into),
        title: title.into(),
        columns,
        rows: out,
        sheet: Some(match number {
            Some(n) => format!("{n} {title}"),
            None => title.to_string(),
        }),
        note: Some(format!(
            "注：完成率＝截至期末完成值÷{}（数值越低越好的指标取其倒数）；{}为期末已过时间占全年的比例。",
            if closed {
                "期末目标值"
            } else {
                "年度目标值"
            },
            stage.schedule_term()
        )),
    }
}

fn milestone_lines(t: &TaskView) -> String {
    if t.milestones.is_empty() {
        return DASH.into();
    }
    t.milestones
        .iter()
        .map(|m| {
            let due = m.due_year.map_or(String::new(), |y| format!("{y}年："));
            format!("{due}{}（{}）", m.what, m.status.label_zh())
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// 表B: tasks grouped by task force: 序号, 重点任务, 牵头单位, 参加单位, 节点及完成时限, 进展情况,
/// 状态, 存在问题.
pub fn task_table(
    tasks: &[&TaskView],
    order: &[String],
    id: &str,
    title: &str,
    plan_src: &str,
) -> Table {
    let judged = tasks.iter().any(|t| t.judgement.is_some());
    let columns = vec![
        Column::key("序号", 4),
        Column::new("重点任务", 11, Align::Left),
        Column::new("牵头单位", 8, Align::Left),
        Column::new("参加单位", 10, Align::Left),
        Column::new("节点及完成时限", 15, Align::Left),
        Column::new("进展情况", 15, Align::Left),
        Column::new(if judged { "终期评估" } else { "状态" }, 6, Align::Center),
        Column::new("存在问题", 10, Align::Left),
    ];
    let plan = vec![plan_src.to_string()];
    let mut by_tf: Vec<(String, Vec<&TaskView>)> = Vec::new();
    for t in tasks {
        match by_tf.iter_mut().find(|(name, _)| *name == t.task_force) {
            Some((_, v)) => v.push(t),
            None => by_tf.push((t.task_force.clone(), vec![t])),
        }
    }
    by_tf.sort_by_key(|(name, _)| order.iter().position(|o| o == name).unwrap_or(usize::MAX));
    let mut rows = Vec::new();
    for (tf, list) in by_tf {
        rows.push(Row::Group { text: tf });
        for t in list {
            let mut node_trace = plan.clone();
            node_trace.extend(t.sources.iter().cloned());
            rows.push(Row::cells(vec![
                Cell::text(t.number.to_string()),
                Cell::traced(&t.title, &plan),
                Cell::text(t.lead_units.join("、")),
                Cell::text(if t.participating_units.is_empty() {
                    DASH.to_string()
                } else {
                    t.participating_units.join("、")
                }),
                Cell::traced(milestone_lines(t), &node_trace),
                match &t.judgement_basis {
                    Some(basis) => Cell::traced(
                        format!("{}\n终期评估依据：{basis}", t.progress).trim_start(),
                        &t.sources,
                    ),
                    None => text_or_dash(&t.progress, &t.sources),
                },
                Cell::text(t.status_zh()),
                text_or_dash(&t.problems, &t.sources),
            ]));
        }
    }
    Table {
        id: id.into(),
        number: None,
        title: title.into(),
        columns,
        rows,
        sheet: Some(title.into()),
        note: None,
    }
}

/// Counts per task force: tasks by status and milestones.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskForceCounts {
    pub tasks: usize,
    pub by_status: BTreeMap<TaskStatus, usize>,
    pub milestones: usize,
    pub milestones_done: usize,
    pub milestones_overdue: usize,
    /// Once the plan is over: tasks by their judgement as a whole.
    pub by_judgement: BTreeMap<TaskJudgement, usize>,
}

impl TaskForceCounts {
    pub fn of<'a>(tasks: impl IntoIterator<Item = &'a TaskView>) -> Self {
        let mut c = Self::default();
        for t in tasks {
            c.tasks += 1;
            *c.by_status.entry(t.status).or_default() += 1;
            if let Some(j) = t.judgement {
                *c.by_judgement.entry(j).or_default() += 1;
            }
            for m in &t.milestones {
                c.milestones += 1;
                match m.status {
                    crate::view::MilestoneStatus::Done => c.milestones_done += 1,
                    crate::view::MilestoneStatus::Overdue => c.milestones_overdue += 1,
                    _ => {}
                }
            }
        }
        c
    }

    pub fn count(&self, s: TaskStatus) -> usize {
        self.by_status.get(&s).copied().unwrap_or(0)
    }

    pub fn judged(&self, j: TaskJudgement) -> usize {
        self.by_judgement.get(&j).copied().unwrap_or(0)
    }
}

/// The task forces with their tasks, in the plan's order of task forces (`order`), then any
/// others in order of first appearance.
pub fn by_task_force<'a>(
    tasks: &'a [TaskView],
    order: &[String],
) -> Vec<(String, Vec<&'a TaskView>)> {
    let mut out: Vec<(String, Vec<&TaskView>)> = Vec::new();
    for t in tasks {
        match out.iter_mut().find(|(name, _)| *name == t.task_force) {
            Some((_, v)) => v.push(t),
            None => out.push((t.task_force.clone(), vec![t])),
        }
    }
    out.sort_by_key(|(name, _)| order.iter().position(|o| o == name).unwrap_or(usize::MAX));
    out
}

/// The task-force summary (表B in the body): counts per 专班 and a total row.
pub fn task_force_table(tasks: &[TaskView], order: &[String], id: &str, number: &str) -> Table {
    let stage = tasks.first().map_or(PlanStage::Running, |t| t.stage);
    let judged = tasks.iter().any(|t| t.judgement.is_some());
    let mut columns = vec![
        Column::new("专班", 9, Align::Center),
        Column::new("任务数", 4, Align::Center),
    ];
    if judged {
        for j in TaskJudgement::ALL {
            columns.push(Column::new(j.label_zh(), 4, Align::Center));
        }
    } else {
        for s in TaskStatus::ASSESSED {
            columns.push(Column::new(s.label_at(stage), 4, Align::Center));
        }
    }
    columns.push(Column::new("节点数", 4, Align::Center));
    columns.push(Column::new("完成节点", 4, Align::Center));
    columns.push(Column::new("逾期节点", 4, Align::Center));
    let trace = vec![TASKS_TABLE.to_string()];
    let n = |v: usize| Cell::number(v.to_string(), v as f64, "0", &trace);
    let line = |name: &str, c: &TaskForceCounts| {
        let mut cells = vec![Cell::text(name), n(c.tasks)];
        if judged {
            for j in TaskJudgement::ALL {
                cells.push(n(c.judged(j)));
            }
        } else {
            for s in TaskStatus::ASSESSED {
                cells.push(n(c.count(s)));
            }
        }
        cells.push(n(c.milestones));
        cells.push(n(c.milestones_done));
        cells.push(n(c.milestones_overdue));
        Row::cells(cells)
    };
    let mut rows: Vec<Row> = by_task_force(tasks, order)
        .iter()
        .map(|(tf, list)| line(tf, &TaskForceCounts::of(list.iter().copied())))
        .collect();
    rows.push(line("合计", &TaskForceCounts::of(tasks)));
    Table {
        id: id.into(),
        number: Some(number.into()),
        title: "各专班重点任务推进情况".into(),
        columns,
        rows,
        sheet: Some(format!("{number} 各专班推进情况")),
        note: None,
    }
}

/// Units ordered for the ranking: by class (in order of first appearance), then rank.
pub fn ranked(units: &[UnitScoreView]) -> Vec<&UnitScoreView> {
    let mut classes: Vec<&str> = Vec::new();
    for u in units {
        if !classes.contains(&u.class.as_str()) {
            classes.push(&u.class);
        }
    }
    let mut v: Vec<&UnitScoreView> = units.iter().collect();
    v.sort_by(|a, b| {
        let ca = classes.iter().position(|c| *c == a.class);
        let cb = classes.iter().position(|c| *c == b.class);
        ca.cmp(&cb)
            .then(a.rank.cmp(&b.rank))
            .then(a.unit.cmp(&b.unit))
    });
    v
}

/// 表C in the body: the ranking by class: 类别, 单位, 得分, 类内排名, 等次.
pub fn ranking_table(units: &[UnitScoreView], id: &str, number: &str) -> Table {
    let trace = vec![SCORES_TABLE.to_string()];
    let mut rows = Vec::new();
    let mut current = "";
    for u in ranked(units) {
        if u.class != current {
            rows.push(Row::Group {
                text: u.class.clone(),
            });
            current = &u.class;
        }
        rows.push(Row::cells(vec![
            Cell::number(u.rank.to_string(), f64::from(u.rank), "0", &trace),
            Cell::text(&u.unit),
            Cell::number(crate::model::fmt_score(u.score), u.score, "0.00", &trace),
            Cell::traced(format!("{}/{}", u.rank, u.class_size), &trace),
            Cell::text(u.grade.clone().unwrap_or_else(|| DASH.into())),
        ]));
    }
    Table {
        id: id.into(),
        number: Some(number.into()),
        title: "各责任单位考核得分及排名".into(),
        columns: vec![
            Column::new("名次", 4, Align::Center),
            Column::new("单位", 14, Align::Left),
            Column::new("得分", 6, Align::Right),
            Column::new("类内排名", 6, Align::Center),
            Column::new("等次", 5, Align::Center),
        ],
        rows,
        sheet: Some(format!("{number} 考核得分")),
        note: None,
    }
}

/// A unit's breakdown with the lines of one rule (内容) added up, in order of first appearance:
/// the annual report's sheet stays a few lines per unit; the feedback sheet keeps every line.
pub fn summarise_items(items: &[ScoreItemView]) -> Vec<ScoreItemView> {
    let mut out: Vec<(ScoreItemView, Vec<String>, usize)> = Vec::new();
    for it in items {
        match out.iter_mut().find(|(o, _, _)| o.item == it.item) {
            Some((o, notes, n)) => {
                o.points += it.points;
                *n += 1;
                if !it.note.is_empty() {
                    notes.push(it.note.clone());
                }
                for s in &it.sources {
                    if !o.sources.contains(s) {
                        o.sources.push(s.clone());
                    }
                }
            }
            None => {
                let notes = if it.note.is_empty() {
                    vec![]
                } else {
                    vec![it.note.clone()]
                };
                out.push((it.clone(), notes, 1));
            }
        }
    }
    out.into_iter()
        .map(|(mut o, notes, n)| {
            if n > 1 {
                let shown: Vec<&str> = notes.iter().take(2).map(String::as_str).collect();
                o.note = if notes.len() > 2 {
                    format!("共{n}项：{}等", shown.join("；"))
                } else {
                    format!("共{n}项：{}", shown.join("；"))
                };
                o.points = (o.points * 100.0).round() / 100.0;
            }
            o
        })
        .collect()
}

/// A unit's lines that gave or took points, one per rule, each reason cut to its subject
/// (任务“…”亮红灯（逾期）, without the share arithmetic): the compact feedback sheet's 得分构成.
pub fn compact_items(items: &[ScoreItemView]) -> Vec<ScoreItemView> {
    let short: Vec<ScoreItemView> = items
        .iter()
        .filter(|i| i.points != 0.0)
        .map(|i| {
            let cut = ["，作为", "，权重", "："]
                .iter()
                .filter_map(|m| i.note.find(m))
                .min()
                .unwrap_or(i.note.len());
            ScoreItemView {
                note: i.note[..cut].to_string(),
                ..i.clone()
            }
        })
        .collect();
    summarise_items(&short)
}

/// 表C (附件3): each unit's breakdown: 序号, 内容, 评分办法和标准, 分值, 得分, 备注.
pub fn score_sheet(units: &[&UnitScoreView], id: &str, title: &str, rules_src: &str) -> Table {
    score_sheet_with(units, id, title, rules_src, false)
}

/// The scoring sheet with each rule's lines added up (`summary`) or listed one by one.
pub fn score_sheet_with(
    units: &[&UnitScoreView],
    id: &str,
    title: &str,
    rules_src: &str,
    summary: bool,
) -> Table {
    let mut rows = Vec::new();
    for u in units {
        rows.push(Row::Group {
            text: format!(
                "{}（{}）　总分{}　类内排名{}/{}",
                u.unit,
                u.class,
                crate::model::fmt_score(u.score),
                u.rank,
                u.class_size
            ),
        });
        let items = if summary {
            summarise_items(&u.items)
        } else {
            u.items.clone()
        };
        for (k, it) in items.iter().enumerate() {
            let trace: Vec<String> = if it.sources.is_empty() {
                vec![rules_src.to_string()]
            } else {
                it.sources.clone()
            };
            let rules = vec![rules_src.to_string()];
            rows.push(Row::cells(vec![
                Cell::text((k + 1).to_string()),
                Cell::text(&it.item),
                Cell::traced(&it.rule, &rules),
                num_cell(it.max_points, &rules),
                Cell::number(
                    crate::model::fmt_score(it.points),
                    it.points,
                    "0.00",
                    &trace,
                ),
                text_or_dash(&it.note, &trace),
            ]));
        }
    }
    Table {
        id: id.into(),
        number: None,
        title: title.into(),
        columns: vec![
            Column::key("序号", 3),
            Column::new("内容", 8, Align::Left),
            Column::new("评分办法和标准", 16, Align::Left),
            Column::new("分值", 5, Align::Right),
            Column::new("得分", 6, Align::Right),
            Column::new("备注", 15, Align::Left),
        ],
        rows,
        sheet: Some(title.into()),
        note: None,
    }
}

/// The whole-plan review (终期评估): each indicator from its baseline to its latest value, and
/// every plan target judged at its date.
pub fn final_review_table(r: &FinalReview, id: &str, number: &str) -> Table {
    let trace = vec![INDICATORS_TABLE.to_string()];
    let rows = r
        .rows
        .iter()
        .enumerate()
        .map(|(k, row)| {
            let d = usize::from(row.decimals.min(4));
            let fmt = |v: f64| fmt_num(v, d);
            let judged = row
                .targets
                .iter()
                .map(|t| {
                    let what = match t.met {
                        Some(true) => "已实现",
                        Some(false) => "未实现",
                        None => "尚无数据",
                    };
                    match t.observed {
                        Some(o) => {
                            format!("{}年目标{}：{what}（实际{}）", t.year, fmt(t.value), fmt(o))
                        }
                        None => format!("{}年目标{}：{what}", t.year, fmt(t.value)),
                    }
                })
                .collect::<Vec<_>>()
                .join("；");
            Row::cells(vec![
                Cell::text((k + 1).to_string()),
                Cell::text(&row.name),
                Cell::text(if row.unit.is_empty() { DASH } else { &row.unit }),
                Cell::traced(
                    row.base
                        .map_or(DASH.to_string(), |(y, v)| format!("{}（{y}年）", fmt(v))),
                    &trace,
                ),
                Cell::traced(
                    row.latest
                        .as_ref()
                        .map_or(DASH.to_string(), |(at, v)| format!("{}（{at}）", fmt(*v))),
                    &trace,
                ),
                Cell::traced(
                    if judged.is_empty() {
                        DASH.to_string()
                    } else {
                        judged
                    },
                    &trace,
                ),
                Cell::text(row.verdict_zh()),
            ])
        })
        .collect();
    Table {
        id: id.into(),
        number: Some(number.into()),
        title: format!("{}—{}年主要指标目标实现情况", r.start, r.end),
        columns: vec![
            Column::new("序号", 3, Align::Center),
            Column::new("指标名称", 14, Align::Left),
            Column::new("单位", 4, Align::Center),
            Column::new("基期值", 8, Align::Right),
            Column::new("期末值", 10, Align::Right),
            Column::new("各年度规划目标评估", 18, Align::Left),
            Column::new("结论", 5, Align::Center),
        ],
        rows,
        sheet: Some(format!("{number} 目标实现情况")),
        note: Some(
            "注：每项规划目标按其目标年份末的数值评估（已实现 / 未实现）；结论以计划期末目标为准。"
                .into(),
        ),
    }
}

/// 表5: the plan's qualitative goals with the office's judgement and its evidence.
pub fn goals_table(
    goals: &[crate::view::QualitativeGoal],
    id: &str,
    number: &str,
    plan_src: &str,
) -> Table {
    let plan = vec![plan_src.to_string()];
    let rows = goals
        .iter()
        .enumerate()
        .map(|(k, g)| {
            Row::cells(vec![
                Cell::text((k + 1).to_string()),
                Cell::traced(&g.text, &plan),
                Cell::text(g.verdict.map_or("待评判", |v| v.label_zh())),
                Cell::text(if g.evidence.is_empty() {
                    DASH.to_string()
                } else {
                    match &g.judged_by {
                        Some(by) => format!("{}（{by}）", g.evidence),
                        None => g.evidence.clone(),
                    }
                }),
            ])
        })
        .collect();
    Table {
        id: id.into(),
        number: Some(number.into()),
        title: "定性目标评判情况".into(),
        columns: vec![
            Column::key("序号", 3),
            Column::new("定性目标", 16, Align::Left),
            Column::new("评判结论", 5, Align::Center),
            Column::new("评判依据", 20, Align::Left),
        ],
        rows,
        sheet: Some(format!("{number} 定性目标评判")),
        note: Some(
            "注：定性目标由领导小组办公室结合佐证材料评判，评判及修改均留有审计记录。".into(),
        ),
    }
}

/// The table without the columns titled `titles` (and their cells): the compact annexes leave
/// out what only the system's full form needs.
pub fn without_columns(mut t: Table, titles: &[&str]) -> Table {
    let drop: Vec<usize> = t
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| titles.contains(&c.title.as_str()))
        .map(|(i, _)| i)
        .collect();
    for &i in drop.iter().rev() {
        t.columns.remove(i);
        for r in &mut t.rows {
            if let Row::Cells { cells } = r
                && i < cells.len()
            {
                cells.remove(i);
            }
        }
    }
    t
}

/// A task's milestones in one line: 共4个，完成2个，逾期1个（…）.
fn milestone_summary(t: &TaskView) -> String {
    use crate::view::MilestoneStatus;
    if t.milestones.is_empty() {
        return DASH.into();
    }
    let done = t
        .milestones
        .iter()
        .filter(|m| m.status == MilestoneStatus::Done)
        .count();
    let overdue: Vec<String> = t
        .milestones
        .iter()
        .filter(|m| m.status == MilestoneStatus::Overdue)
        .map(|m| match m.due_year {
            Some(y) => format!("{}（{y}年）", m.what),
            None => m.what.clone(),
        })
        .collect();
    let mut s = format!("共{}个，{}{done}个", t.milestones.len(), {
        MilestoneStatus::Done.label_zh()
    });
    if !overdue.is_empty() {
        s.push_str(&format!(
            "，{}{}个：{}",
            MilestoneStatus::Overdue.label_zh(),
            overdue.len(),
            overdue.join("；")
        ));
    }
    s
}

/// The compact 附件2: one line per task (序号, 重点任务, 牵头单位, 节点完成情况, 状态), grouped by
/// task force; the units' progress texts stay in the full form.
pub fn compact_task_table(
    tasks: &[&TaskView],
    order: &[String],
    id: &str,
    title: &str,
    plan_src: &str,
) -> Table {
    let judged = tasks.iter().any(|t| t.judgement.is_some());
    let plan = vec![plan_src.to_string()];
    let mut by_tf: Vec<(String, Vec<&TaskView>)> = Vec::new();
    for t in tasks {
        match by_tf.iter_mut().find(|(name, _)| *name == t.task_force) {
            Some((_, v)) => v.push(t),
            None => by_tf.push((t.task_force.clone(), vec![t])),
        }
    }
    by_tf.sort_by_key(|(name, _)| order.iter().position(|o| o == name).unwrap_or(usize::MAX));
    let mut rows = Vec::new();
    for (tf, list) in by_tf {
        rows.push(Row::Group { text: tf });
        for t in list {
            let mut node_trace = plan.clone();
            node_trace.extend(t.sources.iter().cloned());
            rows.push(Row::cells(vec![
                Cell::text(t.number.to_string()),
                Cell::traced(&t.title, &plan),
                Cell::text(t.lead_units.join("、")),
                Cell::traced(milestone_summary(t), &node_trace),
                Cell::text(t.status_zh()),
            ]));
        }
    }
    Table {
        id: id.into(),
        number: None,
        title: title.into(),
        columns: vec![
            Column::key("序号", 3),
            Column::new("重点任务", 20, Align::Left),
            Column::new("牵头单位", 9, Align::Left),
            Column::new("节点完成情况", 18, Align::Left),
            Column::new(if judged { "终期评估" } else { "状态" }, 6, Align::Center),
        ],
        rows,
        sheet: Some(title.into()),
        note: None,
    }
}

/// The compact 附件3: one line per unit by class and rank, with only the rules that gave or
/// took points (起评分 and every addition or deduction), each with its points.
pub fn compact_score_table(
    units: &[&UnitScoreView],
    id: &str,
    title: &str,
    rules_src: &str,
) -> Table {
    let mut rows = Vec::new();
    let mut current = "";
    for u in units {
        if u.class != current {
            rows.push(Row::Group {
                text: u.class.clone(),
            });
            current = &u.class;
        }
        let items = summarise_items(&u.items);
        let trace: Vec<String> = {
            let mut t = vec![rules_src.to_string()];
            for it in &items {
                for s in &it.sources {
                    if !t.contains(s) {
                        t.push(s.clone());
                    }
                }
            }
            t
        };
        let parts: Vec<String> = items
            .iter()
            .filter(|it| it.points != 0.0)
            .map(|it| {
                let pts = crate::model::fmt_score(it.points);
                let pts = if it.points > 0.0 {
                    format!("+{pts}")
                } else {
                    pts
                };
                // How many occasions a summed rule covers (共3项); the reasons themselves are in
                // the unit's feedback sheet and the system's full form.
                match it.note.strip_prefix('共').and_then(|n| n.split_once('项')) {
                    Some((n, _)) if n.chars().all(|c| c.is_ascii_digit()) => {
                        format!("{} {pts}（{n}项）", it.item)
                    }
                    _ => format!("{} {pts}", it.item),
                }
            })
            .collect();
        rows.push(Row::cells(vec![
            Cell::number(u.rank.to_string(), f64::from(u.rank), "0", &trace),
            Cell::text(&u.unit),
            Cell::number(crate::model::fmt_score(u.score), u.score, "0.00", &trace),
            Cell::text(u.grade.clone().unwrap_or_else(|| DASH.into())),
            Cell::traced(
                if parts.is_empty() {
                    DASH.to_string()
                } else {
                    parts.join("；")
                },
                &trace,
            ),
        ]));
    }
    Table {
        id: id.into(),
        number: None,
        title: title.into(),
        columns: vec![
            Column::new("名次", 3, Align::Center),
            Column::new("单位", 9, Align::Left),
            Column::new("得分", 5, Align::Right),
            Column::new("等次", 4, Align::Center),
            Column::new("得分构成（起评分及各项加减分）", 33, Align::Left),
        ],
        rows,
        sheet: Some(title.into()),
        note: Some(
            "注：只列出给分或扣分的评分项；扣分原因见各单位反馈单，逐项评分明细及数据来源见系统中的网页版报告和Excel附件表格。"
                .into(),
        ),
    }
}
