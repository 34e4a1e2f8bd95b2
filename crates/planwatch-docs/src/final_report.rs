//! The final evaluation report (终期评估报告) of a plan whose last year has been reported: the
//! whole period reviewed — every plan target achieved or not at its date, the qualitative goals
//! as the office judged them, each task as a whole (完成 / 基本完成 / 未完成 with its basis), the
//! problems and recommendations for the successor plan. It is composed from the view of the
//! plan's last year, the same snapshot as that year's annual report (whose 计划实施总体评估
//! section gives the same verdicts): the figures and words are the assessment's own
//! (`ReviewRow::verdict_zh`, `TaskJudgement::label_zh`, `GoalVerdict::label_zh`).

use crate::annual::Form;
use crate::charts::{self, ChartError};
use crate::drafts::{Findings, inner_quotes};
use crate::model::{Block, Chart, Document, Label, Paragraph, ParagraphBuilder, zh_numeral};
use crate::tables::{self, INDICATORS_TABLE, TASKS_TABLE};
use crate::view::{AnnualView, ReportingStatus, TaskJudgement, TaskStatus, TaskView};

/// Why the final report cannot be composed (yet).
#[derive(Debug, thiserror::Error)]
pub enum FinalError {
    #[error(
        "{year}年不是计划的最后一年或计划期尚未结束（计划期见计划文本），不能生成终期评估报告；\
         年度报告请用 planwatch report annual"
    )]
    NotFinal { year: i32 },
    #[error(
        "计划最后一年（{year}年）第四季度的报告尚无单位报送，终期评估需在最后一年的报告报送后进行"
    )]
    NotReported { year: i32 },
    #[error(transparent)]
    Chart(#[from] ChartError),
}

/// 关于国家创新型城市建设2022—2024年计划实施情况终期评估的报告 (the plan's full name is in the
/// opening sentence; the title stays two lines).
pub fn title(plan_title: &str, start: i32, end: i32) -> String {
    format!(
        "关于{}{start}—{end}年计划实施情况终期评估的报告",
        crate::view::program_name(plan_title)
    )
}

fn draft() -> ParagraphBuilder {
    ParagraphBuilder::new().label(Label::Draft)
}

fn judged_word(t: &TaskView) -> &'static str {
    t.status_zh()
}

