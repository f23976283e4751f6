//! The checks: pure functions of dates and counts that return `Ok` or the refusal with its values.
//!
//! Dates are calendar dates (`NaiveDate`), compared day by day. "Within N months" of a date `d`
//! means on or before the same day N months later, clamped to the month's end as
//! 《民法典》第二百零二条 counts periods (see [`months_after`]): a talk owed within one month of
//! 31 January is on time up to 28 February (29 in a leap year). "At least a year" likewise
//! ends on the anniversary, which counts ("以上…包括本数", 《民法典》第一千二百五十九条).
//! Deadlines falling on a holiday are not moved: the platform has no holiday calendar, and a
//! reminder that comes a day early does no harm.

use chrono::{Datelike, NaiveDate};

use super::rules::{CULTIVATORS, INTRODUCERS, Refusal, RuleId};
use super::settings::{PipelineSettings, months_after};
use crate::people::PoliticalStatus;

/// Age in full years (周岁) on `on`; 0 for a day before birth.
///
/// Counted from the calendar, not from month arithmetic: someone born on 29 February turns a
/// year older on 1 March in a common year, because 28 February is still before their birthday.
/// (chrono's month arithmetic would clamp 29 Feb to 28 Feb and age them a day early.)
pub fn age_at(birth: NaiveDate, on: NaiveDate) -> u32 {
    let years = on.year() - birth.year();
    let before_birthday = (on.month(), on.day()) < (birth.month(), birth.day());
    let age = if before_birthday { years - 1 } else { years };
    u32::try_from(age).unwrap_or(0)
}

/// One proposed 入党介绍人, as the check needs to know them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Introducer {
    pub status: PoliticalStatus,
    /// Under 留党察看 with Party rights not yet restored.
    pub under_probation_discipline: bool,
}

/// 细则 (RULES §1): an activist has one or two 正式党员 as 培养联系人.
pub fn check_cultivators(count: usize) -> Result<(), Refusal> {
    if CULTIVATORS.contains(&count) {
        return Ok(());
    }
    Err(Refusal::new(RuleId::Cultivators)
        .with("count", count)
        .with("min", CULTIVATORS.start())
        .with("max", CULTIVATORS.end()))
}

/// 细则 第十四条: exactly two introducers, each a 正式党员 (a 预备党员 has no right to introduce)
/// and none under 留党察看 with rights not restored. Every fault is reported, numbered from 1
/// in the order given, so the form can mark each.
pub fn check_introducers(introducers: &[Introducer]) -> Result<(), Vec<Refusal>> {
    let mut refusals = Vec::new();
    if introducers.len() != INTRODUCERS {
        refusals.push(
            Refusal::new(RuleId::Introducers)
                .with("count", introducers.len())
                .with("required", INTRODUCERS),
        );
    }
    for (i, who) in introducers.iter().enumerate() {
        if who.status != PoliticalStatus::PartyMember {
            refusals.push(Refusal::new(RuleId::IntroducerNotFullMember).with("n", i + 1));
        }
        if who.under_probation_discipline {
            refusals.push(Refusal::new(RuleId::IntroducerUnderDiscipline).with("n", i + 1));
        }
    }
    if refusals.is_empty() {
        Ok(())
    } else {
        Err(refusals)
    }
}

/// 细则 (RULES §1 stage 4): the 支部大会 that admits a 预备党员 needs more than half of the
/// members with voting rights present, and passes with yes from more than half of those
/// *entitled* to vote — not of those present. Quorum is checked first: without it the vote did
/// not happen. Integer arithmetic (`2 × n > entitled`) so that "more than half" of an odd number
/// is exact. The same arithmetic serves the League's 推优大会 (RULES §5).
pub fn check_branch_vote(entitled: u32, present: u32, yes: u32) -> Result<(), Refusal> {
    let tally = || {
        Refusal::new(RuleId::VoteTally)
            .with("entitled", entitled)
            .with("present", present)
            .with("yes", yes)
    };
    if present > entitled || yes > present {
        return Err(tally());
    }
    let more_than_half = |n: u32| 2 * u64::from(n) > u64::from(entitled);
    let needed = entitled / 2 + 1;
    if !more_than_half(present) {
        return Err(Refusal::new(RuleId::BranchQuorum)
            .with("entitled", entitled)
            .with("present", present)
            .with("needed", needed));
    }
    if !more_than_half(yes) {
        return Err(Refusal::new(RuleId::BranchMajority)
            .with("entitled", entitled)
            .with("yes", yes)
            .with("needed", needed));
    }
    Ok(())
}

