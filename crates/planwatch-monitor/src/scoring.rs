//! Assessment scores (考核评分) with their breakdowns: per unit, per task force, per
//! county/district and overall; rankings within unit classes.
//!
//! A unit's score starts from the base points; reporting deductions, warning deductions and
//! attainment deductions (each category capped) and bonuses (capped) are added as items, then a
//! floor item if needed. Every item is rounded to 0.01 point when made ([`Points`]), and the
//! score is the exact sum of its items. Group scores (task forces aside) are weighted means of
//! member unit scores, itemised as each member's rounded contribution.

use crate::error::InputError;
use crate::indicator::IndicatorAssessment;
use crate::points::Points;
use crate::reporting::{ReportingRecord, ReportingStatus, ReportingSummary, summarise};
use crate::rules::{ResponsibilityRules, Rules, SplitMode};
use crate::task::TaskAssessment;
use crate::zh;
use planwatch_model::UnitKind;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A responsible unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitInput {
    pub id: String,
    pub name: String,
    pub kind: UnitKind,
    /// The county/district (its unit id) the unit belongs to; a county names itself or leaves
    /// this empty.
    #[serde(default)]
    pub area: Option<String>,
    /// For a group name (各县（区）人民政府): the units it stands for.
    #[serde(default)]
    pub members: Vec<String>,
}

/// A task force (专班); tasks name it in `task_force`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskForceInput {
    pub id: String,
    pub name: String,
}

/// A bonus approved by the office for this assessment (创新工作、表彰、经验推广).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BonusClaim {
    pub unit: String,
    pub points: f64,
    pub reason: String,
}

/// The rule behind a breakdown item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScoreRule {
    Base,
    MissingReport,
    LateReport,
    ReturnedReport,
    ReportingCap,
    YellowWarning,
    RedWarning,
    WarningCap,
    Attainment,
    EarlyTarget,
    TaskCompletedEarly,
    BonusClaim,
    BonusCap,
    Floor,
    MemberScore,
    /// 任务量折算: a unit with little to do is scored towards its class's mean.
    Workload,
}

impl ScoreRule {
    pub fn label_zh(self) -> &'static str {
        match self {
            ScoreRule::Base => "起评分",
            ScoreRule::MissingReport => "缺报扣分",
            ScoreRule::LateReport => "逾期报送扣分",
            ScoreRule::ReturnedReport => "退回扣分",
            ScoreRule::ReportingCap => "报送扣分上限",
            ScoreRule::YellowWarning => "黄灯扣分",
            ScoreRule::RedWarning => "红灯扣分",
            ScoreRule::WarningCap => "预警扣分上限",
            ScoreRule::Attainment => "指标完成情况",
            ScoreRule::EarlyTarget => "指标提前达标加分",
            ScoreRule::TaskCompletedEarly => "任务提前完成加分",
            ScoreRule::BonusClaim => "认定加分",
            ScoreRule::BonusCap => "加分上限",
            ScoreRule::Floor => "最低分",
            ScoreRule::MemberScore => "成员单位得分",
            ScoreRule::Workload => "任务量折算",
        }
    }
}

/// One line of a breakdown: which rule gave or took how many points, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreItem {
    pub rule: ScoreRule,
    pub points: Points,
    pub reason: String,
    /// The id of what the item is about (task, indicator, period, unit), when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
}

/// A score and its breakdown; `total` is exactly the sum of the items' points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scorecard {
    pub total: Points,
    pub items: Vec<ScoreItem>,
}

impl Scorecard {
    pub fn from_items(items: Vec<ScoreItem>) -> Scorecard {
        Scorecard {
            total: items.iter().map(|i| i.points).sum(),
            items,
        }
    }

    /// Whether the total is the sum of the items (always true for cards built here; for
    /// checking cards read back from JSON).
    pub fn reproduces(&self) -> bool {
        self.items.iter().map(|i| i.points).sum::<Points>() == self.total
    }
}

/// A unit's score, class and rank.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitScore {
    pub unit: String,
    pub name: String,
    pub kind: UnitKind,
    /// The ranking class (市直部门、县（区）…); `None` when the kind is not ranked.
    pub class: Option<String>,
    pub rank: Option<u32>,
    pub class_size: Option<u32>,
    /// 等次 within the class (`rules.grades`); `None` when not ranked or no grades are set.
    #[serde(default)]
    pub grade: Option<String>,
    pub score: Scorecard,
    /// Reporting counts over the assessment year up to the period (what the score used).
    pub reporting: Option<ReportingSummary>,
}

