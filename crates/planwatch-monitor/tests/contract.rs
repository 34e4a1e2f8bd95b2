//! The contract with the app layer and the report crate: what an input looks like in JSON, and
//! what the assessment of the worked example looks like (a snapshot to review on every change).

mod common;

use planwatch_monitor::assess::{AssessmentInput, assess};
use planwatch_monitor::measure::{Comparator, Direction};
use planwatch_monitor::rules::Rules;

#[test]
fn a_minimal_json_input_deserialises_with_defaults() {
    let json = r#"{
        "period": "2024Q2",
        "as_of": "2024-07-15",
        "units": [{"id": "市科技局", "name": "市科技局", "kind": "city_department"}],
        "indicators": [{
            "id": "G4", "name": "国家高新技术企业数量", "unit": "家",
            "kind": "cumulative_count", "direction": "positive", "base": 2021,
            "targets": [{"value": 200, "at": "2024", "comparator": "at_least"}],
            "observations": [{"at": "2021", "value": 131}, {"at": "2023", "value": 165.5}],
            "lead_units": ["市科技局"]
        }]
    }"#;
    let input: AssessmentInput = serde_json::from_str(json).expect("valid JSON input");
    let a = assess(&input, &Rules::default()).expect("valid input");
    assert_eq!(
        a.indicators[0].explanation,
        "按2021—2023年年均增长12.4%测算，2024年预计达到186家，低于目标200家，按此速度预计2025年第三季度实现目标"
    );
    // R = 0.12398 / 0.15155 = 0.8186 → score 1.5614 → 100 − 20 × (5 − 1.5614)/10 = 93.12.
    assert_eq!(a.units[0].score.total.to_string(), "93.12");
}

#[test]
fn plan_comparators_map_to_measure_comparators() {
    use planwatch_model::TargetWording as P;
    assert_eq!(
        Comparator::from_wording(P::Equal, Direction::LowerIsBetter),
        Some(Comparator::AtMost)
    );
    assert_eq!(
        Comparator::from_wording(P::AtLeast, Direction::HigherIsBetter),
        Some(Comparator::AtLeast)
    );
    assert_eq!(
        Comparator::from_wording(P::Qualitative, Direction::HigherIsBetter),
        None
    );
}

#[test]
fn the_worked_example_assessment_is_stable() {
    let a = assess(&common::example(), &Rules::default()).expect("valid");
    insta::assert_json_snapshot!(a);
}
