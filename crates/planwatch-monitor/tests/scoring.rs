//! Scoring cases with their full breakdown, worked by hand (tests/common/mod.rs has the input).

mod common;

use common::{d, example, obligation, unit};
use planwatch_model::UnitKind;
use planwatch_monitor::assess::{Assessment, assess};
use planwatch_monitor::points::Points;
use planwatch_monitor::reporting::ReportEventKind;
use planwatch_monitor::rules::{Rules, SplitMode};
use planwatch_monitor::scoring::{ScoreRule, Scorecard, Units, shares};

/// The default rules without 任务量折算, so that each case checks one rule by hand; the
/// workload weighting has its own case below.
fn plain() -> Rules {
    let mut r = Rules::default();
    r.workload.full_load = 0.0;
    r
}

fn run(rules: &Rules) -> Assessment {
    assess(&example(), rules).expect("the example is valid")
}

fn card<'a>(a: &'a Assessment, unit: &str) -> &'a Scorecard {
    &a.units
        .iter()
        .find(|u| u.unit == unit)
        .unwrap_or_else(|| panic!("{unit} is scored"))
        .score
}

fn lines(c: &Scorecard) -> Vec<(ScoreRule, String, String)> {
    c.items
        .iter()
        .map(|i| (i.rule, i.points.to_string(), i.reason.clone()))
        .collect()
}

fn l(rule: ScoreRule, points: &str, reason: &str) -> (ScoreRule, String, String) {
    (rule, points.to_string(), reason.to_string())
}

#[test]
fn the_lead_unit_breakdown_is_every_rule_with_its_reason() {
    let a = run(&plain());
    let c = card(&a, "市科技局");
    // 100 − 1 (returned once) − 2 (late) − 3 × 60 % (red light, lead of two sides)
    // − 20 × ½ × (5 − 1.25)/10 (attainment) + 1 (target met early) = 92.45.
    assert_eq!(
        lines(c),
        [
            l(ScoreRule::Base, "100.00", "起评分"),
            l(
                ScoreRule::ReturnedReport,
                "-1.00",
                "2024年第一季度进展报告被退回1次"
            ),
            l(
                ScoreRule::LateReport,
                "-2.00",
                "2024年第二季度进展报告逾期3天报送"
            ),
            l(
                ScoreRule::RedWarning,
                "-1.80",
                "任务“培育高新技术企业”亮红灯（逾期），作为牵头单位承担60%：红灯扣3分×60%"
            ),
            l(
                ScoreRule::Attainment,
                "0.00",
                "指标“高新技术企业数”已实现目标，进展评分5（满分5），作为牵头单位，权重占比50%：20分×50%×（5−5）÷10"
            ),
            l(
                ScoreRule::Attainment,
                "-3.75",
                "指标“技术交易活跃度”进展一般，进展评分1.25（满分5），作为牵头单位，权重占比50%：20分×50%×（5−1.25）÷10"
            ),
            l(
                ScoreRule::EarlyTarget,
                "1.00",
                "指标“高新技术企业数”提前实现2024年目标，作为牵头单位承担100%"
            ),
        ]
    );
    assert_eq!(c.total, Points::from_hundredths(9245));
    assert!(c.reproduces());
}

#[test]
fn the_participating_unit_bears_its_share_and_its_own_lights() {
    let a = run(&plain());
    let c = card(&a, "市工信局");
    assert_eq!(
        lines(c),
        [
            l(ScoreRule::Base, "100.00", "起评分"),
            l(
                ScoreRule::MissingReport,
                "-10.00",
                "2024年第一季度进展报告未报送"
            ),
            l(
                ScoreRule::RedWarning,
                "-1.20",
                "任务“培育高新技术企业”亮红灯（逾期），作为参加单位承担40%：红灯扣3分×40%"
            ),
            l(
                ScoreRule::YellowWarning,
                "-1.00",
                "任务“建设数字经济园区”亮黄灯（滞后序时），作为牵头单位承担100%：黄灯扣1分×100%"
            ),
        ]
    );
    assert_eq!(c.total.to_string(), "87.80");
}

#[test]
fn a_bonus_claim_is_capped_per_item() {
    let a = run(&plain());
    let c = card(&a, "平定县人民政府");
    assert_eq!(
        lines(c)[1],
        l(
            ScoreRule::BonusClaim,
            "2.00",
            "获评省级创新型县（市）（申报3分，单项上限2分）"
        )
    );
    assert_eq!(c.total.to_string(), "102.00");
}

#[test]
fn units_are_ranked_within_their_class() {
    let a = run(&plain());
    type Rank<'a> = (&'a str, Option<&'a str>, Option<u32>, Option<u32>);
    let ranks: Vec<Rank> = a
        .units
        .iter()
        .map(|u| (u.unit.as_str(), u.class.as_deref(), u.rank, u.class_size))
        .collect();
    assert_eq!(
        ranks,
        [
            ("市科技局", Some("市直部门"), Some(1), Some(2)),
            ("市工信局", Some("市直部门"), Some(2), Some(2)),
            ("平定县人民政府", Some("县（区）"), Some(1), Some(1)),
            ("平定县科技局", Some("其他"), Some(1), Some(1)),
        ]
    );
}