/// A task force's or a county's score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupScore {
    pub id: String,
    pub name: String,
    pub rank: Option<u32>,
    pub score: Scorecard,
}

/// The whole plan's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverallScore {
    /// Weighted mean of the unit scores (weights by unit kind).
    pub units: Option<Scorecard>,
    /// Weighted mean of indicator scores mapped to 0–100 as 10·(score + 5).
    pub indicator_index: Option<f64>,
}

/// Lead (牵头) or participating (参加).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Responsibility {
    Lead,
    Participating,
}

impl Responsibility {
    pub fn label_zh(self) -> &'static str {
        match self {
            Responsibility::Lead => "牵头单位",
            Responsibility::Participating => "参加单位",
        }
    }
}

/// Resolves group names to their members and knows every unit.
pub struct Units<'a> {
    by_id: HashMap<&'a str, &'a UnitInput>,
}

impl<'a> Units<'a> {
    pub fn new(units: &'a [UnitInput]) -> Units<'a> {
        Units {
            by_id: units.iter().map(|u| (u.id.as_str(), u)).collect(),
        }
    }

    pub fn get(&self, id: &str) -> Option<&'a UnitInput> {
        self.by_id.get(id).copied()
    }

    /// Replaces group ids by their members, drops duplicates, keeps order.
    pub fn expand(&self, ids: &'a [String]) -> Vec<&'a str> {
        let mut out: Vec<&'a str> = Vec::new();
        for id in ids {
            match self.get(id) {
                Some(u) if u.kind == UnitKind::Group && !u.members.is_empty() => {
                    for m in &u.members {
                        if !out.contains(&m.as_str()) {
                            out.push(m.as_str());
                        }
                    }
                }
                _ => {
                    if !out.contains(&id.as_str()) {
                        out.push(id.as_str());
                    }
                }
            }
        }
        out
    }

    /// Checks that every id names a known unit.
    pub fn check(&self, ids: &[String], place: &str) -> Vec<InputError> {
        ids.iter()
            .filter(|id| self.get(id).is_none())
            .map(|id| {
                InputError::new(
                    place,
                    format!("单位“{id}”不在单位名单中，请先在单位管理中添加或更正名称"),
                )
            })
            .collect()
    }
}

/// Each unit's share of a task's or indicator's points. `Split`: lead units together bear
/// `lead`, participating units together `participating`; `Each`: every lead unit bears `lead`
/// and every participating unit `participating`. In both modes, when one side is empty the
/// other side bears the whole (divided equally in `Split`, each in full in `Each`). A unit named
/// on both sides counts as lead; groups are replaced by their members.
pub fn shares<'b>(
    units: &Units<'b>,
    lead: &'b [String],
    participating: &'b [String],
    r: &ResponsibilityRules,
) -> Vec<(&'b str, Responsibility, f64)> {
    let scored = |id: &&str| units.get(id).is_none_or(|u| u.kind != UnitKind::Group);
    let leads: Vec<&str> = units.expand(lead).into_iter().filter(scored).collect();
    let parts: Vec<&str> = units
        .expand(participating)
        .into_iter()
        .filter(|p| !leads.contains(p))
        .filter(scored)
        .collect();
    let (nl, np) = (leads.len() as f64, parts.len() as f64);
    let (lead_share, part_share) = match (r.mode, leads.is_empty(), parts.is_empty()) {
        (SplitMode::Split, _, true) => (1.0 / nl.max(1.0), 0.0),
        (SplitMode::Split, true, false) => (0.0, 1.0 / np),
        (SplitMode::Split, false, false) => (r.lead / nl, r.participating / np),
        (SplitMode::Each, _, true) => (1.0, 0.0),
        (SplitMode::Each, true, false) => (0.0, 1.0),
        (SplitMode::Each, false, false) => (r.lead, r.participating),
    };
    leads
        .into_iter()
        .map(|u| (u, Responsibility::Lead, lead_share))
        .chain(
            parts
                .into_iter()
                .map(|u| (u, Responsibility::Participating, part_share)),
        )
        .collect()
}

fn item(rule: ScoreRule, points: f64, reason: String, subject: Option<&str>) -> ScoreItem {
    ScoreItem {
        rule,
        points: Points::from_f64(points),
        reason,
        subject: subject.map(str::to_string),
    }
}

