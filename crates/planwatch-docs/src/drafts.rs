//! Text drafted from the data, in the usual official style (一是…；二是…；三是…): the overall
//! judgement, problems, countermeasures, experience, and the counting sentences of each
//! section. Every sentence carries numbers from the assessment, linked to where they come
//! from; nothing is invented. Drafts are labelled 【草稿】 for the office to edit.

use crate::model::{Label, Paragraph, ParagraphBuilder, fmt_num, fmt_pct, zh_numeral};
use crate::tables::{INDICATORS_TABLE, SCORES_TABLE, TASKS_TABLE, TaskForceCounts};
use crate::view::{
    AnnualView, IndicatorVerdict, IndicatorView, MilestoneStatus, MilestoneView, PlanStage,
    ReportingView, TaskJudgement, TaskStatus, TaskView,
};

/// The anchor of the sources table (traceability appendix).
pub const SOURCES: &str = "sources";

/// How many examples a sentence names before it says 等.
const EXAMPLES: usize = 3;

fn t(id: &str) -> Vec<String> {
    vec![id.to_string()]
}

/// 一是, 二是 … 十是.
fn ordinal(k: usize) -> String {
    format!("{}是", zh_numeral(k + 1))
}

/// A value with its unit: 172家, 1.85%.
fn with_unit(v: f64, unit: &str) -> String {
    format!("{}{}", fmt_num(v, 2), unit)
}

/// A value of indicator `i` with its unit, at the indicator's precision (forecasts of counts
/// are whole numbers).
fn value_of(i: &IndicatorView, v: f64) -> String {
    i.figure(v).zh()
}

/// Text set inside “…”: quotation marks within it become ‘…’, as Chinese nesting requires.
pub(crate) fn inner_quotes(s: &str) -> String {
    s.replace('“', "‘").replace('”', "’")
}

fn draft() -> ParagraphBuilder {
    ParagraphBuilder::new().label(Label::Draft)
}

/// What the data says, gathered once for all drafted sections.
pub struct Findings<'a> {
    pub v: &'a AnnualView,
    /// Indicators behind schedule, worst gap first.
    pub lagging: Vec<&'a IndicatorView>,
    /// Indicators projected to miss their target, headline goals first.
    pub at_risk: Vec<&'a IndicatorView>,
    pub overdue: Vec<(&'a TaskView, &'a MilestoneView)>,
    /// Units with late or missing reports, most missing first.
    pub late_units: Vec<&'a ReportingView>,
    /// Tasks behind schedule, not started or overdue.
    pub stalled: Vec<&'a TaskView>,
    /// Tasks done or ahead of schedule.
    pub leading: Vec<&'a TaskView>,
    /// Tasks whose units reported problems.
    pub reported_problems: Vec<&'a TaskView>,
    pub tasks: TaskForceCounts,
}

fn gap(i: &IndicatorView) -> f64 {
    i.schedule_share - i.completion_rate().unwrap_or(0.0)
}

impl<'a> Findings<'a> {
    pub fn of(v: &'a AnnualView) -> Self {
        let mut lagging: Vec<&IndicatorView> = v
            .indicators
            .iter()
            .filter(|i| i.status == IndicatorVerdict::Behind)
            .collect();
        lagging.sort_by(|a, b| gap(b).total_cmp(&gap(a)).then(a.id.cmp(&b.id)));
        let mut at_risk: Vec<&IndicatorView> = v
            .indicators
            .iter()
            .filter(|i| i.forecast.as_ref().is_some_and(|f| !f.meets))
            .collect();
        at_risk.sort_by_key(|i| !i.headline);
        let overdue = v
            .tasks
            .iter()
            .flat_map(|t| t.milestones.iter().map(move |m| (t, m)))
            .filter(|(_, m)| m.status == MilestoneStatus::Overdue)
            .collect();
        let mut late_units: Vec<&ReportingView> = v
            .reporting
            .iter()
            .filter(|r| r.late + r.missing > 0)
            .collect();
        late_units.sort_by(|a, b| {
            (b.missing, b.late)
                .cmp(&(a.missing, a.late))
                .then(a.unit.cmp(&b.unit))
        });
        let stalled = v.tasks.iter().filter(|t| t.stalled()).collect();
        let leading = v.tasks.iter().filter(|t| t.leading()).collect();
        let reported_problems = v
            .tasks
            .iter()
            .filter(|t| !t.problems.trim().is_empty())
            .collect();
        Self {
            v,
            lagging,
            at_risk,
            overdue,
            late_units,
            stalled,
            leading,
            reported_problems,
            tasks: TaskForceCounts::of(&v.tasks),
        }
    }

