//! A school's numbers for 发展团员 and 推优入党, with the national values (or, for 推优, the
//! defaults RULES §5 gives) as defaults. Read from the school's settings under `"league"`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Every number the League checks use. A school may set only some; unknown keys are refused so
/// a misspelt key does not silently leave the default in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LeagueSettings {
    /// 团章 / 细则: an applicant is at least this old (周岁) on the day of application…
    pub min_age_years: u32,
    /// …and at most this old.
    pub max_age_years: u32,
    /// 细则: the talk within this many months of the application.
    pub talk_within_months: u32,
    /// 细则: an activist is trained for at least this many months…
    pub training_min_months: u32,
    /// …with at least this many class hours of 团课.
    pub training_min_hours: u32,
    /// 细则: people approved on or after this day need a 发展团员编号.
    pub number_required_from: NaiveDate,
    /// 推优: a candidate is at least this old on the meeting date.
    pub recommend_min_age_years: u32,
    /// 推优: months of 团龄 a candidate needs on the meeting date.
    pub recommend_min_league_months: u32,
    /// 推优: months since the candidate's application to the Party.
    pub recommend_min_applied_months: u32,
    /// 推优: at most this percentage of the branch's members pass (rounded down).
    pub recommend_quota_percent: u32,
    /// 推优: a branch may always recommend at least this many (0: the percentage alone decides).
    pub recommend_quota_minimum: u32,
    /// 推优: a recommendation is valid this many months from the 推优大会.
    pub recommendation_valid_months: u32,
}

impl Default for LeagueSettings {
    fn default() -> Self {
        Self {
            min_age_years: 14,
            max_age_years: 28,
            talk_within_months: 1,
            training_min_months: 3,
            training_min_hours: 8,
            number_required_from: NaiveDate::from_ymd_opt(2017, 1, 1).unwrap_or_default(),
            recommend_min_age_years: 18,
            recommend_min_league_months: 12,
            recommend_min_applied_months: 6,
            recommend_quota_percent: 20,
            recommend_quota_minimum: 0,
            recommendation_valid_months: 24,
        }
    }
}
