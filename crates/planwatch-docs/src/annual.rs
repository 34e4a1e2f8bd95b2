//! The annual evaluation report (年度评价考核报告), composed from an `AnnualView` along the outline
//! of report-anatomy §1.3: 一、总体情况 … 八、考核评价结果, 表1–3 in the body, 附件1–3 (indicators,
//! tasks, scores) and 附件4, the list of sources every figure links to. The office's text for a
//! section replaces or follows the drafts; sections with nothing to say are left out and the
//! rest renumbered.

use crate::charts::{self, ChartError, IndicatorSeries};
use crate::drafts::Findings;
use crate::model::{Block, Chart, Document, Paragraph, zh_numeral};
use crate::tables::{self, INDICATORS_TABLE, SCORES_TABLE, TASKS_TABLE};
use crate::view::{
    AnnualView, IndicatorView, OfficeTextMode, SectionKey, TaskStatus, program_name,
};

/// The report's title: 关于2023年度国家创新型城市建设评价考核情况的报告.
pub fn title(plan_title: &str, year: i32) -> String {
    format!(
        "关于{year}年度{}评价考核情况的报告",
        program_name(plan_title)
    )
}

/// The drafted paragraphs of a section, or the office's text instead of / after them.
pub(crate) fn section_text(
    v: &AnnualView,
    key: SectionKey,
    drafted: Vec<Paragraph>,
) -> Vec<Paragraph> {
    match v.office_text.get(&key) {
        None => drafted,
        Some(o) => {
            let office = o
                .paragraphs
                .iter()
                .filter(|p| !p.trim().is_empty())
                .map(Paragraph::text);
            match o.mode {
                OfficeTextMode::Replace => office.collect(),
                OfficeTextMode::Append => drafted.into_iter().chain(office).collect(),
            }
        }
    }
}

fn status_colour(s: TaskStatus) -> (u8, u8, u8) {
    match s {
        TaskStatus::Done => (0x2e, 0x7d, 0x32),
        TaskStatus::Ahead => (0x00, 0x89, 0x7b),
        TaskStatus::OnSchedule => (0x1f, 0x5f, 0xa8),
        TaskStatus::Behind => (0xef, 0x8a, 0x17),
        TaskStatus::NotStarted => (0x9e, 0x9e, 0x9e),
        TaskStatus::Overdue => (0xc0, 0x1c, 0x28),
        // A unit's answer, never the monitor's; grey like 未启动 should it ever reach a chart.
        TaskStatus::Other => (0x9e, 0x9e, 0x9e),
    }
}

struct Charts {
    next: usize,
}

impl Charts {
    fn push(&mut self, title: &str, svg: charts::Svg, alt: String, trace: Vec<String>) -> Block {
        self.next += 1;
        Block::Chart(Chart {
            id: format!("chart-{}", self.next),
            number: format!("图{}", self.next),
            title: title.into(),
            svg: svg.svg,
            width: svg.width,
            height: svg.height,
            alt,
            trace,
        })
    }
}

fn indicator_series(i: &IndicatorView, year: i32) -> IndicatorSeries {
    let mut points: Vec<(f64, f64)> = i.series.iter().map(|p| (p.t, p.value)).collect();
    if points.is_empty()
        && let Some(a) = i.actual
    {
        points.push((f64::from(year), a));
    }
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    IndicatorSeries {
        name: i.name.clone(),
        unit: i.unit.clone(),
        points,
        target: i.target.zip(i.target_year).map(|(v, y)| (y, v)),
        forecast: i.forecast.as_ref().map(|f| (f64::from(f.year), f.value)),
        decimals: i.decimals(),
    }
}

fn series_alt(s: &IndicatorSeries) -> String {
    let pts: Vec<String> = s
        .points
        .iter()
        .map(|(t, v)| {
            format!(
                "{}：{}{}",
                crate::model::fmt_num(*t, 2),
                crate::model::fmt_num(*v, 2),
                s.unit
            )
        })
        .collect();
    let mut alt = pts.join("，");
    if let Some((y, v)) = s.target {
        alt.push_str(&format!(
            "；目标{y}年{}{}",
            crate::model::fmt_num(v, 2),
            s.unit
        ));
    }
    if let Some((y, v)) = s.forecast {
        alt.push_str(&format!(
            "；预测{}年{}{}",
            crate::model::fmt_num(y, 0),
            crate::model::fmt_num(v, s.decimals),
            s.unit
        ));
    }
    alt
}