#[test]
fn equal_scores_share_a_rank() {
    let mut input = example();
    input
        .units
        .push(unit("市发改委", UnitKind::CityDepartment, None));
    input
        .units
        .push(unit("市财政局", UnitKind::CityDepartment, None));
    for u in ["市发改委", "市财政局"] {
        input.reports.push(obligation(u, "2024Q1", &[]));
    }
    let a = assess(&input, &plain()).expect("valid");
    let r = |id: &str| a.units.iter().find(|u| u.unit == id).and_then(|u| u.rank);
    // 92.45, 90, 90, 87.80: the two 90s share second place and the next is fourth.
    assert_eq!((r("市发改委"), r("市财政局")), (Some(2), Some(2)));
    assert_eq!(r("市工信局"), Some(4));
}

#[test]
fn task_forces_answer_for_their_tasks_in_full() {
    let a = run(&plain());
    let tf = &a.task_forces[0];
    assert_eq!(tf.name, "科技创新专班");
    assert_eq!(
        lines(&tf.score),
        [
            l(ScoreRule::Base, "100.00", "起评分"),
            l(
                ScoreRule::RedWarning,
                "-3.00",
                "任务“培育高新技术企业”亮红灯（逾期）：红灯扣3分×100%"
            ),
            l(
                ScoreRule::Attainment,
                "0.00",
                "指标“高新技术企业数”已实现目标，进展评分5（满分5），权重占比100%：20分×100%×（5−5）÷10"
            ),
            l(
                ScoreRule::EarlyTarget,
                "1.00",
                "指标“高新技术企业数”提前达标"
            ),
        ]
    );
    assert_eq!(a.task_forces[1].score.total.to_string(), "99.00");
    assert_eq!(
        (a.task_forces[0].rank, a.task_forces[1].rank),
        (Some(2), Some(1))
    );
}

#[test]
fn a_county_averages_itself_and_its_member_units() {
    let a = run(&plain());
    let area = &a.areas[0];
    assert_eq!(area.id, "平定县人民政府");
    assert_eq!(
        lines(&area.score),
        [
            l(
                ScoreRule::MemberScore,
                "51.00",
                "平定县人民政府得分102.00，权重占比50%"
            ),
            l(
                ScoreRule::MemberScore,
                "45.00",
                "平定县科技局得分90.00，权重占比50%"
            ),
        ]
    );
}

#[test]
fn the_overall_score_is_the_sum_of_rounded_contributions() {
    let a = run(&plain());
    let o = a.overall.units.as_ref().expect("overall");
    let pts: Vec<String> = o.items.iter().map(|i| i.points.to_string()).collect();
    // 92.45/4 = 23.1125 → 23.11; 87.8/4 = 21.95; 102/4 = 25.5; 90/4 = 22.5.
    assert_eq!(pts, ["23.11", "21.95", "25.50", "22.50"]);
    assert_eq!(o.total.to_string(), "93.06");
    // Indicator index: mean(5, 1.25) = 3.125 → 10 × 8.125.
    assert_eq!(a.overall.indicator_index, Some(81.25));
}

#[test]
fn last_years_reports_do_not_count_against_this_year() {
    let a = run(&plain());
    assert!(a.reporting.iter().any(|r| r.period.year() == 2023));
    let c = card(&a, "市科技局");
    assert!(!c.items.iter().any(|i| i.reason.contains("2023年")));
}

#[test]
fn reporting_deductions_stop_at_their_cap() {
    let mut rules = plain();
    rules.reporting.cap = 5.0;
    let a = run(&rules);
    let c = card(&a, "市工信局");
    assert_eq!(
        lines(c)[2],
        l(
            ScoreRule::ReportingCap,
            "5.00",
            "报送类扣分合计10.00分，超过上限5.00分，按上限计"
        )
    );
    assert_eq!(c.total.to_string(), "92.80");
}

#[test]
fn bonuses_stop_at_their_cap() {
    let mut rules = plain();
    rules.bonus.cap = 1.5;
    let a = run(&rules);
    let c = card(&a, "平定县人民政府");
    assert_eq!(
        lines(c).last().cloned(),
        Some(l(
            ScoreRule::BonusCap,
            "-0.50",
            "加分合计2.00分，超过上限1.50分，按上限计"
        ))
    );
    assert_eq!(c.total.to_string(), "101.50");
}

