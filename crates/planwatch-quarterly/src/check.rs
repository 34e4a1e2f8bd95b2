//! The rules a unit's quarterly report must pass, as one pure function over typed content.
//!
//! Three ways in turn what someone typed into [`ReportContent`]: the Excel reader (with cell
//! positions), the web form (with field names) and the JSON API (with the values sent). Each
//! reports what it could not *read* (a word where a number belongs) at its own position; every
//! rule about what was read is here, once, with one set of messages located by the report's own
//! structure ([`Place`]). Each way in then puts a [`Place`] back where its user looks: a cell, a
//! form field, a JSON entry. The rules for approving and sending a report (everything required
//! is filled in) are this function with `require_complete`, whichever way the report came in and
//! wherever it is sent from.

use crate::breakdown::ItemKind;
use crate::content::{IndicatorRow, ReportContent, TaskRow};
use crate::period::quarter_end;
use crate::scope::{ReportScope, RowKey, ScopeRow};
use crate::settings::ReportingSettings;
use crate::validate::text_limits as limits;
use crate::validate::{check_value, fmt_num, text_too_long};
use planwatch_model::{Quarter, TaskStatus};
use std::collections::BTreeMap;

/// A field of a task row of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TaskField {
    Contact,
    Progress,
    Cumulative,
    Status,
    Share,
    Reached,
    Problems,
    NextSteps,
    Evidence,
    Note,
}

impl TaskField {
    pub const ALL: [TaskField; 10] = [
        TaskField::Contact,
        TaskField::Progress,
        TaskField::Cumulative,
        TaskField::Status,
        TaskField::Share,
        TaskField::Reached,
        TaskField::Problems,
        TaskField::NextSteps,
        TaskField::Evidence,
        TaskField::Note,
    ];

    /// The field's name on the forms (the Excel column header, the web label).
    pub fn label_zh(self) -> &'static str {
        match self {
            TaskField::Contact => "责任领导/联系人",
            TaskField::Progress => "本季度进展情况",
            TaskField::Cumulative => "累计完成情况",
            TaskField::Status => "状态",
            TaskField::Share => "本年度完成比例",
            TaskField::Reached => "节点完成日期",
            TaskField::Problems => "存在问题",
            TaskField::NextSteps => "下一步措施",
            TaskField::Evidence => "佐证材料",
            TaskField::Note => "备注",
        }
    }

    /// The most characters the field takes (`validate::text_limits`); `None` for a field that is
    /// not free text.
    pub fn max_chars(self) -> Option<usize> {
        match self {
            TaskField::Contact => Some(limits::CONTACT),
            TaskField::Progress
            | TaskField::Cumulative
            | TaskField::Problems
            | TaskField::NextSteps => Some(limits::DESCRIPTION),
            TaskField::Evidence => Some(limits::EVIDENCE),
            TaskField::Note => Some(limits::NOTE),
            TaskField::Status | TaskField::Share | TaskField::Reached => None,
        }
    }
}

/// A field of an indicator row of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IndicatorField {
    Value,
    Source,
    Note,
}

impl IndicatorField {
    pub const ALL: [IndicatorField; 3] = [
        IndicatorField::Value,
        IndicatorField::Source,
        IndicatorField::Note,
    ];

    /// The field's name on the forms.
    pub fn label_zh(self) -> &'static str {
        match self {
            IndicatorField::Value => "截至本季度末完成值",
            IndicatorField::Source => "数据来源",
            IndicatorField::Note => "说明",
        }
    }

    /// The most characters the field takes; `None` for the value.
    pub fn max_chars(self) -> Option<usize> {
        match self {
            IndicatorField::Value => None,
            IndicatorField::Source => Some(limits::SOURCE),
            IndicatorField::Note => Some(limits::NOTE),
        }
    }
}

/// The most characters 填报人 and 联系电话 take.
pub const PERSON_MAX_CHARS: usize = limits::PERSON;

