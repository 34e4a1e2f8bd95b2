//! What a unit's quarterly report says: task rows (本季度进展情况, 累计完成情况, status, share
//! complete, 存在问题, 下一步措施, milestones reached with dates, evidence) and indicator rows
//! (value, data source, note). Co-leads' and participants' rows are contributions that reach the
//! lead unit's report (see `contributions_for`), not separate forms about the same task.

use crate::scope::{RowKey, TaskRole};
use chrono::NaiveDate;
use planwatch_model::{IndicatorCode, Quarter, TaskStatus, UnitName};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// One task row of a report.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TaskRow {
    pub key: Option<RowKey>,
    /// 责任领导/联系人.
    #[serde(default)]
    pub contact: String,
    /// 本季度进展情况.
    #[serde(default)]
    pub progress: String,
    /// 累计完成情况.
    #[serde(default)]
    pub cumulative: String,
    /// Only on rows whose role owns the status (the lead's task rows and item rows).
    #[serde(default)]
    pub status: Option<TaskStatus>,
    /// 本年度完成比例, 0–100: the share of THIS YEAR's work done by the quarter's end (the
    /// schedule method compares it with q/4), not of the whole plan.
    #[serde(default)]
    pub share_complete: Option<f64>,
    /// The day a milestone or project item was reached (节点完成日期).
    #[serde(default)]
    pub reached_on: Option<NaiveDate>,
    /// 存在问题.
    #[serde(default)]
    pub problems: String,
    /// 下一步措施.
    #[serde(default)]
    pub next_steps: String,
    /// Evidence file names (佐证材料); the files themselves are kept outside the report rows.
    #[serde(default)]
    pub evidence: Vec<String>,
    /// 备注.
    #[serde(default)]
    pub note: String,
}

impl TaskRow {
    pub fn key(&self) -> Option<&RowKey> {
        self.key.as_ref()
    }
}

/// One indicator row of a report.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct IndicatorRow {
    pub code: IndicatorCode,
    /// 截至本季度末完成值.
    pub value: Option<f64>,
    /// 数据来源.
    #[serde(default)]
    pub source: String,
    /// 说明.
    #[serde(default)]
    pub note: String,
}

/// A unit's quarterly report content, without workflow state.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ReportContent {
    pub unit: UnitName,
    pub period: Option<Quarter>,
    #[serde(default)]
    pub tasks: Vec<TaskRow>,
    #[serde(default)]
    pub indicators: Vec<IndicatorRow>,
    /// 填报人.
    #[serde(default)]
    pub filled_by: String,
    /// 联系电话.
    #[serde(default)]
    pub phone: String,
    /// Synthetic demo data (示例数据); every page and document that shows it says so.
    #[serde(default)]
    pub demo: bool,
}

impl ReportContent {
    pub fn new(unit: &str, period: Quarter) -> Self {
        Self {
            unit: unit.into(),
            period: Some(period),
            ..Default::default()
        }
    }

    /// A SHA-256 over the canonical JSON of the content: the same content gives the same hash
    /// whatever file it came in, so importing it twice can be recognised and changes nothing.
    pub fn content_hash(&self) -> String {
        let json = serde_json::to_vec(self).expect("report content always serialises");
        hex(&Sha256::digest(&json))
    }

    pub fn task(&self, key: &RowKey) -> Option<&TaskRow> {
        self.tasks.iter().find(|t| t.key.as_ref() == Some(key))
    }

