//! Reporting periods: the quarters of the plan, each with a deadline (by default the 10th day
//! after the quarter ends), open / closed / locked, reopening with a reason, and per-unit
//! extensions. Every function takes "now" as an argument; nothing here reads a clock.

use crate::settings::ReportingSettings;
use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveDateTime, Utc};
use planwatch_model::{Period, Quarter, UnitName};
use serde::{Deserialize, Serialize};

/// Deadlines, due dates and "now" in this crate are China Standard Time (UTC+8, no daylight
/// saving): a report submitted at 23:30 on the deadline day is on time, wherever the server is.
pub const CST_OFFSET_HOURS: i64 = 8;

/// An instant as a China Standard Time wall-clock time.
pub fn cst_from_utc(t: DateTime<Utc>) -> NaiveDateTime {
    t.naive_utc() + chrono::Duration::hours(CST_OFFSET_HOURS)
}

/// A China Standard Time wall-clock time as an instant.
pub fn cst_to_utc(t: NaiveDateTime) -> DateTime<Utc> {
    (t - chrono::Duration::hours(CST_OFFSET_HOURS)).and_utc()
}

/// The first day of a quarter.
pub fn quarter_start(q: Quarter) -> NaiveDate {
    NaiveDate::from_ymd_opt(q.year(), q.end_month() - 2, 1).expect("month 1, 4, 7 or 10 exists")
}

/// The last day of a quarter.
pub fn quarter_end(q: Quarter) -> NaiveDate {
    quarter_start(q.next())
        .pred_opt()
        .expect("the day before a quarter start exists")
}

/// The quarter containing `date`.
pub fn quarter_of(date: NaiveDate) -> Quarter {
    Quarter::new(
        date.year(),
        u8::try_from((date.month() - 1) / 3 + 1).expect("1..=4"),
    )
    .expect("1..=4 is a quarter")
}

/// The default deadline: the N-th day after the quarter ends (N = 10 → 10 October for Q3).
pub fn default_deadline(q: Quarter, settings: &ReportingSettings) -> NaiveDate {
    quarter_end(q) + Days::new(u64::from(settings.deadline_days_after_quarter_end))
}

/// Where a period stands at a given moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodState {
    /// The quarter has not begun.
    Upcoming,
    /// Reports are accepted and on time.
    Open,
    /// The deadline has passed: reports are still accepted but flagged late.
    Closed,
    /// The office has locked the period: nothing is accepted until it is reopened.
    Locked,
}

impl PeriodState {
    pub fn label_zh(self) -> &'static str {
        match self {
            PeriodState::Upcoming => "未开始",
            PeriodState::Open => "报送中",
            PeriodState::Closed => "已截止",
            PeriodState::Locked => "已锁定",
        }
    }
}

/// An office action on a period, kept in order (audited by the store).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum PeriodEvent {
    Lock {
        at: NaiveDateTime,
        by: String,
    },
    /// Unlocks the period; with `until` it locks itself again after that day.
    Reopen {
        at: NaiveDateTime,
        by: String,
        reason: String,
        until: Option<NaiveDate>,
    },
}

impl PeriodEvent {
    fn at(&self) -> NaiveDateTime {
        match self {
            PeriodEvent::Lock { at, .. } | PeriodEvent::Reopen { at, .. } => *at,
        }
    }
}

/// A later deadline granted to one unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Extension {
    pub unit: UnitName,
    pub until: NaiveDate,
    pub reason: String,
    pub by: String,
    pub at: NaiveDateTime,
}

/// Whether a submission made at some moment was on time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Timeliness {
    OnTime,
    /// Submitted this many days after the unit's deadline.
    Late {
        days: i64,
    },
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PeriodError {
    #[error("{0}报送期已锁定，不再接收报告；如需更正请联系领导小组办公室重新开放")]
    Locked(String),
    #[error("{0}尚未开始，不能报送")]
    NotYetOpen(String),
    #[error("{0}已处于锁定状态")]
    AlreadyLocked(String),
    #[error("{0}未锁定，无需重新开放")]
    NotLocked(String),
    #[error("请填写原因")]
    ReasonRequired,
    #[error("延期后的期限 {until} 应晚于该单位现有期限 {current}")]
    ExtensionNotLater {
        until: NaiveDate,
        current: NaiveDate,
    },
    #[error("重新开放的截止日 {until} 早于今天 {today}")]
    UntilInThePast { until: NaiveDate, today: NaiveDate },
}

