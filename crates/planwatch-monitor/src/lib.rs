//! Monitoring: indicator progress, forecasts, traffic lights, milestone and reporting status, scoring. Pure: no IO, no clock.
