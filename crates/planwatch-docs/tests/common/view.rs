//! A hand-built assessment of the Yangquan plan for 2023 (synthetic, so labelled demo): every
//! indicator, task, unit and source is derived from the gold plan by fixed rules, so the
//! report composed from it is stable enough to snapshot.

use planwatch_docs::ReportConfig;
use planwatch_docs::model::Source;
use planwatch_docs::view::{
    AnnualView, ForecastView, IndicatorVerdict, IndicatorView, Light, MilestoneStatus,
    MilestoneView, PointView, ReportingView, ScoreItemView, TaskStatus, TaskView, UnitScoreView,
};
use planwatch_model::{Comparator, Direction, Plan, Quarter};
use std::collections::BTreeMap;

/// Which task force steers which task, as in `config/yangquan-org.toml`.
pub fn task_forces() -> BTreeMap<u32, String> {
    let mut m = BTreeMap::new();
    for (tf, tasks) in [
        ("科技创新专班", &[13, 15, 17, 18, 19, 21][..]),
        ("创新投入专班", &[20, 22]),
        ("产业发展专班", &[1, 2, 4, 5, 6, 7, 12]),
        ("数字经济专班", &[3, 8, 9, 10, 11]),
        ("人才引育专班", &[14, 16]),
    ] {
        for t in tasks {
            m.insert(*t, tf.to_string());
        }
    }
    m
}

pub fn plan() -> Plan {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/plans/yangquan-2022-2024.gold.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("a Plan")
}

fn src_id(unit: usize, q: u8) -> String {
    format!("src-{unit}-{q}")
}