fn pct(x: f64) -> String {
    format!("{}%", zh::num(x * 100.0, 2))
}

/// Adds a cap item when the category's items go beyond `cap` (a negative `sign` for deductions).
fn cap_items(items: &mut Vec<ScoreItem>, cap: f64, deduction: bool, rule: ScoreRule, what: &str) {
    let sum: Points = items.iter().map(|i| i.points).sum();
    let cap = Points::from_f64(cap);
    let excess = if deduction { (-sum) - cap } else { sum - cap };
    if excess > Points::ZERO {
        let sum_abs = if deduction { -sum } else { sum };
        items.push(ScoreItem {
            rule,
            points: if deduction { excess } else { -excess },
            reason: format!("{what}合计{sum_abs}分，超过上限{cap}分，按上限计"),
            subject: None,
        });
    }
}

/// Per-subject categories, assembled in a fixed order.
#[derive(Default)]
struct Card {
    reporting: Vec<ScoreItem>,
    warnings: Vec<ScoreItem>,
    /// (indicator index, effective weight, responsibility)
    attainment: Vec<(usize, f64, Option<Responsibility>)>,
    bonus: Vec<ScoreItem>,
}

impl Card {
    fn finish(mut self, rules: &Rules, indicators: &[IndicatorAssessment]) -> Scorecard {
        let mut items = vec![item(
            ScoreRule::Base,
            rules.base.points,
            "起评分".to_string(),
            None,
        )];
        cap_items(
            &mut self.reporting,
            rules.reporting.cap,
            true,
            ScoreRule::ReportingCap,
            "报送类扣分",
        );
        items.append(&mut self.reporting);
        cap_items(
            &mut self.warnings,
            rules.warnings.cap,
            true,
            ScoreRule::WarningCap,
            "预警类扣分",
        );
        items.append(&mut self.warnings);
        let total_w: f64 = self
            .attainment
            .iter()
            .filter(|(k, _, _)| indicators[*k].score.is_some())
            .map(|(_, w, _)| w)
            .sum();
        for (k, w, role) in &self.attainment {
            let ind = &indicators[*k];
            let as_role = role.map_or(String::new(), |r| format!("，作为{}", r.label_zh()));
            match ind.score {
                Some(s) if total_w > 0.0 => {
                    let share = w / total_w;
                    items.push(item(
                        ScoreRule::Attainment,
                        -rules.attainment.points * share * (5.0 - s) / 10.0,
                        format!(
                            "指标{}{}，进展评分{}（满分5）{as_role}，权重占比{}：{}分×{}×（5{}）÷10",
                            zh::quoted(&ind.name),
                            ind.status_zh(),
                            zh::num(s, 2),
                            pct(share),
                            zh::num(rules.attainment.points, 2),
                            pct(share),
                            if s < 0.0 {
                                format!("＋{}", zh::num(-s, 2))
                            } else {
                                format!("−{}", zh::num(s, 2))
                            }
                        ),
                        Some(&ind.id),
                    ));
                }
                _ => items.push(item(
                    ScoreRule::Attainment,
                    0.0,
                    format!("指标{}{}，不计分", zh::quoted(&ind.name), ind.status_zh()),
                    Some(&ind.id),
                )),
            }
        }
        cap_items(
            &mut self.bonus,
            rules.bonus.cap,
            false,
            ScoreRule::BonusCap,
            "加分",
        );
        items.append(&mut self.bonus);
        let total: Points = items.iter().map(|i| i.points).sum();
        let floor = Points::from_f64(rules.base.floor);
        if total < floor {
            items.push(ScoreItem {
                rule: ScoreRule::Floor,
                points: floor - total,
                reason: format!("得分{total}低于最低分{floor}，按最低分计"),
                subject: None,
            });
        }
        Scorecard::from_items(items)
    }
}

fn role_text(role: Responsibility, share: f64) -> String {
    format!("作为{}承担{}", role.label_zh(), pct(share))
}

fn warning_item(t: &TaskAssessment, rules: &Rules, share: f64, who: &str) -> Option<ScoreItem> {
    use crate::measure::Light;
    let (rule, points, colour) = match t.light {
        Light::Yellow => (ScoreRule::YellowWarning, rules.warnings.yellow, "黄灯"),
        Light::Red => (ScoreRule::RedWarning, rules.warnings.red, "红灯"),
        _ => return None,
    };
    Some(item(
        rule,
        -points * share,
        format!(
            "任务{}亮{colour}（{}）{who}：{colour}扣{}分×{}",
            zh::quoted(&t.title),
            t.status_zh(),
            zh::num(points, 2),
            pct(share)
        ),
        Some(&t.id),
    ))
}

