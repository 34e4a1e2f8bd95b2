//! The indicator catalogue: every numeric indicator of the plan as a reported figure, built from
//! the plan's targets and an editable TOML file (`config/yangquan-indicators.toml` for Yangquan).
//! The plan is authoritative for targets; the file adds what the plan does not say (code, the one
//! reporting unit, kind, direction, baseline, validation rules, intermediate yearly targets).

use crate::matching::{gather_plan_indicators, match_entries};
use planwatch_model::{
    Baseline, Direction, IndicatorCode, IndicatorDef, IndicatorKind, IndicatorTarget, Plan,
    TargetWording, UnitName, ValidationRules,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The Yangquan catalogue file shipped with the binary.
pub const YANGQUAN_CATALOGUE_TOML: &str = include_str!("../../../config/yangquan-indicators.toml");

/// The catalogue file: defaults plus one entry per indicator.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogueConfig {
    /// The plan this file was written for; a file for another plan is not applied.
    #[serde(default)]
    pub plan_title: Option<String>,
    #[serde(default)]
    pub defaults: CatalogueDefaults,
    #[serde(default)]
    pub indicator: Vec<IndicatorConfig>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CatalogueDefaults {
    pub max_change_share: f64,
    /// Units of measure whose figures (other than ratios) must be whole numbers.
    pub integer_units: Vec<String>,
}

impl Default for CatalogueDefaults {
    fn default() -> Self {
        Self {
            max_change_share: 0.5,
            integer_units: ["家", "个", "座", "户", "人", "次", "人次", "台"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
        }
    }
}

/// One `[[indicator]]` entry of the catalogue file.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorConfig {
    pub code: IndicatorCode,
    pub name: String,
    /// Other names under which the plan states the same figure.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The plan's tasks that state a target of this figure; used to recognise it when the plan
    /// names it differently.
    #[serde(default)]
    pub tasks: Vec<u32>,
    /// Whether the plan states it among its headline goals (总体目标).
    #[serde(default)]
    pub goal: bool,
    pub kind: Option<IndicatorKind>,
    pub direction: Option<Direction>,
    pub reporter: Option<UnitName>,
    pub unit: Option<String>,
    pub baseline: Option<Baseline>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub integer: Option<bool>,
    /// 0 switches the check off.
    pub max_change_share: Option<f64>,
    /// Targets the plan does not state (intermediate years).
    #[serde(default)]
    pub target: Vec<ConfigTarget>,
    /// Why the figure is not reported (an exported catalogue; `catalogue import` applies it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set_aside: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigTarget {
    pub year: i32,
    pub value: f64,
    #[serde(default = "default_comparator")]
    pub comparator: TargetWording,
}

fn default_comparator() -> TargetWording {
    TargetWording::AtLeast
}

/// Something worth telling the office about the catalogue it just built (not blocking).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatalogueNote {
    pub indicator: String,
    pub message: String,
}

/// Why a catalogue could not be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CatalogueError {
    #[error("指标目录文件格式错误：{0}")]
    Toml(String),
    #[error("指标目录有误：\n{}", .0.join("\n"))]
    Invalid(Vec<String>),
}

impl CatalogueConfig {
    pub fn from_toml(text: &str) -> Result<Self, CatalogueError> {
        toml::from_str(text).map_err(|e| CatalogueError::Toml(e.to_string()))
    }

    /// The Yangquan catalogue file shipped with the binary.
    pub fn yangquan() -> Self {
        Self::from_toml(YANGQUAN_CATALOGUE_TOML)
            .expect("the shipped Yangquan catalogue is checked by a unit test")
    }

    /// Whether this file was written for `plan` (a file that names no plan applies to any).
    pub fn applies_to(&self, plan: &Plan) -> bool {
        self.plan_title
            .as_deref()
            .is_none_or(|t| t.trim() == plan.title.trim())
    }
}

