//! The quarterly bulletin (季度通报), the office's most frequent document: after each quarter's
//! reports, who reported on time, late or not at all (units named), the red and yellow
//! indicators and the lagging tasks with their responsible units, the overdue milestones, what
//! went well and what the units must do next quarter. Composed from the same view as the annual
//! report — the assessment of the quarter — so every figure and word is the snapshot's; drafted
//! sentences carry 【草稿】 and the office's stored text replaces or follows them per section.

use crate::drafts::inner_quotes;
use crate::model::{Block, Document, Label, Paragraph, ParagraphBuilder, zh_numeral};
use crate::tables;
use crate::view::{
    AnnualView, IndicatorView, Light, MilestoneStatus, OfficeText, OfficeTextMode,
    PeriodReportView, ReportingStatus, TaskStatus, TaskView, program_name,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The sections of the bulletin the office can write text for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BulletinSection {
    /// 根据…现将有关情况通报如下.
    Opening,
    /// 总体情况.
    Overall,
    /// 季度报送情况.
    Reporting,
    /// 指标监测情况 (red and yellow indicators).
    Indicators,
    /// 重点任务推进情况 (lagging tasks, overdue milestones).
    Tasks,
    /// 工作亮点.
    Highlights,
    /// 下一步工作要求.
    Requirements,
}

impl BulletinSection {
    pub const ALL: [BulletinSection; 7] = [
        BulletinSection::Opening,
        BulletinSection::Overall,
        BulletinSection::Reporting,
        BulletinSection::Indicators,
        BulletinSection::Tasks,
        BulletinSection::Highlights,
        BulletinSection::Requirements,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            BulletinSection::Opening => "opening",
            BulletinSection::Overall => "overall",
            BulletinSection::Reporting => "reporting",
            BulletinSection::Indicators => "indicators",
            BulletinSection::Tasks => "tasks",
            BulletinSection::Highlights => "highlights",
            BulletinSection::Requirements => "requirements",
        }
    }

    /// The section's heading in the bulletin (without its number).
    pub fn heading_zh(self) -> &'static str {
        match self {
            BulletinSection::Opening => "开头语",
            BulletinSection::Overall => "总体情况",
            BulletinSection::Reporting => "季度报送情况",
            BulletinSection::Indicators => "指标监测情况",
            BulletinSection::Tasks => "重点任务推进情况",
            BulletinSection::Highlights => "工作亮点",
            BulletinSection::Requirements => "下一步工作要求",
        }
    }

    /// A section named by its key (`requirements`) or its heading (下一步工作要求, also numbered:
    /// 六、下一步工作要求).
    pub fn parse(s: &str) -> Option<BulletinSection> {
        let s = s.trim();
        let heading = s
            .split_once('、')
            .filter(|(n, _)| !n.is_empty() && n.chars().all(|c| "一二三四五六七八九十".contains(c)))
            .map_or(s, |(_, h)| h.trim());
        BulletinSection::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(s) || k.heading_zh() == heading)
    }
}

/// The bulletin's title in the office's name: 关于2024年第三季度国家创新型城市建设推进情况的通报.
pub fn title(plan_title: &str, period: planwatch_model::Quarter) -> String {
    format!(
        "关于{}{}推进情况的通报",
        period.label_zh(),
        program_name(plan_title)
    )
}

fn draft() -> ParagraphBuilder {
    ParagraphBuilder::new().label(Label::Draft)
}

/// Units named in a list: 市科技局、市工信局等5家单位 beyond `max`.
fn names(units: &[&str], max: usize) -> String {
    if units.len() <= max {
        units.join("、")
    } else {
        format!("{}等{}家单位", units[..max].join("、"), units.len())
    }
}

/// The indicators with a light, as the assessment lit them.
fn lit(v: &AnnualView, light: Light) -> Vec<&IndicatorView> {
    v.indicators.iter().filter(|i| i.light == light).collect()
}

/// Lead units of a task, or 牵头单位未明确.
fn leads(t: &TaskView) -> String {
    if t.lead_units.is_empty() {
        "牵头单位未明确".into()
    } else {
        t.lead_units.join("、")
    }
}

