//! Validation rules for a reported indicator value: range (0–100 for shares in %), whole numbers
//! for counts, a cumulative figure never decreases, a year-to-date figure never decreases within
//! its year, and a large change against the previous period needs an explanatory note.

use planwatch_model::{IndicatorDef, IndicatorKind, Quarter};
use serde::{Deserialize, Serialize};

/// Why a reported value is not acceptable as it stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum ValueProblem {
    NotFinite,
    BelowMin {
        min: f64,
    },
    AboveMax {
        max: f64,
    },
    NotWhole,
    /// A cumulative figure went down.
    Decreased {
        period: Quarter,
        previous: f64,
    },
    /// A cumulative figure is above a later period's value already on record.
    AboveLater {
        period: Quarter,
        later: f64,
    },
    /// A year-to-date figure went down within its year.
    DecreasedWithinYear {
        period: Quarter,
        previous: f64,
    },
    /// The change against the comparison period exceeds the limit and there is no note.
    ChangeNeedsNote {
        period: Quarter,
        previous: f64,
        share: f64,
        limit: f64,
    },
}

impl ValueProblem {
    /// The message shown to the reporting unit (zh-CN), saying what to do.
    pub fn message_zh(&self, def: &IndicatorDef, value: f64) -> String {
        let unit = def.unit.as_deref().unwrap_or("");
        let v = fmt_num(value);
        match self {
            ValueProblem::NotFinite => format!("“{}”的值不是有效数字", def.name),
            ValueProblem::BelowMin { min } => format!(
                "“{}”的值 {v}{unit} 小于允许的最小值 {}{unit}，请核对",
                def.name,
                fmt_num(*min)
            ),
            ValueProblem::AboveMax { max } => {
                if def.is_percent() && *max == 100.0 {
                    format!(
                        "“{}”是百分比，应在 0 到 100 之间，填写的是 {v}（如为 0.25 形式的小数请换算为 25）",
                        def.name
                    )
                } else {
                    format!(
                        "“{}”的值 {v}{unit} 大于允许的最大值 {}{unit}，请核对",
                        def.name,
                        fmt_num(*max)
                    )
                }
            }
            ValueProblem::NotWhole => {
                format!("“{}”以{unit}计，应为整数，填写的是 {v}", def.name)
            }
            ValueProblem::Decreased { period, previous } => format!(
                "“{}”是累计值，不能减少：{} 为 {}{unit}，本期填写 {v}{unit}",
                def.name,
                period.label_zh(),
                fmt_num(*previous)
            ),
            ValueProblem::AboveLater { period, later } => format!(
                "“{}”是累计值，不能大于以后各期：{} 已报 {}{unit}，本期填写 {v}{unit}",
                def.name,
                period.label_zh(),
                fmt_num(*later)
            ),
            ValueProblem::DecreasedWithinYear { period, previous } => format!(
                "“{}”是年内累计值，同一年内不能减少：{} 为 {}{unit}，本期填写 {v}{unit}",
                def.name,
                period.label_zh(),
                fmt_num(*previous)
            ),
            ValueProblem::ChangeNeedsNote {
                period,
                previous,
                share,
                limit,
            } => format!(
                "“{}”与{}的 {}{unit} 相比变动 {:.0}%，超过 {:.0}%，请在“说明”栏写明原因",
                def.name,
                period.label_zh(),
                fmt_num(*previous),
                share * 100.0,
                limit * 100.0
            ),
        }
    }
}

/// The longest text each report field may hold, in characters (a Chinese character is one).
///
/// A quarterly report is read by people at the office: two thousand characters of progress is
/// about two printed pages, and longer material belongs in the evidence files. The limits are
/// checked by the quarterly reader per field with a located message, so the Excel upload, the
/// web form and the API — which are all checked by writing an Excel form and reading it back —
/// refuse an over-long field the same way, long before Excel's own limit of 32 767 characters a
/// cell (which the form writers clip to, so writing never fails). `TaskField::max_chars` and
/// `IndicatorField::max_chars` give the limit of each field of the web form.
pub mod text_limits {
    /// 本季度进展情况, 累计完成情况, 存在问题, 下一步措施.
    pub const DESCRIPTION: usize = 2000;
    /// 备注 (task rows) and 说明 (indicator rows): a reason or a remark.
    pub const NOTE: usize = 1000;
    /// 佐证材料: evidence file names, several separated by “；”.
    pub const EVIDENCE: usize = 1000;
    /// 数据来源: where a figure comes from (统计公报、部门统计台账).
    pub const SOURCE: usize = 200;
    /// 责任领导/联系人: a few names and phone numbers.
    pub const CONTACT: usize = 100;
    /// 填报人 and 联系电话.
    pub const PERSON: usize = 50;
    /// 内容 of a yearly breakdown item (checked when new or changed: a seeded item keeps the
    /// plan's own wording).
    pub const ITEM_TITLE: usize = 500;
    /// What one Excel cell holds, in UTF-16 code units (rust_xlsxwriter refuses more).
    pub const EXCEL_CELL: usize = 32_767;
}

