//! Recording one step of 发展团员 (RULES §5, 《中国共产主义青年团发展团员工作细则》2023):
//! which rules apply to which step, checked against what is already on the person's record.
//!
//! Periods count as in the Party pipeline: "within a month" of `d` ends on the same day a
//! month later (clamped to the month's end, 《民法典》第二百零二条), and "at least 3 months" is
//! reached on that day.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::{LeagueRule, LeagueSettings, LeagueStep, Refusal};
use crate::pipeline::{age_at, check_branch_vote, months_after};
use crate::text::compact;

/// 细则: exactly two 入团介绍人.
pub const INTRODUCERS: usize = 2;

/// The date of every League step already on a person's record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LeagueHistory(pub BTreeMap<LeagueStep, NaiveDate>);

impl LeagueHistory {
    pub fn date_of(&self, step: LeagueStep) -> Option<NaiveDate> {
        self.0.get(&step).copied()
    }

    /// The step to record next: the one after the furthest recorded, or the first.
    pub fn next_step(&self) -> Option<LeagueStep> {
        match self.0.keys().next_back() {
            Some(s) => s.next(),
            None => Some(LeagueStep::SubmitApplication),
        }
    }
}

/// One proposed 入团介绍人.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeagueIntroducer {
    pub league_member: bool,
    pub party_member: bool,
}

/// A 支部大会's attendance and vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeagueVote {
    pub entitled: u32,
    pub present: u32,
    pub yes: u32,
}

/// What the recorder states about the step; each step reads only what it needs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LeagueStepFacts {
    pub birth_date: Option<NaiveDate>,
    pub class_hours: Option<u32>,
    pub introducers: Vec<LeagueIntroducer>,
    pub vote: Option<LeagueVote>,
    /// The 发展团员编号 as typed.
    pub number: Option<String>,
}

/// What approval changes on the person: they are a 团员 from the 团委's approval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeagueMilestone {
    pub joined_on: NaiveDate,
}

/// Refuses `done` after the same day `months` later than `start`, or before `start`.
fn within(rule: LeagueRule, start: NaiveDate, months: u32, done: NaiveDate) -> Option<Refusal> {
    let due = months_after(start, months);
    (done > due).then(|| {
        Refusal::new(rule)
            .with("start", start)
            .with("months", months)
            .with("due", due)
            .with("on", done)
    })
}

impl LeagueSettings {
    /// 细则 (RULES §5): an applicant is 14 to 28 in full years on the day of application; both
    /// birthdays count ("以上…以下" include the number, 《民法典》第一千二百五十九条).
    pub fn check_application_age(&self, birth: NaiveDate, on: NaiveDate) -> Result<(), Refusal> {
        let age = age_at(birth, on);
        if (self.min_age_years..=self.max_age_years).contains(&age) {
            return Ok(());
        }
        Err(Refusal::new(LeagueRule::AgeRange)
            .with("min", self.min_age_years)
            .with("max", self.max_age_years)
            .with("on", on)
            .with("age", age))
    }

    /// 细则: the talk within a month of the application.
    pub fn check_talk(&self, applied: NaiveDate, talk: NaiveDate) -> Result<(), Refusal> {
        within(
            LeagueRule::TalkWithin,
            applied,
            self.talk_within_months,
            talk,
        )
        .map_or(Ok(()), Err)
    }

    /// 细则: the first day the training of an activist of `activist_on` may be complete.
    pub fn training_complete_from(&self, activist_on: NaiveDate) -> NaiveDate {
        months_after(activist_on, self.training_min_months)
    }

    /// 细则: at least 3 months of training with at least 8 class hours of 团课; both faults
    /// are reported.
    pub fn check_training(
        &self,
        activist_on: NaiveDate,
        done_on: NaiveDate,
        hours: u32,
    ) -> Vec<Refusal> {
        let mut out = Vec::new();
        let from = self.training_complete_from(activist_on);
        if done_on < from {
            out.push(
                Refusal::new(LeagueRule::TrainingPeriod)
                    .with("months", self.training_min_months)
                    .with("activist", activist_on)
                    .with("from", from)
                    .with("on", done_on),
            );
        }
        if hours < self.training_min_hours {
            out.push(
                Refusal::new(LeagueRule::TrainingHours)
                    .with("min", self.training_min_hours)
                    .with("hours", hours),
            );
        }
        out
    }

    /// 细则: the 发展团员编号 of someone approved on `approved_on`, normalised (full-width
    /// digits and spaces folded). Required from 2017-01-01. No official format is given in
    /// RULES, so only plausibility is checked: 6–30 ASCII letters, digits or hyphens with at
    /// least one digit.
    pub fn check_number(
        &self,
        raw: Option<&str>,
        approved_on: NaiveDate,
    ) -> Result<Option<String>, Refusal> {
        let number = raw.map(compact).filter(|s| !s.is_empty());
        let Some(n) = number else {
            if approved_on >= self.number_required_from {
                return Err(Refusal::new(LeagueRule::NumberRequired)
                    .with("from", self.number_required_from)
                    .with("on", approved_on));
            }
            return Ok(None);
        };
        let plausible = (6..=30).contains(&n.len())
            && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && n.chars().any(|c| c.is_ascii_digit());
        if plausible {
            Ok(Some(n.to_ascii_uppercase()))
        } else {
            Err(Refusal::new(LeagueRule::NumberFormat).with("value", n))
        }
    }
}