    fn indicator_count(&self, s: IndicatorVerdict) -> usize {
        self.v.indicators.iter().filter(|i| i.status == s).count()
    }

    fn plan_src(&self) -> Vec<String> {
        t(&self.v.plan_source.id)
    }

    /// The plan's whole period is over: tasks are judged as a whole, targets met or missed.
    fn closed(&self) -> bool {
        self.v.stage == PlanStage::Closed
    }

    /// The tasks' words and counts for a counting sentence: the judgements once the plan is
    /// over, else the year's statuses (the first word gets its share).
    fn task_items(&self, c: &TaskForceCounts) -> Vec<(String, usize, bool)> {
        if self.closed() {
            TaskJudgement::ALL
                .iter()
                .map(|j| {
                    let n = c.judged(*j);
                    (j.label_zh().to_string(), n, *j == TaskJudgement::Completed)
                })
                .collect()
        } else {
            TaskStatus::ASSESSED
                .iter()
                .map(|s| {
                    let word = s.label_at(self.v.stage).to_string();
                    (word, c.count(*s), *s == TaskStatus::Done)
                })
                .collect()
        }
    }

    /// “滞后序时、未启动或逾期” / “未完成”: the words of the stalled tasks.
    fn stalled_words(&self) -> String {
        if self.closed() {
            TaskJudgement::NotCompleted.label_zh().to_string()
        } else {
            let st = self.v.stage;
            format!(
                "{}、{}或{}",
                TaskStatus::Behind.label_at(st),
                TaskStatus::NotStarted.label_at(st),
                TaskStatus::Overdue.label_at(st)
            )
        }
    }

    /// “已完成或超序时推进” / “完成”: the words of the leading tasks.
    fn leading_words(&self) -> String {
        if self.closed() {
            TaskJudgement::Completed.label_zh().to_string()
        } else {
            let st = self.v.stage;
            format!(
                "{}或{}",
                TaskStatus::Done.label_at(st),
                TaskStatus::Ahead.label_at(st)
            )
        }
    }

    /// 共X项，已完成X项、占X%… for tasks, milestones and indicators, with the judgement.
    pub fn overall(&self) -> Vec<Paragraph> {
        let v = self.v;
        let c = &self.tasks;
        let mut p = if self.closed() {
            draft().text(format!(
                "截至计划期末（{}年底），计划确定的重点任务共",
                v.year
            ))
        } else {
            draft().text(format!("截至{}年底，计划确定的重点任务共", v.year))
        };
        p.push_figure(c.tasks.to_string(), &t(TASKS_TABLE));
        p.push_text("项");
        let mut items = self.task_items(c);
        if !self.closed() {
            // 已完成 here means the year's work, not the task: say so once.
            if let Some(first) = items.iter_mut().find(|(_, n, _)| *n > 0) {
                first.0 = format!("本年度工作{}", first.0);
            }
        }
        status_list(&mut p, &items, c.tasks, TASKS_TABLE);
        p.push_text("。");
        if c.milestones > 0 {
            p.push_text(if self.closed() {
                "计划期内节点"
            } else {
                "年度节点"
            });
            p.push_figure(c.milestones.to_string(), &t(TASKS_TABLE));
            p.push_text("个，已完成");
            p.push_figure(c.milestones_done.to_string(), &t(TASKS_TABLE));
            p.push_text("个、逾期");
            p.push_figure(c.milestones_overdue.to_string(), &t(TASKS_TABLE));
            p.push_text("个。");
        }
        let n_ind = v.indicators.len();
        if n_ind > 0 {
            p.push_text("监测指标");
            p.push_figure(n_ind.to_string(), &t(INDICATORS_TABLE));
            p.push_text("项");
            let items: Vec<(&str, usize, bool)> = [
                IndicatorVerdict::Achieved,
                IndicatorVerdict::OnSchedule,
                IndicatorVerdict::Behind,
                IndicatorVerdict::NoData,
            ]
            .iter()
            .map(|s| {
                (
                    s.label_at(v.stage),
                    self.indicator_count(*s),
                    *s == IndicatorVerdict::Achieved,
                )
            })
            .collect();
            status_list(&mut p, &items, n_ind, INDICATORS_TABLE);
            p.push_text("。");
        }
        // The judgement follows from the shares on track; its thresholds are stated with it.
        let tasks_ok = v.tasks.iter().filter(|t| t.on_track()).count();
        let with_data = n_ind - self.indicator_count(IndicatorVerdict::NoData);
        let ind_ok = self.indicator_count(IndicatorVerdict::Achieved)
            + self.indicator_count(IndicatorVerdict::OnSchedule);
        let (num, den) = (tasks_ok + ind_ok, c.tasks + with_data);
        if den > 0 {
            let share = num as f64 / den as f64;
            let judgement = match (self.closed(), share) {
                (true, s) if s >= 0.8 => "计划确定的目标任务总体完成",
                (true, s) if s >= 0.6 => "计划确定的目标任务基本完成",
                (true, _) => {
                    "计划确定的目标任务未能全面完成，未完成的任务和未实现的指标需明确后续安排"
                }
                (false, s) if s >= 0.8 => "总体进展顺利",
                (false, s) if s >= 0.6 => "总体进展基本符合预期",
                (false, _) => "总体进展滞后于预期，需加大推进力度",
            };
            let st = v.stage;
            p.push_text(if self.closed() {
                format!(
                    "任务中{}或{}、指标中{}的占",
                    TaskJudgement::Completed.label_zh(),
                    TaskJudgement::LargelyCompleted.label_zh(),
                    IndicatorVerdict::Achieved.label_at(st)
                )
            } else {
                format!(
                    "任务和指标中处于正常推进状态（{}、{}、{}或{}）的占",
                    TaskStatus::Done.label_at(st),
                    TaskStatus::Ahead.label_at(st),
                    TaskStatus::OnSchedule.label_at(st),
                    IndicatorVerdict::OnSchedule.label_at(st)
                )
            });
            p.push_figure(fmt_pct(share), &t(TASKS_TABLE));
            p.push_text(format!("，{judgement}。"));
        }
        vec![p.build()]
    }