/// Refuses when a later step is dated before an earlier one.
fn in_order(earlier: NaiveDate, later: NaiveDate) -> Result<(), Refusal> {
    if later < earlier {
        return Err(Refusal::new(RuleId::DateOrder)
            .with("earlier", earlier)
            .with("later", later));
    }
    Ok(())
}

/// Refuses `done` after `due`, reporting the start date, the period and both dates.
fn within(
    rule: RuleId,
    (start_name, start): (&'static str, NaiveDate),
    months: u32,
    (done_name, done): (&'static str, NaiveDate),
) -> Result<(), Refusal> {
    in_order(start, done)?;
    let due = months_after(start, months);
    if done <= due {
        return Ok(());
    }
    Err(Refusal::new(rule)
        .with(start_name, start)
        .with("months", months)
        .with("due", due)
        .with(done_name, done))
}

impl PipelineSettings {
    /// 党章 第一条, 细则 第五条: an applicant is at least `min_age_years` on the day the
    /// application is handed in; the birthday itself counts.
    pub fn check_application_age(
        &self,
        birth: NaiveDate,
        applied_on: NaiveDate,
    ) -> Result<(), Refusal> {
        let age = age_at(birth, applied_on);
        if age >= self.min_age_years {
            return Ok(());
        }
        Err(Refusal::new(RuleId::MinAge)
            .with("min", self.min_age_years)
            .with("on", applied_on)
            .with("age", age))
    }

    /// 细则 (RULES §1 stage 3): a 团员 under 28 on the day they are made an activist has an
    /// accepted 推优 recommendation valid that day. Someone whose birth date is unknown is not
    /// refused here: the application step already required it.
    pub fn check_league_recommendation(&self, f: &super::StepFacts) -> Result<(), Refusal> {
        let Some(birth) = f.birth_date.filter(|_| f.league_member) else {
            return Ok(());
        };
        let age = age_at(birth, f.on);
        let valid = f.recommendation.is_some_and(|r| r.valid_on(f.on));
        if age >= self.recommendation_below_age || valid {
            return Ok(());
        }
        Err(Refusal::new(RuleId::LeagueRecommendation)
            .with("under", self.recommendation_below_age)
            .with("on", f.on)
            .with("age", age))
    }

    /// 细则: the last day for the talk with an applicant (step 2).
    pub fn talk_due(&self, received_on: NaiveDate) -> NaiveDate {
        months_after(received_on, self.talk_within_months)
    }

    /// 细则: the organisation talks to the applicant within a month of receiving the application.
    pub fn check_talk(&self, received_on: NaiveDate, talk_on: NaiveDate) -> Result<(), Refusal> {
        within(
            RuleId::TalkWithin,
            ("received", received_on),
            self.talk_within_months,
            ("talk", talk_on),
        )
    }

    /// Common practice (RULES §1): when an activist's next half-yearly review is due.
    pub fn activist_review_due(&self, last_review_or_activist_on: NaiveDate) -> NaiveDate {
        months_after(last_review_or_activist_on, self.activist_review_months)
    }

    /// School rule (RULES §1): when an activist's next 思想汇报 is due (quarterly by default).
    pub fn thought_report_due(&self, last_report_on: NaiveDate) -> NaiveDate {
        months_after(last_report_on, self.thought_report_months)
    }

    /// 细则 第十三条: the first day an activist may be listed as a 发展对象.
    pub fn target_eligible_from(&self, activist_on: NaiveDate) -> NaiveDate {
        months_after(activist_on, self.activist_min_months)
    }

    /// 细则 第十三条: an activist is cultivated for at least a year before becoming a 发展对象.
    pub fn check_target(
        &self,
        activist_on: NaiveDate,
        target_on: NaiveDate,
    ) -> Result<(), Refusal> {
        let eligible = self.target_eligible_from(activist_on);
        if target_on >= eligible {
            return Ok(());
        }
        Err(Refusal::new(RuleId::ActivistPeriod)
            .with("months", self.activist_min_months)
            .with("activist", activist_on)
            .with("eligible", eligible)
            .with("target", target_on))
    }

    /// 细则 第十七条: intensive training of at least 3 days *or* at least 24 class hours.
    pub fn check_training(&self, days: u32, hours: u32) -> Result<(), Refusal> {
        if days >= self.training_min_days || hours >= self.training_min_hours {
            return Ok(());
        }
        Err(Refusal::new(RuleId::Training)
            .with("min_days", self.training_min_days)
            .with("min_hours", self.training_min_hours)
            .with("days", days)
            .with("hours", hours))
    }

    /// School practice (RULES §1): the candidates are publicised from `start` to `end`, both days
    /// counted, for at least `publicity_days` calendar days, and the 支部大会 is held only after
    /// the last day (objections may arrive until its end). Both faults are reported.
    pub fn check_publicity(
        &self,
        start: NaiveDate,
        end: NaiveDate,
        meeting_on: NaiveDate,
    ) -> Result<(), Vec<Refusal>> {
        in_order(start, end).map_err(|r| vec![r])?;
        let mut refusals = Vec::new();
        let days = (end - start).num_days() + 1;
        if days < i64::from(self.publicity_days) {
            refusals.push(
                Refusal::new(RuleId::PublicityPeriod)
                    .with("min", self.publicity_days)
                    .with("start", start)
                    .with("end", end)
                    .with("days", days),
            );
        }
        if meeting_on <= end {
            refusals.push(
                Refusal::new(RuleId::PublicityBeforeMeeting)
                    .with("end", end)
                    .with("meeting", meeting_on),
            );
        }
        if refusals.is_empty() {
            Ok(())
        } else {
            Err(refusals)
        }
    }

    /// 细则 第十九条: whether the candidate leaves the unit (graduates) within
    /// `leaving_window_months` of the meeting, the last day included, or has already left.
    /// A flag rather than a refusal: the branch may still transfer the file.
    pub fn leaves_soon(&self, meeting_on: NaiveDate, leaving_on: NaiveDate) -> bool {
        leaving_on <= months_after(meeting_on, self.leaving_window_months)
    }

    /// The message to show when [`Self::leaves_soon`] is true.
    pub fn leaving_notice(&self, meeting_on: NaiveDate, leaving_on: NaiveDate) -> Option<Refusal> {
        self.leaves_soon(meeting_on, leaving_on).then(|| {
            Refusal::new(RuleId::LeavingWindow)
                .with("months", self.leaving_window_months)
                .with("meeting", meeting_on)
                .with("leaving", leaving_on)
        })
    }

    /// 细则: the last day for the higher committee's decision on admission.
    pub fn decision_due(&self, meeting_on: NaiveDate) -> NaiveDate {
        months_after(meeting_on, self.decision_within_months)
    }

    /// 细则: the higher committee decides within 3 months of the 支部大会.
    pub fn check_decision(
        &self,
        meeting_on: NaiveDate,
        decided_on: NaiveDate,
    ) -> Result<(), Refusal> {
        within(
            RuleId::DecisionWithin,
            ("meeting", meeting_on),
            self.decision_within_months,
            ("decided", decided_on),
        )
    }

    /// 细则: in special cases (e.g. the committee is being re-elected) the decision may take
    /// longer, but never more than 6 months. Whether the case is special is the caller's call.
    pub fn check_decision_special(
        &self,
        meeting_on: NaiveDate,
        decided_on: NaiveDate,
    ) -> Result<(), Refusal> {
        within(
            RuleId::DecisionWithin,
            ("meeting", meeting_on),
            self.decision_special_max_months,
            ("decided", decided_on),
        )
    }

    /// 党章 第七条: probation lasts a year from the day the 支部大会 passed the resolution; it
    /// ends on the anniversary, which is also the date of conversion.
    pub fn probation_ends(&self, meeting_on: NaiveDate) -> NaiveDate {
        months_after(meeting_on, self.probation_months)
    }

    /// 细则 第三十二条: probation may be extended once, by 6 to 12 months.
    pub fn check_extension(&self, months: u32, already_extended: bool) -> Result<(), Refusal> {
        if already_extended {
            return Err(Refusal::new(RuleId::ExtensionOnce));
        }
        if (self.extension_min_months..=self.extension_max_months).contains(&months) {
            return Ok(());
        }
        Err(Refusal::new(RuleId::ExtensionPeriod)
            .with("min", self.extension_min_months)
            .with("max", self.extension_max_months)
            .with("months", months))
    }

    /// 细则: the last day for the higher committee to approve conversion.
    pub fn conversion_due(&self, probation_end: NaiveDate) -> NaiveDate {
        months_after(probation_end, self.conversion_within_months)
    }

    /// Conversion is approved no earlier than the end of probation (党章 第七条) and within
    /// 3 months of it (细则). `probation_end` is the end after any extension.
    pub fn check_conversion(
        &self,
        probation_end: NaiveDate,
        approved_on: NaiveDate,
    ) -> Result<(), Refusal> {
        if approved_on < probation_end {
            return Err(Refusal::new(RuleId::ProbationPeriod)
                .with("end", probation_end)
                .with("approved", approved_on));
        }
        within(
            RuleId::ConversionWithin,
            ("end", probation_end),
            self.conversion_within_months,
            ("approved", approved_on),
        )
    }
}