/// 细则: exactly two introducers, each a 团员 or a Party member; every fault is reported,
/// numbered from 1.
pub fn check_introducers(v: &[LeagueIntroducer]) -> Vec<Refusal> {
    let mut out = Vec::new();
    if v.len() != INTRODUCERS {
        out.push(
            Refusal::new(LeagueRule::Introducers)
                .with("count", v.len())
                .with("required", INTRODUCERS),
        );
    }
    for (i, who) in v.iter().enumerate() {
        if !who.league_member && !who.party_member {
            out.push(Refusal::new(LeagueRule::IntroducerNotMember).with("n", i + 1));
        }
    }
    out
}

/// 细则: the 支部大会 needs more than half of those entitled present and yes from more than
/// half of those entitled. The arithmetic is the Party's ([`check_branch_vote`]); only the
/// rule named differs.
pub fn check_meeting_vote(v: LeagueVote, quorum: LeagueRule) -> Result<(), Refusal> {
    use crate::pipeline::RuleId;
    check_branch_vote(v.entitled, v.present, v.yes).map_err(|r| {
        let rule = match r.rule {
            RuleId::BranchQuorum => quorum,
            RuleId::BranchMajority => LeagueRule::MeetingMajority,
            _ => LeagueRule::VoteTally,
        };
        Refusal { rule, args: r.args }
    })
}

impl LeagueSettings {
    /// Checks recording `step` with `facts` on `on` on top of `history`: steps in order, dates
    /// never backwards, and the step's own rules.
    pub fn check_step(
        &self,
        step: LeagueStep,
        history: &LeagueHistory,
        on: NaiveDate,
        facts: &LeagueStepFacts,
    ) -> Vec<Refusal> {
        let mut out = Vec::new();
        if let Some(previous) = step.previous() {
            match history.date_of(previous) {
                None => out.push(
                    Refusal::new(LeagueRule::StepOrder)
                        .with("previous", previous.number())
                        .with("step", step.number()),
                ),
                Some(earlier) if on < earlier => out.push(
                    Refusal::new(LeagueRule::DateOrder)
                        .with("earlier", earlier)
                        .with("later", on),
                ),
                Some(_) => {}
            }
        }
        match step {
            LeagueStep::SubmitApplication => {
                if let Some(birth) = facts.birth_date {
                    out.extend(self.check_application_age(birth, on).err());
                }
            }
            LeagueStep::ApplicationTalk => {
                if let Some(applied) = history.date_of(LeagueStep::SubmitApplication) {
                    out.extend(self.check_talk(applied, on).err());
                }
            }
            LeagueStep::Training => {
                if let Some(activist) = history.date_of(LeagueStep::DecideActivist) {
                    out.extend(self.check_training(activist, on, facts.class_hours.unwrap_or(0)));
                }
            }
            LeagueStep::AssignIntroducers => out.extend(check_introducers(&facts.introducers)),
            LeagueStep::BranchMeeting => {
                if let Some(v) = facts.vote {
                    out.extend(check_meeting_vote(v, LeagueRule::MeetingQuorum).err());
                }
            }
            LeagueStep::Approval => {
                out.extend(self.check_number(facts.number.as_deref(), on).err());
            }
            _ => {}
        }
        out
    }

    /// The deadline the rules set for recording `step` next: the talk a month after the
    /// application; the training complete no earlier than 3 months after the activist decision.
    pub fn due_date(&self, step: LeagueStep, history: &LeagueHistory) -> Option<NaiveDate> {
        match step {
            LeagueStep::ApplicationTalk => history
                .date_of(LeagueStep::SubmitApplication)
                .map(|d| months_after(d, self.talk_within_months)),
            LeagueStep::Training => history
                .date_of(LeagueStep::DecideActivist)
                .map(|d| self.training_complete_from(d)),
            _ => None,
        }
    }
}

impl LeagueStep {
    /// What must be stated to record this step, beyond its date (catalogue keys of the fields).
    pub fn needs(self) -> &'static [&'static str] {
        match self {
            LeagueStep::SubmitApplication => &["field.birth_date"],
            LeagueStep::Training => &["field.class_hours"],
            LeagueStep::AssignIntroducers => &["field.league_introducers"],
            LeagueStep::BranchMeeting => &["field.vote"],
            _ => &[],
        }
    }

    /// Approval makes the person a 团员; 团龄 counts from the 团委's approval (细则).
    pub fn milestone(self, on: NaiveDate) -> Option<LeagueMilestone> {
        (self == LeagueStep::Approval).then_some(LeagueMilestone { joined_on: on })
    }
}