/// The inputs of scoring, all already assessed.
pub struct ScoringInput<'a> {
    pub units: &'a [UnitInput],
    pub task_forces: &'a [TaskForceInput],
    pub indicators: &'a [IndicatorAssessment],
    pub tasks: &'a [TaskAssessment],
    /// The reporting records that count for this assessment (the year to date).
    pub reporting: &'a [ReportingRecord],
    pub claims: &'a [BonusClaim],
}

/// Scores every unit that has something to be scored on, ranked within its class.
pub fn score_units(s: &ScoringInput<'_>, rules: &Rules) -> Vec<UnitScore> {
    let units = Units::new(s.units);
    let mut cards: HashMap<&str, Card> = HashMap::new();
    // Each unit's load: the sum of its shares of the tasks and indicators it is named on.
    let mut load: HashMap<&str, f64> = HashMap::new();
    let r = &rules.reporting;
    for rec in s.reporting {
        let card = cards.entry(rec.unit.as_str()).or_default();
        let subject = Some(rec.period.to_string());
        match rec.status {
            ReportingStatus::Missing => card.reporting.push(item(
                ScoreRule::MissingReport,
                -r.missing,
                rec.describe_zh(),
                subject.as_deref(),
            )),
            _ if rec.timely == Some(false) => card.reporting.push(item(
                ScoreRule::LateReport,
                -r.late,
                format!(
                    "{}进展报告逾期{}天报送",
                    rec.period.label_zh(),
                    rec.days_late.unwrap_or(0)
                ),
                subject.as_deref(),
            )),
            _ => {}
        }
        if rec.returned_times > 0 {
            card.reporting.push(item(
                ScoreRule::ReturnedReport,
                -r.returned * f64::from(rec.returned_times),
                format!(
                    "{}进展报告被退回{}次",
                    rec.period.label_zh(),
                    rec.returned_times
                ),
                subject.as_deref(),
            ));
        }
    }
    for t in s.tasks {
        for (u, role, share) in shares(
            &units,
            &t.lead_units,
            &t.participating_units,
            &rules.responsibility,
        ) {
            *load.entry(u).or_default() += share;
            let card = cards.entry(u).or_default();
            if let Some(i) = warning_item(t, rules, share, &format!("，{}", role_text(role, share)))
            {
                card.warnings.push(i);
            }
            if t.completed_early && rules.bonus.task_completed_early > 0.0 {
                card.bonus.push(item(
                    ScoreRule::TaskCompletedEarly,
                    rules.bonus.task_completed_early * share,
                    format!(
                        "任务{}年度工作提前完成，{}",
                        zh::quoted(&t.title),
                        role_text(role, share)
                    ),
                    Some(&t.id),
                ));
            }
        }
    }
    for (k, ind) in s.indicators.iter().enumerate() {
        for (u, role, share) in shares(
            &units,
            &ind.lead_units,
            &ind.participating_units,
            &rules.responsibility,
        ) {
            *load.entry(u).or_default() += share;
            let card = cards.entry(u).or_default();
            card.attainment.push((k, ind.weight * share, Some(role)));
            if ind.achieved_early && rules.bonus.early_target > 0.0 {
                let when = ind
                    .current_target
                    .as_ref()
                    .map_or(String::new(), |t| t.at.label_zh());
                card.bonus.push(item(
                    ScoreRule::EarlyTarget,
                    rules.bonus.early_target * share,
                    format!(
                        "指标{}提前实现{when}目标，{}",
                        zh::quoted(&ind.name),
                        role_text(role, share)
                    ),
                    Some(&ind.id),
                ));
            }
        }
    }
    for c in s.claims {
        let card = cards.entry(c.unit.as_str()).or_default();
        let capped = c.points.min(rules.bonus.max_per_claim);
        let note = if capped < c.points {
            format!(
                "（申报{}分，单项上限{}分）",
                zh::num(c.points, 2),
                zh::num(rules.bonus.max_per_claim, 2)
            )
        } else {
            String::new()
        };
        card.bonus.push(item(
            ScoreRule::BonusClaim,
            capped,
            format!("{}{note}", c.reason),
            None,
        ));
    }
    let summaries = summarise(s.reporting);
    let mut out: Vec<UnitScore> = s
        .units
        .iter()
        .filter(|u| u.kind != UnitKind::Group)
        .filter_map(|u| {
            let card = cards.remove(u.id.as_str())?;
            Some(UnitScore {
                unit: u.id.clone(),
                name: u.name.clone(),
                kind: u.kind,
                class: rules.rank_class(u.kind).map(|c| c.name.clone()),
                rank: None,
                class_size: None,
                grade: None,
                score: card.finish(rules, s.indicators),
                reporting: summaries.iter().find(|x| x.unit == u.id).cloned(),
            })
        })
        .collect();
    weigh_workload(&mut out, &load, rules);
    rank_units(&mut out, rules);
    out
}