/// Every reported indicator of one plan.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Catalogue {
    pub indicators: Vec<IndicatorDef>,
    /// Figures the plan states under names that do not read as indicators (开工建设, 不小于…):
    /// proposed but not reported until the office takes them in.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub set_aside: Vec<SetAside>,
    /// Indicators (by code) the same unit already reports for another plan of the deployment,
    /// with that plan's title: asked once, there, and not again in this plan's form (issue 17).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub asked_elsewhere: BTreeMap<String, String>,
}

/// A figure of the plan left out of the proposed catalogue, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SetAside {
    pub def: IndicatorDef,
    pub reason: String,
}

impl Catalogue {
    /// Builds the catalogue of `plan` with the file `config`. Notes are informational; an
    /// indicator that cannot be given a reporting unit or a kind is an error.
    pub fn build(
        plan: &Plan,
        config: &CatalogueConfig,
    ) -> Result<(Catalogue, Vec<CatalogueNote>), CatalogueError> {
        let mut problems = Vec::new();
        let mut notes = Vec::new();
        check_config_unique(config, &mut problems);

        let from_plan = gather_plan_indicators(plan);
        let matched = match_entries(&from_plan, &config.indicator);
        let fallback = fallback_reporter(plan);
        let mut out = Vec::new();
        let mut set_aside = Vec::new();
        let mut used_configs = BTreeSet::new();
        for (pi, m) in from_plan.iter().zip(&matched) {
            let cfg = m.map(|e| &config.indicator[e]);
            if let Some(c) = cfg {
                used_configs.insert(c.code.clone());
            } else if !config.indicator.is_empty() && pi.set_aside.is_none() {
                notes.push(CatalogueNote {
                    indicator: pi.name.clone(),
                    message: "指标目录文件中没有此指标，类型和报送单位按默认规则推定，请核对"
                        .into(),
                });
            }
            let reporter = cfg
                .and_then(|c| c.reporter.clone())
                .or_else(|| pi.first_lead.map(UnitName::from));
            let reporter = match (reporter, fallback) {
                (Some(r), _) => r,
                (None, Some(f)) => {
                    if cfg.is_none() && pi.set_aside.is_none() {
                        notes.push(CatalogueNote {
                            indicator: pi.name.clone(),
                            message: format!(
                                "只出现在总体目标中，报送单位暂定为{f}，请在指标目录页核对"
                            ),
                        });
                    }
                    UnitName::from(f)
                }
                (None, None) => {
                    problems.push(format!(
                        "指标“{}”只出现在总体目标中，无法推定报送单位：请在指标目录文件中写明 reporter",
                        pi.name
                    ));
                    continue;
                }
            };
            let unit = cfg
                .and_then(|c| c.unit.clone())
                .or_else(|| pi.unit.map(str::to_string));
            let kind = cfg
                .and_then(|c| c.kind)
                .unwrap_or_else(|| guess_kind(&pi.name, unit.as_deref()));
            let direction = cfg.and_then(|c| c.direction).unwrap_or_else(|| {
                if pi
                    .targets
                    .iter()
                    .any(|t| t.comparator == TargetWording::AtMost)
                {
                    Direction::LowerIsBetter
                } else {
                    Direction::HigherIsBetter
                }
            });
            let mut targets = pi.targets.clone();
            if let Some(c) = cfg {
                add_config_targets(&mut targets, c, &mut notes);
            }
            let name = cfg.map_or_else(|| pi.name.clone(), |c| c.name.clone());
            note_conflicting_targets(&name, &targets, &mut notes);
            let mut rules = rules_for(&name, kind, unit.as_deref(), cfg, &config.defaults);
            // A target such as 11.3年 says the figure is not a whole count.
            if cfg.and_then(|c| c.integer).is_none()
                && targets.iter().any(|t| t.value.fract() != 0.0)
            {
                rules.integer = false;
            }
            let def = IndicatorDef {
                code: cfg
                    .map(|c| c.code.clone())
                    .unwrap_or_else(|| auto_code(&pi.name).into()),
                name,
                unit,
                reporter,
                kind,
                direction,
                baseline: cfg.and_then(|c| c.baseline.clone()),
                targets,
                tasks: pi.tasks.clone(),
                rules,
                headline: pi.headline,
                plan_names: std::iter::once(pi.name.clone())
                    .chain(pi.mentions.iter().map(|m| m.to_string()))
                    .fold(Vec::new(), |mut v, n| {
                        if !v.contains(&n) {
                            v.push(n);
                        }
                        v
                    }),
            };
            match pi.set_aside.filter(|_| cfg.is_none()) {
                Some(reason) => set_aside.push(SetAside {
                    def,
                    reason: reason.to_string(),
                }),
                None => out.push(def),
            }
        }
        for c in &config.indicator {
            if used_configs.contains(&c.code) {
                continue;
            }
            let (Some(reporter), Some(kind)) = (c.reporter.clone(), c.kind) else {
                problems.push(format!(
                    "指标目录中的“{}”在计划中没有出现，须写明 reporter 和 kind 才能单独报送",
                    c.name
                ));
                continue;
            };
            notes.push(CatalogueNote {
                indicator: c.name.clone(),
                message: "计划中没有此指标，按指标目录文件单独列入".into(),
            });
            let mut targets = Vec::new();
            add_config_targets(&mut targets, c, &mut notes);
            out.push(IndicatorDef {
                code: c.code.clone(),
                name: c.name.clone(),
                unit: c.unit.clone(),
                reporter,
                kind,
                direction: c.direction.unwrap_or(Direction::HigherIsBetter),
                baseline: c.baseline.clone(),
                targets,
                tasks: Vec::new(),
                rules: rules_for(&c.name, kind, c.unit.as_deref(), Some(c), &config.defaults),
                headline: false,
                plan_names: Vec::new(),
            });
        }
        if problems.is_empty() {
            Ok((
                Catalogue {
                    indicators: out,
                    set_aside,
                    asked_elsewhere: BTreeMap::new(),
                },
                notes,
            ))
        } else {
            Err(CatalogueError::Invalid(problems))
        }
    }