/// One quarter as a reporting period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportingPeriod {
    pub quarter: Quarter,
    pub deadline: NaiveDate,
    #[serde(default)]
    pub events: Vec<PeriodEvent>,
    #[serde(default)]
    pub extensions: Vec<Extension>,
}

impl ReportingPeriod {
    pub fn new(quarter: Quarter, settings: &ReportingSettings) -> Self {
        Self {
            quarter,
            deadline: default_deadline(quarter, settings),
            events: Vec::new(),
            extensions: Vec::new(),
        }
    }

    /// The periods of a plan: every quarter from the first of `period.start` to the last of
    /// `period.end` (2022Q1 … 2024Q4 for Yangquan).
    pub fn for_plan(period: Period, settings: &ReportingSettings) -> Vec<Self> {
        let (Some(first), Some(last)) =
            (Quarter::new(period.start, 1), Quarter::new(period.end, 4))
        else {
            return Vec::new();
        };
        Quarter::range(first, last)
            .map(|q| Self::new(q, settings))
            .collect()
    }

    /// Whether the office has the period locked at `now`.
    pub fn is_locked_at(&self, now: NaiveDateTime) -> bool {
        match self.events.iter().rfind(|e| e.at() <= now) {
            Some(PeriodEvent::Lock { .. }) => true,
            Some(PeriodEvent::Reopen { until, .. }) => until.is_some_and(|d| now.date() > d),
            None => false,
        }
    }

    pub fn state_at(&self, now: NaiveDateTime) -> PeriodState {
        if self.is_locked_at(now) {
            PeriodState::Locked
        } else if now.date() < quarter_start(self.quarter) {
            PeriodState::Upcoming
        } else if now.date() <= self.deadline {
            PeriodState::Open
        } else {
            PeriodState::Closed
        }
    }

    /// The unit's deadline: the period's, or a later one granted to the unit.
    pub fn deadline_for(&self, unit: &UnitName) -> NaiveDate {
        self.extensions
            .iter()
            .filter(|e| &e.unit == unit)
            .map(|e| e.until)
            .fold(self.deadline, NaiveDate::max)
    }

    /// Whether a submission at `at` by `unit` was on time (the whole deadline day counts).
    pub fn timeliness(&self, unit: &UnitName, at: NaiveDateTime) -> Timeliness {
        let d = self.deadline_for(unit);
        if at.date() <= d {
            Timeliness::OnTime
        } else {
            Timeliness::Late {
                days: (at.date() - d).num_days(),
            }
        }
    }

    /// Whether `unit` may submit at `now`, and if so whether it is on time.
    pub fn check_submission(
        &self,
        unit: &UnitName,
        now: NaiveDateTime,
    ) -> Result<Timeliness, PeriodError> {
        match self.state_at(now) {
            PeriodState::Locked => Err(PeriodError::Locked(self.quarter.label_zh())),
            PeriodState::Upcoming => Err(PeriodError::NotYetOpen(self.quarter.label_zh())),
            PeriodState::Open | PeriodState::Closed => Ok(self.timeliness(unit, now)),
        }
    }

    /// The office locks the period.
    pub fn lock(&mut self, by: &str, now: NaiveDateTime) -> Result<(), PeriodError> {
        if self.is_locked_at(now) {
            return Err(PeriodError::AlreadyLocked(self.quarter.label_zh()));
        }
        self.events.push(PeriodEvent::Lock {
            at: now,
            by: by.to_string(),
        });
        Ok(())
    }

