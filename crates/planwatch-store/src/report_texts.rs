//! The office's own text for sections of the annual evaluation report (issue 6): per plan, year
//! and section, a text that replaces the drafted 【草稿】 paragraphs or follows them. Setting,
//! replacing and clearing are audited in the same transaction; setting the text that is already
//! there changes nothing and writes no audit row. Each change moves the row's revision, and a
//! caller that names the revision it edited (the web form) is refused if someone else changed
//! the text in between.

use crate::Store;
use crate::audit::{self, Actor, Change};
use crate::db::{Row, Tx, args};
use crate::error::{Result, StoreError};
use chrono::{DateTime, Utc};
use serde_json::json;

/// The section keys the store accepts (the report's `SectionKey`s, in the report's order; a test
/// in the app keeps the two lists equal).
pub const REPORT_TEXT_SECTIONS: [&str; 9] = [
    "opening",
    "overall",
    "indicators",
    "tasks",
    "organisation",
    "experience",
    "problems",
    "countermeasures",
    "assessment",
];

/// The sections of the quarterly bulletin (季度通报) the store accepts, in the bulletin's order
/// (its `BulletinSection`s; a test in the app keeps the two lists equal). A bulletin's text is
/// kept under the quarter's year and the section `q<N>.<section>` (`bulletin_section`).
pub const BULLETIN_TEXT_SECTIONS: [&str; 7] = [
    "opening",
    "overall",
    "reporting",
    "indicators",
    "tasks",
    "highlights",
    "requirements",
];

/// The stored section of a bulletin's text: quarter 3's 下一步工作要求 is `q3.requirements`.
pub fn bulletin_section(quarter: u8, section: &str) -> String {
    format!("q{quarter}.{section}")
}

/// The quarter and bulletin section of a stored section, `None` for the annual report's.
pub fn parse_bulletin_section(stored: &str) -> Option<(u8, &str)> {
    let rest = stored.strip_prefix('q')?;
    let (q, section) = rest.split_once('.')?;
    let q: u8 = q.parse().ok().filter(|q| (1..=4).contains(q))?;
    BULLETIN_TEXT_SECTIONS
        .contains(&section)
        .then_some((q, section))
}

/// The longest text accepted for one section, in characters.
pub const MAX_REPORT_TEXT_CHARS: usize = 20_000;

/// Whether the office's text replaces the drafted paragraphs or follows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportTextMode {
    Replace,
    Append,
}

impl ReportTextMode {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportTextMode::Replace => "replace",
            ReportTextMode::Append => "append",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "replace" => Some(ReportTextMode::Replace),
            "append" => Some(ReportTextMode::Append),
            _ => None,
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            ReportTextMode::Replace => "替换草稿",
            ReportTextMode::Append => "附在草稿之后",
        }
    }
}

/// The office's text of one section as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportText {
    pub year: i32,
    pub section: String,
    /// The text and its mode; `None` once cleared (the row stays for its revision).
    pub current: Option<(ReportTextMode, String)>,
    /// 1 for the first text, +1 for every change (also a clear).
    pub revision: i64,
    pub updated_at: DateTime<Utc>,
    pub updated_by: String,
}

/// What a set or clear did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextChange {
    /// Written (with its audit row): the new state.
    Changed(ReportText),
    /// The same text was already there (or there was nothing to clear): nothing written.
    Unchanged(Option<ReportText>),
}

