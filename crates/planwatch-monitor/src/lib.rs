//! Monitoring: indicator progress, forecasts, traffic lights, milestone and reporting status,
//! scoring. Pure: no IO, no clock — the period and "now" (`as_of`) are arguments.
//!
//! The one entry point for the app layer is [`assess::assess`]: it takes an
//! [`assess::AssessmentInput`] (plain structs the app fills from the store: indicators with
//! their observations, tasks with reports and milestones, reporting obligations with their
//! submission events, units, task forces, approved bonus claims) and [`rules::Rules`] (from
//! `config/scoring.toml` or the built-in defaults), and returns an [`assess::Assessment`]:
//! serialisable, self-explanatory, every score with its breakdown. It is cheap enough (well
//! under a millisecond for a plan of Yangquan's size) to be recomputed after every accepted
//! submission, so the app keeps no cached results that could go stale.
//!
//! Code map:
//! - [`measure`] — the Open SDG / Statistics Canada progress measure, product mode;
//!   [`strict`] — the same measure exactly as the reference implementation computes it;
//!   [`csv_series`] — series in the test vectors' CSV layout (`planwatch progress`).
//! - [`time`], [`series`] — the fractional-year axis, indicator kinds, observations,
//!   annualising year-to-date flows.
//! - [`schedule`] — 序时进度 with traffic lights; [`forecast`] — projections and the Chinese
//!   sentence that explains them; [`indicator`] — one indicator with several dated targets.
//! - [`task`] — task and milestone status; [`reporting`] — report timeliness and completeness.
//! - [`rules`] — every threshold and point value; [`scoring`] — unit, task-force, county and
//!   overall scores with breakdowns and rankings; [`points`] — exact score arithmetic.
//! - [`zh`] — Chinese number and date wording; [`error`] — input errors that say where.

pub mod assess;
pub mod csv_series;
pub mod error;
pub mod forecast;
pub mod indicator;
pub mod measure;
pub mod points;
pub mod reporting;
pub mod rules;
pub mod schedule;
pub mod scoring;
pub mod series;
pub mod strict;
pub mod task;
pub mod time;
pub mod zh;

pub use assess::{Assessment, AssessmentInput, assess};
pub use rules::Rules;