/// An indicator named with its value and responsible units: 高新技术企业数量（172家，完成率86%，
/// 市科技局）.
fn indicator_phrase(i: &IndicatorView) -> String {
    let mut parts = Vec::new();
    if let Some(a) = i.actual {
        parts.push(i.figure(a).zh());
    }
    if let Some(c) = i.completion_rate() {
        parts.push(format!("完成率{}", crate::model::fmt_pct(c)));
    }
    if !i.units.is_empty() {
        parts.push(i.units.join("、"));
    }
    if parts.is_empty() {
        i.name.clone()
    } else {
        format!("{}（{}）", i.name, parts.join("，"))
    }
}

fn by_status(v: &AnnualView, s: ReportingStatus) -> Vec<&PeriodReportView> {
    v.period_reporting
        .iter()
        .filter(|r| r.status == s)
        .collect()
}

/// The overdue milestones with their tasks, in task order.
fn overdue_milestones(v: &AnnualView) -> Vec<(&TaskView, &crate::view::MilestoneView)> {
    v.tasks
        .iter()
        .flat_map(|t| t.milestones.iter().map(move |m| (t, m)))
        .filter(|(_, m)| m.status == MilestoneStatus::Overdue)
        .collect()
}

fn opening(v: &AnnualView) -> Paragraph {
    Paragraph::text(format!(
        "根据《{}》和季度调度工作安排，领导小组办公室对各成员单位{}目标任务推进情况进行了调度和监测。现将有关情况通报如下：",
        v.plan_title.trim_matches(['《', '》']),
        v.period.label_zh()
    ))
}

fn overall(v: &AnnualView) -> Vec<Paragraph> {
    let mut p = draft().text(format!("截至{}末，", v.period.label_zh()));
    if !v.indicators.is_empty() {
        p.push_text(format!("纳入监测的{}项指标中，", v.indicators.len()));
        let counts: Vec<String> = [Light::Green, Light::Yellow, Light::Red, Light::Grey]
            .iter()
            .filter_map(|l| {
                let n = lit(v, *l).len();
                (n > 0).then(|| format!("{}{n}项", l.label_zh()))
            })
            .collect();
        p.push_text(counts.join("、"));
        p.push_text("；");
    }
    if !v.tasks.is_empty() {
        p.push_text(format!("{}项重点任务中，", v.tasks.len()));
        let counts: Vec<String> = TaskStatus::ASSESSED
            .iter()
            .filter_map(|s| {
                let n = v.tasks.iter().filter(|t| t.status == *s).count();
                (n > 0).then(|| format!("{}{n}项", s.label_at(v.stage)))
            })
            .collect();
        p.push_text(counts.join("、"));
        let overdue = overdue_milestones(v).len();
        if overdue > 0 {
            p.push_text(format!("，逾期未完成的节点{overdue}个"));
        }
        p.push_text("；");
    }
    let due: Vec<&PeriodReportView> = v
        .period_reporting
        .iter()
        .filter(|r| r.status != ReportingStatus::NotYetDue)
        .collect();
    if due.is_empty() {
        p.push_text("本季度报告尚未到报送时限。");
    } else {
        p.push_text(format!("应报送季度报告的{}家单位中，", due.len()));
        let counts: Vec<String> = [
            ReportingStatus::OnTime,
            ReportingStatus::Late,
            ReportingStatus::Returned,
            ReportingStatus::Missing,
        ]
        .iter()
        .filter_map(|s| {
            let n = by_status(v, *s).len();
            (n > 0).then(|| format!("{}{n}家", s.label_zh()))
        })
        .collect();
        p.push_text(counts.join("、"));
        p.push_text("。");
    }
    vec![p.build()]
}