    /// The Yangquan defaults: the plan with the shipped catalogue file.
    pub fn yangquan(plan: &Plan) -> Result<(Catalogue, Vec<CatalogueNote>), CatalogueError> {
        Self::build(plan, &CatalogueConfig::yangquan())
    }

    pub fn by_code(&self, code: &str) -> Option<&IndicatorDef> {
        self.indicators.iter().find(|i| i.code == code)
    }

    /// Looks an indicator up by its name or by a name the plan uses for it.
    pub fn by_name(&self, name: &str) -> Option<&IndicatorDef> {
        let name = name.trim();
        self.indicators.iter().find(|i| i.name == name).or_else(|| {
            self.indicators
                .iter()
                .find(|i| i.plan_names.iter().any(|n| n == name))
        })
    }

    /// Looks an indicator up by code or by name.
    pub fn lookup(&self, key: &str) -> Option<&IndicatorDef> {
        let k = key.trim();
        self.by_code(k).or_else(|| self.by_name(k))
    }

    /// The indicators one unit reports in this plan's form, in catalogue order (not those it
    /// reports for another plan: see `asked_elsewhere`).
    pub fn reported_by<'a>(&'a self, unit: &str) -> impl Iterator<Item = &'a IndicatorDef> {
        let unit = unit.to_string();
        self.indicators.iter().filter(move |i| {
            i.reporter == unit && !self.asked_elsewhere.contains_key(i.code.as_str())
        })
    }

    /// Every unit that reports at least one indicator in this plan's form.
    pub fn reporters(&self) -> BTreeSet<&str> {
        self.indicators
            .iter()
            .filter(|i| !self.asked_elsewhere.contains_key(i.code.as_str()))
            .map(|i| i.reporter.as_str())
            .collect()
    }
}