fn opening(v: &AnnualView) -> Paragraph {
    if let Some(r) = v.final_review.as_ref().filter(|_| v.stage.is_final()) {
        return Paragraph::text(format!(
            "根据《{}》和评价考核工作安排，领导小组办公室对{}年度目标任务完成情况进行了监测和评价考核，并对计划实施期（{}—{}年）目标任务完成情况进行了终期评估。现将有关情况报告如下：",
            v.plan_title.trim_matches(['《', '》']),
            v.year,
            r.start,
            r.end
        ));
    }
    Paragraph::text(format!(
        "根据《{}》和年度评价考核工作安排，领导小组办公室对{}年度目标任务完成情况进行了动态监测和评价考核。现将有关情况报告如下：",
        v.plan_title.trim_matches(['《', '》']),
        v.year
    ))
}

/// What PlanWatch writes for each section the office can write text for — the paragraphs the
/// office's text replaces or follows — in the report's order, without the office's text. A
/// section with nothing to say has no paragraphs.
pub fn drafted_sections(v: &AnnualView) -> Vec<(SectionKey, Vec<Paragraph>)> {
    let f = Findings::of(v);
    SectionKey::ALL
        .iter()
        .map(|&key| {
            let paragraphs = match key {
                SectionKey::Opening => vec![opening(v)],
                SectionKey::Overall => f.overall(),
                SectionKey::Indicators if v.indicators.is_empty() => Vec::new(),
                SectionKey::Indicators => {
                    let (before, after) = f.indicators();
                    before.into_iter().chain(after).collect()
                }
                SectionKey::Tasks => tables::by_task_force(&v.tasks, &v.task_forces)
                    .iter()
                    .map(|(tf, list)| f.task_force(tf, list))
                    .collect(),
                SectionKey::Organisation => f.organisation(),
                SectionKey::Experience => f.experience(),
                SectionKey::Problems => f.problems(),
                SectionKey::Countermeasures => f.countermeasures(),
                SectionKey::Assessment => f.assessment(),
            };
            (key, paragraphs)
        })
        .collect()
}

/// Two-character words too common in goals and indicator names to link them.
const GENERIC: [&str; 16] = [
    "建设", "发展", "城市", "国家", "全国", "示范", "打造", "重要", "节点", "先行", "全省", "我市",
    "成为", "数量", "比重", "产业",
];

/// The indicators whose names share a distinctive two-character word with a qualitative goal
/// (高端新材料研发制造基地 → 新材料产业增加值占工业增加值比重): what the data can say about it.
fn related<'a>(goal: &str, indicators: &'a [IndicatorView]) -> Vec<&'a IndicatorView> {
    let chars: Vec<char> = goal.chars().collect();
    let words: Vec<String> = chars
        .windows(2)
        .map(|w| w.iter().collect::<String>())
        .filter(|w| w.chars().all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)))
        .filter(|w| !GENERIC.contains(&w.as_str()))
        .collect();
    indicators
        .iter()
        .filter(|i| words.iter().any(|w| i.name.contains(w.as_str())))
        .collect()
}

/// 【草稿】从监测数据看，与“高端新材料研发制造基地”相关的指标中，…: what the data shows for each
/// qualitative goal, for the office's judgement; `None` when no indicator relates to any goal.
fn goals_data_paragraph(
    goals: &[crate::view::QualitativeGoal],
    indicators: &[IndicatorView],
) -> Option<Paragraph> {
    let mut parts = Vec::new();
    let mut unrelated = 0;
    for g in goals {
        let rel = related(&g.text, indicators);
        if rel.is_empty() {
            unrelated += 1;
            continue;
        }
        let list = rel
            .iter()
            .take(3)
            .map(|i| match i.actual {
                Some(a) => format!("{}{}（{}）", i.name, i.status_zh(), i.figure(a).zh()),
                None => format!("{}{}", i.name, i.status_zh()),
            })
            .collect::<Vec<_>>()
            .join("，");
        parts.push(format!(
            "与“{}”相关的指标中，{list}",
            crate::drafts::inner_quotes(&g.text)
        ));
    }
    if parts.is_empty() {
        return None;
    }
    let mut text = format!("从监测数据看，{}", parts.join("；"));
    if unrelated > 0 {
        text.push_str(&format!(
            "；其余{unrelated}项定性目标没有直接对应的监测指标"
        ));
    }
    text.push_str("。以上供评判参考。");
    Some(
        crate::model::ParagraphBuilder::new()
            .label(crate::model::Label::Draft)
            .text(text)
            .build(),
    )
}