    /// The counting sentence before 表A and the lagging/forecast sentences after it.
    pub fn indicators(&self) -> (Vec<Paragraph>, Vec<Paragraph>) {
        let v = self.v;
        let headline: Vec<&IndicatorView> = v.indicators.iter().filter(|i| i.headline).collect();
        let mut before = draft().text("计划确定的主要指标");
        before.push_figure(headline.len().to_string(), &t(INDICATORS_TABLE));
        before.push_text("项、任务指标");
        before.push_figure(
            (v.indicators.len() - headline.len()).to_string(),
            &t(INDICATORS_TABLE),
        );
        before.push_text(format!("项。截至{}年底，", v.year));
        let counts: Vec<(IndicatorVerdict, usize)> = [
            IndicatorVerdict::Achieved,
            IndicatorVerdict::OnSchedule,
            IndicatorVerdict::Behind,
            IndicatorVerdict::NoData,
        ]
        .into_iter()
        .map(|s| (s, self.indicator_count(s)))
        .filter(|(_, n)| *n > 0)
        .collect();
        if counts.is_empty() {
            before.push_text("尚无指标数据报送。");
        } else {
            for (k, (s, n)) in counts.iter().enumerate() {
                if k > 0 {
                    before.push_text("，");
                }
                before.push_text(s.label_at(v.stage));
                before.push_figure(n.to_string(), &t(INDICATORS_TABLE));
                before.push_text("项");
            }
            before.push_text("（主要指标见表1，全部指标见附件1）。");
        }
        let mut after = Vec::new();
        if !self.lagging.is_empty() {
            let mut p = draft().text(format!(
                "{}的指标中，",
                IndicatorVerdict::Behind.label_at(v.stage)
            ));
            for (k, i) in self.lagging.iter().take(EXAMPLES).enumerate() {
                if k > 0 {
                    p.push_text("；");
                }
                self.lag_clause(&mut p, i);
            }
            if self.lagging.len() > EXAMPLES {
                p.push_text("；其余");
                p.push_figure(
                    (self.lagging.len() - EXAMPLES).to_string(),
                    &t(INDICATORS_TABLE),
                );
                p.push_text("项见附件1");
            }
            p.push_text("。");
            after.push(p.build());
        }
        let forecasts: Vec<&IndicatorView> = headline
            .iter()
            .copied()
            .filter(|i| i.forecast.is_some())
            .collect();
        if !forecasts.is_empty() {
            let meets = forecasts
                .iter()
                .filter(|i| i.forecast.as_ref().is_some_and(|f| f.meets))
                .count();
            let mut p = draft().text("按当前趋势测算，");
            p.push_figure(forecasts.len().to_string(), &t(INDICATORS_TABLE));
            p.push_text("项有数据的主要指标中，预计能够完成目标的");
            p.push_figure(meets.to_string(), &t(INDICATORS_TABLE));
            p.push_text("项、难以完成的");
            p.push_figure((forecasts.len() - meets).to_string(), &t(INDICATORS_TABLE));
            p.push_text("项。");
            for i in &forecasts {
                if let Some(f) = &i.forecast
                    && !f.explanation.is_empty()
                {
                    p.push_text(format!("{}：", i.name));
                    p.push_figure(f.explanation.trim_end_matches('。'), &i.sources);
                    p.push_text("。");
                }
            }
            after.push(p.build());
        }
        (vec![before.build()], after)
    }