/// One line ending, no spaces at the ends of lines or of the text: the form the text is kept
/// in, so that the same words pasted from Word or typed in a browser compare equal.
pub fn normalise_text(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

fn check_section(section: &str) -> Result<()> {
    if REPORT_TEXT_SECTIONS.contains(&section) || parse_bulletin_section(section).is_some() {
        Ok(())
    } else {
        Err(StoreError::InvalidInput(format!(
            "报告没有“{section}”这一部分；可填写的部分：{}",
            REPORT_TEXT_SECTIONS.join("、")
        )))
    }
}

async fn check_year(tx: &mut Tx, plan: i64, year: i32) -> Result<()> {
    let r = tx
        .fetch_one(
            "SELECT period_start, period_end FROM plan_revisions WHERE plan_id = $1 \
             ORDER BY number DESC LIMIT 1",
            args![plan],
        )
        .await?;
    let (start, end) = (r.i64("period_start")?, r.i64("period_end")?);
    if (start..=end).contains(&i64::from(year)) {
        Ok(())
    } else {
        Err(StoreError::InvalidInput(format!(
            "{year}年不在计划期（{start}—{end}年）内，不能为该年度的报告填写文字"
        )))
    }
}

fn text_row(r: &Row) -> Result<ReportText> {
    let mode = r.opt_text("mode")?;
    let body = r.opt_text("body")?;
    let current = match (mode, body) {
        (Some(m), Some(b)) => Some((
            ReportTextMode::parse(&m).ok_or_else(|| {
                StoreError::InvalidInput(format!("数据库中的文字方式“{m}”无法识别"))
            })?,
            b,
        )),
        _ => None,
    };
    Ok(ReportText {
        year: i32::try_from(r.i64("year")?).unwrap_or(i32::MAX),
        section: r.text("section")?,
        current,
        revision: r.i64("revision")?,
        updated_at: r.time("updated_at")?,
        updated_by: r.text("updated_by")?,
    })
}

fn state_json(t: Option<&ReportText>) -> Option<serde_json::Value> {
    t.map(|t| {
        json!({
            "mode": t.current.as_ref().map(|(m, _)| m.as_str()),
            "text": t.current.as_ref().map(|(_, b)| b.as_str()),
            "revision": t.revision,
        })
    })
}

async fn stored(tx: &mut Tx, plan: i64, year: i32, section: &str) -> Result<Option<ReportText>> {
    tx.fetch_optional(
        "SELECT year, section, mode, body, revision, updated_at, updated_by FROM report_texts \
         WHERE plan_id = $1 AND year = $2 AND section = $3",
        args![plan, i64::from(year), section],
    )
    .await?
    .as_ref()
    .map(text_row)
    .transpose()
}

fn conflict(by: &str, revision: i64) -> StoreError {
    StoreError::Conflict(format!(
        "这一部分的文字已被 {by} 修改（现为第 {revision} 版），您的修改未保存：请查看最新文字后再修改"
    ))
}

/// Refuses the change when the caller edited another revision than the stored one.
fn check_revision(current: Option<&ReportText>, expected: Option<i64>) -> Result<()> {
    let have = current.map_or(0, |t| t.revision);
    match expected {
        Some(e) if e != have => Err(conflict(
            current.map_or("他人", |t| t.updated_by.as_str()),
            have,
        )),
        _ => Ok(()),
    }
}

/// A concurrent writer got there first (PostgreSQL: the row changed or appeared between our
/// read and our write); nothing of ours is written.
fn lost_race(e: StoreError) -> StoreError {
    match &e {
        StoreError::Database(sqlx::Error::Database(d)) if d.is_unique_violation() => {
            conflict("他人", 1)
        }
        _ => e,
    }
}

impl Store {
    /// The office's texts of `year` (current plan) — the annual report's and the quarterly
    /// bulletins' (`q3.requirements`) — cleared ones included, the annual report's first in its
    /// section order.
    pub async fn report_texts(&self, year: i32) -> Result<Vec<ReportText>> {
        let mut tx = self.pools.read().await?;
        let plan = self.plan_id(&mut tx).await?;
        let mut rows = tx
            .fetch_all(
                "SELECT year, section, mode, body, revision, updated_at, updated_by \
                 FROM report_texts WHERE plan_id = $1 AND year = $2",
                args![plan, i64::from(year)],
            )
            .await?
            .iter()
            .map(text_row)
            .collect::<Result<Vec<_>>>()?;
        rows.sort_by_key(|t| {
            REPORT_TEXT_SECTIONS
                .iter()
                .position(|s| *s == t.section)
                .unwrap_or(usize::MAX)
        });
        Ok(rows)
    }

    /// Sets the office's text of a section (replacing any earlier one). An empty text is refused
    /// (clear it instead); the same text and mode as stored is a no-op without an audit row.
    /// `expected_revision` (0: no text yet) refuses the change if the stored revision differs.
    #[allow(clippy::too_many_arguments)]
    pub async fn set_report_text(
        &self,
        actor: &Actor,
        year: i32,
        section: &str,
        mode: ReportTextMode,
        text: &str,
        expected_revision: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<TextChange> {
        check_section(section)?;
        let body = normalise_text(text);
        if body.is_empty() {
            return Err(StoreError::InvalidInput(
                "文字为空，未保存：如要删除这一部分的办公室文字、恢复系统草稿，请使用“清除”"
                    .to_string(),
            ));
        }
        let chars = body.chars().count();
        if chars > MAX_REPORT_TEXT_CHARS {
            return Err(StoreError::InvalidInput(format!(
                "文字共 {chars} 字，超过每部分 {MAX_REPORT_TEXT_CHARS} 字的上限，未保存"
            )));
        }
        let mut tx = self.pools.write().await?;
        let plan = self.writable_plan_id(&mut tx).await?;
        check_year(&mut tx, plan, year).await?;
        let before = stored(&mut tx, plan, year, section).await?;
        if let Some(b) = &before
            && b.current.as_ref() == Some(&(mode, body.clone()))
        {
            return Ok(TextChange::Unchanged(before));
        }
        check_revision(before.as_ref(), expected_revision)?;
        let revision = before.as_ref().map_or(1, |b| b.revision + 1);
        if let Some(b) = &before {
            let n = tx
                .execute(
                    "UPDATE report_texts SET mode = $1, body = $2, revision = $3, \
                     updated_at = $4, updated_by = $5 \
                     WHERE plan_id = $6 AND year = $7 AND section = $8 AND revision = $9",
                    args![
                        mode.as_str(),
                        &body,
                        revision,
                        now,
                        &actor.name,
                        plan,
                        i64::from(year),
                        section,
                        b.revision
                    ],
                )
                .await?;
            if n != 1 {
                return Err(conflict("他人", revision));
            }
        } else {
            tx.execute(
                "INSERT INTO report_texts (plan_id, year, section, mode, body, revision, \
                 updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                args![
                    plan,
                    i64::from(year),
                    section,
                    mode.as_str(),
                    &body,
                    revision,
                    now,
                    &actor.name
                ],
            )
            .await
            .map_err(lost_race)?;
        }
        let after = stored(&mut tx, plan, year, section)
            .await?
            .ok_or(StoreError::NoPlan)?;
        audit::record(
            &mut tx,
            actor,
            Change {
                action: "report_text.set",
                entity: "report_text",
                entity_id: format!("{year}/{section}"),
                before: state_json(before.as_ref()),
                after: state_json(Some(&after)),
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(TextChange::Changed(after))
    }

    /// Removes the office's text of a section, so the report shows the draft again. Clearing a
    /// section without text changes nothing.
    pub async fn clear_report_text(
        &self,
        actor: &Actor,
        year: i32,
        section: &str,
        expected_revision: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<TextChange> {
        check_section(section)?;
        let mut tx = self.pools.write().await?;
        let plan = self.writable_plan_id(&mut tx).await?;
        check_year(&mut tx, plan, year).await?;
        let before = stored(&mut tx, plan, year, section).await?;
        let Some(b) = before.as_ref().filter(|b| b.current.is_some()) else {
            return Ok(TextChange::Unchanged(before));
        };
        check_revision(Some(b), expected_revision)?;
        let n = tx
            .execute(
                "UPDATE report_texts SET mode = NULL, body = NULL, revision = $1, \
                 updated_at = $2, updated_by = $3 \
                 WHERE plan_id = $4 AND year = $5 AND section = $6 AND revision = $7",
                args![
                    b.revision + 1,
                    now,
                    &actor.name,
                    plan,
                    i64::from(year),
                    section,
                    b.revision
                ],
            )
            .await?;
        if n != 1 {
            return Err(conflict("他人", b.revision + 1));
        }
        let after = stored(&mut tx, plan, year, section)
            .await?
            .ok_or(StoreError::NoPlan)?;
        audit::record(
            &mut tx,
            actor,
            Change {
                action: "report_text.clear",
                entity: "report_text",
                entity_id: format!("{year}/{section}"),
                before: state_json(Some(b)),
                after: state_json(Some(&after)),
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(TextChange::Changed(after))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_endings_and_trailing_spaces_do_not_make_a_text_different() {
        assert_eq!(
            normalise_text("  第一段。  \r\n\r\n第二段。\r"),
            "第一段。\n\n第二段。"
        );
        assert_eq!(normalise_text(" \n \t\n"), "");
    }

    #[test]
    fn an_unknown_section_is_refused_with_the_list() {
        let e = check_section("summary").expect_err("unknown");
        assert!(e.to_string().contains("problems"), "{e}");
        for bad in [
            "q5.overall",
            "q3.problems",
            "q3overall",
            "3.overall",
            "q.overall",
        ] {
            assert!(check_section(bad).is_err(), "{bad}");
        }
        assert!(check_section(&bulletin_section(3, "requirements")).is_ok());
        assert_eq!(
            parse_bulletin_section("q3.requirements"),
            Some((3, "requirements"))
        );
        assert_eq!(parse_bulletin_section("problems"), None);
    }
}