/// The synthetic 2023 assessment.
pub fn yangquan_2023() -> AnnualView {
    let plan = plan();
    let year = 2023;
    let tf_of = task_forces();
    // Units: every lead unit, in order of first appearance.
    let mut units: Vec<String> = Vec::new();
    for t in &plan.tasks {
        for u in &t.lead_units {
            if !units.contains(u) {
                units.push(u.clone());
            }
        }
    }
    for u in ["市统计局"] {
        if !units.contains(&u.to_string()) {
            units.push(u.into());
        }
    }
    let unit_ix = |name: &str| units.iter().position(|u| u == name).unwrap_or(0);
    let mut sources = Vec::new();
    for (k, u) in units.iter().enumerate() {
        for q in 1..=4u8 {
            sources.push(Source {
                id: src_id(k, q),
                what: format!(
                    "{}年第{}季度报告",
                    year,
                    ["一", "二", "三", "四"][usize::from(q - 1)]
                ),
                unit: u.clone(),
                period: Quarter::new(year, q).expect("valid").to_string(),
                submitted_by: format!("填报员{}", k + 1),
                submitted_at: format!(
                    "{}-{:02}-{:02} {:02}:{:02}",
                    if q == 4 { year + 1 } else { year },
                    if q == 4 { 1 } else { u32::from(q) * 3 + 1 },
                    3 + (k % 7),
                    9 + (k % 8),
                    (k * 7) % 60
                ),
                note: "已审核".into(),
            });
        }
    }

    let mut indicators = Vec::new();
    let ratios = [1.08, 0.97, 0.86, 1.0, 0.72, 1.15, 0.93, 1.02, 0.64];
    let mut k = 0usize;
    let mut add =
        |name: &str,
         unit: &str,
         target: f64,
         ty: i32,
         cmp: Comparator,
         task: Option<u32>,
         leads: Vec<String>,
         headline: bool| {
            let ratio = ratios[k % ratios.len()];
            let base = target * 0.6;
            let annual =
                base + (target - base) * f64::from(year - 2021) / f64::from((ty - 2021).max(1));
            // Counts of things are whole numbers; rates keep two decimals.
            let whole = ["家", "个", "座", "户", "人", "次", "人次", "台"].contains(&unit);
            let round = |x: f64| {
                if whole {
                    x.round()
                } else {
                    (x * 100.0).round() / 100.0
                }
            };
            let annual = round(annual);
            let no_data = k % 11 == 10;
            let lower_better = cmp == Comparator::AtMost;
            let actual = (!no_data).then(|| {
                round(if lower_better {
                    annual / ratio
                } else {
                    annual * ratio
                })
            });
            // The status follows from the rounded figures the report prints.
            let status = match actual {
                None => IndicatorVerdict::NoData,
                Some(a) => {
                    let c = if lower_better { annual / a } else { a / annual };
                    if c >= 1.0 {
                        IndicatorVerdict::Achieved
                    } else if c >= 0.95 {
                        IndicatorVerdict::OnSchedule
                    } else {
                        IndicatorVerdict::Behind
                    }
                }
            };
            let light = match status {
                IndicatorVerdict::Achieved | IndicatorVerdict::OnSchedule => Light::Green,
                IndicatorVerdict::Behind if ratio < 0.8 => Light::Red,
                IndicatorVerdict::Behind => Light::Yellow,
                IndicatorVerdict::NoData => Light::Grey,
            };
            let u = leads.first().map_or(0, |l| unit_ix(l));
            let series = actual.map_or(Vec::new(), |a| {
                vec![
                    PointView {
                        t: 2021.0,
                        value: round(base),
                    },
                    PointView {
                        t: 2022.0,
                        value: round((base + a) / 2.0),
                    },
                    PointView {
                        t: 2023.0,
                        value: a,
                    },
                ]
            });
            let forecast = actual.map(|a| {
            let step = a - (base + a) / 2.0;
            let value = round(a + step * f64::from(ty - year));
            let meets = if lower_better { value <= target } else { value >= target };
            ForecastView {
                year: ty,
                value,
                meets,
                explanation: format!(
                    "按2021—{year}年年均增加{}{unit}测算，{ty}年预计达到{}{unit}，{}目标{}{unit}",
                    (step * 100.0).round() / 100.0,
                    value,
                    if meets { "可以完成" } else { "低于" },
                    target
                ),
            }
        });
            indicators.push(IndicatorView {
                id: format!("ind-{k}"),
                name: name.into(),
                unit: unit.into(),
                headline,
                task,
                task_force: task.and_then(|t| tf_of.get(&t).cloned()),
                comparator: cmp,
                target: Some(target),
                target_year: Some(ty),
                annual_target: Some(annual),
                actual,
                schedule_share: 1.0,
                completion: None,
                status,
                light,
                forecast,
                units: leads,
                note: if status == IndicatorVerdict::Behind {
                    "受项目建设进度影响".into()
                } else {
                    String::new()
                },
                series,
                sources: if no_data { vec![] } else { vec![src_id(u, 4)] },
                decimals: None,
                stage: Default::default(),
            });
            k += 1;
        };
    for g in &plan.goals {
        if let (Some(v), Some(y)) = (g.value, g.year) {
            add(
                &g.indicator,
                g.unit.as_deref().unwrap_or(""),
                v,
                y,
                g.comparator
                    .and_then(|w| Comparator::from_wording(w, Direction::HigherIsBetter))
                    .unwrap_or(Comparator::AtLeast),
                None,
                vec!["市科技局".into()],
                true,
            );
        }
    }
    for t in &plan.tasks {
        for x in &t.targets {
            if let (Some(v), Some(y)) = (x.value, x.year)
                && y >= year
            {
                add(
                    &x.indicator,
                    x.unit.as_deref().unwrap_or(""),
                    v,
                    y,
                    x.comparator
                        .and_then(|w| Comparator::from_wording(w, Direction::HigherIsBetter))
                        .unwrap_or(Comparator::AtLeast),
                    Some(t.number),
                    t.lead_units.clone(),
                    false,
                );
            }
        }
    }

    let statuses = [
        TaskStatus::OnSchedule,
        TaskStatus::Done,
        TaskStatus::OnSchedule,
        TaskStatus::Behind,
        TaskStatus::Ahead,
        TaskStatus::OnSchedule,
        TaskStatus::NotStarted,
        TaskStatus::OnSchedule,
    ];
    let tasks: Vec<TaskView> = plan
        .tasks
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let status = statuses[i % statuses.len()];
            let milestones = t
                .milestones
                .iter()
                .enumerate()
                .map(|(j, m)| MilestoneView {
                    what: m.what.clone(),
                    due_year: m.year,
                    status: match m.year {
                        Some(y) if y < year => {
                            if (i + j) % 3 == 0 {
                                MilestoneStatus::Overdue
                            } else {
                                MilestoneStatus::Done
                            }
                        }
                        Some(y) if y == year => {
                            if (i + j) % 2 == 0 {
                                MilestoneStatus::Done
                            } else {
                                MilestoneStatus::Overdue
                            }
                        }
                        _ => {
                            if (i + j) % 4 == 0 {
                                MilestoneStatus::NotStarted
                            } else {
                                MilestoneStatus::OnSchedule
                            }
                        }
                    },
                })
                .collect();
            let u = unit_ix(&t.lead_units[0]);
            TaskView {
                number: t.number,
                title: t.title.clone(),
                task_force: tf_of
                    .get(&t.number)
                    .cloned()
                    .unwrap_or_else(|| "（未分配）".into()),
                lead_units: t.lead_units.clone(),
                participating_units: t.participating_units.clone(),
                status,
                light: if status.on_track() {
                    Light::Green
                } else {
                    Light::Yellow
                },
                progress: format!("全年完成年度工作计划的{}%", 60 + (i * 7) % 41),
                problems: if status == TaskStatus::Behind {
                    "项目用地审批周期较长".into()
                } else {
                    String::new()
                },
                milestones,
                sources: vec![src_id(u, 4)],
                stage: Default::default(),
                judgement: None,
                judgement_basis: None,
            }
        })
        .collect();

    let reporting: Vec<ReportingView> = units
        .iter()
        .enumerate()
        .map(|(k, u)| {
            let late = u32::from(k % 3 == 1);
            let missing = u32::from(k % 7 == 5);
            ReportingView {
                unit: u.clone(),
                expected: 4,
                on_time: 4 - late - missing,
                late,
                missing,
                returned: u32::from(k % 5 == 2),
                sources: (1..=4).map(|q| src_id(k, q)).collect(),
            }
        })
        .collect();

    let class_of = |u: &str| {
        planwatch_model::UnitKind::classify(u)
            .label_zh()
            .to_string()
    };
    let mut scores: Vec<UnitScoreView> = reporting
        .iter()
        .enumerate()
        .map(|(k, r)| {
            let mut items = vec![ScoreItemView {
                item: "基础分".into(),
                rule: "承担任务的责任单位基础分100分".into(),
                max_points: Some(100.0),
                points: 100.0,
                note: String::new(),
                sources: vec![],
            }];
            if r.late > 0 {
                items.push(ScoreItemView {
                    item: "季度报告迟报".into(),
                    rule: "每迟报1次扣2分".into(),
                    max_points: None,
                    points: -2.0 * f64::from(r.late),
                    note: format!("迟报{}次", r.late),
                    sources: r.sources.clone(),
                });
            }
            if r.missing > 0 {
                items.push(ScoreItemView {
                    item: "季度报告漏报".into(),
                    rule: "每漏报1次扣5分".into(),
                    max_points: None,
                    points: -5.0 * f64::from(r.missing),
                    note: format!("漏报{}次", r.missing),
                    sources: r.sources.clone(),
                });
            }
            if k % 4 == 0 {
                items.push(ScoreItemView {
                    item: "创新工作加分".into(),
                    rule: "每项加1-3分，累计不超过3分".into(),
                    max_points: Some(3.0),
                    points: 1.5,
                    note: "获省级以上表彰".into(),
                    sources: vec![src_id(k, 4)],
                });
            }
            let score = items.iter().map(|i| i.points).sum();
            UnitScoreView {
                unit: r.unit.clone(),
                class: class_of(&r.unit),
                score,
                rank: 0,
                class_size: 0,
                grade: None,
                items,
            }
        })
        .collect();
    let mut by_class: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, s) in scores.iter().enumerate() {
        by_class.entry(s.class.clone()).or_default().push(i);
    }
    for members in by_class.values() {
        let mut m = members.clone();
        m.sort_by(|a, b| {
            scores[*b]
                .score
                .total_cmp(&scores[*a].score)
                .then(scores[*a].unit.cmp(&scores[*b].unit))
        });
        for (r, i) in m.iter().enumerate() {
            scores[*i].rank = r as u32 + 1;
            scores[*i].class_size = m.len() as u32;
            scores[*i].grade = Some(
                if scores[*i].score >= 100.0 {
                    "优秀"
                } else {
                    "良好"
                }
                .into(),
            );
        }
    }

    AnnualView {
        plan_title: plan.title.clone(),
        year,
        period: Quarter::new(year, 4).expect("valid"),
        issuer: ReportConfig::default().issuer,
        issued_on: Some("2024年1月20日".into()),
        demo: true,
        plan_source: Source {
            id: "src-plan".into(),
            what: format!("《{}》", plan.title),
            unit: "阳泉市人民政府".into(),
            period: String::new(),
            submitted_by: "领导小组办公室（导入）".into(),
            submitted_at: "2022-03-01 09:00".into(),
            note: "计划文本".into(),
        },
        rules_source: Some(Source {
            id: "src-rules".into(),
            what: "考核评分办法".into(),
            unit: "领导小组办公室".into(),
            period: String::new(),
            submitted_by: "领导小组办公室".into(),
            submitted_at: "2023-02-15 10:00".into(),
            note: "评分规则".into(),
        }),
        task_forces: plan.task_forces.clone(),
        indicators,
        tasks,
        unit_mean: Some(
            (scores.iter().map(|u| u.score).sum::<f64>() / scores.len().max(1) as f64 * 100.0)
                .round()
                / 100.0,
        ),
        units: scores,
        reporting,
        period_reporting: Vec::new(),
        sources,
        office_text: BTreeMap::new(),
        final_review: None,
        stage: Default::default(),
        scoring_rules: Vec::new(),
    }
}