/// Where a problem lies, by the report's own structure. Indexes follow the order of the unit's
/// scope (`ReportScope::rows` and `ReportScope::indicators`), which is the template's row order
/// and the form's.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Place {
    /// A task row; `field` is `None` for a problem with the row as a whole.
    Task {
        index: usize,
        field: Option<TaskField>,
    },
    /// An indicator row.
    Indicator {
        index: usize,
        field: Option<IndicatorField>,
    },
    /// 填报人.
    FilledBy,
    /// 联系电话.
    Phone,
    /// The report as a whole.
    Report,
}

impl Place {
    /// Where this is, in words a person finds on the form (任务3, 指标“R&D经费投入强度”…).
    pub fn describe_zh(&self, scope: &ReportScope<'_>) -> String {
        match self {
            Place::Task { index, field } => {
                let row = scope.rows.get(*index).map_or_else(
                    || format!("第{}行任务", index + 1),
                    |sr| match sr.item {
                        Some(item) => format!(
                            "任务{}的{}“{}”",
                            sr.task.number,
                            item.kind.label_zh(),
                            item.title
                        ),
                        None => format!("任务{}", sr.task.number),
                    },
                );
                match field {
                    Some(f) => format!("{row}的{}", f.label_zh()),
                    None => row,
                }
            }
            Place::Indicator { index, field } => {
                let name = scope.indicators.get(*index).map_or_else(
                    || format!("第{}个指标", index + 1),
                    |d| format!("指标“{}”", d.name),
                );
                match field {
                    Some(f) => format!("{name}的{}", f.label_zh()),
                    None => name,
                }
            }
            Place::FilledBy => "填报人".into(),
            Place::Phone => "联系电话".into(),
            Place::Report => "报告".into(),
        }
    }
}

/// One problem with a report's content, where it lies and what it is (in Chinese).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub place: Place,
    pub message: String,
}

/// What a report's content is checked against.
#[derive(Debug, Clone, Copy)]
pub struct CheckContext<'a> {
    /// What the unit owes this quarter (decides the expected rows).
    pub scope: &'a ReportScope<'a>,
    /// Values on record of the unit's indicators, per code (this period's are not used).
    pub history: &'a BTreeMap<String, Vec<(Quarter, f64)>>,
    pub settings: &'a ReportingSettings,
    /// Approval and submission: every required field must be filled in. Off for a draft.
    pub require_complete: bool,
}