    /// “A完成x（年度目标y），完成率z%，低于序时进度g个百分点（U负责）”; once the plan is over
    /// “…（期末目标y），完成率z%，距目标差g个百分点…”.
    fn lag_clause(&self, p: &mut ParagraphBuilder, i: &IndicatorView) {
        p.push_text(&i.name);
        if let Some(a) = i.actual {
            p.push_text("完成");
            p.push_figure(value_of(i, a), &i.sources);
        }
        if let Some(target) = i.annual_target {
            p.push_text(if self.closed() {
                "（期末目标"
            } else {
                "（年度目标"
            });
            p.push_figure(with_unit(target, &i.unit), &self.plan_src());
            p.push_text("）");
        }
        if let Some(c) = i.completion_rate() {
            p.push_text("，完成率");
            p.push_figure(fmt_pct(c), &i.sources);
            let g = (i.schedule_share - c) * 100.0;
            if g > 0.0 {
                p.push_text(if self.closed() {
                    "，距目标差".to_string()
                } else {
                    format!("，低于{}", self.v.stage.schedule_term())
                });
                p.push_figure(fmt_num(g, 1), &i.sources);
                p.push_text("个百分点");
            }
        }
        if !i.units.is_empty() {
            p.push_text(format!("（{}负责）", i.units.join("、")));
        }
    }

    /// The count sentence of one task force (三、(一)).
    pub fn task_force(&self, name: &str, tasks: &[&TaskView]) -> Paragraph {
        let c = TaskForceCounts::of(tasks.iter().copied());
        let mut p = draft().text(format!("{name}牵头推进重点任务"));
        p.push_figure(c.tasks.to_string(), &t(TASKS_TABLE));
        p.push_text("项");
        let mut first = true;
        for (word, n, _) in self.task_items(&c) {
            if n == 0 {
                continue;
            }
            p.push_text(if first { "，其中" } else { "、" });
            first = false;
            p.push_text(&word);
            p.push_figure(n.to_string(), &t(TASKS_TABLE));
            p.push_text("项");
        }
        if c.milestones > 0 {
            p.push_text("；涉及节点");
            p.push_figure(c.milestones.to_string(), &t(TASKS_TABLE));
            p.push_text("个，已完成");
            p.push_figure(c.milestones_done.to_string(), &t(TASKS_TABLE));
            p.push_text("个、逾期");
            p.push_figure(c.milestones_overdue.to_string(), &t(TASKS_TABLE));
            p.push_text("个");
        }
        let behind: Vec<&&TaskView> = tasks.iter().filter(|t| !t.on_track()).collect();
        if !behind.is_empty() {
            p.push_text(if self.closed() {
                "；未完成的任务有："
            } else {
                "；需加快推进的任务有："
            });
            for (k, task) in behind.iter().take(EXAMPLES).enumerate() {
                if k > 0 {
                    p.push_text("、");
                }
                p.push_text("“");
                p.push_figure(inner_quotes(&task.title), &self.plan_src());
                p.push_text(format!("”（{}）", task.status_zh()));
            }
            if behind.len() > EXAMPLES {
                p.push_text("等");
                p.push_figure(behind.len().to_string(), &t(TASKS_TABLE));
                p.push_text("项");
            }
        }
        p.push_text("。");
        p.build()
    }