/// 任务量折算 (see [`crate::rules::WorkloadRules`]): a unit whose load is below `full_load`
/// gets one line moving its work score towards its class's mean work score (weighted by load),
/// so that work score = mean + (own − mean) × load ÷ full_load. The work score is the score without the reporting
/// lines: reporting on time is every unit's own duty whatever its load, so those deductions stay
/// whole. Units in no ranking class are left as they are.
fn weigh_workload(units: &mut [UnitScore], load: &HashMap<&str, f64>, rules: &Rules) {
    let full = rules.workload.full_load;
    if full <= 0.0 {
        return;
    }
    let work = |u: &UnitScore| -> f64 {
        u.score
            .items
            .iter()
            .filter(|i| {
                !matches!(
                    i.rule,
                    ScoreRule::MissingReport
                        | ScoreRule::LateReport
                        | ScoreRule::ReturnedReport
                        | ScoreRule::ReportingCap
                )
            })
            .map(|i| i.points)
            .sum::<Points>()
            .as_f64()
    };
    for class in &rules.ranking.classes {
        let members: Vec<usize> = (0..units.len())
            .filter(|&k| class.kinds.contains(&units[k].kind))
            .collect();
        if members.len() < 2 {
            continue;
        }
        // The class's mean work score per unit of load: units that carry more weigh more, so
        // the mean is what a typical piece of work scored, not what doing little scores.
        let weight = |k: usize| load.get(units[k].unit.as_str()).copied().unwrap_or(0.0);
        let total_load: f64 = members.iter().map(|&k| weight(k)).sum();
        if total_load <= 0.0 {
            continue;
        }
        let mean = members
            .iter()
            .map(|&k| work(&units[k]) * weight(k))
            .sum::<f64>()
            / total_load;
        for &k in &members {
            let u = &mut units[k];
            let l = load.get(u.unit.as_str()).copied().unwrap_or(0.0);
            if l >= full {
                continue;
            }
            let own = work(u);
            let z = l / full;
            let delta = (mean - own) * (1.0 - z);
            let mut items = std::mem::take(&mut u.score.items);
            items.push(ScoreItem {
                rule: ScoreRule::Workload,
                points: Points::from_f64(delta),
                reason: format!(
                    "承担任务和指标折合{}项，不足{}项：履职得分（不含报送扣分）{}只按{}计入，其余按{}按任务量加权的平均履职得分{}计，即（{}−{}）×（1−{}）",
                    zh::num(l, 2),
                    zh::num(full, 2),
                    zh::num(own, 2),
                    pct(z),
                    class.name,
                    zh::num(mean, 2),
                    zh::num(mean, 2),
                    zh::num(own, 2),
                    pct(z)
                ),
                subject: None,
            });
            let total: Points = items.iter().map(|i| i.points).sum();
            let floor = Points::from_f64(rules.base.floor);
            if total < floor {
                items.push(ScoreItem {
                    rule: ScoreRule::Floor,
                    points: floor - total,
                    reason: format!("得分{total}低于最低分{floor}，按最低分计"),
                    subject: None,
                });
            }
            u.score = Scorecard::from_items(items);
        }
    }
}