/// The message for a text field `what` longer than `max` characters; `None` when it fits.
pub fn text_too_long(what: &str, text: &str, max: usize) -> Option<String> {
    let n = text.chars().count();
    (n > max).then(|| format!("“{what}”最多 {max} 字，现为 {n} 字；请精简后再填写"))
}

/// Formats a number without a trailing `.0` (and without float noise such as 0.30000000000000004).
pub fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        let s = format!("{v:.6}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// Checks one value of `def` for `period` against its rules and the values already on record
/// (`history`: other periods' values of the same indicator, in any order; the period itself is
/// ignored). `note` is the unit's explanation; a non-blank note satisfies the change rule.
pub fn check_value(
    def: &IndicatorDef,
    period: Quarter,
    value: f64,
    note: &str,
    history: &[(Quarter, f64)],
) -> Vec<ValueProblem> {
    let mut out = Vec::new();
    if !value.is_finite() {
        out.push(ValueProblem::NotFinite);
        return out;
    }
    let r = &def.rules;
    if let Some(min) = r.min
        && value < min
    {
        out.push(ValueProblem::BelowMin { min });
    }
    if let Some(max) = r.max
        && value > max
    {
        out.push(ValueProblem::AboveMax { max });
    }
    if r.integer && value.fract() != 0.0 {
        out.push(ValueProblem::NotWhole);
    }
    let prev = history
        .iter()
        .filter(|(q, _)| *q < period)
        .max_by_key(|(q, _)| *q)
        .copied();
    let next = history
        .iter()
        .filter(|(q, _)| *q > period)
        .min_by_key(|(q, _)| *q)
        .copied();
    let mut comparison = prev;
    match def.kind {
        IndicatorKind::Cumulative => {
            if let Some((q, p)) = prev
                && value < p
            {
                out.push(ValueProblem::Decreased {
                    period: q,
                    previous: p,
                });
            }
            if let Some((q, n)) = next
                && value > n
            {
                out.push(ValueProblem::AboveLater {
                    period: q,
                    later: n,
                });
            }
        }
        IndicatorKind::YearToDate => {
            if let Some((q, p)) = prev
                && q.year() == period.year()
                && value < p
            {
                out.push(ValueProblem::DecreasedWithinYear {
                    period: q,
                    previous: p,
                });
            }
            // A year-to-date figure grows through the year by design; compare it with the same
            // quarter of the previous year instead.
            let same_last_year = Quarter::new(period.year() - 1, period.number());
            comparison = history
                .iter()
                .find(|(q, _)| Some(*q) == same_last_year)
                .copied();
        }
        IndicatorKind::Level | IndicatorKind::Ratio => {}
    }
    if let (Some(limit), Some((q, p))) = (r.max_change_share, comparison)
        && p != 0.0
        && note.trim().is_empty()
    {
        let share = (value - p).abs() / p.abs();
        if share > limit {
            out.push(ValueProblem::ChangeNeedsNote {
                period: q,
                previous: p,
                share,
                limit,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::tests::yangquan_catalogue;

    fn q(s: &str) -> Quarter {
        Quarter::parse(s).expect("quarter")
    }

    /// Checks `code` at `period` with `value`, `note` and history; returns the problems.
    fn check(
        code: &str,
        period: &str,
        value: f64,
        note: &str,
        hist: &[(&str, f64)],
    ) -> Vec<ValueProblem> {
        let cat = yangquan_catalogue();
        let def = cat.by_code(code).expect("indicator");
        let hist: Vec<_> = hist.iter().map(|(p, v)| (q(p), *v)).collect();
        check_value(def, q(period), value, note, &hist)
    }

    fn message(code: &str, value: f64, p: &ValueProblem) -> String {
        let cat = yangquan_catalogue();
        p.message_zh(cat.by_code(code).expect("indicator"), value)
    }

    #[test]
    fn a_plausible_value_has_no_problem() {
        assert!(
            check(
                "hightech-enterprises",
                "2023Q3",
                150.0,
                "",
                &[("2023Q2", 140.0)]
            )
            .is_empty()
        );
    }

    #[test]
    fn a_share_above_one_hundred_percent_is_refused() {
        let p = check("rd-gdp-share", "2023Q3", 180.0, "", &[]);
        assert_eq!(p, [ValueProblem::AboveMax { max: 100.0 }]);
        assert!(message("rd-gdp-share", 180.0, &p[0]).contains("0 到 100"));
    }

    #[test]
    fn a_negative_share_is_refused() {
        let p = check("rd-gdp-share", "2023Q3", -1.0, "", &[]);
        assert_eq!(p, [ValueProblem::BelowMin { min: 0.0 }]);
    }

    #[test]
    fn a_negative_count_is_refused() {
        let p = check("hightech-enterprises", "2023Q3", -3.0, "", &[]);
        assert_eq!(p, [ValueProblem::BelowMin { min: 0.0 }]);
    }

    #[test]
    fn a_configured_range_is_applied() {
        assert_eq!(
            check("dc-pue", "2023Q3", 0.8, "", &[]),
            [ValueProblem::BelowMin { min: 1.0 }]
        );
        assert_eq!(
            check("dc-pue", "2023Q3", 3.5, "", &[]),
            [ValueProblem::AboveMax { max: 3.0 }]
        );
    }

    #[test]
    fn a_growth_rate_may_be_negative() {
        assert!(
            check(
                "industrial-rd-growth",
                "2023Q3",
                -12.0,
                "",
                &[("2023Q2", 30.0)]
            )
            .is_empty()
        );
    }

    #[test]
    fn a_fractional_count_is_refused() {
        let p = check("hightech-enterprises", "2023Q3", 150.5, "", &[]);
        assert_eq!(p, [ValueProblem::NotWhole]);
        assert!(message("hightech-enterprises", 150.5, &p[0]).contains("应为整数"));
    }

    #[test]
    fn a_cumulative_count_never_decreases() {
        let p = check("5g-stations", "2023Q3", 2500.0, "", &[("2023Q2", 2600.0)]);
        assert_eq!(
            p,
            [ValueProblem::Decreased {
                period: q("2023Q2"),
                previous: 2600.0
            }]
        );
        assert!(message("5g-stations", 2500.0, &p[0]).contains("2023年第二季度 为 2600个"));
    }

    #[test]
    fn a_cumulative_count_may_not_exceed_a_later_value_on_record() {
        let p = check(
            "5g-stations",
            "2022Q4",
            2700.0,
            "",
            &[("2022Q3", 2400.0), ("2023Q1", 2600.0)],
        );
        assert_eq!(
            p,
            [ValueProblem::AboveLater {
                period: q("2023Q1"),
                later: 2600.0
            }]
        );
    }

    #[test]
    fn a_year_to_date_flow_never_decreases_within_the_year_but_restarts_in_january() {
        let p = check(
            "tech-contract-turnover",
            "2023Q3",
            3.0,
            "",
            &[("2023Q2", 4.0)],
        );
        assert_eq!(
            p,
            [ValueProblem::DecreasedWithinYear {
                period: q("2023Q2"),
                previous: 4.0
            }]
        );
        assert!(
            check(
                "tech-contract-turnover",
                "2024Q1",
                1.5,
                "",
                &[("2023Q4", 9.0)]
            )
            .is_empty()
        );
    }

    #[test]
    fn a_large_change_needs_a_note() {
        let p = check(
            "hightech-enterprises",
            "2023Q3",
            300.0,
            "",
            &[("2023Q2", 150.0)],
        );
        assert!(
            matches!(p[..], [ValueProblem::ChangeNeedsNote { share, limit, .. }] if share == 1.0 && limit == 0.5)
        );
        assert!(message("hightech-enterprises", 300.0, &p[0]).contains("请在“说明”栏写明原因"));
        assert!(
            check(
                "hightech-enterprises",
                "2023Q3",
                300.0,
                "年度认定集中公布",
                &[("2023Q2", 150.0)]
            )
            .is_empty()
        );
    }

    #[test]
    fn a_year_to_date_change_is_measured_against_the_same_quarter_last_year() {
        assert!(
            check(
                "tech-contract-turnover",
                "2023Q3",
                6.0,
                "",
                &[("2023Q2", 2.0), ("2022Q3", 5.0)]
            )
            .is_empty()
        );
        let p = check(
            "tech-contract-turnover",
            "2023Q3",
            9.0,
            "",
            &[("2023Q2", 8.0), ("2022Q3", 5.0)],
        );
        assert!(
            matches!(p[..], [ValueProblem::ChangeNeedsNote { period, .. }] if period == q("2022Q3"))
        );
    }

    #[test]
    fn a_change_from_zero_needs_no_note() {
        assert!(
            check(
                "no7-listed-companies",
                "2023Q3",
                1.0,
                "",
                &[("2023Q2", 0.0)]
            )
            .is_empty()
        );
    }

    #[test]
    fn not_a_number_is_refused() {
        assert_eq!(
            check("hightech-enterprises", "2023Q3", f64::NAN, "", &[]),
            [ValueProblem::NotFinite]
        );
    }

    #[test]
    fn numbers_print_without_float_noise() {
        assert_eq!(fmt_num(0.1 + 0.2), "0.3");
        assert_eq!(fmt_num(245000.0), "245000");
        assert_eq!(fmt_num(0.67), "0.67");
    }
}
