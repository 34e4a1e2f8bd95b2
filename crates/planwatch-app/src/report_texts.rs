//! The office's own text for sections of the annual report (issue 6), shared by `planwatch
//! report text` and the web's 报告 → 编辑报告文字: set, clear and read per year and section, and
//! the texts of a year in the form the report model takes (`AnnualView::office_text`). Only the
//! office and admins may change them; the role is checked here, whoever calls.

use crate::error::require;
use crate::policy::{self, Permission};
use crate::{AppError, Caller};
use planwatch_docs::bulletin::BulletinSection;
use planwatch_docs::view::{OfficeText, OfficeTextMode, SectionKey};
use planwatch_model::{Quarter, Role};
use planwatch_store::{ReportText, ReportTextMode, Store, StoreError, TextChange};
use std::collections::BTreeMap;

/// Whether `role` may change the report's texts (the permission table's answer).
pub fn may_edit(role: Role) -> bool {
    policy::allows(role, Permission::EditReportTexts)
}

/// `problems（存在的问题）、countermeasures（对策建议）…`
pub fn section_list() -> String {
    SectionKey::ALL
        .iter()
        .map(|k| format!("{}（{}）", k.as_str(), k.heading_zh()))
        .collect::<Vec<_>>()
        .join("、")
}

/// A section named by its key or its Chinese heading.
pub fn parse_section(s: &str) -> Result<SectionKey, AppError> {
    SectionKey::parse(s).ok_or_else(|| {
        AppError::Refused(format!(
            "报告没有“{}”这一部分。可填写的部分：{}",
            s.trim(),
            section_list()
        ))
    })
}

pub fn parse_mode(s: &str) -> Result<ReportTextMode, AppError> {
    match s.trim() {
        "replace" | "替换" | "替换草稿" => Ok(ReportTextMode::Replace),
        "append" | "附加" | "附在草稿之后" => Ok(ReportTextMode::Append),
        other => Err(AppError::Refused(format!(
            "方式“{other}”无法识别：请用 replace（替换草稿）或 append（附在草稿之后）"
        ))),
    }
}

