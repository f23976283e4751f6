//! A school's numbers for the pipeline, with the national values as defaults (RULES §1).

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// Every number the pipeline checks use. A school's stored settings may set only some fields;
/// the rest keep the national value. Unknown keys are refused so that a misspelt key does not
/// silently leave the national value in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PipelineSettings {
    /// 党章 第一条, 细则 第五条: age in full years on the day of application.
    pub min_age_years: u32,
    /// 细则: the talk with an applicant within this many months of receiving the application.
    pub talk_within_months: u32,
    /// 细则 第十三条: months as an activist before becoming a 发展对象 ("一年以上").
    pub activist_min_months: u32,
    /// 细则 第十七条: intensive training of at least this many days…
    pub training_min_days: u32,
    /// …or at least this many class hours.
    pub training_min_hours: u32,
    /// School practice (RULES §1: 5–7 days): calendar days the candidates are publicised.
    pub publicity_days: u32,
    /// 细则 第十九条: a candidate leaving the unit within this many months is not processed.
    pub leaving_window_months: u32,
    /// 细则: the higher committee decides within this many months of the 支部大会…
    pub decision_within_months: u32,
    /// …or, in special cases such as a committee's re-election, at most this many.
    pub decision_special_max_months: u32,
    /// 党章 第七条: probation from the 支部大会 date.
    pub probation_months: u32,
    /// 细则 第三十二条: an extension is at least this many months…
    pub extension_min_months: u32,
    /// …and at most this many.
    pub extension_max_months: u32,
    /// 细则: conversion approved within this many months of the end of probation.
    pub conversion_within_months: u32,
    /// Common practice (RULES §1): an activist is reviewed every this many months.
    pub activist_review_months: u32,
    /// School rule (RULES §1): an activist hands in a 思想汇报 at least every this many months.
    pub thought_report_months: u32,
    /// School practice: days before a deadline that it appears on the home page as 临近.
    pub warn_days: u32,
    /// 细则 (RULES §1 stage 3): a 团员 younger than this becomes an activist "一般" through the
    /// League's 推优; a 团员 leaves the League at 28, so the two rules meet there.
    pub recommendation_below_age: u32,
}

impl Default for PipelineSettings {
    fn default() -> Self {
        Self {
            min_age_years: 18,
            talk_within_months: 1,
            activist_min_months: 12,
            training_min_days: 3,
            training_min_hours: 24,
            publicity_days: 5,
            leaving_window_months: 3,
            decision_within_months: 3,
            decision_special_max_months: 6,
            probation_months: 12,
            extension_min_months: 6,
            extension_max_months: 12,
            conversion_within_months: 3,
            activist_review_months: 6,
            thought_report_months: 3,
            warn_days: 14,
            recommendation_below_age: 28,
        }
    }
}

/// The same day `n` months after `d`, or the last day of that month when it has no such day
/// (31 Jan + 1 month = 28 Feb, or 29 Feb in a leap year).
///
/// This is how 《中华人民共和国民法典》第二百零二条 ends a period counted in months ("到期月的
/// 对应日为期间的最后一日；没有对应日的，月末日为期间的最后一日"), and it is what chrono's
/// `checked_add_months` does. A date past chrono's range (year 262 143) saturates at
/// `NaiveDate::MAX`: "never due" is the only sensible reading of such input.
pub(crate) fn months_after(d: NaiveDate, n: u32) -> NaiveDate {
    d.checked_add_months(Months::new(n))
        .unwrap_or(NaiveDate::MAX)
}