fn reporting(v: &AnnualView) -> Vec<Paragraph> {
    let mut out = Vec::new();
    let named = |s: ReportingStatus| -> Vec<&str> {
        by_status(v, s).iter().map(|r| r.unit.as_str()).collect()
    };
    let on_time = named(ReportingStatus::OnTime);
    if !on_time.is_empty() {
        out.push(Paragraph::text(format!(
            "（一）{}（{}家）：{}。",
            ReportingStatus::OnTime.label_zh(),
            on_time.len(),
            on_time.join("、")
        )));
    }
    let late = by_status(v, ReportingStatus::Late);
    let late_returned: Vec<&PeriodReportView> = by_status(v, ReportingStatus::Returned);
    let mut k = usize::from(!on_time.is_empty());
    if !late.is_empty() {
        k += 1;
        out.push(Paragraph::text(format!(
            "（{}）{}（{}家）：{}。",
            zh_numeral(k),
            ReportingStatus::Late.label_zh(),
            late.len(),
            late.iter()
                .map(|r| match r.days_late {
                    Some(d) => format!("{}（逾期{d}天）", r.unit),
                    None => r.unit.clone(),
                })
                .collect::<Vec<_>>()
                .join("、")
        )));
    }
    if !late_returned.is_empty() {
        k += 1;
        out.push(Paragraph::text(format!(
            "（{}）{}（{}家）：{}。",
            zh_numeral(k),
            ReportingStatus::Returned.label_zh(),
            late_returned.len(),
            late_returned
                .iter()
                .map(|r| r.unit.as_str())
                .collect::<Vec<_>>()
                .join("、")
        )));
    }
    let missing = named(ReportingStatus::Missing);
    if !missing.is_empty() {
        k += 1;
        out.push(Paragraph::text(format!(
            "（{}）{}（{}家）：{}。",
            zh_numeral(k),
            ReportingStatus::Missing.label_zh(),
            missing.len(),
            missing.join("、")
        )));
    }
    let not_due = named(ReportingStatus::NotYetDue);
    if !not_due.is_empty() && out.is_empty() {
        out.push(Paragraph::text(format!(
            "本季度报告尚未到报送时限（{}家单位）。",
            not_due.len()
        )));
    }
    if !late.is_empty() || !missing.is_empty() {
        let mut units: Vec<&str> = late.iter().map(|r| r.unit.as_str()).collect();
        units.extend(missing.iter().copied());
        out.push(
            draft()
                .text(format!(
                    "请{}高度重视季度报送工作，严格按时限报送，报送情况将计入年度考核。",
                    names(&units, 6)
                ))
                .build(),
        );
    }
    out
}

/// 三、指标监测情况: the drafted sentences; the table follows them.
fn indicators(v: &AnnualView) -> Vec<Paragraph> {
    let red = lit(v, Light::Red);
    let yellow = lit(v, Light::Yellow);
    let mut out = Vec::new();
    if red.is_empty() && yellow.is_empty() {
        out.push(draft().text("本季度监测的指标均未亮红灯、黄灯。").build());
        return out;
    }
    if !red.is_empty() {
        out.push(
            draft()
                .text(format!(
                    "亮红灯的指标{}项：{}。",
                    red.len(),
                    red.iter()
                        .map(|i| indicator_phrase(i))
                        .collect::<Vec<_>>()
                        .join("；")
                ))
                .build(),
        );
    }
    if !yellow.is_empty() {
        out.push(
            draft()
                .text(format!(
                    "亮黄灯的指标{}项：{}。",
                    yellow.len(),
                    yellow
                        .iter()
                        .map(|i| indicator_phrase(i))
                        .collect::<Vec<_>>()
                        .join("；")
                ))
                .build(),
        );
    }
    out
}

fn stalled(v: &AnnualView) -> Vec<&TaskView> {
    v.tasks.iter().filter(|t| t.stalled()).collect()
}

