//! Formatting for screens: dates as 2025-11-21, times in China Standard Time.

use chrono::{DateTime, FixedOffset, Utc};

/// A UTC instant shown in Beijing time (UTC+8, no daylight saving), which is what every user of
/// a Chinese university reads clocks in.
pub fn beijing(t: DateTime<Utc>, pattern: &str) -> String {
    match FixedOffset::east_opt(8 * 3600) {
        Some(cst) => t.with_timezone(&cst).format(pattern).to_string(),
        None => t.format(pattern).to_string(),
    }
}

pub fn date_opt(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}