/// The report's two forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Form {
    /// What the office sends (Word, PDF): the body with small-multiple charts of the headline
    /// indicators, and three compact annexes (all indicators, tasks one line each, unit scores
    /// with only the rules that gave or took points). The list of sources and the per-rule
    /// detail stay in the system (the HTML report and the Excel tables, always full).
    #[default]
    Compact,
    /// Everything: a chart per headline indicator, the long annexes and 附件4 数据来源清单.
    Full,
}

/// Composes the annual report in its full form (every source and every scoring line).
pub fn compose(v: &AnnualView) -> Result<Document, ChartError> {
    compose_as(v, Form::Full)
}

/// Composes the annual report in the given form. Only chart drawing can fail.
pub fn compose_as(v: &AnnualView, form: Form) -> Result<Document, ChartError> {
    let compact = form == Form::Compact;
    let f = Findings::of(v);
    let plan = v.plan_source.id.clone();
    let rules = v
        .rules_source
        .as_ref()
        .map_or(plan.clone(), |s| s.id.clone());
    let mut charts = Charts { next: 0 };
    let mut blocks: Vec<Block> = Vec::new();

    blocks.extend(
        section_text(v, SectionKey::Opening, vec![opening(v)])
            .into_iter()
            .map(Block::Paragraph),
    );

    // Sections as (key, title, blocks); empty ones are dropped before numbering.
    let mut sections: Vec<(&str, Vec<Block>)> = Vec::new();

    // 一、总体情况
    let mut s = Vec::new();
    s.extend(
        section_text(v, SectionKey::Overall, f.overall())
            .into_iter()
            .map(Block::Paragraph),
    );
    if !v.tasks.is_empty() {
        let judged = v.tasks.iter().any(|t| t.judgement.is_some());
        let bars: Vec<(String, u32, (u8, u8, u8))> = if judged {
            crate::view::TaskJudgement::ALL
                .iter()
                .map(|j| {
                    let colour = match j {
                        crate::view::TaskJudgement::Completed => status_colour(TaskStatus::Done),
                        crate::view::TaskJudgement::LargelyCompleted => {
                            status_colour(TaskStatus::OnSchedule)
                        }
                        crate::view::TaskJudgement::NotCompleted => {
                            status_colour(TaskStatus::Overdue)
                        }
                    };
                    (j.label_zh().to_string(), f.tasks.judged(*j) as u32, colour)
                })
                .collect()
        } else {
            TaskStatus::ASSESSED
                .iter()
                .map(|st| {
                    (
                        st.label_at(v.stage).to_string(),
                        f.tasks.count(*st) as u32,
                        status_colour(*st),
                    )
                })
                .collect()
        };
        let chart_title = if judged {
            "重点任务终期评估结果"
        } else {
            "重点任务推进状态分布"
        };
        let alt = bars
            .iter()
            .map(|(l, n, _)| format!("{l}{n}项"))
            .collect::<Vec<_>>()
            .join("，");
        s.push(charts.push(
            chart_title,
            charts::status_chart(chart_title, &bars)?,
            alt,
            vec![TASKS_TABLE.into()],
        ));
    }
    sections.push(("总体情况", s));

    // The plan's final year and after: the whole-plan review (终期评估).
    if let Some(r) = &v.final_review {
        let met = r.rows.iter().filter(|x| x.verdict_zh() == "已实现").count();
        let missed = r.rows.iter().filter(|x| x.verdict_zh() == "未实现").count();
        let other = r.rows.len() - met - missed;
        let p = crate::model::ParagraphBuilder::new()
            .label(crate::model::Label::Draft)
            .text(format!(
                "对照计划确定的{}—{}年目标，{}项主要指标中，",
                r.start,
                r.end,
                r.rows.len()
            ))
            .text(format!("期末目标已实现{met}项，未实现{missed}项"))
            .text(if other > 0 {
                format!("，尚无期末数据或无量化目标{other}项。")
            } else {
                "。".to_string()
            })
            .text("各项规划目标按其目标年份末的数值逐项评估，见表4。")
            .build();
        let mut blocks = vec![
            Block::Paragraph(p),
            Block::Table(tables::final_review_table(r, "table-4", "表4")),
        ];
        if !r.qualitative_goals.is_empty() {
            let goals = &r.qualitative_goals;
            let judged: Vec<&crate::view::QualitativeGoal> =
                goals.iter().filter(|g| g.verdict.is_some()).collect();
            let mut p = crate::model::ParagraphBuilder::new()
                .label(crate::model::Label::Draft)
                .text(format!("计划确定的定性目标共{}项", goals.len()));
            if judged.is_empty() {
                p.push_text(format!(
                    "：{}。这些目标无法由报送数据判定，请领导小组办公室结合佐证材料逐项评判是否实现。",
                    goals
                        .iter()
                        .map(|g| format!("“{}”", crate::drafts::inner_quotes(&g.text)))
                        .collect::<Vec<_>>()
                        .join("、")
                ));
            } else {
                p.push_text("，经领导小组办公室结合佐证材料逐项评判，");
                let counts: Vec<String> = planwatch_model::GoalVerdict::ALL
                    .iter()
                    .filter_map(|v| {
                        let n = judged.iter().filter(|g| g.verdict == Some(*v)).count();
                        (n > 0).then(|| format!("{}{n}项", v.label_zh()))
                    })
                    .collect();
                p.push_text(counts.join("、"));
                let open = goals.len() - judged.len();
                if open > 0 {
                    p.push_text(format!("，尚待评判{open}项"));
                }
                p.push_text("，见表5。");
            }
            blocks.push(Block::Paragraph(p.build()));
            if let Some(p) = goals_data_paragraph(goals, &v.indicators) {
                blocks.push(Block::Paragraph(p));
            }
            if !judged.is_empty() {
                blocks.push(Block::Table(tables::goals_table(
                    goals, "table-5", "表5", &plan,
                )));
            }
        }
        sections.push(("计划实施总体评估", blocks));
    }

    // 二、主要指标完成情况
    let mut s = Vec::new();
    if !v.indicators.is_empty() {
        let (before, after) = f.indicators();
        let drafted: Vec<Paragraph> = before.into_iter().chain(after).collect();
        let text = section_text(v, SectionKey::Indicators, drafted);
        let (lead, rest) = text.split_at(text.len().min(1));
        s.extend(lead.iter().cloned().map(Block::Paragraph));
        let headline: Vec<&IndicatorView> = v.indicators.iter().filter(|i| i.headline).collect();
        let table_rows = if headline.is_empty() {
            v.indicators.iter().collect()
        } else {
            headline.clone()
        };
        s.push(Block::Table(tables::indicator_table(
            &table_rows,
            "table-1",
            Some("表1"),
            "主要指标完成情况表",
            &plan,
            false,
            v.stage,
        )));
        s.extend(rest.iter().cloned().map(Block::Paragraph));
        if compact {
            let series: Vec<(IndicatorSeries, Vec<String>)> = headline
                .iter()
                .map(|i| {
                    let mut trace = i.sources.clone();
                    if trace.is_empty() {
                        trace.push(plan.clone());
                    }
                    (indicator_series(i, v.year), trace)
                })
                .filter(|(s, _)| !s.points.is_empty())
                .collect();
            if !series.is_empty() {
                let alt = series
                    .iter()
                    .map(|(s, _)| format!("{}：{}", s.name, series_alt(s)))
                    .collect::<Vec<_>>()
                    .join("。");
                let mut trace: Vec<String> = Vec::new();
                for (_, t) in &series {
                    for id in t {
                        if !trace.contains(id) {
                            trace.push(id.clone());
                        }
                    }
                }
                let only: Vec<IndicatorSeries> = series.into_iter().map(|(s, _)| s).collect();
                s.push(charts.push(
                    "主要指标走势",
                    charts::small_multiples(&only, 2)?,
                    alt,
                    trace,
                ));
            }
        }
        for i in headline.into_iter().filter(|_| !compact) {
            let series = indicator_series(i, v.year);
            if series.points.is_empty() {
                continue;
            }
            let alt = series_alt(&series);
            let mut trace = i.sources.clone();
            if trace.is_empty() {
                trace.push(plan.clone());
            }
            s.push(charts.push(&i.name, charts::indicator_chart(&series)?, alt, trace));
        }
    }
    sections.push(("主要指标完成情况", s));

    // 三、重点任务推进情况
    let mut s = Vec::new();
    if !v.tasks.is_empty() {
        let groups = tables::by_task_force(&v.tasks, &v.task_forces);
        let drafted: Vec<Paragraph> = Vec::new();
        let intro = section_text(v, SectionKey::Tasks, drafted);
        s.extend(intro.into_iter().map(Block::Paragraph));
        let replaced = v
            .office_text
            .get(&SectionKey::Tasks)
            .is_some_and(|o| o.mode == OfficeTextMode::Replace);
        if !replaced {
            for (k, (tf, list)) in groups.iter().enumerate() {
                s.push(Block::Heading {
                    level: 2,
                    text: format!("（{}）{}", zh_numeral(k + 1), tf),
                });
                s.push(Block::Paragraph(f.task_force(tf, list)));
            }
        }
        s.push(Block::Table(tables::task_force_table(
            &v.tasks,
            &v.task_forces,
            "table-2",
            "表2",
        )));
    }
    sections.push(("重点任务推进情况", s));

    // 四、组织保障措施落实情况
    let s: Vec<Block> = section_text(v, SectionKey::Organisation, f.organisation())
        .into_iter()
        .map(Block::Paragraph)
        .collect();
    sections.push(("组织保障措施落实情况", s));

    // 五、经验做法 (optional)
    let s: Vec<Block> = section_text(v, SectionKey::Experience, f.experience())
        .into_iter()
        .map(Block::Paragraph)
        .collect();
    sections.push(("经验做法", s));

    // 六、存在的问题 / 七、对策建议
    let s: Vec<Block> = section_text(v, SectionKey::Problems, f.problems())
        .into_iter()
        .map(Block::Paragraph)
        .collect();
    sections.push(("存在的问题", s));
    let s: Vec<Block> = section_text(v, SectionKey::Countermeasures, f.countermeasures())
        .into_iter()
        .map(Block::Paragraph)
        .collect();
    sections.push(("对策建议", s));

    // 八、考核评价结果
    let text = section_text(v, SectionKey::Assessment, f.assessment());
    // The compact form sets the ranking after the first paragraph, so that the body ends with
    // words the 落款 can keep company with rather than with a table.
    let (lead, rest) = if compact && !v.units.is_empty() {
        text.split_at(text.len().min(1))
    } else {
        text.split_at(text.len())
    };
    let mut s: Vec<Block> = lead.iter().cloned().map(Block::Paragraph).collect();
    if !v.units.is_empty() {
        s.push(Block::Table(tables::ranking_table(
            &v.units, "table-3", "表3",
        )));
    }
    s.extend(rest.iter().cloned().map(Block::Paragraph));
    // The compact form leaves the ranking chart out: 表3 gives the same order and scores.
    if !v.units.is_empty() && !compact {
        let rows: Vec<(String, f64)> = tables::ranked(&v.units)
            .iter()
            .map(|u| (u.unit.clone(), u.score))
            .collect();
        let mut by_score = rows.clone();
        by_score.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let alt = by_score
            .iter()
            .map(|(u, sc)| format!("{u}{}分", crate::model::fmt_score(*sc)))
            .collect::<Vec<_>>()
            .join("，");
        s.push(charts.push(
            "各责任单位考核得分",
            charts::ranking_chart("各责任单位考核得分", &by_score)?,
            alt,
            vec![SCORES_TABLE.into()],
        ));
    }
    sections.push(("考核评价结果", s));

    for (k, (title, body)) in sections
        .into_iter()
        .filter(|(_, b)| !b.is_empty())
        .enumerate()
    {
        blocks.push(Block::Heading {
            level: 1,
            text: format!("{}、{}", zh_numeral(k + 1), title),
        });
        blocks.extend(body);
    }

    let mut items = vec![
        "1.主要指标完成情况表".to_string(),
        "2.重点任务推进情况表".to_string(),
        "3.各责任单位考核评分表".to_string(),
    ];
    if !compact {
        items.push("4.数据来源清单".into());
    }
    blocks.push(Block::AttachmentList { items });
    blocks.push(Block::Signature {
        issuer: v.issuer.clone(),
        date: v
            .issued_on
            .clone()
            .unwrap_or_else(|| "　　年　　月　　日".into()),
    });

    let all: Vec<&IndicatorView> = v.indicators.iter().collect();
    blocks.push(Block::Attachment {
        label: "附件1".into(),
        title: "主要指标完成情况表".into(),
        landscape: true,
    });
    let indicators = tables::indicator_table(
        &all,
        INDICATORS_TABLE,
        None,
        "主要指标完成情况表",
        &plan,
        true,
        v.stage,
    );
    blocks.push(Block::Table(if compact {
        // 序时进度 is 100% at the year's end for every row; the units' remarks stay in the system.
        tables::without_columns(indicators, &[v.stage.schedule_term(), "备注"])
    } else {
        indicators
    }));
    let tasks: Vec<&crate::view::TaskView> = v.tasks.iter().collect();
    blocks.push(Block::Attachment {
        label: "附件2".into(),
        title: "重点任务推进情况表".into(),
        landscape: !compact,
    });
    blocks.push(Block::Table(if compact {
        tables::compact_task_table(
            &tasks,
            &v.task_forces,
            TASKS_TABLE,
            "重点任务推进情况表",
            &plan,
        )
    } else {
        tables::task_table(
            &tasks,
            &v.task_forces,
            TASKS_TABLE,
            "重点任务推进情况表",
            &plan,
        )
    }));
    let units = tables::ranked(&v.units);
    blocks.push(Block::Attachment {
        label: "附件3".into(),
        title: "各责任单位考核评分表".into(),
        landscape: !compact,
    });
    blocks.push(Block::Table(if compact {
        tables::compact_score_table(&units, SCORES_TABLE, "各责任单位考核评分表", &rules)
    } else {
        tables::score_sheet_with(&units, SCORES_TABLE, "各责任单位考核评分表", &rules, true)
    }));
    if !compact {
        blocks.push(Block::Attachment {
            label: "附件4".into(),
            title: "数据来源清单".into(),
            landscape: true,
        });
        blocks.push(Block::Sources);
    }

    let mut sources = vec![v.plan_source.clone()];
    sources.extend(v.rules_source.clone());
    sources.extend(v.sources.iter().cloned());
    let mut doc = Document {
        title: title(&v.plan_title, v.year),
        demo: v.demo,
        blocks,
        sources,
    };
    if compact {
        // Drafts that cite the sources list (附件4) keep their words; the list stays in the system.
        doc.prune_traces();
    }
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_drafted_problems_are_what_the_report_shows_without_office_text() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/annual-view-2023.json"
        ))
        .expect("the test view is in the repository");
        let mut v: AnnualView = serde_json::from_str(&text).expect("a view");
        v.office_text.clear();
        let doc = crate::text::to_text(&compose(&v).expect("composes"));
        let drafted = drafted_sections(&v);
        assert_eq!(drafted.len(), SectionKey::ALL.len());
        let problems = &drafted
            .iter()
            .find(|(k, _)| *k == SectionKey::Problems)
            .expect("listed")
            .1;
        assert!(!problems.is_empty());
        for p in problems {
            assert!(doc.contains(&p.plain_text()), "{}", p.plain_text());
        }
    }

    #[test]
    fn the_title_is_derived_from_the_plan_and_year() {
        assert_eq!(
            title("阳泉市国家创新型城市建设三年行动计划（2022—2024年）", 2023),
            "关于2023年度国家创新型城市建设评价考核情况的报告"
        );
    }
}