    /// Reporting completeness and timeliness (四、组织保障措施落实情况).
    pub fn organisation(&self) -> Vec<Paragraph> {
        let r = &self.v.reporting;
        if r.is_empty() {
            return Vec::new();
        }
        let sum = |f: fn(&ReportingView) -> u32| r.iter().map(f).sum::<u32>();
        let (exp, on_time, late, missing, returned) = (
            sum(|x| x.expected),
            sum(|x| x.on_time),
            sum(|x| x.late),
            sum(|x| x.missing),
            sum(|x| x.returned),
        );
        let src = t(SOURCES);
        let mut p = draft().text(format!(
            "按照“每季度末将工作进展及指标完成情况报送领导小组办公室”的要求，{}年",
            self.v.year
        ));
        p.push_figure(r.len().to_string(), &src);
        p.push_text("家责任单位应报送季度报告");
        p.push_figure(exp.to_string(), &src);
        p.push_text("份，实际报送");
        p.push_figure((on_time + late).to_string(), &src);
        p.push_text("份");
        if exp > 0 {
            p.push_text("、报送率");
            p.push_figure(fmt_pct(f64::from(on_time + late) / f64::from(exp)), &src);
        }
        p.push_text("；其中按时报送");
        p.push_figure(on_time.to_string(), &src);
        p.push_text("份");
        if exp > 0 {
            p.push_text("、按时报送率");
            p.push_figure(fmt_pct(f64::from(on_time) / f64::from(exp)), &src);
        }
        p.push_text("，迟报");
        p.push_figure(late.to_string(), &src);
        p.push_text("份，漏报");
        p.push_figure(missing.to_string(), &src);
        p.push_text("份，退回修改");
        p.push_figure(returned.to_string(), &src);
        p.push_text("份。");
        let full = r
            .iter()
            .filter(|x| x.expected > 0 && x.on_time == x.expected)
            .count();
        p.push_text("全年按时报送全部季度报告的单位");
        p.push_figure(full.to_string(), &src);
        p.push_text("家。");
        vec![p.build()]
    }

    /// 经验做法 drafted from what went well; empty when nothing stands out.
    pub fn experience(&self) -> Vec<Paragraph> {
        let mut out: Vec<ParagraphBuilder> = Vec::new();
        if !self.leading.is_empty() {
            let mut p = draft().text("部分任务提前见效，");
            p.push_figure(self.leading.len().to_string(), &t(TASKS_TABLE));
            p.push_text(format!("项任务{}，如", self.leading_words()));
            for (k, task) in self.leading.iter().take(EXAMPLES).enumerate() {
                if k > 0 {
                    p.push_text("、");
                }
                p.push_text("“");
                p.push_figure(inner_quotes(&task.title), &self.plan_src());
                p.push_text(format!(
                    "”（{}，{}）",
                    task.lead_units.join("、"),
                    task.status_zh()
                ));
            }
            p.push_text("，其做法可在相关专班推广。");
            out.push(p);
        }
        let punctual: Vec<&ReportingView> = self
            .v
            .reporting
            .iter()
            .filter(|x| x.expected > 0 && x.on_time == x.expected && x.returned == 0)
            .collect();
        if !punctual.is_empty() {
            let mut p = draft().text("季度报送机制运转有序，");
            p.push_figure(punctual.len().to_string(), &t(SOURCES));
            p.push_text("家单位全年按时报送全部季度报告且未被退回，如");
            let names: Vec<&str> = punctual
                .iter()
                .take(EXAMPLES)
                .map(|x| x.unit.as_str())
                .collect();
            p.push_text(names.join("、"));
            p.push_text("。");
            out.push(p);
        }
        numbered(out)
    }

