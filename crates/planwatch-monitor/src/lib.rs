//! Monitoring: indicator progress, forecasts, traffic lights, milestone and reporting status, scoring. Pure: no IO, no clock.

pub mod csv_series;
pub mod measure;
pub mod points;
pub mod series;
pub mod strict;
pub mod time;