fn check_config_unique(config: &CatalogueConfig, problems: &mut Vec<String>) {
    let mut codes = BTreeMap::new();
    let mut names = BTreeMap::new();
    for c in &config.indicator {
        if c.code.is_empty()
            || !c
                .code
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_')
        {
            problems.push(format!(
                "指标“{}”的编码“{}”无效：只能用英文字母、数字、- 和 _",
                c.name, c.code
            ));
        }
        if let Some(prev) = codes.insert(c.code.as_str(), c.name.as_str()) {
            problems.push(format!("编码“{}”重复：“{}”和“{}”", c.code, prev, c.name));
        }
        for n in std::iter::once(&c.name).chain(&c.aliases) {
            if let Some(prev) = names.insert(n.as_str(), c.code.as_str()) {
                problems.push(format!(
                    "指标名称“{n}”在目录中出现两次（{prev} 与 {}）",
                    c.code
                ));
            }
        }
        if let (Some(lo), Some(hi)) = (c.min, c.max)
            && lo > hi
        {
            problems.push(format!("指标“{}”的取值范围下限 {lo} 大于上限 {hi}", c.name));
        }
    }
}

fn add_config_targets(
    targets: &mut Vec<IndicatorTarget>,
    c: &IndicatorConfig,
    notes: &mut Vec<CatalogueNote>,
) {
    for ct in &c.target {
        if let Some(planned) = targets.iter().find(|t| t.year == ct.year) {
            if planned.value != ct.value {
                notes.push(CatalogueNote {
                    indicator: c.name.clone(),
                    message: format!(
                        "指标目录给出的{}年目标 {} 与计划的 {} 不同，以计划为准",
                        ct.year, ct.value, planned.value
                    ),
                });
            }
            continue;
        }
        targets.push(IndicatorTarget {
            year: ct.year,
            value: ct.value,
            value_max: None,
            comparator: ct.comparator,
            source: "配置".into(),
            text: String::new(),
        });
    }
    targets.sort_by_key(|t| t.year);
}

fn note_conflicting_targets(
    name: &str,
    targets: &[IndicatorTarget],
    notes: &mut Vec<CatalogueNote>,
) {
    for w in targets.windows(2) {
        if w[0].year == w[1].year && w[0].value != w[1].value {
            notes.push(CatalogueNote {
                indicator: name.to_string(),
                message: format!(
                    "计划对{}年给出两个目标值：{}（{}）与 {}（{}），以前者为准，后者作为力争目标保留",
                    w[0].year, w[0].value, w[0].source, w[1].value, w[1].source
                ),
            });
        }
    }
}

/// Who reports a figure the plan states only among its goals, until the office says: the plan's
/// statistics bureau when it names one, else the unit that leads the most tasks.
fn fallback_reporter(plan: &Plan) -> Option<&str> {
    let units = plan
        .units
        .iter()
        .filter(|u| planwatch_model::UnitKind::classify(u) != planwatch_model::UnitKind::Group);
    if let Some(stats) = units.clone().find(|u| u.contains("统计局")) {
        return Some(stats);
    }
    plan.most_leading_unit()
        .or_else(|| units.clone().next().map(String::as_str))
}

/// Guesses an indicator's kind from its name and unit when the catalogue file does not say.
pub fn guess_kind(name: &str, unit: Option<&str>) -> IndicatorKind {
    // A share stays a share when it is 累计 (单位增加值能耗累计下降13.5%).
    if name.contains("累计") && !matches!(unit, Some("%" | "％")) {
        IndicatorKind::Cumulative
    } else if matches!(unit, Some("%" | "％"))
        || name.contains("比重")
        || name.contains("占比")
        || name.contains("增长")
    {
        IndicatorKind::Ratio
    } else if name.contains("产值") || name.contains("成交额") || name.contains("收入") {
        IndicatorKind::YearToDate
    } else {
        IndicatorKind::Level
    }
}

