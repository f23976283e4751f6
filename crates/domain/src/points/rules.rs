//! Points rule tables: what each activity earns, its per-activity daily cap and the daily maximum.
//!
//! RULES.md §6: 学习强国's rules changed six times in four years, so the numbers live in versioned
//! tables with an effective date, never in code paths. A school may publish its own version; the
//! built-in [`xxqg_2023`] is the default until it does.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What one activity earns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityRule {
    /// Stable activity code (`login`, `article`, `weekly_lesson`…).
    pub code: String,
    /// Points per event before caps.
    pub points: i64,
    /// Most points this activity earns in one day.
    pub daily_cap: i64,
    /// Activities of the same group where only the day's first event earns (学习强国's 四人赛:
    /// "first game win 10 / loss 8"); `None`: every event earns up to the cap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_of_day_group: Option<String>,
}

/// One version of a school's rule table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleTable {
    pub version: String,
    pub effective_from: NaiveDate,
    /// Most points a person earns in one day across all activities.
    pub daily_max: i64,
    pub rules: Vec<ActivityRule>,
}

impl RuleTable {
    pub fn rule(&self, code: &str) -> Option<&ActivityRule> {
        self.rules.iter().find(|r| r.code == code)
    }

    /// The codes of the activities in `group`.
    pub fn group_codes(&self, group: &str) -> Vec<&str> {
        self.rules
            .iter()
            .filter(|r| r.first_of_day_group.as_deref() == Some(group))
            .map(|r| r.code.as_str())
            .collect()
    }

    /// A table a school submits: codes unique and lowercase, no negative numbers, a positive
    /// daily maximum. Returns the catalogue key of the first problem.
    pub fn check(&self) -> Result<(), &'static str> {
        if self.version.trim().is_empty() || self.version.len() > 40 {
            return Err("points.error.version");
        }
        if self.daily_max <= 0 {
            return Err("points.error.daily_max");
        }
        let mut codes: Vec<&str> = self.rules.iter().map(|r| r.code.as_str()).collect();
        codes.sort_unstable();
        let n = codes.len();
        codes.dedup();
        if n == 0 || codes.len() != n {
            return Err("points.error.codes");
        }
        for r in &self.rules {
            let code_ok = !r.code.is_empty()
                && r.code.len() <= 40
                && r.code
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !code_ok {
                return Err("points.error.codes");
            }
            if r.points < 0 || r.daily_cap < 0 {
                return Err("points.error.negative");
            }
        }
        Ok(())
    }
}

fn rule(code: &str, points: i64, daily_cap: i64, group: Option<&str>) -> ActivityRule {
    ActivityRule {
        code: code.to_string(),
        points,
        daily_cap,
        first_of_day_group: group.map(str::to_string),
    }
}

/// 学习强国's 2023 points rules (RULES.md §6): login 1 · articles 12 · audio/video 12 · daily
/// quiz 5 · topic quiz 10 · subscribe 2 · comment 1 · local channel 1 · challenge quiz cap 10 ·
/// 四人赛 first game win 10 / loss 8 · daily maximum 56. The platform's own activities (weekly
/// quiz, exam, 青年大学习-style weekly lesson) are added with modest caps so that the daily
/// maximum still binds.
pub fn xxqg_2023() -> RuleTable {
    RuleTable {
        version: "xxqg-2023".into(),
        effective_from: NaiveDate::from_ymd_opt(2023, 1, 1).unwrap_or_default(),
        daily_max: 56,
        rules: vec![
            rule("login", 1, 1, None),
            rule("article", 1, 12, None),
            rule("video", 1, 12, None),
            rule("daily_quiz", 5, 5, None),
            rule("weekly_quiz", 5, 5, None),
            rule("topic_quiz", 10, 10, None),
            rule("challenge_quiz", 5, 10, None),
            rule("subscribe", 1, 2, None),
            rule("comment", 1, 1, None),
            rule("local_channel", 1, 1, None),
            rule("match_win", 10, 10, Some("match")),
            rule("match_loss", 8, 8, Some("match")),
            rule("exam", 10, 10, None),
            rule("weekly_lesson", 10, 10, None),
        ],
    }
}

/// The version in force on `day`: the latest `effective_from` on or before it among the
/// school's tables, else the built-in default.
pub fn in_force(tables: &[RuleTable], day: NaiveDate) -> RuleTable {
    tables
        .iter()
        .filter(|t| t.effective_from <= day)
        .max_by_key(|t| t.effective_from)
        .cloned()
        .unwrap_or_else(xxqg_2023)
}

/// What the person already earned today.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Today {
    /// Points from this activity.
    pub activity: i64,
    /// Points from every activity.
    pub total: i64,
    /// Events already recorded today in this activity's first-of-day group.
    pub group_events: i64,
}

