//! Learning points (积分): versioned rule tables with per-activity daily caps and a daily
//! maximum, 段位 and badges from lifetime points, leaderboard periods, and the school's choice
//! on individual rankings.

pub mod levels;
pub mod rules;

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

pub use levels::{BADGES, LEVELS, Level, badges_of, level_of};
pub use rules::{ActivityRule, RuleTable, Today, granted, in_force, reason, xxqg_2023};

/// The school day of an instant: China Standard Time (UTC+8), when daily caps reset.
pub fn school_day(at: DateTime<Utc>) -> NaiveDate {
    match FixedOffset::east_opt(8 * 3600) {
        Some(cst) => at.with_timezone(&cst).date_naive(),
        None => at.date_naive(),
    }
}

/// A leaderboard period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Day,
    #[default]
    Week,
    Month,
    All,
}

impl Period {
    pub const ALL: [Period; 4] = [Self::Day, Self::Week, Self::Month, Self::All];

    pub fn code(self) -> &'static str {
        match self {
            Self::Day => "day",
            Self::Week => "week",
            Self::Month => "month",
            Self::All => "all",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == s)
    }

    /// The first and last day of the period containing `today` (weeks start on Monday, as
    /// Chinese calendars and 学习强国's weekly quiz do); `None` for all time.
    pub fn range(self, today: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
        match self {
            Self::Day => Some((today, today)),
            Self::Week => {
                let monday =
                    today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
                Some((monday, monday + Duration::days(6)))
            }
            Self::Month => {
                let first = today.with_day(1)?;
                let next = if first.month() == 12 {
                    NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)?
                } else {
                    NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)?
                };
                Some((first, next - Duration::days(1)))
            }
            Self::All => None,
        }
    }
}

/// The school's points settings (school settings under `"points"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct PointsSettings {
    /// Individual rankings within a branch. Off by default: the central notices against
    /// "指尖上的形式主义" (2019, 2023, 2024; RULES.md §6) forbid using rankings of people as a
    /// default public view; organisation-level rates are always shown.
    pub individual_ranking: bool,
}

/// Participation as a share of members in tenths of a percent (93.4 % → 934); `None` for an
/// org without members. It can exceed 1000 where non-members take part too.
pub fn permille(part: i64, of: i64) -> Option<i64> {
    if of <= 0 {
        return None;
    }
    Some((part * 1000 + of / 2) / of)
}

/// `934` → `"93.4%"`; none → `"—"`.
pub fn percent_text(permille: Option<i64>) -> String {
    match permille {
        Some(p) => format!("{}.{}%", p / 10, p % 10),
        None => "—".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn a_week_runs_monday_to_sunday() {
        // 2025-11-19 is a Wednesday.
        assert_eq!(
            Period::Week.range(d(2025, 11, 19)),
            Some((d(2025, 11, 17), d(2025, 11, 23)))
        );
        assert_eq!(
            Period::Week.range(d(2025, 11, 17)),
            Some((d(2025, 11, 17), d(2025, 11, 23)))
        );
        assert_eq!(
            Period::Week.range(d(2025, 11, 23)),
            Some((d(2025, 11, 17), d(2025, 11, 23)))
        );
    }

    #[test]
    fn a_month_ends_on_its_last_day_even_in_december_and_february() {
        assert_eq!(
            Period::Month.range(d(2025, 12, 5)),
            Some((d(2025, 12, 1), d(2025, 12, 31)))
        );
        assert_eq!(
            Period::Month.range(d(2024, 2, 29)),
            Some((d(2024, 2, 1), d(2024, 2, 29)))
        );
        assert_eq!(Period::All.range(d(2024, 2, 29)), None);
    }

    #[test]
    fn the_school_day_turns_at_midnight_beijing_time() {
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap_or_default();
        assert_eq!(school_day(at("2025-11-20T15:59:59Z")), d(2025, 11, 20));
        assert_eq!(school_day(at("2025-11-20T16:00:00Z")), d(2025, 11, 21));
    }

    #[test]
    fn participation_rounds_to_a_tenth_of_a_percent_and_may_pass_100() {
        assert_eq!(permille(1, 3), Some(333));
        assert_eq!(permille(2, 3), Some(667));
        assert_eq!(permille(3, 3), Some(1000));
        assert_eq!(permille(4, 3), Some(1333));
        assert_eq!(permille(1, 0), None);
        assert_eq!(percent_text(Some(934)), "93.4%");
    }

    #[test]
    fn individual_rankings_are_off_unless_the_school_opts_in() {
        assert!(!PointsSettings::default().individual_ranking);
    }
}
