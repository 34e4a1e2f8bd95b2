//! The yearly breakdown as an Excel sheet (placeholder removed below).