/// Checks `content` against the unit's scope and the rules: every row of the scope present
/// once, nothing outside it, every field within its limits and consistent with the others, every
/// value plausible against the unit's history, and — with `require_complete` — everything
/// required filled in. Returns the content as it is kept (rows in scope order; a 已完成 row with
/// no share gets 100), or every problem found.
pub fn check_report(
    content: &ReportContent,
    ctx: &CheckContext<'_>,
) -> Result<ReportContent, Vec<Issue>> {
    let mut issues = Vec::new();
    let mut out = ReportContent::new(&ctx.scope.unit, ctx.scope.period);
    out.filled_by = content.filled_by.clone();
    out.phone = content.phone.clone();
    out.demo = content.demo;
    for (place, what, text) in [
        (Place::FilledBy, "填报人", &content.filled_by),
        (Place::Phone, "联系电话", &content.phone),
    ] {
        if let Some(m) = text_too_long(what, text, PERSON_MAX_CHARS) {
            issues.push(Issue { place, message: m });
        }
    }
    if ctx.require_complete && content.filled_by.trim().is_empty() {
        issues.push(Issue {
            place: Place::FilledBy,
            message: "请填写填报人".into(),
        });
    }

    let mut by_key: BTreeMap<&RowKey, &TaskRow> = BTreeMap::new();
    for t in &content.tasks {
        let Some(key) = t.key.as_ref() else {
            issues.push(Issue {
                place: Place::Report,
                message: "有一行任务没有行标识；请在模板或表单原有的行中填写".into(),
            });
            continue;
        };
        if ctx.scope.row(key).is_none() {
            issues.push(Issue {
                place: Place::Report,
                message: format!(
                    "行标识 {} 不在“{}”{}的报送范围内；计划或任务分解可能已调整，请重新打开报告",
                    key.encode(),
                    ctx.scope.unit,
                    ctx.scope.period.label_zh()
                ),
            });
        } else if by_key.insert(key, t).is_some() {
            issues.push(Issue {
                place: Place::Report,
                message: format!("行标识 {} 重复出现；每行只能填写一次", key.encode()),
            });
        }
    }
    for (index, sr) in ctx.scope.rows.iter().enumerate() {
        match by_key.get(&sr.key) {
            Some(row) => out.tasks.push(check_task(index, row, sr, ctx, &mut issues)),
            None => issues.push(Issue {
                place: Place::Task { index, field: None },
                message: format!(
                    "缺少“任务{}：{}”的行（行标识 {}）；请勿删除行，可重新生成模板",
                    sr.task.number,
                    sr.task.title,
                    sr.key.encode()
                ),
            }),
        }
    }

    let mut by_code: BTreeMap<&str, &IndicatorRow> = BTreeMap::new();
    for r in &content.indicators {
        if !ctx.scope.indicators.iter().any(|d| d.code == r.code) {
            issues.push(Issue {
                place: Place::Report,
                message: format!(
                    "指标 {} 不是“{}”应报送的指标；指标目录可能已调整，请重新打开报告",
                    r.code, ctx.scope.unit
                ),
            });
        } else if by_code.insert(r.code.as_str(), r).is_some() {
            issues.push(Issue {
                place: Place::Report,
                message: format!("指标 {} 重复出现；每个指标只能填写一次", r.code),
            });
        }
    }
    for (index, def) in ctx.scope.indicators.iter().enumerate() {
        let Some(row) = by_code.get(def.code.as_str()) else {
            issues.push(Issue {
                place: Place::Indicator { index, field: None },
                message: format!(
                    "缺少指标“{}”的行（行标识 V:{}）；请勿删除行",
                    def.name, def.code
                ),
            });
            continue;
        };
        let at = |field| Place::Indicator {
            index,
            field: Some(field),
        };
        for (field, text) in [
            (IndicatorField::Source, &row.source),
            (IndicatorField::Note, &row.note),
        ] {
            if let Some(m) = field
                .max_chars()
                .and_then(|max| text_too_long(field.label_zh(), text, max))
            {
                issues.push(Issue {
                    place: at(field),
                    message: m,
                });
            }
        }
        match row.value {
            Some(v) => {
                // Values of other periods only: this period's value on record is the report's own.
                let history: Vec<(Quarter, f64)> = ctx
                    .history
                    .get(def.code.as_str())
                    .map_or(&[][..], Vec::as_slice)
                    .iter()
                    .copied()
                    .filter(|(p, _)| *p != ctx.scope.period)
                    .collect();
                for p in check_value(def, ctx.scope.period, v, &row.note, &history) {
                    issues.push(Issue {
                        place: at(IndicatorField::Value),
                        message: p.message_zh(def, v),
                    });
                }
                if ctx.require_complete && row.source.trim().is_empty() {
                    issues.push(Issue {
                        place: at(IndicatorField::Source),
                        message: "请填写数据来源（如：统计公报、部门统计台账）".into(),
                    });
                }
            }
            None if ctx.require_complete => issues.push(Issue {
                place: at(IndicatorField::Value),
                message: format!("请填写“{}”截至本季度末的完成值", def.name),
            }),
            None => {}
        }
        out.indicators.push((*row).clone());
    }
    if issues.is_empty() {
        Ok(out)
    } else {
        Err(issues)
    }
}

