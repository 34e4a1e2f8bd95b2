//! The feedback sheet (反馈单) for one member unit: its score with the breakdown, its tasks and
//! indicators with their status, its reporting record and the problems it should fix (drafted
//! from the data, labelled 【草稿】). Composed from the same `AnnualView` as the annual report.

pub use crate::annual::Form;
use crate::charts::ChartError;
use crate::drafts::SOURCES;
use crate::model::{
    Align, Block, Cell, Column, Document, Label, Paragraph, ParagraphBuilder, Row, Table, fmt_num,
    fmt_pct, zh_numeral,
};
use crate::tables::{self, SCORES_TABLE};
use crate::view::{
    AnnualView, IndicatorVerdict, MilestoneStatus, PlanStage, TaskJudgement, TaskStatus, TaskView,
    program_name,
};
use std::collections::BTreeSet;

/// Why a feedback sheet could not be composed.
#[derive(Debug, thiserror::Error)]
pub enum FeedbackError {
    #[error(
        "单位“{unit}”不在{year}年度考核范围内（没有任务、指标、报送或得分记录）。可选单位：{known}"
    )]
    UnknownUnit {
        unit: String,
        year: i32,
        known: String,
    },
    #[error(transparent)]
    Chart(#[from] ChartError),
}

/// Every unit that has something to be told about: a score, a task, an indicator or reports.
pub fn units(v: &AnnualView) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    let names = v
        .units
        .iter()
        .map(|u| u.unit.as_str())
        .chain(v.reporting.iter().map(|r| r.unit.as_str()))
        .chain(
            v.tasks
                .iter()
                .flat_map(|t| t.lead_units.iter().map(String::as_str)),
        )
        .chain(
            v.indicators
                .iter()
                .flat_map(|i| i.units.iter().map(String::as_str)),
        );
    for n in names {
        if seen.insert(n.to_string()) {
            out.push(n.to_string());
        }
    }
    out
}

fn draft() -> ParagraphBuilder {
    ParagraphBuilder::new().label(Label::Draft)
}

fn role(t: &TaskView, unit: &str) -> Option<&'static str> {
    if t.lead_units.iter().any(|u| u == unit) {
        Some("牵头")
    } else if t.participating_units.iter().any(|u| u == unit) {
        Some("参加")
    } else {
        None
    }
}

const TASKS: &str = "feedback-tasks";
const INDICATORS: &str = "feedback-indicators";

