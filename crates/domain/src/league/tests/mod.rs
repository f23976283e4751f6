//! Worked cases for every League rule: the boundary day, the day before and the day after.

mod catalogue;
mod recommend;
mod steps;

use chrono::NaiveDate;

use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn national() -> LeagueSettings {
    LeagueSettings::default()
}

fn rules(v: &[Refusal]) -> Vec<LeagueRule> {
    v.iter().map(|r| r.rule).collect()
}