/// Composes the final evaluation report from the view of the plan's last year.
pub fn compose_as(v: &AnnualView, form: Form) -> Result<Document, FinalError> {
    let Some(review) = v.final_review.as_ref().filter(|_| v.stage.is_final()) else {
        return Err(FinalError::NotFinal { year: v.year });
    };
    let reported = v.period_reporting.is_empty()
        || v.period_reporting.iter().any(|r| {
            matches!(
                r.status,
                ReportingStatus::OnTime | ReportingStatus::Late | ReportingStatus::Returned
            )
        });
    if !reported {
        return Err(FinalError::NotReported { year: v.year });
    }
    let compact = form == Form::Compact;
    let f = Findings::of(v);
    let plan = v.plan_source.id.clone();
    let plan_name = v.plan_title.trim_matches(['《', '》']).to_string();
    let mut blocks = vec![Block::Paragraph(Paragraph::text(format!(
        "根据《{plan_name}》和评价考核工作安排，领导小组办公室对计划实施期（{}—{}年）目标任务完成情况进行了终期评估。现将有关情况报告如下：",
        review.start, review.end
    )))];
    let mut sections: Vec<(&str, Vec<Block>)> = Vec::new();

    // 一、总体情况: targets, goals and tasks in one paragraph, the tasks' verdicts as a chart.
    let met = review
        .rows
        .iter()
        .filter(|r| r.verdict_zh() == "已实现")
        .count();
    let missed = review
        .rows
        .iter()
        .filter(|r| r.verdict_zh() == "未实现")
        .count();
    let other = review.rows.len() - met - missed;
    let judged = v.tasks.iter().any(|t| t.judgement.is_some());
    let mut p = draft().text(format!(
        "计划实施期内，{}项主要指标中，期末目标已实现{met}项、未实现{missed}项",
        review.rows.len()
    ));
    if other > 0 {
        p.push_text(format!("，尚无期末数据或无量化目标{other}项"));
    }
    p.push_text(format!("；{}项重点任务中，", v.tasks.len()));
    let counts: Vec<String> = if judged {
        TaskJudgement::ALL
            .iter()
            .map(|j| {
                let n = v.tasks.iter().filter(|t| t.judgement == Some(*j)).count();
                format!("{}{n}项", j.label_zh())
            })
            .collect()
    } else {
        TaskStatus::ASSESSED
            .iter()
            .filter_map(|s| {
                let n = v.tasks.iter().filter(|t| t.status == *s).count();
                (n > 0).then(|| format!("{}{n}项", s.label_at(v.stage)))
            })
            .collect()
    };
    p.push_text(counts.join("、"));
    let goals = &review.qualitative_goals;
    if !goals.is_empty() {
        let done: Vec<String> = planwatch_model::GoalVerdict::ALL
            .iter()
            .filter_map(|g| {
                let n = goals.iter().filter(|x| x.verdict == Some(*g)).count();
                (n > 0).then(|| format!("{}{n}项", g.label_zh()))
            })
            .collect();
        let open = goals.iter().filter(|g| g.verdict.is_none()).count();
        p.push_text(format!("；{}项定性目标中，", goals.len()));
        let mut parts = done;
        if open > 0 {
            parts.push(format!("尚待评判{open}项"));
        }
        p.push_text(parts.join("、"));
    }
    p.push_text("。");
    let mut s = vec![Block::Paragraph(p.build())];
    if judged && !v.tasks.is_empty() {
        let bars: Vec<(String, u32, (u8, u8, u8))> = TaskJudgement::ALL
            .iter()
            .map(|j| {
                let colour = match j {
                    TaskJudgement::Completed => (0x2e, 0x7d, 0x32),
                    TaskJudgement::LargelyCompleted => (0x1f, 0x5f, 0xa8),
                    TaskJudgement::NotCompleted => (0xc0, 0x1c, 0x28),
                };
                let n = v.tasks.iter().filter(|t| t.judgement == Some(*j)).count();
                (j.label_zh().to_string(), n as u32, colour)
            })
            .collect();
        let alt = bars
            .iter()
            .map(|(l, n, _)| format!("{l}{n}项"))
            .collect::<Vec<_>>()
            .join("，");
        let svg = charts::status_chart("重点任务终期评估结果", &bars)?;
        s.push(Block::Chart(Chart {
            id: "chart-1".into(),
            number: "图1".into(),
            title: "重点任务终期评估结果".into(),
            svg: svg.svg,
            width: svg.width,
            height: svg.height,
            alt,
            trace: vec![TASKS_TABLE.into()],
        }));
    }
    sections.push(("总体情况", s));

    // 二、主要目标实现情况: every plan target judged at its date.
    let mut s = Vec::new();
    if !review.rows.is_empty() {
        let missed_rows: Vec<&crate::view::ReviewRow> = review
            .rows
            .iter()
            .filter(|r| r.verdict_zh() == "未实现")
            .collect();
        let mut p = draft().text(format!(
            "对照计划确定的{}—{}年目标逐项评估（见表1），期末目标已实现{met}项、未实现{missed}项。",
            review.start, review.end
        ));
        if !missed_rows.is_empty() {
            p.push_text(format!(
                "未实现的指标为：{}。",
                missed_rows
                    .iter()
                    .map(|r| r.name.as_str())
                    .collect::<Vec<_>>()
                    .join("、")
            ));
        }
        s.push(Block::Paragraph(p.build()));
        let mut t = tables::final_review_table(review, INDICATORS_TABLE, "表1");
        t.title = format!("{}—{}年主要指标目标实现情况", review.start, review.end);
        s.push(Block::Table(t));
    }
    sections.push(("主要目标实现情况", s));

    // 三、定性目标实现情况: the office's judgements, with what the data says.
    let mut s = Vec::new();
    if !goals.is_empty() {
        let open: Vec<&crate::view::QualitativeGoal> =
            goals.iter().filter(|g| g.verdict.is_none()).collect();
        let mut p = draft().text(format!(
            "计划确定的定性目标共{}项，由领导小组办公室结合佐证材料逐项评判（见表2）",
            goals.len()
        ));
        if open.is_empty() {
            p.push_text("。");
        } else {
            p.push_text(format!(
                "，其中{}项尚待评判：{}。请在系统“终期评估评判”中评判后重新生成本报告。",
                open.len(),
                open.iter()
                    .map(|g| format!("“{}”", inner_quotes(&g.text)))
                    .collect::<Vec<_>>()
                    .join("、")
            ));
        }
        s.push(Block::Paragraph(p.build()));
        s.push(Block::Table(tables::goals_table(
            goals, "table-2", "表2", &plan,
        )));
    }
    sections.push(("定性目标实现情况", s));

    // 四、重点任务完成情况: each task as a whole, by task force.
    let mut s = Vec::new();
    if !v.tasks.is_empty() {
        let not_done: Vec<&TaskView> = v.tasks.iter().filter(|t| t.stalled()).collect();
        let mut p = draft().text(format!(
            "计划部署的{}项重点任务按任务整体逐项评估（见表3和附件）",
            v.tasks.len()
        ));
        if not_done.is_empty() {
            p.push_text("，均已完成或基本完成。");
        } else {
            p.push_text(format!(
                "，{}的任务{}项：{}。",
                judged_word(not_done[0]),
                not_done.len(),
                not_done
                    .iter()
                    .map(|t| format!(
                        "“{}”（{}）",
                        inner_quotes(&t.title),
                        t.lead_units.join("、")
                    ))
                    .collect::<Vec<_>>()
                    .join("、")
            ));
        }
        s.push(Block::Paragraph(p.build()));
        s.push(Block::Table(tables::task_force_table(
            &v.tasks,
            &v.task_forces,
            "table-3",
            "表3",
        )));
    }
    sections.push(("重点任务完成情况", s));

    // 五、存在的问题 / 六、对下一轮计划的建议.
    sections.push((
        "存在的问题",
        f.problems().into_iter().map(Block::Paragraph).collect(),
    ));
    let mut s: Vec<Block> = f
        .countermeasures()
        .into_iter()
        .map(Block::Paragraph)
        .collect();
    let carry_targets: Vec<&str> = review
        .rows
        .iter()
        .filter(|r| r.verdict_zh() == "未实现")
        .map(|r| r.name.as_str())
        .collect();
    let carry_tasks: Vec<&TaskView> = v.tasks.iter().filter(|t| t.stalled()).collect();
    if !carry_targets.is_empty() || !carry_tasks.is_empty() {
        let mut p = draft().text("建议在编制下一轮计划时统筹考虑本轮计划的未竟事项：");
        if !carry_targets.is_empty() {
            p.push_text(format!(
                "未实现期末目标的{}项指标（{}），应分析差距原因，合理确定新一轮目标值；",
                carry_targets.len(),
                carry_targets.join("、")
            ));
        }
        if !carry_tasks.is_empty() {
            p.push_text(format!(
                "{}的{}项任务（{}），应明确是否延续及新的完成时限和责任单位；",
                judged_word(carry_tasks[0]),
                carry_tasks.len(),
                carry_tasks
                    .iter()
                    .map(|t| format!("第{}项", t.number))
                    .collect::<Vec<_>>()
                    .join("、")
            ));
        }
        p.push_text("已完成的任务中形成的有效机制，建议在新一轮计划中固化推广。");
        s.push(Block::Paragraph(p.build()));
    }
    sections.push(("对下一轮计划的建议", s));

    for (k, (heading, body)) in sections
        .into_iter()
        .filter(|(_, b)| !b.is_empty())
        .enumerate()
    {
        blocks.push(Block::Heading {
            level: 1,
            text: format!("{}、{heading}", zh_numeral(k + 1)),
        });
        blocks.extend(body);
    }
    let mut items = vec!["重点任务完成情况表".to_string()];
    if !compact {
        items.push("数据来源清单".into());
    }
    let items = if items.len() > 1 {
        items
            .iter()
            .enumerate()
            .map(|(k, i)| format!("{}.{i}", k + 1))
            .collect()
    } else {
        items
    };
    blocks.push(Block::AttachmentList { items });
    blocks.push(Block::Signature {
        issuer: v.issuer.clone(),
        date: v
            .issued_on
            .clone()
            .unwrap_or_else(|| "　　年　　月　　日".into()),
    });
    let tasks: Vec<&TaskView> = v.tasks.iter().collect();
    blocks.push(Block::Attachment {
        label: if compact { "附件" } else { "附件1" }.into(),
        title: "重点任务完成情况表".into(),
        landscape: !compact,
    });
    blocks.push(Block::Table(if compact {
        tables::compact_task_table(
            &tasks,
            &v.task_forces,
            TASKS_TABLE,
            "重点任务完成情况表",
            &plan,
        )
    } else {
        tables::task_table(
            &tasks,
            &v.task_forces,
            TASKS_TABLE,
            "重点任务完成情况表",
            &plan,
        )
    }));
    if !compact {
        blocks.push(Block::Attachment {
            label: "附件2".into(),
            title: "数据来源清单".into(),
            landscape: true,
        });
        blocks.push(Block::Sources);
    }
    let mut sources = vec![v.plan_source.clone()];
    sources.extend(v.rules_source.clone());
    sources.extend(v.sources.iter().cloned());
    let mut doc = Document {
        title: title(&v.plan_title, review.start, review.end),
        demo: v.demo,
        blocks,
        sources,
    };
    // The drafts may cite tables of the annual report that this report does not have.
    doc.prune_traces();
    Ok(doc)
}