    /// 存在的问题: 一是…；二是…, one paragraph per problem.
    pub fn problems(&self) -> Vec<Paragraph> {
        let mut out: Vec<ParagraphBuilder> = Vec::new();
        let plan = self.plan_src();
        if !self.lagging.is_empty() || !self.at_risk.is_empty() {
            let mut p = draft().text(if self.closed() {
                "部分指标未实现目标，"
            } else {
                "部分指标进度滞后，"
            });
            if !self.lagging.is_empty() {
                p.push_figure(self.lagging.len().to_string(), &t(INDICATORS_TABLE));
                p.push_text(format!(
                    "项指标{}，其中",
                    IndicatorVerdict::Behind.label_at(self.v.stage)
                ));
                for (k, i) in self.lagging.iter().take(EXAMPLES).enumerate() {
                    if k > 0 {
                        p.push_text("；");
                    }
                    self.lag_clause(&mut p, i);
                }
                p.push_text("。");
            }
            if !self.at_risk.is_empty() {
                p.push_text("按当前趋势，");
                p.push_figure(self.at_risk.len().to_string(), &t(INDICATORS_TABLE));
                p.push_text("项指标预计难以按期完成目标，如");
                for (k, i) in self.at_risk.iter().take(EXAMPLES).enumerate() {
                    if k > 0 {
                        p.push_text("；");
                    }
                    let f = i.forecast.as_ref().expect("at_risk has forecasts");
                    p.push_text(format!("{}预计{}年达到", i.name, f.year));
                    p.push_figure(value_of(i, f.value), &i.sources);
                    if let Some(target) = i.target {
                        p.push_text("、目标");
                        p.push_figure(with_unit(target, &i.unit), &plan);
                    }
                }
                p.push_text("。");
            }
            out.push(p);
        }
        if !self.overdue.is_empty() {
            let tasks: std::collections::BTreeSet<u32> =
                self.overdue.iter().map(|(t, _)| t.number).collect();
            let mut p = draft().text("部分节点任务逾期，");
            p.push_figure(self.overdue.len().to_string(), &t(TASKS_TABLE));
            p.push_text("个节点已过完成时限仍未完成，涉及");
            p.push_figure(tasks.len().to_string(), &t(TASKS_TABLE));
            p.push_text("项任务，如");
            for (k, (task, m)) in self.overdue.iter().take(EXAMPLES).enumerate() {
                if k > 0 {
                    p.push_text("；");
                }
                p.push_text(format!(
                    "“{}”（{}",
                    inner_quotes(&m.what),
                    task.lead_units.join("、")
                ));
                if let Some(y) = m.due_year {
                    p.push_text("，应于");
                    p.push_figure(y.to_string(), &plan);
                    p.push_text("年完成");
                }
                p.push_text("）");
            }
            p.push_text("。");
            out.push(p);
        }
        if !self.late_units.is_empty() {
            let late: u32 = self.late_units.iter().map(|r| r.late).sum();
            let missing: u32 = self.late_units.iter().map(|r| r.missing).sum();
            let mut p = draft().text("部分单位报送不及时，");
            p.push_figure(self.late_units.len().to_string(), &t(SOURCES));
            p.push_text("家单位存在迟报或漏报，全年迟报");
            p.push_figure(late.to_string(), &t(SOURCES));
            p.push_text("份、漏报");
            p.push_figure(missing.to_string(), &t(SOURCES));
            p.push_text("份，其中");
            for (k, r) in self.late_units.iter().take(EXAMPLES).enumerate() {
                if k > 0 {
                    p.push_text("；");
                }
                let src = if r.sources.is_empty() {
                    t(SOURCES)
                } else {
                    r.sources.clone()
                };
                p.push_text(&r.unit);
                if r.late > 0 {
                    p.push_text("迟报");
                    p.push_figure(r.late.to_string(), &src);
                    p.push_text("份");
                }
                if r.missing > 0 {
                    p.push_text(if r.late > 0 { "、漏报" } else { "漏报" });
                    p.push_figure(r.missing.to_string(), &src);
                    p.push_text("份");
                }
            }
            p.push_text("。");
            out.push(p);
        }
        if !self.stalled.is_empty() {
            let mut p = draft().text(if self.closed() {
                "部分任务未能完成，"
            } else {
                "部分任务推进缓慢，"
            });
            p.push_figure(self.stalled.len().to_string(), &t(TASKS_TABLE));
            p.push_text(format!("项任务{}，如", self.stalled_words()));
            for (k, task) in self.stalled.iter().take(EXAMPLES).enumerate() {
                if k > 0 {
                    p.push_text("；");
                }
                p.push_text("“");
                p.push_figure(inner_quotes(&task.title), &plan);
                p.push_text(format!(
                    "”（{}，{}）",
                    task.lead_units.join("、"),
                    task.status_zh()
                ));
            }
            p.push_text("。");
            out.push(p);
        }
        if !self.reported_problems.is_empty() {
            let mut p = draft().text("推进中存在实际困难，");
            p.push_figure(self.reported_problems.len().to_string(), &t(TASKS_TABLE));
            p.push_text("项任务的责任单位在季度报告中反映了困难，主要有：");
            // The same difficulty reported for several tasks is named once, with all its units.
            let mut distinct: Vec<(&str, Vec<String>, Vec<String>)> = Vec::new();
            for task in &self.reported_problems {
                let text = task.problems.trim().trim_end_matches(['。', '；']);
                match distinct.iter_mut().find(|(t, _, _)| *t == text) {
                    Some((_, units, sources)) => {
                        for u in &task.lead_units {
                            if !units.contains(u) {
                                units.push(u.clone());
                            }
                        }
                        sources.extend(task.sources.iter().cloned());
                    }
                    None => distinct.push((text, task.lead_units.clone(), task.sources.clone())),
                }
            }
            for (k, (text, units, sources)) in distinct.iter().take(EXAMPLES).enumerate() {
                if k > 0 {
                    p.push_text("；");
                }
                p.push_figure(*text, sources);
                p.push_text(format!("（{}）", units.join("、")));
            }
            p.push_text("。");
            out.push(p);
        }
        if out.is_empty() {
            let mut p = draft().text(format!("从{}年监测数据看，", self.v.year));
            p.push_figure(self.v.indicators.len().to_string(), &t(INDICATORS_TABLE));
            p.push_text(format!(
                "项指标均{}或{}，",
                IndicatorVerdict::Achieved.label_at(self.v.stage),
                IndicatorVerdict::OnSchedule.label_at(self.v.stage)
            ));
            p.push_figure(self.tasks.milestones.to_string(), &t(TASKS_TABLE));
            p.push_text("个节点无逾期，各单位均按时报送，未发现突出问题。");
            return vec![p.build()];
        }
        numbered(out)
    }