/// Competition ranking (1, 2, 2, 4) within each class; listed by class order, then rank, then
/// name.
pub fn rank_units(units: &mut [UnitScore], rules: &Rules) {
    for class in &rules.ranking.classes {
        let totals: Vec<Points> = units
            .iter()
            .filter(|u| class.kinds.contains(&u.kind))
            .map(|u| u.score.total)
            .collect();
        let size = totals.len() as u32;
        for u in units.iter_mut().filter(|u| class.kinds.contains(&u.kind)) {
            let higher = totals.iter().filter(|t| **t > u.score.total).count() as u32;
            u.rank = Some(higher + 1);
            u.class_size = Some(size);
        }
        let grades = grade_class(&totals, &rules.grades);
        for u in units.iter_mut().filter(|u| class.kinds.contains(&u.kind)) {
            u.grade = grades
                .iter()
                .find(|(t, _)| *t == u.score.total)
                .map(|(_, g)| g.clone());
        }
    }
    let class_pos = |u: &UnitScore| {
        rules
            .ranking
            .classes
            .iter()
            .position(|c| c.kinds.contains(&u.kind))
            .unwrap_or(usize::MAX)
    };
    units.sort_by(|a, b| {
        class_pos(a)
            .cmp(&class_pos(b))
            .then(b.score.total.cmp(&a.score.total))
            .then_with(|| a.name.cmp(&b.name))
    });
}

/// The grade of each distinct total of one class (see `GradeRules`).
fn grade_class(totals: &[Points], rules: &crate::rules::GradeRules) -> Vec<(Points, String)> {
    if rules.bands.is_empty() {
        return Vec::new();
    }
    let mut distinct: Vec<Points> = totals.to_vec();
    distinct.sort_by(|a, b| b.cmp(a));
    distinct.dedup();
    let size = totals.len();
    let quota = |b: &crate::rules::GradeBand| {
        b.max_share.map_or(usize::MAX, |s| {
            let n = (s.clamp(0.0, 1.0) * size as f64 + 1e-9).floor() as usize;
            // 不足一名的按一名: a small class still has one place in a capped grade.
            if s > 0.0 { n.max(1) } else { 0 }
        })
    };
    let mut given = vec![0usize; rules.bands.len()];
    // A band a tie did not fit into is closed for every lower score too: a lower score never
    // gets a better grade.
    let mut closed = vec![false; rules.bands.len()];
    let mut out = Vec::with_capacity(distinct.len());
    for total in distinct {
        let tied = totals.iter().filter(|t| **t == total).count();
        let mut band = None;
        for (i, b) in rules.bands.iter().enumerate() {
            if closed[i] || total.as_f64() < b.min_score {
                continue;
            }
            if given[i] + tied <= quota(b) {
                band = Some((i, b));
                break;
            }
            closed[i] = true;
        }
        let grade = match band {
            Some((i, b)) => {
                given[i] += tied;
                b.name.clone()
            }
            None => rules.below.clone(),
        };
        out.push((total, grade));
    }
    out
}

/// Scores each task force on its own tasks and their indicators (no split: the task force
/// answers for all of them); reporting is a unit duty and is not part of it.
pub fn score_task_forces(s: &ScoringInput<'_>, rules: &Rules) -> Vec<GroupScore> {
    let mut out: Vec<GroupScore> = s
        .task_forces
        .iter()
        .map(|tf| {
            let mut card = Card::default();
            let tasks: Vec<&TaskAssessment> = s
                .tasks
                .iter()
                .filter(|t| t.task_force.as_deref() == Some(tf.id.as_str()))
                .collect();
            for t in &tasks {
                if let Some(i) = warning_item(t, rules, 1.0, "") {
                    card.warnings.push(i);
                }
                if t.completed_early && rules.bonus.task_completed_early > 0.0 {
                    card.bonus.push(item(
                        ScoreRule::TaskCompletedEarly,
                        rules.bonus.task_completed_early,
                        format!("任务{}年度工作提前完成", zh::quoted(&t.title)),
                        Some(&t.id),
                    ));
                }
            }
            for (k, ind) in s.indicators.iter().enumerate() {
                if ind
                    .task
                    .as_deref()
                    .is_some_and(|id| tasks.iter().any(|t| t.id == id))
                {
                    card.attainment.push((k, ind.weight, None));
                    if ind.achieved_early && rules.bonus.early_target > 0.0 {
                        card.bonus.push(item(
                            ScoreRule::EarlyTarget,
                            rules.bonus.early_target,
                            format!("指标{}提前达标", zh::quoted(&ind.name)),
                            Some(&ind.id),
                        ));
                    }
                }
            }
            GroupScore {
                id: tf.id.clone(),
                name: tf.name.clone(),
                rank: None,
                score: card.finish(rules, s.indicators),
            }
        })
        .collect();
    rank_groups(&mut out);
    out
}