    pub fn indicator(&self, code: &str) -> Option<&IndicatorRow> {
        self.indicators.iter().find(|i| i.code == code)
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What a co-lead or participant said about a task, as the lead unit sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contribution {
    pub unit: UnitName,
    pub role: TaskRole,
    pub progress: String,
    pub problems: String,
    pub next_steps: String,
}

impl Contribution {
    /// One line for the lead's form: 【市科技局（参加）】进展…；问题…
    pub fn summary_zh(&self) -> String {
        let mut s = format!(
            "【{}（{}）】{}",
            self.unit,
            self.role.label_zh(),
            self.progress.trim()
        );
        if !self.problems.trim().is_empty() {
            s.push_str(&format!("；存在问题：{}", self.problems.trim()));
        }
        if !self.next_steps.trim().is_empty() {
            s.push_str(&format!("；下一步：{}", self.next_steps.trim()));
        }
        s
    }
}

/// The contributions other units made to `task` in `reports` (one per unit, in the order given).
/// `role_of` says how each unit stands to the task; units without a role are ignored.
pub fn contributions_for(
    task: u32,
    reports: &[&ReportContent],
    role_of: impl Fn(&str) -> Option<TaskRole>,
) -> Vec<Contribution> {
    let key = RowKey::Contribution { task };
    reports
        .iter()
        .filter_map(|r| {
            let row = r.task(&key)?;
            let role = role_of(&r.unit)?;
            (role != TaskRole::Lead && !row.progress.trim().is_empty()).then(|| Contribution {
                unit: r.unit.clone(),
                role,
                progress: row.progress.clone(),
                problems: row.problems.clone(),
                next_steps: row.next_steps.clone(),
            })
        })
        .collect()
}

impl TaskRow {
    /// Whether nothing is written in the row (evidence aside).
    pub fn is_blank(&self) -> bool {
        self.contact.trim().is_empty()
            && self.progress.trim().is_empty()
            && self.cumulative.trim().is_empty()
            && self.problems.trim().is_empty()
            && self.next_steps.trim().is_empty()
            && self.note.trim().is_empty()
            && self.status.is_none()
            && self.share_complete.is_none()
            && self.reached_on.is_none()
    }

    /// Whether the row says exactly what `previous` (last quarter's row) said: carried over
    /// (沿用上季度) and not edited since. A blank row is never carried.
    pub fn is_carried_from(&self, previous: &TaskRow) -> bool {
        !previous.is_blank()
            && self.contact == previous.contact
            && self.progress == previous.progress
            && self.cumulative == previous.cumulative
            && self.problems == previous.problems
            && self.next_steps == previous.next_steps
            && self.note == previous.note
            && self.status == previous.status
            && self.share_complete == previous.share_complete
            && self.reached_on == previous.reached_on
    }
}

/// 沿用上季度: fills each blank task row of `content` from the same row of `previous` (the
/// unit's report of the quarter before), and each empty indicator data source (never a
/// value: a figure must be reported for its quarter), and the 填报人 and phone when both are
/// empty. Rows already written are left alone.
/// Returns how many task rows were filled.
pub fn carry_forward(content: &mut ReportContent, previous: &ReportContent) -> usize {
    let mut n = 0;
    if content.filled_by.trim().is_empty() && content.phone.trim().is_empty() {
        content.filled_by = previous.filled_by.clone();
        content.phone = previous.phone.clone();
    }
    for row in &mut content.tasks {
        let Some(key) = row.key.clone() else { continue };
        let Some(prev) = previous.task(&key) else {
            continue;
        };
        if row.is_blank() && !prev.is_blank() {
            let evidence = std::mem::take(&mut row.evidence);
            *row = TaskRow {
                evidence,
                ..prev.clone()
            };
            n += 1;
        }
    }
    for ind in &mut content.indicators {
        if let Some(prev) = previous.indicator(&ind.code)
            && ind.source.trim().is_empty()
        {
            ind.source = prev.source.clone();
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Quarter {
        Quarter::parse(s).expect("quarter")
    }

    #[test]
    fn equal_content_has_an_equal_hash_and_any_change_changes_it() {
        let mut a = ReportContent::new("市科技局", q("2023Q3"));
        a.indicators.push(IndicatorRow {
            code: "hightech-enterprises".into(),
            value: Some(150.0),
            ..Default::default()
        });
        let b = a.clone();
        assert_eq!(a.content_hash(), b.content_hash());
        assert_eq!(a.content_hash().len(), 64);
        let mut c = a.clone();
        c.indicators[0].value = Some(151.0);
        assert_ne!(a.content_hash(), c.content_hash());
    }

    #[test]
    fn participants_contributions_reach_the_lead_and_empty_ones_are_skipped() {
        let mut p1 = ReportContent::new("市科技局", q("2023Q3"));
        p1.tasks.push(TaskRow {
            key: Some(RowKey::Contribution { task: 3 }),
            progress: "推动3家企业上云".into(),
            problems: "资金不足".into(),
            ..Default::default()
        });
        let mut p2 = ReportContent::new("市工信局", q("2023Q3"));
        p2.tasks.push(TaskRow {
            key: Some(RowKey::Contribution { task: 3 }),
            ..Default::default()
        });
        let c = contributions_for(3, &[&p1, &p2], |_| Some(TaskRole::Participant));
        assert_eq!(c.len(), 1);
        assert_eq!(
            c[0].summary_zh(),
            "【市科技局（参加）】推动3家企业上云；存在问题：资金不足"
        );
    }

    #[test]
    fn carrying_forward_fills_blank_rows_only_and_marks_them_until_edited() {
        let key = |t| Some(RowKey::Task { task: t });
        let mut prev = ReportContent::new("市科技局", q("2023Q3"));
        for t in [13, 15] {
            prev.tasks.push(TaskRow {
                key: key(t),
                progress: format!("任务{t}进展"),
                status: Some(planwatch_model::TaskStatus::OnSchedule),
                evidence: vec!["旧材料.pdf".into()],
                ..Default::default()
            });
        }
        prev.indicators.push(IndicatorRow {
            code: "rd".into(),
            value: Some(2.0),
            source: "统计局".into(),
            note: String::new(),
        });
        let mut now = ReportContent::new("市科技局", q("2023Q4"));
        now.tasks.push(TaskRow {
            key: key(13),
            ..Default::default()
        });
        now.tasks.push(TaskRow {
            key: key(15),
            progress: "本季度已写".into(),
            ..Default::default()
        });
        now.indicators.push(IndicatorRow {
            code: "rd".into(),
            ..Default::default()
        });
        assert_eq!(carry_forward(&mut now, &prev), 1);
        assert_eq!(now.tasks[0].progress, "任务13进展");
        assert!(now.tasks[0].evidence.is_empty(), "files are not carried");
        assert!(now.tasks[0].is_carried_from(&prev.tasks[0]));
        assert_eq!(now.tasks[1].progress, "本季度已写", "a written row is kept");
        assert!(!now.tasks[1].is_carried_from(&prev.tasks[1]));
        assert_eq!(now.indicators[0].value, None, "a figure is never carried");
        assert_eq!(now.indicators[0].source, "统计局");
        now.tasks[0].progress.push_str("，并新增");
        assert!(!now.tasks[0].is_carried_from(&prev.tasks[0]), "edited");
    }
}