#[test]
fn the_floor_lifts_a_score_and_says_so() {
    let mut rules = plain();
    rules.reporting.missing = 60.0;
    rules.reporting.cap = 200.0;
    rules.base.floor = 60.0;
    let mut input = example();
    input
        .reports
        .push(obligation("平定县科技局", "2024Q1", &[]));
    input
        .reports
        .retain(|o| !(o.unit == "平定县科技局" && o.period.number() == 1 && !o.events.is_empty()));
    let a = assess(&input, &rules).expect("valid");
    let c = card(&a, "平定县科技局");
    // 100 − 60 − 60 = −20, lifted by 80 to the floor of 60.
    assert_eq!(
        lines(c).last().cloned(),
        Some(l(
            ScoreRule::Floor,
            "80.00",
            "得分-20.00低于最低分60.00，按最低分计"
        ))
    );
    assert_eq!(c.total.to_string(), "60.00");
}

#[test]
fn the_split_divides_each_side_and_each_mode_does_not() {
    let units_in = vec![
        unit("A", UnitKind::CityDepartment, None),
        unit("B", UnitKind::CityDepartment, None),
        unit("C", UnitKind::CityDepartment, None),
        unit("D", UnitKind::CityDepartment, None),
    ];
    let units = Units::new(&units_in);
    let lead = vec!["A".to_string(), "B".to_string()];
    let part = vec!["C".to_string(), "D".to_string(), "A".to_string()];
    let mut r = plain().responsibility;
    let s: Vec<(&str, f64)> = shares(&units, &lead, &part, &r)
        .into_iter()
        .map(|(u, _, s)| (u, s))
        .collect();
    assert_eq!(s, [("A", 0.3), ("B", 0.3), ("C", 0.2), ("D", 0.2)]);
    r.mode = SplitMode::Each;
    let s: Vec<f64> = shares(&units, &lead, &part, &r)
        .into_iter()
        .map(|x| x.2)
        .collect();
    assert_eq!(s, [0.6, 0.6, 0.4, 0.4]);
    let alone: Vec<f64> = shares(&units, &lead, &[], &r)
        .into_iter()
        .map(|x| x.2)
        .collect();
    assert_eq!(alone, [1.0, 1.0]);
}

#[test]
fn a_group_name_stands_for_its_members() {
    let mut units_in = vec![
        unit("平定县人民政府", UnitKind::CountyGovernment, None),
        unit("盂县人民政府", UnitKind::CountyGovernment, None),
        unit("市科技局", UnitKind::CityDepartment, None),
    ];
    let mut group = unit("各县（区）人民政府", UnitKind::Group, None);
    group.members = vec!["平定县人民政府".into(), "盂县人民政府".into()];
    units_in.push(group);
    let units = Units::new(&units_in);
    let (lead, part) = (
        vec!["市科技局".to_string()],
        vec!["各县（区）人民政府".to_string()],
    );
    let s: Vec<(&str, f64)> = shares(&units, &lead, &part, &plain().responsibility)
        .into_iter()
        .map(|(u, _, s)| (u, s))
        .collect();
    assert_eq!(
        s,
        [
            ("市科技局", 0.6),
            ("平定县人民政府", 0.2),
            ("盂县人民政府", 0.2)
        ]
    );
}

#[test]
fn unknown_units_are_input_errors_that_name_the_place() {
    let mut input = example();
    input.tasks[0].participating_units.push("市科枝局".into());
    input.reports.push(obligation(
        "不存在的单位",
        "2024Q1",
        &[("2024-04-01", ReportEventKind::Submitted)],
    ));
    let e = assess(&input, &plain()).expect_err("unknown units");
    assert_eq!(e.0.len(), 2);
    assert!(
        e.0[0].to_string().contains("任务“培育高新技术企业”(T1)"),
        "{}",
        e.0[0]
    );
    assert!(e.0[0].to_string().contains("市科枝局"));
}

#[test]
fn the_assessment_round_trips_through_json_and_still_reproduces() {
    let a = run(&plain());
    let json = serde_json::to_string(&a).expect("serialise");
    let back: Assessment = serde_json::from_str(&json).expect("parse");
    assert_eq!(back.units.len(), a.units.len());
    for u in &back.units {
        assert!(u.score.reproduces(), "{}", u.unit);
    }
    assert_eq!(back.as_of, d("2024-07-15"));
}

#[test]
fn a_unit_with_little_to_do_is_scored_towards_its_class_mean_and_says_how() {
    let without = run(&plain());
    let with = run(&Rules::default());
    let full = Rules::default().workload.full_load;
    assert!(full > 0.0, "the default weighs responsibility");
    let mut moved = 0;
    for u in &with.units {
        assert!(u.score.reproduces(), "{}", u.name);
        let before = without
            .units
            .iter()
            .find(|b| b.unit == u.unit)
            .expect("same units");
        match u.score.items.iter().find(|i| i.rule == ScoreRule::Workload) {
            Some(item) => {
                moved += 1;
                // The line says the load, the threshold, the share counted and the mean.
                assert!(
                    item.reason.contains("承担任务和指标折合"),
                    "{}",
                    item.reason
                );
                assert!(item.reason.contains("平均履职得分"), "{}", item.reason);
                assert_eq!(u.score.total, before.score.total + item.points);
            }
            None => assert_eq!(u.score.total, before.score.total, "{}", u.name),
        }
    }
    assert!(moved > 0, "the example has units with little to do");
}