fn rank_groups(groups: &mut [GroupScore]) {
    let totals: Vec<Points> = groups.iter().map(|g| g.score.total).collect();
    for g in groups.iter_mut() {
        g.rank = Some(totals.iter().filter(|t| **t > g.score.total).count() as u32 + 1);
    }
}

/// The weighted mean of member scores as a card of contributions. The total is the exact mean
/// rounded once to 0.01; the members' contributions are apportioned in hundredths by the largest
/// remainder, so that they add up to exactly that total (rounding each contribution on its own
/// could move the sum by several hundredths away from the true mean).
fn mean_card(members: &[(&UnitScore, f64)]) -> Option<Scorecard> {
    let total_w: f64 = members.iter().map(|(_, w)| w).sum();
    if total_w <= 0.0 {
        return None;
    }
    let weighted: Vec<(&UnitScore, f64)> = members
        .iter()
        .filter(|(_, w)| *w > 0.0)
        .map(|(u, w)| (*u, w / total_w))
        .collect();
    // Exact contributions in hundredths.
    let exact: Vec<f64> = weighted
        .iter()
        .map(|(u, share)| u.score.total.hundredths() as f64 * share)
        .collect();
    let total = Points::from_f64(exact.iter().sum::<f64>() / 100.0).hundredths();
    let mut parts: Vec<i64> = exact.iter().map(|x| x.floor() as i64).collect();
    let mut order: Vec<usize> = (0..exact.len()).collect();
    order.sort_by(|&a, &b| {
        let (fa, fb) = (exact[a] - exact[a].floor(), exact[b] - exact[b].floor());
        fb.total_cmp(&fa).then(a.cmp(&b))
    });
    let mut left = total - parts.iter().sum::<i64>();
    for &i in order.iter().cycle().take(order.len() * 2) {
        if left == 0 {
            break;
        }
        let step = left.signum();
        parts[i] += step;
        left -= step;
    }
    let items = weighted
        .iter()
        .zip(parts)
        .map(|((u, share), h)| ScoreItem {
            rule: ScoreRule::MemberScore,
            points: Points::from_hundredths(h),
            reason: format!("{}得分{}，权重占比{}", u.name, u.score.total, pct(*share)),
            subject: Some(u.unit.clone()),
        })
        .collect();
    Some(Scorecard::from_items(items))
}

/// Each county/district: the weighted mean of its own score and its member units' scores.
pub fn score_areas(input: &[UnitInput], scored: &[UnitScore], rules: &Rules) -> Vec<GroupScore> {
    let w = &rules.aggregate.kind_weights;
    let mut out: Vec<GroupScore> = input
        .iter()
        .filter(|u| u.kind == UnitKind::CountyGovernment)
        .filter_map(|county| {
            let members: Vec<(&UnitScore, f64)> = scored
                .iter()
                .filter(|s| {
                    s.unit == county.id
                        || input.iter().any(|u| {
                            u.id == s.unit && u.area.as_deref() == Some(county.id.as_str())
                        })
                })
                .map(|s| (s, w.of(s.kind)))
                .collect();
            mean_card(&members).map(|score| GroupScore {
                id: county.id.clone(),
                name: county.name.clone(),
                rank: None,
                score,
            })
        })
        .collect();
    rank_groups(&mut out);
    out
}

/// The overall figures: unit mean and indicator index.
pub fn score_overall(
    scored: &[UnitScore],
    indicators: &[IndicatorAssessment],
    rules: &Rules,
) -> OverallScore {
    let w = &rules.aggregate.kind_weights;
    let members: Vec<(&UnitScore, f64)> = scored.iter().map(|s| (s, w.of(s.kind))).collect();
    let (sum, weight) = indicators
        .iter()
        .filter_map(|i| i.score.map(|s| (s * i.weight, i.weight)))
        .fold((0.0, 0.0), |(a, b), (s, w)| (a + s, b + w));
    OverallScore {
        units: mean_card(&members),
        indicator_index: (weight > 0.0)
            .then(|| (10.0 * (sum / weight + 5.0) * 100.0).round() / 100.0),
    }
}

#[cfg(test)]
mod mean_tests {
    use super::*;

    fn unit(i: usize, hundredths: i64) -> UnitScore {
        UnitScore {
            unit: format!("u{i}"),
            name: format!("单位{i}"),
            kind: UnitKind::CityDepartment,
            class: None,
            rank: None,
            class_size: None,
            grade: None,
            score: Scorecard::from_items(vec![ScoreItem {
                rule: ScoreRule::MemberScore,
                points: Points::from_hundredths(hundredths),
                reason: String::new(),
                subject: None,
            }]),
            reporting: None,
        }
    }