/// Sets a section's text. `expected_revision` (from a form) refuses a stale edit.
#[allow(clippy::too_many_arguments)]
pub async fn set_text(
    store: &Store,
    caller: Caller<'_>,
    year: i32,
    section: SectionKey,
    mode: ReportTextMode,
    text: &str,
    expected_revision: Option<i64>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<TextChange, AppError> {
    let (actor, who) = caller.actors(store, Role::Office, None).await?;
    require(who.role, Permission::EditReportTexts)?;
    Ok(store
        .set_report_text(
            &actor,
            year,
            section.as_str(),
            mode,
            text,
            expected_revision,
            now,
        )
        .await?)
}

/// Clears a section's text, so the report shows the draft again.
pub async fn clear_text(
    store: &Store,
    caller: Caller<'_>,
    year: i32,
    section: SectionKey,
    expected_revision: Option<i64>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<TextChange, AppError> {
    let (actor, who) = caller.actors(store, Role::Office, None).await?;
    require(who.role, Permission::EditReportTexts)?;
    Ok(store
        .clear_report_text(&actor, year, section.as_str(), expected_revision, now)
        .await?)
}

/// The stored rows of a year by section (cleared ones included, for their revision).
pub async fn stored_texts(
    store: &Store,
    year: i32,
) -> Result<BTreeMap<SectionKey, ReportText>, StoreError> {
    Ok(store
        .report_texts(year)
        .await?
        .into_iter()
        .filter_map(|t| SectionKey::parse(&t.section).map(|k| (k, t)))
        .collect())
}

/// A stored text as the report model takes it: one paragraph per non-empty line.
pub fn office_text(mode: ReportTextMode, body: &str) -> OfficeText {
    OfficeText {
        mode: match mode {
            ReportTextMode::Replace => OfficeTextMode::Replace,
            ReportTextMode::Append => OfficeTextMode::Append,
        },
        paragraphs: body
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect(),
    }
}

/// The office's texts of `year` for the annual report.
pub async fn office_texts(
    store: &Store,
    year: i32,
) -> Result<BTreeMap<SectionKey, OfficeText>, StoreError> {
    Ok(stored_texts(store, year)
        .await?
        .into_iter()
        .filter_map(|(k, t)| t.current.map(|(m, b)| (k, office_text(m, &b))))
        .collect())
}

/// The bulletin's sections: `requirements（下一步工作要求）…`
pub fn bulletin_section_list() -> String {
    BulletinSection::ALL
        .iter()
        .map(|k| format!("{}（{}）", k.as_str(), k.heading_zh()))
        .collect::<Vec<_>>()
        .join("、")
}

/// A bulletin section named by its key or its Chinese heading.
pub fn parse_bulletin_section(s: &str) -> Result<BulletinSection, AppError> {
    BulletinSection::parse(s).ok_or_else(|| {
        AppError::Refused(format!(
            "季度通报没有“{}”这一部分。可填写的部分：{}",
            s.trim(),
            bulletin_section_list()
        ))
    })
}

fn stored_key(period: Quarter, section: BulletinSection) -> String {
    planwatch_store::bulletin_section(period.number(), section.as_str())
}

/// Sets a section's text of the bulletin of `period` (stored and audited as the annual report's
/// texts are: under the quarter's year, section `q3.requirements`).
#[allow(clippy::too_many_arguments)]
pub async fn set_bulletin_text(
    store: &Store,
    caller: Caller<'_>,
    period: Quarter,
    section: BulletinSection,
    mode: ReportTextMode,
    text: &str,
    expected_revision: Option<i64>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<TextChange, AppError> {
    let (actor, who) = caller.actors(store, Role::Office, None).await?;
    require(who.role, Permission::EditReportTexts)?;
    Ok(store
        .set_report_text(
            &actor,
            period.year(),
            &stored_key(period, section),
            mode,
            text,
            expected_revision,
            now,
        )
        .await?)
}

/// Clears a section's text of the bulletin of `period`, so the bulletin shows the draft again.
pub async fn clear_bulletin_text(
    store: &Store,
    caller: Caller<'_>,
    period: Quarter,
    section: BulletinSection,
    expected_revision: Option<i64>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<TextChange, AppError> {
    let (actor, who) = caller.actors(store, Role::Office, None).await?;
    require(who.role, Permission::EditReportTexts)?;
    Ok(store
        .clear_report_text(
            &actor,
            period.year(),
            &stored_key(period, section),
            expected_revision,
            now,
        )
        .await?)
}

/// The stored rows of the bulletin of `period` by section (cleared ones included).
pub async fn stored_bulletin_texts(
    store: &Store,
    period: Quarter,
) -> Result<BTreeMap<BulletinSection, ReportText>, StoreError> {
    Ok(store
        .report_texts(period.year())
        .await?
        .into_iter()
        .filter_map(|t| {
            let (q, section) = planwatch_store::parse_bulletin_section(&t.section)?;
            let key = BulletinSection::parse(section)?;
            (q == period.number()).then_some((key, t))
        })
        .collect())
}

/// The office's texts of the bulletin of `period`, as the bulletin takes them.
pub async fn bulletin_office_texts(
    store: &Store,
    period: Quarter,
) -> Result<BTreeMap<BulletinSection, OfficeText>, StoreError> {
    Ok(stored_bulletin_texts(store, period)
        .await?
        .into_iter()
        .filter_map(|(k, t)| t.current.map(|(m, b)| (k, office_text(m, &b))))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_store_accepts_exactly_the_sections_of_the_bulletin() {
        let bulletin: Vec<&str> = BulletinSection::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(bulletin, planwatch_store::BULLETIN_TEXT_SECTIONS.to_vec());
    }

    #[test]
    fn the_store_accepts_exactly_the_sections_of_the_report() {
        let report: Vec<&str> = SectionKey::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(report, planwatch_store::REPORT_TEXT_SECTIONS.to_vec());
    }

    #[test]
    fn only_the_office_and_admins_may_edit() {
        for r in Role::ALL {
            assert_eq!(
                may_edit(r),
                matches!(r, Role::Office | Role::Admin),
                "{r:?}"
            );
        }
    }

    #[test]
    fn an_unknown_section_lists_the_valid_ones_in_both_languages() {
        let e = parse_section("问题").expect_err("unknown");
        let m = e.to_string();
        assert!(m.contains("“问题”"), "{m}");
        assert!(m.contains("problems（存在的问题）"), "{m}");
        assert!(m.contains("countermeasures（对策建议）"), "{m}");
        assert_eq!(
            parse_section("存在的问题").expect("heading"),
            SectionKey::Problems
        );
    }

    #[test]
    fn each_non_empty_line_is_a_paragraph() {
        let t = office_text(ReportTextMode::Append, "一是……\n\n二是……\n");
        assert_eq!(t.mode, OfficeTextMode::Append);
        assert_eq!(t.paragraphs, vec!["一是……", "二是……"]);
    }
}