fn check_task(
    index: usize,
    given: &TaskRow,
    sr: &ScopeRow<'_>,
    ctx: &CheckContext<'_>,
    issues: &mut Vec<Issue>,
) -> TaskRow {
    let mut row = given.clone();
    let mut push = |field: TaskField, message: String| {
        issues.push(Issue {
            place: Place::Task {
                index,
                field: Some(field),
            },
            message,
        })
    };
    let evidence_text = row.evidence.join("；");
    for (field, text) in [
        (TaskField::Contact, &row.contact),
        (TaskField::Progress, &row.progress),
        (TaskField::Cumulative, &row.cumulative),
        (TaskField::Problems, &row.problems),
        (TaskField::NextSteps, &row.next_steps),
        (TaskField::Evidence, &evidence_text),
        (TaskField::Note, &row.note),
    ] {
        if let Some(m) = field
            .max_chars()
            .and_then(|max| text_too_long(field.label_zh(), text, max))
        {
            push(field, m);
        }
    }
    if ctx.require_complete && row.progress.trim().is_empty() {
        push(
            TaskField::Progress,
            "请填写本季度进展情况（没有进展也请写明原因）".into(),
        );
    }
    if sr.role.owns_status() {
        if row.status.is_none() && ctx.require_complete {
            push(TaskField::Status, "请从下拉列表选择状态".into());
        }
        if row.status == Some(TaskStatus::Overdue) {
            push(
                TaskField::Status,
                "状态“逾期”由监测结果给出，不能填报；可选：已完成、超序时、序时推进、滞后序时、未启动、其他".into(),
            );
        }
        let share = row.share_complete;
        if let Some(v) = share
            && !(0.0..=100.0).contains(&v)
        {
            push(
                TaskField::Share,
                format!("本年度完成比例应在 0 到 100 之间，填写的是 {}", fmt_num(v)),
            );
        }
        match row.status {
            Some(TaskStatus::Done) => match share {
                None => row.share_complete = Some(100.0),
                Some(v) if v < 100.0 => push(
                    TaskField::Share,
                    format!(
                        "状态为已完成，本年度完成比例应为 100，填写的是 {}",
                        fmt_num(v)
                    ),
                ),
                _ => {}
            },
            Some(TaskStatus::NotStarted) if share.is_some_and(|v| v > 0.0) => push(
                TaskField::Share,
                "状态为未启动，本年度完成比例应为 0 或不填".into(),
            ),
            Some(TaskStatus::Behind) => {
                if row.problems.trim().is_empty() {
                    push(TaskField::Problems, "状态为滞后序时，请填写存在问题".into());
                }
                if row.next_steps.trim().is_empty() {
                    push(
                        TaskField::NextSteps,
                        "状态为滞后序时，请填写下一步措施".into(),
                    );
                }
            }
            Some(TaskStatus::Other) if row.note.trim().is_empty() => {
                push(TaskField::Note, "状态为其他，请在备注中说明具体情况".into());
            }
            _ => {}
        }
    } else {
        if row.status.is_some() {
            push(
                TaskField::Status,
                format!(
                    "本单位是{}单位，不填写状态，由牵头单位统一填写",
                    sr.role.label_zh()
                ),
            );
        }
        if row.share_complete.is_some() {
            push(
                TaskField::Share,
                format!("本单位是{}单位，不填写本年度完成比例", sr.role.label_zh()),
            );
        }
    }
    match sr.item {
        Some(item) => {
            if let Some(d) = row.reached_on {
                let end = quarter_end(ctx.scope.period);
                if d > end {
                    push(
                        TaskField::Reached,
                        format!("节点完成日期 {d} 晚于本季度末 {end}；尚未完成的请不要填写日期"),
                    );
                } else if row.status.is_some() && row.status != Some(TaskStatus::Done) {
                    push(
                        TaskField::Status,
                        "已填写节点完成日期，状态应为已完成".into(),
                    );
                }
            } else if row.status == Some(TaskStatus::Done) && item.kind != ItemKind::WorkItem {
                push(
                    TaskField::Reached,
                    format!("{}已完成，请填写实际完成日期", item.kind.label_zh()),
                );
            }
        }
        None => {
            if row.reached_on.is_some() {
                push(TaskField::Reached, "只有节点和项目行填写完成日期".into());
            }
        }
    }
    for e in &row.evidence {
        let ext = e.rsplit_once('.').map(|(_, x)| x.to_ascii_lowercase());
        let ok = ext.as_deref().is_some_and(|x| {
            let x = if x == "jpeg" { "jpg" } else { x };
            ctx.settings.evidence_types.iter().any(|t| t == x)
        });
        if !ok {
            push(
                TaskField::Evidence,
                format!(
                    "佐证材料“{e}”的类型不允许；可用：{}（填写文件名，多个用“；”分隔）",
                    ctx.settings.evidence_types.join("、")
                ),
            );
        }
    }
    row
}

