//! Worked cases for every pipeline rule: the boundary day, the day before and the day after.

mod catalogue;
mod counts;
mod dates;
mod due;
mod record;

use chrono::NaiveDate;

use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn national() -> PipelineSettings {
    PipelineSettings::default()
}

/// The rule a single-refusal check refused under.
fn refused(r: Result<(), Refusal>) -> RuleId {
    r.unwrap_err().rule
}

/// The rules a multi-refusal check refused under, in order.
fn refused_all(r: Result<(), Vec<Refusal>>) -> Vec<RuleId> {
    r.unwrap_err().into_iter().map(|x| x.rule).collect()
}