    /// 对策建议, one for each problem found, in the same order.
    pub fn countermeasures(&self) -> Vec<Paragraph> {
        let mut out: Vec<ParagraphBuilder> = Vec::new();
        let plan = self.plan_src();
        if !self.lagging.is_empty() || !self.at_risk.is_empty() {
            let mut p = draft().text("聚焦滞后指标精准发力，");
            if let Some(first) = self.lagging.first() {
                let units = first.units.join("、");
                p.push_text(format!(
                    "建议{}等责任单位针对{}等",
                    if units.is_empty() { "相关" } else { &units },
                    first.name
                ));
                p.push_figure(self.lagging.len().to_string(), &t(INDICATORS_TABLE));
                p.push_text(if self.closed() {
                    format!(
                        "项{}的指标，逐项分析原因，明确是否纳入下一轮计划持续推进。",
                        IndicatorVerdict::Behind.label_at(self.v.stage)
                    )
                } else {
                    format!(
                        "项{}的指标，逐项分析原因、制定赶进度措施，按季度跟踪落实。",
                        IndicatorVerdict::Behind.label_at(self.v.stage)
                    )
                });
            }
            if let Some(i) = self.at_risk.first() {
                let f = i.forecast.as_ref().expect("at_risk has forecasts");
                p.push_text("对");
                p.push_figure(self.at_risk.len().to_string(), &t(INDICATORS_TABLE));
                p.push_text(format!(
                    "项预计难以完成的指标，研究论证是否需要调整目标或加大投入，如{}目标",
                    i.name
                ));
                match i.target {
                    Some(target) => p.push_figure(with_unit(target, &i.unit), &plan),
                    None => p.push_text("未量化"),
                }
                p.push_text("、预计");
                p.push_figure(value_of(i, f.value), &i.sources);
                p.push_text("。");
            }
            out.push(p);
        }
        if !self.overdue.is_empty() {
            let mut p = draft().text("加快推进逾期节点，建议对");
            p.push_figure(self.overdue.len().to_string(), &t(TASKS_TABLE));
            p.push_text("个逾期节点建立台账、明确新的完成时限，实行销号管理，由所在专班每月调度。");
            out.push(p);
        }
        if !self.late_units.is_empty() {
            let mut p = draft().text("严格落实季度报送制度，建议对迟报、漏报的");
            p.push_figure(self.late_units.len().to_string(), &t(SOURCES));
            p.push_text("家单位进行提醒，按考核办法扣分，确保每季度末按时报送。");
            out.push(p);
        }
        if !self.stalled.is_empty() {
            let mut p = draft().text("加强重点任务统筹调度，建议对");
            p.push_figure(self.stalled.len().to_string(), &t(TASKS_TABLE));
            p.push_text(if self.closed() {
                format!(
                    "项{}的任务，由所在专班逐项说明原因，明确后续推进安排和责任人。",
                    self.stalled_words()
                )
            } else {
                format!(
                    "项{}的任务，由所在专班逐项会商，明确推进路径和责任人。",
                    self.stalled_words()
                )
            });
            out.push(p);
        }
        if !self.reported_problems.is_empty() {
            let mut p = draft().text("协调解决实际困难，建议领导小组办公室就");
            p.push_figure(self.reported_problems.len().to_string(), &t(TASKS_TABLE));
            p.push_text("项任务反映的困难组织会商，能解决的限时解决，需上级支持的及时汇报。");
            out.push(p);
        }
        if out.is_empty() {
            let mut p = draft().text("保持推进力度，建议继续按季度跟踪");
            p.push_figure(self.v.indicators.len().to_string(), &t(INDICATORS_TABLE));
            p.push_text("项指标和");
            p.push_figure(self.tasks.tasks.to_string(), &t(TASKS_TABLE));
            p.push_text("项重点任务，巩固现有成效。");
            out.push(p);
        }
        numbered(out)
    }