/// The issues of `found` except those at a place where `already` has one (a field that could
/// not be read at all needs no second message that it is empty).
pub fn besides(found: Vec<Issue>, already: &[Place]) -> Vec<Issue> {
    found
        .into_iter()
        .filter(|i| !already.contains(&i.place))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scope::tests::yangquan_inputs;
    use crate::xlsx::ImportError;
    use crate::xlsx::quarterly::{QuarterlyTemplate, ReadContext, read_quarterly, write_quarterly};

    /// 市科技局's 2023Q3 content with a problem of each kind the rules know.
    fn flawed(scope: &ReportScope<'_>) -> ReportContent {
        let mut c = ReportContent::new(&scope.unit, scope.period);
        c.phone = "0353-1234567".into();
        for (i, row) in scope.rows.iter().enumerate() {
            let owns = row.role.owns_status();
            c.tasks.push(TaskRow {
                key: Some(row.key.clone()),
                progress: if i == 1 {
                    String::new()
                } else {
                    "推进中".into()
                },
                status: owns.then_some(match i % 4 {
                    0 => TaskStatus::Behind,
                    1 => TaskStatus::Done,
                    2 => TaskStatus::Other,
                    _ => TaskStatus::OnSchedule,
                }),
                share_complete: owns.then_some(if i % 4 == 1 { 60.0 } else { 130.0 }),
                evidence: vec!["会议纪要.exe".into()],
                ..TaskRow::default()
            });
        }
        for (i, d) in scope.indicators.iter().enumerate() {
            c.indicators.push(IndicatorRow {
                code: d.code.clone(),
                value: (i % 2 == 0).then_some(if d.is_percent() { 250.0 } else { -3.5 }),
                ..IndicatorRow::default()
            });
        }
        c
    }

    fn messages_of_the_excel_path(
        scope: &ReportScope<'_>,
        content: &ReportContent,
        require_complete: bool,
    ) -> Vec<String> {
        let (forces, prev, contrib) = (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
        let bytes = write_quarterly(&QuarterlyTemplate {
            scope,
            plan_title: "计划",
            plan_code: None,
            deadline: chrono::NaiveDate::from_ymd_opt(2023, 10, 10).expect("date"),
            task_forces: &forces,
            previous: None,
            previous_values: &prev,
            contributions: &contrib,
            prefill: Some(content),
        })
        .expect("template");
        let (history, settings) = (BTreeMap::new(), ReportingSettings::default());
        let err = read_quarterly(
            &bytes,
            &ReadContext {
                scope,
                history: &history,
                settings: &settings,
                require_complete,
            },
        )
        .expect_err("problems");
        let ImportError::Invalid(issues) = err else {
            panic!("located problems expected, got {err}");
        };
        let mut m: Vec<String> = issues.into_iter().map(|i| i.message).collect();
        m.sort();
        m
    }

    #[test]
    fn typed_content_gets_exactly_the_messages_the_excel_reader_gives_for_the_same_content() {
        let inputs = yangquan_inputs();
        let q = Quarter::parse("2023Q3").expect("quarter");
        let scope = inputs.scope(&"市科技局".into(), q);
        let content = flawed(&scope);
        let (history, settings) = (BTreeMap::new(), ReportingSettings::default());
        for require_complete in [false, true] {
            let ctx = CheckContext {
                scope: &scope,
                history: &history,
                settings: &settings,
                require_complete,
            };
            let issues = check_report(&content, &ctx).expect_err("problems");
            let mut typed: Vec<String> = issues.iter().map(|i| i.message.clone()).collect();
            typed.sort();
            let excel = messages_of_the_excel_path(&scope, &content, require_complete);
            assert_eq!(typed, excel, "require_complete = {require_complete}");
            assert!(typed.len() > 20, "{typed:?}");
            for needle in [
                "状态为滞后序时，请填写存在问题",
                "状态为其他，请在备注中说明具体情况",
                "本年度完成比例应在 0 到 100 之间",
                "佐证材料“会议纪要.exe”的类型不允许",
            ] {
                assert!(typed.iter().any(|m| m.contains(needle)), "{needle}");
            }
        }
        let complete = check_report(
            &content,
            &CheckContext {
                scope: &scope,
                history: &history,
                settings: &settings,
                require_complete: true,
            },
        )
        .expect_err("incomplete");
        assert!(complete.iter().any(|i| i.place == Place::FilledBy));
        assert!(complete.iter().any(|i| i.place
            == Place::Task {
                index: 1,
                field: Some(TaskField::Progress)
            }));
    }

    #[test]
    fn a_long_text_is_measured_as_typed_not_as_an_excel_cell_could_hold_it() {
        let inputs = yangquan_inputs();
        let q = Quarter::parse("2023Q3").expect("quarter");
        let scope = inputs.scope(&"市科技局".into(), q);
        let mut content = flawed(&scope);
        content.tasks[0].progress = "进".repeat(40_000);
        let (history, settings) = (BTreeMap::new(), ReportingSettings::default());
        let issues = check_report(
            &content,
            &CheckContext {
                scope: &scope,
                history: &history,
                settings: &settings,
                require_complete: false,
            },
        )
        .expect_err("too long");
        let at_progress: Vec<&Issue> = issues
            .iter()
            .filter(|i| {
                i.place
                    == Place::Task {
                        index: 0,
                        field: Some(TaskField::Progress),
                    }
            })
            .collect();
        assert_eq!(at_progress.len(), 1);
        assert!(
            at_progress[0].message.contains("现为 40000 字"),
            "{}",
            at_progress[0].message
        );
    }

    #[test]
    fn rows_are_kept_in_scope_order_and_a_finished_row_without_a_share_gets_100() {
        let inputs = yangquan_inputs();
        let q = Quarter::parse("2023Q3").expect("quarter");
        let scope = inputs.scope(&"市科技局".into(), q);
        let mut content = ReportContent::new(&scope.unit, q);
        for row in scope.rows.iter().rev() {
            content.tasks.push(TaskRow {
                key: Some(row.key.clone()),
                progress: "完成".into(),
                status: row.role.owns_status().then_some(TaskStatus::OnSchedule),
                ..TaskRow::default()
            });
        }
        let owner = scope
            .rows
            .iter()
            .position(|r| r.role.owns_status() && r.item.is_none())
            .expect("a lead row without items");
        let last = content.tasks.len() - 1 - owner;
        content.tasks[last].status = Some(TaskStatus::Done);
        for d in scope.indicators.iter().rev() {
            content.indicators.push(IndicatorRow {
                code: d.code.clone(),
                ..IndicatorRow::default()
            });
        }
        let (history, settings) = (BTreeMap::new(), ReportingSettings::default());
        let kept = check_report(
            &content,
            &CheckContext {
                scope: &scope,
                history: &history,
                settings: &settings,
                require_complete: false,
            },
        )
        .expect("a valid draft");
        let keys: Vec<&RowKey> = kept.tasks.iter().filter_map(|t| t.key.as_ref()).collect();
        let want: Vec<&RowKey> = scope.rows.iter().map(|r| &r.key).collect();
        assert_eq!(keys, want);
        assert_eq!(kept.tasks[owner].share_complete, Some(100.0));
        assert_eq!(kept.indicators[0].code, scope.indicators[0].code);
        // A row twice, a row of another unit, and 逾期 typed by a unit are refused.
        let mut twice = kept.clone();
        twice.tasks.push(kept.tasks[0].clone());
        twice.tasks[owner].status = Some(TaskStatus::Overdue);
        let issues = check_report(
            &twice,
            &CheckContext {
                scope: &scope,
                history: &history,
                settings: &settings,
                require_complete: false,
            },
        )
        .expect_err("refused");
        assert!(issues.iter().any(|i| i.message.contains("重复出现")));
        assert!(issues.iter().any(|i| i.message.contains("由监测结果给出")));
    }
}