fn tasks(v: &AnnualView) -> Vec<Paragraph> {
    let mut out = Vec::new();
    let lagging = stalled(v);
    if lagging.is_empty() {
        out.push(
            draft()
                .text("各项重点任务均按计划推进，暂无滞后任务。")
                .build(),
        );
    } else {
        out.push(
            draft()
                .text(format!(
                    "推进滞后的重点任务{}项：{}。",
                    lagging.len(),
                    lagging
                        .iter()
                        .map(|t| format!(
                            "“{}”（{}，{}）",
                            inner_quotes(&t.title),
                            t.status_zh(),
                            leads(t)
                        ))
                        .collect::<Vec<_>>()
                        .join("；")
                ))
                .build(),
        );
    }
    let overdue = overdue_milestones(v);
    if !overdue.is_empty() {
        out.push(
            draft()
                .text(format!(
                    "已过完成时限仍未完成的节点{}个：{}。",
                    overdue.len(),
                    overdue
                        .iter()
                        .map(|(t, m)| {
                            let due = m
                                .due_year
                                .map_or(String::new(), |y| format!("，应于{y}年完成"));
                            format!(
                                "第{}项任务“{}”（{}{due}）",
                                t.number,
                                inner_quotes(&m.what),
                                leads(t)
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("；")
                ))
                .build(),
        );
    }
    out
}

fn highlights(v: &AnnualView) -> Vec<Paragraph> {
    let mut out = Vec::new();
    let leading: Vec<&TaskView> = v.tasks.iter().filter(|t| t.leading()).collect();
    if !leading.is_empty() {
        let shown: Vec<String> = leading
            .iter()
            .take(5)
            .map(|t| format!("“{}”（{}）", inner_quotes(&t.title), leads(t)))
            .collect();
        let more = if leading.len() > shown.len() {
            format!("等{}项任务", leading.len())
        } else {
            String::new()
        };
        out.push(
            draft()
                .text(format!("{}{}已完成或进度超前。", shown.join("、"), more))
                .build(),
        );
    }
    let achieved: Vec<&IndicatorView> = v
        .indicators
        .iter()
        .filter(|i| i.status == crate::view::IndicatorVerdict::Achieved)
        .collect();
    if !achieved.is_empty() {
        let shown: Vec<String> = achieved
            .iter()
            .take(5)
            .map(|i| indicator_phrase(i))
            .collect();
        let more = if achieved.len() > shown.len() {
            format!("等{}项指标", achieved.len())
        } else {
            String::new()
        };
        out.push(
            draft()
                .text(format!(
                    "{}{}已{}。",
                    shown.join("；"),
                    more,
                    crate::view::IndicatorVerdict::Achieved.label_at(v.stage)
                ))
                .build(),
        );
    }
    let on_time = by_status(v, ReportingStatus::OnTime);
    let all_due = v
        .period_reporting
        .iter()
        .filter(|r| r.status != ReportingStatus::NotYetDue)
        .count();
    if !on_time.is_empty() && on_time.len() == all_due {
        out.push(
            draft()
                .text(format!("全部{}家单位均按时报送了季度报告。", on_time.len()))
                .build(),
        );
    }
    out
}

fn requirements(v: &AnnualView) -> Vec<Paragraph> {
    let mut out = Vec::new();
    let mut k = 0;
    let mut next = |text: String| {
        k += 1;
        draft().text(format!("{}是{text}", zh_numeral(k))).build()
    };
    let red = lit(v, Light::Red);
    if !red.is_empty() {
        let mut units: Vec<&str> = Vec::new();
        for i in &red {
            for u in &i.units {
                if !units.contains(&u.as_str()) {
                    units.push(u);
                }
            }
        }
        out.push(next(format!(
            "紧盯红灯指标。请{}针对亮红灯的{}项指标分析原因，制定赶进度措施，在下季度报告中说明进展。",
            names(&units, 6),
            red.len()
        )));
    }
    let lagging = stalled(v);
    let overdue = overdue_milestones(v);
    if !lagging.is_empty() || !overdue.is_empty() {
        let mut units: Vec<&str> = Vec::new();
        for t in lagging
            .iter()
            .copied()
            .chain(overdue.iter().map(|(t, _)| *t))
        {
            for u in &t.lead_units {
                if !units.contains(&u.as_str()) {
                    units.push(u);
                }
            }
        }
        out.push(next(format!(
            "加快滞后任务推进。请{}对滞后任务和逾期节点明确新的完成时限和责任人，确保按期完成。",
            names(&units, 6)
        )));
    }
    let late: Vec<&str> = v
        .period_reporting
        .iter()
        .filter(|r| {
            matches!(
                r.status,
                ReportingStatus::Late | ReportingStatus::Missing | ReportingStatus::Returned
            )
        })
        .map(|r| r.unit.as_str())
        .collect();
    let next_q = v.period.next().label_zh();
    out.push(next(if late.is_empty() {
        format!("按时报送{next_q}报告，如实填报进展、数据和佐证材料。")
    } else {
        format!(
            "严格报送纪律。{}报告请各单位按时报送，{}须按时补报、重报。",
            next_q,
            names(&late, 6)
        )
    }));
    out
}

/// What PlanWatch drafts for each section of the bulletin, in the bulletin's order, without the
/// office's text.
pub fn drafted_sections(v: &AnnualView) -> Vec<(BulletinSection, Vec<Paragraph>)> {
    BulletinSection::ALL
        .iter()
        .map(|&k| {
            let p = match k {
                BulletinSection::Opening => vec![opening(v)],
                BulletinSection::Overall => overall(v),
                BulletinSection::Reporting => reporting(v),
                BulletinSection::Indicators => indicators(v),
                BulletinSection::Tasks => tasks(v),
                BulletinSection::Highlights => highlights(v),
                BulletinSection::Requirements => requirements(v),
            };
            (k, p)
        })
        .collect()
}

/// The drafted paragraphs, or the office's text instead of / after them.
fn with_office(
    office: &BTreeMap<BulletinSection, OfficeText>,
    key: BulletinSection,
    drafted: Vec<Paragraph>,
) -> Vec<Paragraph> {
    match office.get(&key) {
        None => drafted,
        Some(o) => {
            let own = o
                .paragraphs
                .iter()
                .filter(|p| !p.trim().is_empty())
                .map(Paragraph::text);
            match o.mode {
                OfficeTextMode::Replace => own.collect(),
                OfficeTextMode::Append => drafted.into_iter().chain(own).collect(),
            }
        }
    }
}

const RED_YELLOW: &str = "bulletin-indicators";
const LAGGING: &str = "bulletin-tasks";

/// Composes the bulletin of the view's quarter (`v.period`) with the office's texts.
pub fn compose(v: &AnnualView, office: &BTreeMap<BulletinSection, OfficeText>) -> Document {
    let plan = v.plan_source.id.clone();
    let mut blocks = vec![Block::Paragraph(Paragraph::flush("各成员单位："))];
    blocks.extend(
        with_office(office, BulletinSection::Opening, vec![opening(v)])
            .into_iter()
            .map(Block::Paragraph),
    );
    let mut sections: Vec<(BulletinSection, Vec<Block>)> = Vec::new();
    let text = |k: BulletinSection, d: Vec<Paragraph>| -> Vec<Block> {
        with_office(office, k, d)
            .into_iter()
            .map(Block::Paragraph)
            .collect()
    };
    sections.push((
        BulletinSection::Overall,
        text(BulletinSection::Overall, overall(v)),
    ));
    sections.push((
        BulletinSection::Reporting,
        text(BulletinSection::Reporting, reporting(v)),
    ));
    let mut s = text(BulletinSection::Indicators, indicators(v));
    let flagged: Vec<&IndicatorView> = lit(v, Light::Red)
        .into_iter()
        .chain(lit(v, Light::Yellow))
        .collect();
    if !flagged.is_empty() {
        s.push(Block::Table(tables::indicator_table(
            &flagged,
            RED_YELLOW,
            Some("表1"),
            "亮红灯、黄灯的指标",
            &plan,
            false,
            v.stage,
        )));
    }
    sections.push((BulletinSection::Indicators, s));
    let mut s = text(BulletinSection::Tasks, tasks(v));
    let lagging = stalled(v);
    if !lagging.is_empty() {
        let mut t = tables::compact_task_table(
            &lagging,
            &v.task_forces,
            LAGGING,
            "推进滞后的重点任务",
            &plan,
        );
        t.number = Some("表2".into());
        s.push(Block::Table(t));
    }
    sections.push((BulletinSection::Tasks, s));
    sections.push((
        BulletinSection::Highlights,
        text(BulletinSection::Highlights, highlights(v)),
    ));
    sections.push((
        BulletinSection::Requirements,
        text(BulletinSection::Requirements, requirements(v)),
    ));
    for (k, (key, body)) in sections
        .into_iter()
        .filter(|(_, b)| !b.is_empty())
        .enumerate()
    {
        blocks.push(Block::Heading {
            level: 1,
            text: format!("{}、{}", zh_numeral(k + 1), key.heading_zh()),
        });
        blocks.extend(body);
    }
    blocks.push(Block::Signature {
        issuer: v.issuer.clone(),
        date: v
            .issued_on
            .clone()
            .unwrap_or_else(|| "　　年　　月　　日".into()),
    });
    let mut sources = vec![v.plan_source.clone()];
    sources.extend(v.sources.iter().cloned());
    let mut doc = Document {
        title: title(&v.plan_title, v.period),
        demo: v.demo,
        blocks,
        sources,
    };
    doc.prune_traces();
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_section_is_named_by_its_key_or_its_heading() {
        for k in BulletinSection::ALL {
            assert_eq!(BulletinSection::parse(k.as_str()), Some(k));
            assert_eq!(BulletinSection::parse(k.heading_zh()), Some(k));
        }
        assert_eq!(
            BulletinSection::parse("六、下一步工作要求"),
            Some(BulletinSection::Requirements)
        );
        assert_eq!(BulletinSection::parse("问题"), None);
    }

    #[test]
    fn the_title_names_the_quarter_and_the_programme() {
        assert_eq!(
            title(
                "阳泉市国家创新型城市建设三年行动计划（2022—2024年）",
                planwatch_model::Quarter::new(2024, 3).expect("quarter")
            ),
            "关于2024年第三季度国家创新型城市建设推进情况的通报"
        );
    }
}