    /// The office reopens a locked period, saying why; with `until` it locks again after that day.
    pub fn reopen(
        &mut self,
        by: &str,
        reason: &str,
        until: Option<NaiveDate>,
        now: NaiveDateTime,
    ) -> Result<(), PeriodError> {
        if reason.trim().is_empty() {
            return Err(PeriodError::ReasonRequired);
        }
        if !self.is_locked_at(now) {
            return Err(PeriodError::NotLocked(self.quarter.label_zh()));
        }
        if let Some(u) = until
            && u < now.date()
        {
            return Err(PeriodError::UntilInThePast {
                until: u,
                today: now.date(),
            });
        }
        self.events.push(PeriodEvent::Reopen {
            at: now,
            by: by.to_string(),
            reason: reason.trim().to_string(),
            until,
        });
        Ok(())
    }

    /// The office grants one unit a later deadline.
    pub fn extend(
        &mut self,
        unit: &UnitName,
        until: NaiveDate,
        reason: &str,
        by: &str,
        now: NaiveDateTime,
    ) -> Result<(), PeriodError> {
        if reason.trim().is_empty() {
            return Err(PeriodError::ReasonRequired);
        }
        if self.is_locked_at(now) {
            return Err(PeriodError::Locked(self.quarter.label_zh()));
        }
        let current = self.deadline_for(unit);
        if until <= current {
            return Err(PeriodError::ExtensionNotLater { until, current });
        }
        self.extensions.push(Extension {
            unit: unit.into(),
            until,
            reason: reason.trim().to_string(),
            by: by.to_string(),
            at: now,
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Quarter {
        Quarter::parse(s).expect("quarter")
    }
    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }
    fn t(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("datetime")
    }
    fn p3() -> ReportingPeriod {
        ReportingPeriod::new(q("2023Q3"), &ReportingSettings::default())
    }

    #[test]
    fn the_deadline_day_is_a_day_in_china_standard_time() {
        let utc = t("2023-10-10 15:30").and_utc();
        assert_eq!(cst_from_utc(utc), t("2023-10-10 23:30"));
        assert_eq!(cst_to_utc(cst_from_utc(utc)), utc);
        assert_eq!(
            p3().timeliness(&"市科技局".into(), cst_from_utc(utc)),
            Timeliness::OnTime
        );
    }

    #[test]
    fn quarters_start_and_end_on_calendar_days() {
        assert_eq!(quarter_start(q("2023Q3")), d("2023-07-01"));
        assert_eq!(quarter_end(q("2023Q3")), d("2023-09-30"));
        assert_eq!(quarter_end(q("2024Q1")), d("2024-03-31"));
        assert_eq!(quarter_end(q("2023Q4")), d("2023-12-31"));
        assert_eq!(quarter_of(d("2023-09-30")), q("2023Q3"));
        assert_eq!(quarter_of(d("2023-10-01")), q("2023Q4"));
    }

    #[test]
    fn the_default_deadline_is_the_tenth_day_after_the_quarter() {
        assert_eq!(p3().deadline, d("2023-10-10"));
        let s = ReportingSettings {
            deadline_days_after_quarter_end: 15,
            ..Default::default()
        };
        assert_eq!(default_deadline(q("2023Q4"), &s), d("2024-01-15"));
    }

    #[test]
    fn the_plan_has_twelve_periods_from_2022q1_to_2024q4() {
        let ps = ReportingPeriod::for_plan(
            Period {
                start: 2022,
                end: 2024,
            },
            &ReportingSettings::default(),
        );
        assert_eq!(ps.len(), 12);
        assert_eq!(ps[0].quarter, q("2022Q1"));
        assert_eq!(ps[11].quarter, q("2024Q4"));
        assert_eq!(ps[11].deadline, d("2025-01-10"));
    }

    #[test]
    fn a_period_is_upcoming_then_open_then_closed() {
        let p = p3();
        assert_eq!(p.state_at(t("2023-06-30 23:59")), PeriodState::Upcoming);
        assert_eq!(p.state_at(t("2023-07-01 00:00")), PeriodState::Open);
        assert_eq!(p.state_at(t("2023-10-10 23:59")), PeriodState::Open);
        assert_eq!(p.state_at(t("2023-10-11 00:00")), PeriodState::Closed);
    }

    #[test]
    fn the_whole_deadline_day_is_on_time() {
        let p = p3();
        assert_eq!(
            p.timeliness(&"市科技局".into(), t("2023-10-10 23:59")),
            Timeliness::OnTime
        );
        assert_eq!(
            p.timeliness(&"市科技局".into(), t("2023-10-13 09:00")),
            Timeliness::Late { days: 3 }
        );
    }

    #[test]
    fn a_locked_period_refuses_submissions_until_reopened_with_a_reason() {
        let mut p = p3();
        p.lock("office", t("2023-10-20 09:00")).expect("lock");
        assert_eq!(p.state_at(t("2023-10-21 09:00")), PeriodState::Locked);
        assert!(matches!(
            p.check_submission(&"市科技局".into(), t("2023-10-21 09:00")),
            Err(PeriodError::Locked(_))
        ));
        assert_eq!(
            p.reopen("office", "  ", None, t("2023-10-22 09:00")),
            Err(PeriodError::ReasonRequired)
        );
        p.reopen(
            "office",
            "更正统计口径",
            Some(d("2023-10-25")),
            t("2023-10-22 09:00"),
        )
        .expect("reopen");
        assert_eq!(
            p.check_submission(&"市科技局".into(), t("2023-10-23 09:00")),
            Ok(Timeliness::Late { days: 13 })
        );
        assert_eq!(p.state_at(t("2023-10-26 00:00")), PeriodState::Locked);
    }

    #[test]
    fn locking_twice_or_reopening_an_unlocked_period_is_an_error() {
        let mut p = p3();
        assert!(matches!(
            p.reopen("office", "x", None, t("2023-10-20 09:00")),
            Err(PeriodError::NotLocked(_))
        ));
        p.lock("office", t("2023-10-20 09:00")).expect("lock");
        assert!(matches!(
            p.lock("office", t("2023-10-20 10:00")),
            Err(PeriodError::AlreadyLocked(_))
        ));
    }

    #[test]
    fn reopening_until_a_past_day_is_refused() {
        let mut p = p3();
        p.lock("office", t("2023-10-20 09:00")).expect("lock");
        assert!(matches!(
            p.reopen("office", "x", Some(d("2023-10-01")), t("2023-10-20 10:00")),
            Err(PeriodError::UntilInThePast { .. })
        ));
    }

    #[test]
    fn an_extension_moves_one_units_deadline_only() {
        let mut p = p3();
        p.extend(
            &"市科技局".into(),
            d("2023-10-20"),
            "数据待统计局核定",
            "office",
            t("2023-10-09 10:00"),
        )
        .expect("extend");
        assert_eq!(p.deadline_for(&"市科技局".into()), d("2023-10-20"));
        assert_eq!(p.deadline_for(&"市财政局".into()), d("2023-10-10"));
        assert_eq!(
            p.timeliness(&"市科技局".into(), t("2023-10-18 10:00")),
            Timeliness::OnTime
        );
        assert_eq!(
            p.timeliness(&"市财政局".into(), t("2023-10-18 10:00")),
            Timeliness::Late { days: 8 }
        );
    }

    #[test]
    fn an_extension_must_be_later_and_give_a_reason() {
        let mut p = p3();
        assert_eq!(
            p.extend(
                &"市科技局".into(),
                d("2023-10-20"),
                "",
                "office",
                t("2023-10-09 10:00")
            ),
            Err(PeriodError::ReasonRequired)
        );
        assert!(matches!(
            p.extend(
                &"市科技局".into(),
                d("2023-10-05"),
                "x",
                "office",
                t("2023-10-09 10:00")
            ),
            Err(PeriodError::ExtensionNotLater { .. })
        ));
    }

    #[test]
    fn submitting_before_the_quarter_begins_is_refused() {
        assert!(matches!(
            p3().check_submission(&"市科技局".into(), t("2023-06-01 10:00")),
            Err(PeriodError::NotYetOpen(_))
        ));
    }
}