/// Whether the name says the figure is a count divided by a population or an average
/// (每千人口执业（助理）医师数 3.02人, 每万人口高价值发明专利数, 人均…, 平均受教育年限): such a
/// figure is measured in 人 or 件 but is not a whole number. "每年…次数" is a count per year and
/// stays whole.
pub fn is_per_head_or_average(name: &str) -> bool {
    const PER_POPULATION: [&str; 6] = [
        "每百人",
        "每千人",
        "每万人",
        "每十万人",
        "每百万人",
        "每百户",
    ];
    const OTHER: [&str; 4] = ["人均", "平均", "万人口", "千人口"];
    PER_POPULATION
        .iter()
        .chain(&OTHER)
        .any(|m| name.contains(m))
}

fn rules_for(
    name: &str,
    kind: IndicatorKind,
    unit: Option<&str>,
    cfg: Option<&IndicatorConfig>,
    defaults: &CatalogueDefaults,
) -> ValidationRules {
    let percent = matches!(unit, Some("%" | "％"));
    let (dmin, dmax) = match kind {
        IndicatorKind::Ratio if percent => (Some(0.0), Some(100.0)),
        IndicatorKind::Ratio => (None, None),
        _ => (Some(0.0), None),
    };
    // Counts of things (家, 个, 次…) are whole numbers whatever the kind, except shares and
    // figures per head of population or averages (their unit is a count's, their value is not).
    let counted = kind != IndicatorKind::Ratio
        && !is_per_head_or_average(name)
        && unit.is_some_and(|u| defaults.integer_units.iter().any(|x| x == u));
    let share = cfg
        .and_then(|c| c.max_change_share)
        .unwrap_or(defaults.max_change_share);
    ValidationRules {
        min: cfg.and_then(|c| c.min).or(dmin),
        max: cfg.and_then(|c| c.max).or(dmax),
        integer: cfg.and_then(|c| c.integer).unwrap_or(counted),
        max_change_share: (share > 0.0).then_some(share),
    }
}