    /// The mean of many scores is the true mean rounded once, and its itemised contributions
    /// add up to exactly that (before, each contribution was rounded on its own: 33 units gave
    /// 92.82 against a true mean of 92.79).
    #[test]
    fn the_mean_is_rounded_once_and_its_parts_add_up_to_it() {
        let mut seed = 7u64;
        for n in 1..60 {
            let units: Vec<UnitScore> = (0..n)
                .map(|i| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    unit(i, 8000 + (seed >> 33) as i64 % 2001)
                })
                .collect();
            let weights: Vec<f64> = (0..n).map(|i| [1.0, 0.5, 2.0][i % 3]).collect();
            let members: Vec<(&UnitScore, f64)> =
                units.iter().zip(weights.iter().copied()).collect();
            let card = mean_card(&members).expect("a mean");
            let exact: f64 = units
                .iter()
                .zip(&weights)
                .map(|(u, w)| u.score.total.as_f64() * w)
                .sum::<f64>()
                / weights.iter().sum::<f64>();
            assert_eq!(card.total, Points::from_f64(exact), "{n} units");
            assert!(card.reproduces(), "{n} units");
            for (item, (u, w)) in card.items.iter().zip(&members) {
                let share = u.score.total.as_f64() * w / weights.iter().sum::<f64>();
                assert!(
                    (item.points.as_f64() - share).abs() < 0.01 + 1e-9,
                    "{n} units"
                );
            }
        }
    }
}

#[cfg(test)]
mod grade_tests {
    use super::*;
    use crate::rules::GradeRules;

    fn grades(scores: &[f64]) -> Vec<String> {
        let totals: Vec<Points> = scores.iter().map(|s| Points::from_f64(*s)).collect();
        let g = grade_class(&totals, &GradeRules::default());
        totals
            .iter()
            .map(|t| {
                g.iter()
                    .find(|(x, _)| x == t)
                    .map(|(_, n)| n.clone())
                    .expect("every total is graded")
            })
            .collect()
    }

    #[test]
    fn quotas_are_shares_of_the_class_rounded_down() {
        // 20 units: 优秀 at most 3 (15%), 良好 at most 4 (20%).
        let mut scores = vec![99.0, 98.0, 97.0, 96.0, 96.0];
        scores.extend([93.0, 92.0, 91.0, 90.5, 90.2]);
        scores.extend(std::iter::repeat_n(80.0, 9));
        scores.push(50.0);
        let g = grades(&scores);
        assert_eq!(&g[..3], ["优秀", "优秀", "优秀"]);
        // The tie at 96 would overflow 优秀's quota: both go to 良好 together.
        assert_eq!(&g[3..5], ["良好", "良好"]);
        // 良好 then has room for two more of 93, 92, 91, 90.5, 90.2; the rest are 合格.
        assert_eq!(&g[5..10], ["良好", "良好", "合格", "合格", "合格"]);
        assert!(g[10..19].iter().all(|x| x == "合格"));
        assert_eq!(g[19], "不合格");
    }

    #[test]
    fn a_lower_score_never_gets_a_better_grade_than_a_tie_above_it() {
        // 20 units, 优秀 has 3 places: 99 and 98 take two, the tie at 97 does not fit the last
        // one, and 96.5 must not take it either.
        let mut scores = vec![99.0, 98.0, 97.0, 97.0, 96.5];
        scores.extend(std::iter::repeat_n(70.0, 15));
        let g = grades(&scores);
        assert_eq!(&g[..5], ["优秀", "优秀", "良好", "良好", "良好"]);
    }

    #[test]
    fn a_small_class_still_has_one_place_in_each_capped_grade() {
        // Three units: 15% and 20% of 3 round down to none, so each capped grade has one place.
        assert_eq!(grades(&[100.0, 99.0, 98.0]), ["优秀", "良好", "合格"]);
        assert_eq!(grades(&[59.99]), ["不合格"]);
    }

    #[test]
    fn without_bands_nobody_is_graded() {
        let rules = GradeRules {
            bands: Vec::new(),
            below: "不合格".into(),
        };
        assert!(grade_class(&[Points::from_f64(90.0)], &rules).is_empty());
    }
}