fn task_rows(tasks: &[(&TaskView, &str)], plan: &str) -> Table {
    let plan = vec![plan.to_string()];
    let rows = tasks
        .iter()
        .map(|(t, role)| {
            let nodes = if t.milestones.is_empty() {
                "—".to_string()
            } else {
                t.milestones
                    .iter()
                    .map(|m| {
                        let due = m.due_year.map_or(String::new(), |y| format!("{y}年："));
                        format!("{due}{}（{}）", m.what, m.status.label_zh())
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            let mut node_trace = plan.clone();
            node_trace.extend(t.sources.iter().cloned());
            let or_dash = |s: &str| {
                if s.trim().is_empty() {
                    Cell::text("—")
                } else {
                    Cell::traced(s, &t.sources)
                }
            };
            Row::cells(vec![
                Cell::text(t.number.to_string()),
                Cell::traced(&t.title, &plan),
                Cell::text(*role),
                Cell::traced(nodes, &node_trace),
                or_dash(&t.progress),
                Cell::text(t.status_zh()),
                or_dash(&t.problems),
            ])
        })
        .collect();
    Table {
        id: TASKS.into(),
        number: Some("表2".into()),
        title: "承担重点任务推进情况".into(),
        columns: vec![
            Column::key("序号", 3),
            Column::new("重点任务", 10, Align::Left),
            Column::new("承担方式", 4, Align::Center),
            Column::new("节点及完成时限", 14, Align::Left),
            Column::new("进展情况", 11, Align::Left),
            Column::new("状态", 5, Align::Center),
            Column::new("存在问题", 9, Align::Left),
        ],
        rows,
        sheet: Some("表2 承担任务".into()),
        note: None,
    }
}

/// Composes the feedback sheet for `unit` in its full form (every scoring line, every indicator,
/// the tasks' milestones and progress, the sources list).
pub fn compose(v: &AnnualView, unit: &str) -> Result<Document, FeedbackError> {
    compose_as(v, unit, Form::Full)
}

/// Composes the feedback sheet for `unit`. The compact form (what the office sends, 1–3 pages)
/// keeps the score, rank and 等次 with only the rules that gave or took points, one line per
/// task, only the indicators that need attention, the reporting record and the problems to fix;
/// the sources stay in the system.
pub fn compose_as(v: &AnnualView, unit: &str, form: Form) -> Result<Document, FeedbackError> {
    let compact = form == Form::Compact;
    let known = units(v);
    if !known.iter().any(|u| u == unit) {
        return Err(FeedbackError::UnknownUnit {
            unit: unit.to_string(),
            year: v.year,
            known: known.join("、"),
        });
    }
    let plan = v.plan_source.id.clone();
    let rules = v
        .rules_source
        .as_ref()
        .map_or(plan.clone(), |s| s.id.clone());
    let score = v.units.iter().find(|u| u.unit == unit);
    let tasks: Vec<(&TaskView, &str)> = v
        .tasks
        .iter()
        .filter_map(|t| role(t, unit).map(|r| (t, r)))
        .collect();
    let indicators: Vec<&crate::view::IndicatorView> = v
        .indicators
        .iter()
        .filter(|i| i.units.iter().any(|u| u == unit))
        .collect();
    let reporting = v.reporting.iter().find(|r| r.unit == unit);

    let mut blocks = vec![
        Block::Paragraph(Paragraph::flush(format!("{unit}："))),
        Block::Paragraph(Paragraph::text(format!(
            "根据{}年度{}评价考核结果，现将你单位有关情况反馈如下。请对照问题抓好整改，整改情况随下一季度报告一并报送领导小组办公室。",
            v.year,
            program_name(&v.plan_title)
        ))),
    ];
    let mut section = 0;
    let mut heading = |blocks: &mut Vec<Block>, title: &str| {
        section += 1;
        blocks.push(Block::Heading {
            level: 1,
            text: format!("{}、{}", zh_numeral(section), title),
        });
    };

    if let Some(s) = score {
        heading(&mut blocks, "考核得分");
        let src = vec![SCORES_TABLE.to_string()];
        let mut p = ParagraphBuilder::new().text(format!("你单位{}年度考核得分", v.year));
        p.push_figure(crate::model::fmt_score(s.score), &src);
        p.push_text(format!("分，在{}", s.class));
        p.push_figure(s.class_size.to_string(), &src);
        p.push_text("家单位中排名第");
        p.push_figure(s.rank.to_string(), &src);
        let see = if compact {
            "得分构成见表1。"
        } else {
            "评分明细见表1。"
        };
        match &s.grade {
            Some(g) => p.push_text(format!("，等次为{g}。{see}")),
            None => p.push_text(format!("。{see}")),
        }
        blocks.push(Block::Paragraph(p.build()));
        // The compact sheet lists only the rules that gave or took points (得分 0 rows left out).
        let shown = if compact {
            crate::view::UnitScoreView {
                items: tables::compact_items(&s.items),
                ..s.clone()
            }
        } else {
            s.clone()
        };
        let title = if compact {
            "得分构成（起评分及加减分事项）"
        } else {
            "考核评分明细"
        };
        let mut sheet = tables::score_sheet(&[&shown], SCORES_TABLE, title, &rules);
        if compact {
            // 内容, 得分 and why: the rules themselves are the same for every unit.
            sheet = tables::without_columns(sheet, &["评分办法和标准", "分值"]);
            for (c, w) in sheet.columns.iter_mut().zip([3, 10, 6, 30]) {
                c.width = w;
            }
            if let Some(c) = sheet.columns.last_mut() {
                c.title = "加减分原因".into();
            }
        }
        sheet.number = Some("表1".into());
        sheet.sheet = Some("表1 评分明细".into());
        blocks.push(Block::Table(sheet));
    }

    if !tasks.is_empty() {
        heading(&mut blocks, "承担任务推进情况");
        let lead = tasks.iter().filter(|(_, r)| *r == "牵头").count();
        let src = vec![TASKS.to_string()];
        let mut p = ParagraphBuilder::new().text("你单位牵头");
        p.push_figure(lead.to_string(), &src);
        p.push_text("项、参加");
        p.push_figure((tasks.len() - lead).to_string(), &src);
        p.push_text("项重点任务");
        let mut sep = "，其中";
        let judged = tasks.iter().any(|(t, _)| t.judgement.is_some());
        let counts: Vec<(&str, usize)> = if judged {
            TaskJudgement::ALL
                .iter()
                .map(|j| {
                    let n = tasks
                        .iter()
                        .filter(|(t, _)| t.judgement == Some(*j))
                        .count();
                    (j.label_zh(), n)
                })
                .collect()
        } else {
            TaskStatus::ASSESSED
                .iter()
                .map(|st| {
                    let n = tasks.iter().filter(|(t, _)| t.status == *st).count();
                    (st.label_at(v.stage), n)
                })
                .collect()
        };
        for (word, n) in counts {
            if n > 0 {
                p.push_text(format!("{sep}{word}"));
                p.push_figure(n.to_string(), &src);
                p.push_text("项");
                sep = "、";
            }
        }
        p.push_text("。");
        blocks.push(Block::Paragraph(p.build()));
        let table = task_rows(&tasks, &plan);
        blocks.push(Block::Table(if compact {
            // One line per task; milestones due and problems are in 需整改的问题 below.
            tables::without_columns(table, &["节点及完成时限", "进展情况", "存在问题"])
        } else {
            table
        }));
    }

    if !indicators.is_empty() {
        heading(&mut blocks, "指标完成情况");
        let src = vec![INDICATORS.to_string()];
        let mut p = ParagraphBuilder::new().text("你单位负责的指标");
        p.push_figure(indicators.len().to_string(), &src);
        p.push_text("项");
        let mut sep = "，其中";
        for st in [
            IndicatorVerdict::Achieved,
            IndicatorVerdict::OnSchedule,
            IndicatorVerdict::Behind,
            IndicatorVerdict::NoData,
        ] {
            let n = indicators.iter().filter(|i| i.status == st).count();
            if n > 0 {
                p.push_text(format!("{sep}{}", st.label_at(v.stage)));
                p.push_figure(n.to_string(), &src);
                p.push_text("项");
                sep = "、";
            }
        }
        p.push_text("。");
        // The compact sheet tables only the indicators that need attention.
        let listed: Vec<&crate::view::IndicatorView> = indicators
            .iter()
            .copied()
            .filter(|i| {
                !compact
                    || !matches!(
                        i.status,
                        IndicatorVerdict::Achieved | IndicatorVerdict::OnSchedule
                    )
            })
            .collect();
        if compact && !listed.is_empty() {
            p.push_text("需关注的指标见表3。");
        }
        blocks.push(Block::Paragraph(p.build()));
        if !listed.is_empty() {
            let table = tables::indicator_table(
                &listed,
                INDICATORS,
                Some("表3"),
                if compact {
                    "需关注的指标"
                } else {
                    "负责指标完成情况"
                },
                &plan,
                false,
                v.stage,
            );
            blocks.push(Block::Table(if compact {
                // The sheet is the unit's own: its name in every row says nothing.
                tables::without_columns(table, &["责任单位"])
            } else {
                table
            }));
        }
    }

    if let Some(r) = reporting {
        heading(&mut blocks, "季度报送情况");
        let src = if r.sources.is_empty() {
            vec![SOURCES.to_string()]
        } else {
            r.sources.clone()
        };
        let mut p = ParagraphBuilder::new().text(format!("{}年你单位应报送季度报告", v.year));
        p.push_figure(r.expected.to_string(), &src);
        p.push_text("份，按时报送");
        p.push_figure(r.on_time.to_string(), &src);
        p.push_text("份、迟报");
        p.push_figure(r.late.to_string(), &src);
        p.push_text("份、漏报");
        p.push_figure(r.missing.to_string(), &src);
        p.push_text("份、退回修改");
        p.push_figure(r.returned.to_string(), &src);
        p.push_text("份");
        if r.expected > 0 {
            p.push_text("，按时报送率");
            p.push_figure(fmt_pct(f64::from(r.on_time) / f64::from(r.expected)), &src);
        }
        p.push_text("。");
        blocks.push(Block::Paragraph(p.build()));
    }

    heading(&mut blocks, "需整改的问题");
    let mut problems: Vec<ParagraphBuilder> = Vec::new();
    let lagging: Vec<&&crate::view::IndicatorView> = indicators
        .iter()
        .filter(|i| i.status == IndicatorVerdict::Behind)
        .collect();
    if !lagging.is_empty() {
        let mut p = draft().text(if v.stage == PlanStage::Closed {
            "指标未实现目标，"
        } else {
            "指标进度滞后，"
        });
        p.push_figure(lagging.len().to_string(), &[INDICATORS.to_string()]);
        // The compact sheet names many lagging indicators by the table that lists them.
        let by_table = compact && lagging.len() > 3;
        p.push_text(format!(
            "项指标{}{}",
            IndicatorVerdict::Behind.label_at(v.stage),
            if by_table { "（见表3）" } else { "：" }
        ));
        for (k, i) in lagging.iter().enumerate().filter(|_| !by_table) {
            if k > 0 {
                p.push_text("；");
            }
            p.push_text(&i.name);
            if let Some(a) = i.actual {
                p.push_text("完成");
                p.push_figure(format!("{}{}", fmt_num(a, 2), i.unit), &i.sources);
            }
            if let Some(c) = i.completion_rate() {
                p.push_text("、完成率");
                p.push_figure(fmt_pct(c), &i.sources);
            }
        }
        p.push_text("，请分析原因、制定赶进度措施。");
        problems.push(p);
    }
    let overdue: Vec<(&TaskView, &crate::view::MilestoneView)> = tasks
        .iter()
        .filter(|(_, r)| *r == "牵头")
        .flat_map(|(t, _)| t.milestones.iter().map(move |m| (*t, m)))
        .filter(|(_, m)| m.status == MilestoneStatus::Overdue)
        .collect();
    if !overdue.is_empty() {
        let mut p = draft().text("节点逾期，牵头任务中");
        p.push_figure(overdue.len().to_string(), &[TASKS.to_string()]);
        p.push_text("个节点已过完成时限仍未完成：");
        for (k, (_, m)) in overdue.iter().enumerate() {
            if k > 0 {
                p.push_text("；");
            }
            p.push_text(format!("“{}”", crate::drafts::inner_quotes(&m.what)));
            if let Some(y) = m.due_year {
                p.push_text("（应于");
                p.push_figure(y.to_string(), std::slice::from_ref(&plan));
                p.push_text("年完成）");
            }
        }
        p.push_text("，请明确新的完成时限并加快推进。");
        problems.push(p);
    }
    if let Some(r) = reporting.filter(|r| r.late + r.missing > 0) {
        let src = if r.sources.is_empty() {
            vec![SOURCES.to_string()]
        } else {
            r.sources.clone()
        };
        let mut p = draft().text("季度报送不及时，全年迟报");
        p.push_figure(r.late.to_string(), &src);
        p.push_text("份、漏报");
        p.push_figure(r.missing.to_string(), &src);
        p.push_text("份，请严格按每季度末时限报送。");
        problems.push(p);
    }
    let stalled: Vec<&(&TaskView, &str)> = tasks
        .iter()
        .filter(|(t, r)| *r == "牵头" && !t.on_track())
        .collect();
    if !stalled.is_empty() {
        let mut p = draft().text(if v.stage == PlanStage::Closed {
            "任务未能完成，牵头的"
        } else {
            "任务推进缓慢，牵头的"
        });
        p.push_figure(stalled.len().to_string(), &[TASKS.to_string()]);
        p.push_text("项任务");
        for (k, (t, _)) in stalled.iter().enumerate() {
            p.push_text(if k == 0 { "“" } else { "、“" });
            p.push_figure(
                crate::drafts::inner_quotes(&t.title),
                std::slice::from_ref(&plan),
            );
            p.push_text(format!("”（{}）", t.status_zh()));
        }
        p.push_text(if v.stage == PlanStage::Closed {
            "未能完成，请说明原因并提出后续安排。"
        } else {
            "需加快推进。"
        });
        problems.push(p);
    }
    if problems.is_empty() {
        // Only tables that exist in this sheet are linked.
        let mut p = draft().text("从监测数据看，你单位");
        if !indicators.is_empty() {
            p.push_text("负责的");
            p.push_figure(indicators.len().to_string(), &[INDICATORS.to_string()]);
            p.push_text("项指标");
            p.push_text(if tasks.is_empty() {
                "均正常推进，"
            } else {
                "和"
            });
        }
        if !tasks.is_empty() {
            p.push_text("承担的");
            p.push_figure(tasks.len().to_string(), &[TASKS.to_string()]);
            p.push_text("项任务均正常推进，");
        }
        match reporting {
            Some(r) => {
                let src = if r.sources.is_empty() {
                    vec![SOURCES.to_string()]
                } else {
                    r.sources.clone()
                };
                p.push_text("季度报告");
                p.push_figure(r.on_time.to_string(), &src);
                p.push_text("份均按时报送，");
            }
            None => p.push_text("无季度报送记录，"),
        }
        p.push_text("暂无需整改的问题。");
        blocks.push(Block::Paragraph(p.build()));
    } else {
        for (k, b) in problems.into_iter().enumerate() {
            let mut p = b.build();
            if let Some(crate::model::Inline::Text { text }) = p.inlines.first_mut() {
                text.insert_str(0, &format!("{}是", zh_numeral(k + 1)));
            }
            blocks.push(Block::Paragraph(p));
        }
    }

    if !compact {
        blocks.push(Block::AttachmentList {
            items: vec!["数据来源清单".into()],
        });
    }
    blocks.push(Block::Signature {
        issuer: v.issuer.clone(),
        date: v
            .issued_on
            .clone()
            .unwrap_or_else(|| "　　年　　月　　日".into()),
    });
    if !compact {
        blocks.push(Block::Attachment {
            label: "附件".into(),
            title: "数据来源清单".into(),
            landscape: false,
        });
        blocks.push(Block::Sources);
    }

    // Only the sources this sheet refers to, in the annual list's order.
    let mut doc = Document {
        title: format!(
            "{}年度{}评价考核反馈单",
            v.year,
            program_name(&v.plan_title)
        ),
        demo: v.demo,
        blocks,
        sources: Vec::new(),
    };
    let used: BTreeSet<String> = referenced(&doc);
    let mut sources = vec![v.plan_source.clone()];
    sources.extend(v.rules_source.clone());
    sources.extend(v.sources.iter().cloned());
    doc.sources = sources
        .into_iter()
        .filter(|s| used.contains(&s.id))
        .collect();
    if compact {
        // A count may cite a table the compact sheet leaves out (no indicator needs attention).
        doc.prune_traces();
    }
    Ok(doc)
}

fn referenced(doc: &Document) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for b in &doc.blocks {
        match b {
            Block::Paragraph(p) => {
                for i in &p.inlines {
                    if let crate::model::Inline::Figure { trace, .. } = i {
                        out.extend(trace.iter().cloned());
                    }
                }
            }
            Block::Table(t) => {
                for r in &t.rows {
                    if let Row::Cells { cells } = r {
                        for c in cells {
                            out.extend(c.trace.iter().cloned());
                        }
                    }
                }
            }
            Block::Chart(c) => out.extend(c.trace.iter().cloned()),
            _ => {}
        }
    }
    out
}