/// Points actually granted for one event after caps (学习强国 2023, RULES.md §6): the rule's
/// points, cut to what is left under the activity's daily cap and under the daily maximum; zero
/// once either is reached, or when the activity's group already had its first event today.
pub fn granted(rule: &ActivityRule, daily_max: i64, today: Today) -> i64 {
    if rule.first_of_day_group.is_some() && today.group_events > 0 {
        return 0;
    }
    let left_in_activity = (rule.daily_cap - today.activity).max(0);
    let left_in_day = (daily_max - today.total).max(0);
    rule.points.min(left_in_activity).min(left_in_day).max(0)
}

/// Why an event earned what it did: a catalogue key under `points.reason.` — the rule's full
/// points, cut or stopped by the activity's cap, by the daily maximum, or not the day's first
/// event of its group.
pub fn reason(rule: &ActivityRule, daily_max: i64, today: Today) -> &'static str {
    let got = granted(rule, daily_max, today);
    if rule.first_of_day_group.is_some() && today.group_events > 0 {
        "not_first"
    } else if got == rule.points {
        "rule"
    } else if rule.daily_cap - today.activity <= daily_max - today.total {
        "activity_cap"
    } else {
        "daily_max"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(activity: i64, total: i64) -> Today {
        Today {
            activity,
            total,
            group_events: 0,
        }
    }

    #[test]
    fn the_default_is_the_2023_table_with_a_daily_maximum_of_56() {
        let x = xxqg_2023();
        assert_eq!(x.daily_max, 56);
        assert_eq!(x.rule("article").map(|r| r.daily_cap), Some(12));
        assert_eq!(x.rule("login").map(|r| r.daily_cap), Some(1));
        assert!(x.check().is_ok());
    }

    #[test]
    fn an_article_one_below_the_cap_earns_and_one_at_the_cap_earns_nothing() {
        let r = xxqg_2023()
            .rule("article")
            .cloned()
            .unwrap_or_else(|| rule("x", 0, 0, None));
        assert_eq!(
            granted(&r, 56, t(11, 11)),
            1,
            "the 12th article reaches the cap exactly"
        );
        assert_eq!(granted(&r, 56, t(12, 12)), 0, "the 13th is one over");
    }

    #[test]
    fn the_reason_names_the_cap_that_bound() {
        let r = rule("article", 1, 12, None);
        assert_eq!(reason(&r, 56, t(0, 0)), "rule");
        assert_eq!(reason(&r, 56, t(12, 12)), "activity_cap");
        assert_eq!(reason(&r, 56, t(3, 56)), "daily_max");
    }

    #[test]
    fn an_event_is_cut_to_what_is_left_under_the_cap() {
        let r = rule("challenge_quiz", 5, 10, None);
        assert_eq!(granted(&r, 56, t(7, 7)), 3);
        assert_eq!(granted(&r, 56, t(10, 10)), 0);
    }

    #[test]
    fn the_daily_maximum_binds_across_activities() {
        let r = rule("topic_quiz", 10, 10, None);
        assert_eq!(granted(&r, 56, t(0, 46)), 10, "exactly at the maximum");
        assert_eq!(granted(&r, 56, t(0, 50)), 6, "cut");
        assert_eq!(granted(&r, 56, t(0, 56)), 0, "at the maximum");
        assert_eq!(granted(&r, 56, t(0, 57)), 0, "never negative");
    }

    #[test]
    fn only_the_first_match_of_the_day_earns() {
        let x = xxqg_2023();
        let win = x
            .rule("match_win")
            .cloned()
            .unwrap_or_else(|| rule("x", 0, 0, None));
        let first = Today::default();
        let second = Today {
            group_events: 1,
            ..Today::default()
        };
        assert_eq!(granted(&win, 56, first), 10);
        assert_eq!(granted(&win, 56, second), 0);
        assert_eq!(x.group_codes("match"), vec!["match_win", "match_loss"]);
    }

    #[test]
    fn the_table_in_force_is_the_latest_effective_on_or_before_the_day() {
        let mut v2 = xxqg_2023();
        v2.version = "school-2025".into();
        v2.effective_from = NaiveDate::from_ymd_opt(2025, 9, 1).unwrap_or_default();
        v2.daily_max = 40;
        let tables = vec![v2];
        let day = |d: u32| NaiveDate::from_ymd_opt(2025, 8, d).unwrap_or_default();
        assert_eq!(
            in_force(&tables, day(31)).version,
            "xxqg-2023",
            "the day before"
        );
        let on = NaiveDate::from_ymd_opt(2025, 9, 1).unwrap_or_default();
        assert_eq!(in_force(&tables, on).daily_max, 40, "the day itself");
    }

    #[test]
    fn a_table_with_negative_points_or_duplicate_codes_is_refused() {
        let mut x = xxqg_2023();
        x.rules[0].points = -1;
        assert_eq!(x.check(), Err("points.error.negative"));
        let mut x = xxqg_2023();
        x.rules.push(rule("login", 1, 1, None));
        assert_eq!(x.check(), Err("points.error.codes"));
        let mut x = xxqg_2023();
        x.daily_max = 0;
        assert_eq!(x.check(), Err("points.error.daily_max"));
    }
}