    /// The assessment summary (八、考核评价结果).
    pub fn assessment(&self) -> Vec<Paragraph> {
        let units = &self.v.units;
        if units.is_empty() {
            return Vec::new();
        }
        let src = t(SCORES_TABLE);
        let mut p = draft().text("按照考核评分办法，对");
        p.push_figure(units.len().to_string(), &src);
        p.push_text("家责任单位进行了评分（得分及排名见表3，评分明细见附件3）");
        let scores: Vec<f64> = units.iter().map(|u| u.score).collect();
        let max = scores.iter().copied().fold(f64::MIN, f64::max);
        let min = scores.iter().copied().fold(f64::MAX, f64::min);
        // The mean is the assessment's own figure (the dashboard's), not recomputed here.
        if let Some(avg) = self.v.unit_mean {
            p.push_text("，平均");
            p.push_figure(crate::model::fmt_score(avg), &src);
            p.push_text("分");
        }
        p.push_text("，最高");
        p.push_figure(crate::model::fmt_score(max), &src);
        p.push_text("分，最低");
        p.push_figure(crate::model::fmt_score(min), &src);
        p.push_text("分。");
        let ranked = crate::tables::ranked(units);
        let mut classes: Vec<&str> = Vec::new();
        for u in &ranked {
            if !classes.contains(&u.class.as_str()) {
                classes.push(&u.class);
            }
        }
        for class in classes {
            let top: Vec<&&crate::view::UnitScoreView> = ranked
                .iter()
                .filter(|u| u.class == class)
                .take(EXAMPLES)
                .collect();
            p.push_text(format!("{class}中，得分居前的是"));
            for (k, u) in top.iter().enumerate() {
                if k > 0 {
                    p.push_text("、");
                }
                p.push_text(format!("{}（", u.unit));
                p.push_figure(crate::model::fmt_score(u.score), &src);
                p.push_text("分）");
            }
            p.push_text("。");
        }
        let mut out = vec![p.build()];
        if !self.v.scoring_rules.is_empty() {
            out.push(Paragraph::text(format!(
                "考核说明：{}。",
                self.v.scoring_rules.join("；")
            )));
        }
        out
    }
}

/// “，其中已完成3项、占13.6%，超序时3项、序时推进11项”: the non-zero counts, the ones marked
/// with their share of `total`.
fn status_list<S: AsRef<str>>(
    p: &mut ParagraphBuilder,
    items: &[(S, usize, bool)],
    total: usize,
    trace: &str,
) {
    let mut sep = "，其中";
    for (label, n, with_share) in items {
        if *n == 0 {
            continue;
        }
        p.push_text(sep);
        p.push_text(label.as_ref());
        p.push_figure(n.to_string(), &t(trace));
        p.push_text("项");
        sep = "、";
        if *with_share && total > 0 {
            p.push_text("、占");
            p.push_figure(fmt_pct(*n as f64 / total as f64), &t(trace));
            sep = "，";
        }
    }
}

/// Prefixes 一是、二是… and builds.
fn numbered(list: Vec<ParagraphBuilder>) -> Vec<Paragraph> {
    list.into_iter()
        .enumerate()
        .map(|(k, b)| {
            let mut p = b.build();
            if let Some(crate::model::Inline::Text { text }) = p.inlines.first_mut() {
                text.insert_str(0, &ordinal(k));
            }
            p
        })
        .collect()
}
