//! Political status and the 发展党员 dates that go with it, sampled so that RULES §1 holds.
//!
//! Dates are drawn backwards from the last stage reached and then checked against the earliest
//! moment the person could have applied; a status that cannot fit a person's age and enrolment
//! falls back one stage.

use chrono::{Datelike, Days, Months, NaiveDate};
use rand::Rng;
use redbranch_domain::people::PoliticalStatus;

/// The day the seeded data describes: the end of the 2024–25 academic year, when grades
/// 2021–2024 are all at school. Dates after it never appear.
pub const AS_OF: NaiveDate = match NaiveDate::from_ymd_opt(2025, 6, 30) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

/// 《中国共产党章程》第一条, 《发展党员工作细则》第五条: an applicant is at least 18.
const MIN_AGE_MONTHS: u32 = 18 * 12;
/// 细则 第六条: the branch talks to the applicant within a month; activists are decided after that.
const APPLIED_TO_ACTIVIST_MONTHS: u32 = 1;
/// 细则 第十三条: an activist is cultivated for at least a year before becoming a 发展对象.
const ACTIVIST_TO_TARGET_MONTHS: u32 = 12;
/// 细则 第十七条 (training ≥ 3 days), 政审 and 公示: a target is not admitted the same month.
const TARGET_TO_JOINED_DAYS: u64 = 45;
/// 《中国共产党章程》第七条: the probation lasts one year from the 支部大会.
const PROBATION_MONTHS: u32 = 12;
/// 细则 第十九条: nobody is admitted within three months of leaving the unit (graduation).
const LEAVING_MONTHS: u32 = 3;
/// Students hand in the application after the first weeks of term at the earliest.
const ENROLMENT_TO_APPLIED_DAYS: u64 = 14;

/// The 发展党员 dates of one person; `None` for the stages not reached.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PartyDates {
    pub applied: Option<NaiveDate>,
    pub activist: Option<NaiveDate>,
    pub target: Option<NaiveDate>,
    pub joined: Option<NaiveDate>,
    pub confirmed: Option<NaiveDate>,
}

/// What the sampler needs to know of a person.
#[derive(Debug, Clone, Copy)]
pub struct Life {
    pub birth: NaiveDate,
    pub enrolled: NaiveDate,
    /// Graduation.
    pub leaves: NaiveDate,
}

pub fn plus_days(d: NaiveDate, n: u64) -> NaiveDate {
    d.checked_add_days(Days::new(n)).unwrap_or(d)
}
pub fn minus_days(d: NaiveDate, n: u64) -> NaiveDate {
    d.checked_sub_days(Days::new(n)).unwrap_or(d)
}
pub fn plus_months(d: NaiveDate, n: u32) -> NaiveDate {
    d.checked_add_months(Months::new(n)).unwrap_or(d)
}
pub fn minus_months(d: NaiveDate, n: u32) -> NaiveDate {
    d.checked_sub_months(Months::new(n)).unwrap_or(d)
}

/// The academic year `d` falls in (2024 for 2025-06-30).
pub fn academic_year(d: NaiveDate) -> i32 {
    if d.month() >= 9 {
        d.year()
    } else {
        d.year() - 1
    }
}

/// Per-mille weights of each status (in [`PoliticalStatus::ALL`] order) by years at school:
/// overall about 11 % 群众, 69 % 共青团员, 5 % 申请人, 8 % 积极分子, 2 % 发展对象, 2.5 % 预备党员
/// and 3 % 党员, concentrated in the senior years where the pipeline's one-year steps fit.
/// (The demo then tops every branch up to seven 正式党员, see `demo::people::top_up`.)
const WEIGHTS: [[u32; 7]; 4] = [
    [110, 770, 70, 50, 0, 0, 0],
    [110, 710, 50, 90, 25, 15, 0],
    [110, 645, 40, 90, 30, 45, 40],
    [110, 615, 40, 90, 25, 40, 80],
];

/// Draws the status a student of `seniority` years (0 = freshman) is meant to have.
pub fn draw_status(rng: &mut impl Rng, seniority: usize) -> PoliticalStatus {
    let row = &WEIGHTS[seniority.min(WEIGHTS.len() - 1)];
    let mut roll = rng.gen_range(0..row.iter().sum::<u32>());
    for (w, s) in row.iter().zip(PoliticalStatus::ALL) {
        if roll < *w {
            return s;
        }
        roll -= w;
    }
    PoliticalStatus::LeagueMember
}

/// The status closest to `wanted` that fits the person's life, with its dates.
pub fn settle(
    rng: &mut impl Rng,
    wanted: PoliticalStatus,
    life: &Life,
) -> (PoliticalStatus, PartyDates) {
    let mut status = wanted;
    loop {
        if status <= PoliticalStatus::LeagueMember {
            return (status, PartyDates::default());
        }
        if let Some(d) = sample(rng, status, life) {
            return (status, d);
        }
        status = previous(status);
    }
}

