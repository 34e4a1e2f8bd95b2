//! Monitoring: indicator progress, forecasts, traffic lights, milestone and reporting status, scoring. Pure: no IO, no clock.

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