/// A stable code for an indicator the catalogue file does not list (FNV-1a of its name).
fn auto_code(name: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("ind-{:08x}", h >> 32)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn yangquan_plan() -> Plan {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fixtures/plans/yangquan-2022-2024.gold.json"
        );
        let text = std::fs::read_to_string(path).expect("fixture present");
        serde_json::from_str(&text).expect("gold file is a plan")
    }

    pub(crate) fn yangquan_catalogue() -> Catalogue {
        Catalogue::yangquan(&yangquan_plan()).expect("builds").0
    }

    #[test]
    fn the_yangquan_catalogue_covers_every_numeric_target_of_the_plan() {
        let plan = yangquan_plan();
        let (cat, notes) = Catalogue::yangquan(&plan).expect("builds");
        assert_eq!(cat.indicators.len(), 47);
        assert!(
            notes
                .iter()
                .all(|n| !n.message.contains("指标目录文件中没有")),
            "{notes:?}"
        );
        for (_, t) in plan.all_targets() {
            if t.value.is_some() && t.comparator != Some(TargetWording::Qualitative) {
                assert!(cat.by_name(&t.indicator).is_some(), "{}", t.indicator);
            }
        }
    }

    /// The plan as the extractor reads it from the text (names as the sentences say them).
    fn extracted_plan() -> Plan {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fixtures/plans/yangquan-2022-2024.txt"
        );
        let text = std::fs::read_to_string(path).expect("fixture present");
        planwatch_plantext::extract_text(&text)
    }

    #[test]
    fn the_extracted_plan_gives_the_same_catalogue_as_the_gold_annotation() {
        let (gold, _) = Catalogue::yangquan(&yangquan_plan()).expect("gold");
        let (ext, notes) = Catalogue::yangquan(&extracted_plan()).expect("extracted");
        assert!(
            notes
                .iter()
                .all(|n| !n.message.contains("指标目录文件中没有")),
            "{notes:#?}"
        );
        type View = Vec<(IndicatorCode, UnitName, IndicatorKind, Vec<(i32, f64)>)>;
        let view = |c: &Catalogue| -> View {
            let mut v: Vec<_> = c
                .indicators
                .iter()
                .map(|i| {
                    (
                        i.code.clone(),
                        i.reporter.clone(),
                        i.kind,
                        i.targets.iter().map(|t| (t.year, t.value)).collect(),
                    )
                })
                .collect();
            v.sort_by(|a, b| a.0.cmp(&b.0));
            v
        };
        assert_eq!(view(&ext), view(&gold));
        let g = ext.by_name("5G基站").expect("found by the plan's own name");
        assert_eq!(g.code, "5g-stations");
    }

    #[test]
    fn a_figure_stated_by_a_goal_and_a_task_is_one_indicator_reported_once() {
        let cat = yangquan_catalogue();
        let hte: Vec<_> = cat
            .indicators
            .iter()
            .filter(|i| i.name == "国家高新技术企业数量")
            .collect();
        assert_eq!(hte.len(), 1);
        assert_eq!(hte[0].reporter, "市科技局");
        assert!(hte[0].headline);
        assert_eq!(hte[0].targets.len(), 1);
        assert_eq!(hte[0].targets[0].source, "总体目标、任务18");
    }

    #[test]
    fn intermediate_years_become_separate_targets() {
        let cat = yangquan_catalogue();
        let g = cat.by_code("5g-stations").expect("5G");
        let t: Vec<_> = g.targets.iter().map(|t| (t.year, t.value)).collect();
        assert_eq!(t, [(2022, 2000.0), (2024, 3600.0)]);
        assert_eq!(g.kind, IndicatorKind::Cumulative);
        assert!(g.rules.integer);
    }

    #[test]
    fn at_most_targets_make_lower_the_better_direction() {
        let cat = yangquan_catalogue();
        let pue = cat.by_code("dc-pue").expect("PUE");
        assert_eq!(pue.direction, Direction::LowerIsBetter);
        assert_eq!((pue.rules.min, pue.rules.max), (Some(1.0), Some(3.0)));
        assert!(!pue.rules.integer);
    }

    #[test]
    fn no_indicator_demands_whole_numbers_that_its_own_targets_do_not_have() {
        for i in &yangquan_catalogue().indicators {
            if i.rules.integer {
                assert!(
                    i.targets.iter().all(|t| t.value.fract() == 0.0)
                        && !is_per_head_or_average(&i.name),
                    "{}",
                    i.name
                );
            }
        }
        let cat = yangquan_catalogue();
        for code in ["doctors-per-1000", "hv-patents-per-10k", "schooling-years"] {
            assert!(!cat.by_code(code).expect(code).rules.integer, "{code}");
        }
    }

    #[test]
    fn figures_per_head_of_population_and_averages_are_not_whole_numbers() {
        for name in [
            "每千人口执业（助理）医师数",
            "每万人口高价值发明专利数",
            "万人口发明专利拥有量",
            "每十万人口技术经纪人数",
            "人均科普经费",
            "劳动年龄人口平均受教育年限",
        ] {
            assert!(is_per_head_or_average(name), "{name}");
        }
        for name in [
            "大型产业促进活动举办次数",
            "每年组织科技成果对接活动次数",
            "引入创新创业高端人才数",
        ] {
            assert!(!is_per_head_or_average(name), "{name}");
        }
    }

    #[test]
    fn a_per_thousand_figure_in_a_counted_unit_with_a_whole_target_is_not_a_whole_number() {
        // The plan's 3.02人 would already say so; a whole target (3人) must not make it a count.
        let mut cfg = CatalogueConfig::yangquan();
        cfg.indicator.push(IndicatorConfig {
            code: "nurses-per-1000".into(),
            name: "每千人口注册护士数".into(),
            kind: Some(IndicatorKind::Level),
            reporter: Some("市卫健委".into()),
            unit: Some("人".into()),
            target: vec![ConfigTarget {
                year: 2024,
                value: 3.0,
                comparator: TargetWording::AtLeast,
            }],
            ..Default::default()
        });
        let (cat, _) = Catalogue::build(&yangquan_plan(), &cfg).expect("builds");
        let n = cat
            .by_code("nurses-per-1000")
            .expect("listed from the file");
        assert!(!n.rules.integer);
        let talents = cat.by_code("high-end-talent").expect("talents");
        assert!(talents.rules.integer, "a count of people stays whole");
    }

    #[test]
    fn percentages_default_to_zero_to_one_hundred_but_growth_rates_are_configured() {
        let cat = yangquan_catalogue();
        let rd = cat.by_code("rd-gdp-share").expect("R&D");
        assert_eq!((rd.rules.min, rd.rules.max), (Some(0.0), Some(100.0)));
        let g = cat.by_code("industrial-rd-growth").expect("growth");
        assert_eq!((g.rules.min, g.rules.max), (Some(-100.0), Some(1000.0)));
        assert_eq!(g.rules.max_change_share, None);
    }

    #[test]
    fn a_recurring_yearly_target_becomes_one_target_per_plan_year() {
        let cat = yangquan_catalogue();
        let m = cat.by_code("matchmaking-events").expect("events");
        assert!(m.rules.integer, "events are counted in whole numbers");
        let years: Vec<_> = m.targets.iter().map(|t| t.year).collect();
        assert_eq!(years, [2022, 2023, 2024]);
    }

    #[test]
    fn two_values_for_the_same_year_are_kept_and_noted() {
        let plan = yangquan_plan();
        let (cat, notes) = Catalogue::yangquan(&plan).expect("builds");
        let p = cat.by_code("innovation-platforms").expect("platforms");
        assert_eq!(p.targets[0].value, 20.0);
        assert_eq!(p.targets[1].value, 30.0);
        assert!(notes.iter().any(|n| n.indicator == "省级以上创新平台数量"));
    }

    #[test]
    fn participants_named_in_the_file_report_instead_of_the_lead() {
        let cat = yangquan_catalogue();
        assert_eq!(
            cat.by_code("vocational-training").expect("x").reporter,
            "市人社局"
        );
        assert_eq!(
            cat.by_code("new-materials-output").expect("x").reporter,
            "市工信局"
        );
    }

    #[test]
    fn an_indicator_missing_from_the_file_gets_a_guessed_kind_and_a_note() {
        let mut plan = yangquan_plan();
        plan.tasks[0].targets.push(planwatch_model::Target {
            text: "累计建成孵化器10家".into(),
            indicator: "孵化器累计数".into(),
            value: Some(10.0),
            unit: Some("家".into()),
            year: Some(2024),
            comparator: Some(TargetWording::AtLeast),
            ..Default::default()
        });
        let (cat, notes) = Catalogue::yangquan(&plan).expect("builds");
        let i = cat.by_name("孵化器累计数").expect("added");
        assert_eq!(i.kind, IndicatorKind::Cumulative);
        assert_eq!(i.reporter, "市工信局");
        assert!(i.code.starts_with("ind-"));
        assert!(notes.iter().any(|n| n.indicator == "孵化器累计数"));
    }

    #[test]
    fn a_goal_only_indicator_is_given_a_provisional_reporter_and_a_note() {
        let goal = planwatch_model::Target {
            indicator: "万人发明专利拥有量".into(),
            value: Some(5.0),
            year: Some(2024),
            comparator: Some(TargetWording::AtLeast),
            ..Default::default()
        };
        let mut plan = yangquan_plan();
        plan.goals.push(goal.clone());
        let (c, notes) = Catalogue::yangquan(&plan).expect("builds");
        let i = c.by_name("万人发明专利拥有量").expect("proposed");
        // No 统计局 in the Yangquan plan: the unit that leads the most tasks.
        assert_eq!(i.reporter, "市科技局");
        assert!(
            notes.iter().any(
                |n| n.indicator == "万人发明专利拥有量" && n.message.contains("暂定为市科技局")
            ),
            "{notes:?}"
        );
        plan.units.push("市统计局".into());
        let (c, _) = Catalogue::yangquan(&plan).expect("builds");
        assert_eq!(
            c.by_name("万人发明专利拥有量").expect("proposed").reporter,
            "市统计局"
        );
        // A plan that names no unit at all cannot give its figures a reporter.
        let bare = Plan {
            title: "某计划".into(),
            goals: vec![goal],
            ..Plan::default()
        };
        let e = Catalogue::build(&bare, &CatalogueConfig::default()).expect_err("no reporter");
        assert!(e.to_string().contains("万人发明专利拥有量"), "{e}");
    }

    #[test]
    fn figures_whose_names_do_not_read_as_indicators_are_set_aside() {
        let mut plan = yangquan_plan();
        plan.tasks[0].targets.push(planwatch_model::Target {
            indicator: "少召开".into(),
            value: Some(2.0),
            unit: Some("次".into()),
            year: Some(2024),
            comparator: Some(TargetWording::AtLeast),
            ..Default::default()
        });
        let (c, _) = Catalogue::yangquan(&plan).expect("builds");
        assert!(c.by_name("少召开").is_none());
        let s = c
            .set_aside
            .iter()
            .find(|s| s.def.name == "少召开")
            .expect("set aside");
        assert!(s.reason.contains("动作"), "{}", s.reason);
        assert_eq!(
            c.indicators.len(),
            Catalogue::yangquan(&yangquan_plan())
                .expect("builds")
                .0
                .indicators
                .len()
        );
    }

    #[test]
    fn the_shipped_file_names_the_yangquan_plan() {
        let cfg = CatalogueConfig::yangquan();
        assert!(cfg.applies_to(&yangquan_plan()));
        let other = Plan {
            title: "某市数字经济行动计划".into(),
            ..Plan::default()
        };
        assert!(!cfg.applies_to(&other));
    }

    #[test]
    fn duplicate_codes_in_the_file_are_errors() {
        let mut cfg = CatalogueConfig::yangquan();
        cfg.indicator[1].code = cfg.indicator[0].code.clone();
        let e = Catalogue::build(&yangquan_plan(), &cfg).expect_err("dup");
        assert!(e.to_string().contains("重复"), "{e}");
    }

    #[test]
    fn a_malformed_file_names_the_line() {
        let e = CatalogueConfig::from_toml("[[indicator]]\ncode = 1\n").expect_err("bad");
        assert!(e.to_string().contains("line 2"), "{e}");
    }

    #[test]
    fn configured_intermediate_targets_are_added_but_never_override_the_plan() {
        let mut cfg = CatalogueConfig::yangquan();
        let e = cfg
            .indicator
            .iter_mut()
            .find(|c| c.code == "hightech-enterprises")
            .expect("present");
        e.target = vec![
            ConfigTarget {
                year: 2023,
                value: 160.0,
                comparator: TargetWording::AtLeast,
            },
            ConfigTarget {
                year: 2024,
                value: 180.0,
                comparator: TargetWording::AtLeast,
            },
        ];
        let (cat, notes) = Catalogue::build(&yangquan_plan(), &cfg).expect("builds");
        let t: Vec<_> = cat
            .by_code("hightech-enterprises")
            .expect("x")
            .targets
            .iter()
            .map(|t| (t.year, t.value, t.source.clone()))
            .collect();
        assert_eq!(
            t,
            [
                (2023, 160.0, "配置".to_string()),
                (2024, 200.0, "总体目标、任务18".to_string())
            ]
        );
        assert!(notes.iter().any(|n| n.message.contains("以计划为准")));
    }
}