fn previous(s: PoliticalStatus) -> PoliticalStatus {
    let i = PoliticalStatus::ALL
        .iter()
        .position(|x| *x == s)
        .unwrap_or(1);
    PoliticalStatus::ALL[i.saturating_sub(1)]
}

/// Dates for exactly `status` (applicant or further), or `None` when they cannot fit.
pub fn sample(rng: &mut impl Rng, status: PoliticalStatus, life: &Life) -> Option<PartyDates> {
    for _ in 0..8 {
        let d = chain(status, life, |max| rng.gen_range(0..=max))?;
        if fits(&d, life) {
            return Some(d);
        }
    }
    // The tightest chain ending as late as allowed: if even that starts too early, it cannot fit.
    let d = chain(status, life, |_| 0)?;
    fits(&d, life).then_some(d)
}

/// Builds the chain backwards from the last stage; `jitter(max)` picks extra days in `0..=max`.
/// `None` when no date can be last: a 预备党员 must have joined within the past year, and not
/// within three months of graduating.
fn chain(
    status: PoliticalStatus,
    life: &Life,
    mut jitter: impl FnMut(u64) -> u64,
) -> Option<PartyDates> {
    use PoliticalStatus::*;
    let mut d = PartyDates::default();
    // How far before the latest possible day the last stage may lie.
    let mut window = match status {
        PartyMember => 600,
        ProbationaryMember => 330,
        DevelopmentTarget => 300,
        PartyActivist => 500,
        _ => 400,
    };
    let mut latest = AS_OF;
    if status == ProbationaryMember {
        latest = latest.min(minus_months(life.leaves, LEAVING_MONTHS));
        let earliest = plus_days(minus_months(AS_OF, PROBATION_MONTHS), 1);
        window = window.min(u64::try_from((latest - earliest).num_days()).ok()?);
    }
    let mut end = minus_days(latest, jitter(window));
    if status == PartyMember {
        // Joined first, so that confirmed is exactly one probation later whatever the month length.
        end = minus_months(end, PROBATION_MONTHS);
        d.confirmed = Some(plus_months(end, PROBATION_MONTHS));
    }
    if status >= ProbationaryMember {
        d.joined = Some(end);
        end = minus_days(end, TARGET_TO_JOINED_DAYS + jitter(150));
    }
    if status >= DevelopmentTarget {
        d.target = Some(end);
        end = minus_days(minus_months(end, ACTIVIST_TO_TARGET_MONTHS), jitter(150));
    }
    if status >= PartyActivist {
        d.activist = Some(end);
        end = minus_days(minus_months(end, APPLIED_TO_ACTIVIST_MONTHS), jitter(200));
    }
    d.applied = Some(end);
    Some(d)
}

/// The earliest day a person may hand in an application.
pub fn earliest_application(life: &Life) -> NaiveDate {
    plus_days(life.enrolled, ENROLMENT_TO_APPLIED_DAYS).max(plus_months(life.birth, MIN_AGE_MONTHS))
}

fn fits(d: &PartyDates, life: &Life) -> bool {
    let applied_ok = d.applied.is_some_and(|a| a >= earliest_application(life));
    let not_leaving = d
        .joined
        .is_none_or(|j| j <= minus_months(life.leaves, LEAVING_MONTHS));
    applied_ok && not_leaving
}

/// Whether a set of dates obeys RULES §1 (used by tests and as a self-check).
#[cfg(test)]
pub fn obeys_rules(status: PoliticalStatus, d: &PartyDates, life: &Life) -> bool {
    use PoliticalStatus::*;
    let stage = |reached: bool, x: Option<NaiveDate>| {
        reached == x.is_some() && x.is_none_or(|x| x <= AS_OF)
    };
    let after =
        |a: Option<NaiveDate>, b: Option<NaiveDate>, f: fn(NaiveDate) -> NaiveDate| match (a, b) {
            (Some(a), Some(b)) => b >= f(a),
            _ => true,
        };
    stage(status >= PartyApplicant, d.applied)
        && stage(status >= PartyActivist, d.activist)
        && stage(status >= DevelopmentTarget, d.target)
        && stage(status >= ProbationaryMember, d.joined)
        && stage(status == PartyMember, d.confirmed)
        && d.applied
            .is_none_or(|a| a >= plus_months(life.birth, MIN_AGE_MONTHS))
        && after(d.applied, d.activist, |a| {
            plus_months(a, APPLIED_TO_ACTIVIST_MONTHS)
        })
        && after(d.activist, d.target, |a| {
            plus_months(a, ACTIVIST_TO_TARGET_MONTHS)
        })
        && after(d.target, d.joined, |t| plus_days(t, 1))
        && match (d.joined, d.confirmed) {
            (Some(j), Some(c)) => c == plus_months(j, PROBATION_MONTHS),
            (Some(j), None) => plus_months(j, PROBATION_MONTHS) > AS_OF,
            _ => true,
        }
}
