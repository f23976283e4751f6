//! Recording one step: which rules apply to which step, checked against what is already on the
//! person's record. The caller refuses with the result, or records an administrator's override
//! with a written reason.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::checks::{Introducer, check_branch_vote, check_cultivators, check_introducers};
use super::{PipelineSettings, Refusal, RuleId, Step};
use crate::league::Recommendation;
use crate::people::PoliticalStatus;

/// The date of every step already on a person's record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History(pub BTreeMap<Step, NaiveDate>);

impl History {
    pub fn date_of(&self, step: Step) -> Option<NaiveDate> {
        self.0.get(&step).copied()
    }

    /// The furthest step recorded.
    pub fn last(&self) -> Option<(Step, NaiveDate)> {
        self.0.iter().next_back().map(|(s, d)| (*s, *d))
    }

    /// The step to record next: the one after the furthest recorded, or the first.
    pub fn next_step(&self) -> Option<Step> {
        match self.last() {
            Some((s, _)) => s.next(),
            None => Some(Step::SubmitApplication),
        }
    }
}

/// A 支部大会's recorded attendance and vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Vote {
    /// Members with voting rights.
    pub entitled: u32,
    pub present: u32,
    pub yes: u32,
}

/// Something a step's rules need the recorder to state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fact {
    /// The person's birth date (from their record), for the age at application.
    BirthDate,
    Cultivators,
    Introducers,
    Training,
    Vote,
}

impl Fact {
    /// Catalogue key of the field the fact is entered in.
    pub fn field(self) -> &'static str {
        match self {
            Fact::BirthDate => "field.birth_date",
            Fact::Cultivators => "field.cultivators",
            Fact::Introducers => "field.introducers",
            Fact::Training => "field.training",
            Fact::Vote => "field.vote",
        }
    }
}

impl Step {
    /// What must be stated to record this step, beyond its date.
    pub fn needs(self) -> &'static [Fact] {
        match self {
            Step::SubmitApplication => &[Fact::BirthDate],
            Step::AssignCultivators => &[Fact::Cultivators],
            Step::AssignIntroducers => &[Fact::Introducers],
            Step::IntensiveTraining => &[Fact::Training],
            Step::AdmissionMeeting | Step::ConversionMeeting => &[Fact::Vote],
            _ => &[],
        }
    }
}

/// What the recorder states about the step. Only the facts the step [`Step::needs`] are read;
/// the caller makes sure those are present.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepFacts {
    pub on: NaiveDate,
    pub birth_date: Option<NaiveDate>,
    pub cultivators: usize,
    pub introducers: Vec<Introducer>,
    pub training_days: u32,
    pub training_hours: u32,
    pub vote: Option<Vote>,
    /// The 公示 period before an admission 支部大会, when one was held.
    pub publicity: Option<(NaiveDate, NaiveDate)>,
    /// When the candidate leaves the school (graduation), if known.
    pub leaving_on: Option<NaiveDate>,
    /// Whether the person is a 团员 (see [`crate::league::is_league_member`]).
    pub league_member: bool,
    /// The person's latest 推优 recommendation that their Party branch accepted.
    pub recommendation: Option<Recommendation>,
}

impl StepFacts {
    /// A step on `on` with nothing else stated.
    pub fn on(on: NaiveDate) -> Self {
        Self {
            on,
            birth_date: None,
            cultivators: 0,
            introducers: Vec::new(),
            training_days: 0,
            training_hours: 0,
            vote: None,
            publicity: None,
            leaving_on: None,
            league_member: false,
            recommendation: None,
        }
    }
}

/// The verdict on recording a step.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Checked {
    /// Rules the step breaks: it is refused unless an administrator overrides with a reason.
    pub refusals: Vec<Refusal>,
    /// Things to flag without refusing (a candidate leaving within 3 months, 细则 第十九条).
    pub notices: Vec<Refusal>,
}

impl Checked {
    pub fn is_clear(&self) -> bool {
        self.refusals.is_empty()
    }
}

impl PipelineSettings {
    /// Checks recording `step` with `facts` on top of `history`: the steps go in order, dates
    /// never run backwards, and the step's own rules (RULES §1) hold.
    pub fn check_step(&self, step: Step, history: &History, facts: &StepFacts) -> Checked {
        let mut out = Checked::default();
        let on = facts.on;
        if let Some(previous) = Step::from_number(step.number().saturating_sub(1)) {
            match history.date_of(previous) {
                None => out.refusals.push(
                    Refusal::new(RuleId::StepOrder)
                        .with("previous", previous.number())
                        .with("step", step.number()),
                ),
                Some(earlier) if on < earlier => out.refusals.push(
                    Refusal::new(RuleId::DateOrder)
                        .with("earlier", earlier)
                        .with("later", on),
                ),
                Some(_) => {}
            }
        }
        let mut one = |r: Result<(), Refusal>| {
            if let Err(r) = r {
                out.refusals.push(r);
            }
        };
        match step {
            Step::SubmitApplication => {
                if let Some(birth) = facts.birth_date {
                    one(self.check_application_age(birth, on));
                }
            }
            Step::ApplicationTalk => {
                if let Some(received) = history.date_of(Step::SubmitApplication) {
                    one(self.check_talk(received, on));
                }
            }
            Step::RecommendActivist => one(self.check_league_recommendation(facts)),
            Step::AssignCultivators => one(check_cultivators(facts.cultivators)),
            Step::DetermineTarget => {
                if let Some(activist) = history.date_of(Step::RecommendActivist) {
                    one(self.check_target(activist, on));
                }
            }
            Step::AssignIntroducers => {
                if let Err(v) = check_introducers(&facts.introducers) {
                    out.refusals.extend(v);
                }
            }
            Step::IntensiveTraining => {
                one(self.check_training(facts.training_days, facts.training_hours));
            }
            Step::AdmissionMeeting => {
                if let Some(v) = facts.vote {
                    one(check_branch_vote(v.entitled, v.present, v.yes));
                }
                if let Some((start, end)) = facts.publicity
                    && let Err(v) = self.check_publicity(start, end, on)
                {
                    out.refusals.extend(v);
                }
                if let Some(leaving) = facts.leaving_on {
                    out.notices.extend(self.leaving_notice(on, leaving));
                }
            }
            Step::ConversionMeeting => {
                if let Some(v) = facts.vote {
                    one(check_branch_vote(v.entitled, v.present, v.yes));
                }
            }
            Step::AdmissionApproval => {
                if let Some(meeting) = history.date_of(Step::AdmissionMeeting) {
                    one(self.check_decision(meeting, on));
                }
            }
            Step::ConversionApproval => {
                if let Some(meeting) = history.date_of(Step::AdmissionMeeting) {
                    one(self.check_conversion(self.probation_ends(meeting), on));
                }
            }
            _ => {}
        }
        out
    }
}

impl PipelineSettings {
    /// The deadline, or earliest day, the rules set for recording `step` after `history`: the
    /// talk is due a month after the application, a 发展对象 is eligible a year after becoming
    /// an activist, the higher committee decides within 3 months of the 支部大会.
    pub fn due_date(&self, step: Step, history: &History) -> Option<NaiveDate> {
        match step {
            Step::ApplicationTalk => history
                .date_of(Step::SubmitApplication)
                .map(|d| self.talk_due(d)),
            Step::DetermineTarget => history
                .date_of(Step::RecommendActivist)
                .map(|d| self.target_eligible_from(d)),
            Step::AdmissionApproval => history
                .date_of(Step::AdmissionMeeting)
                .map(|d| self.decision_due(d)),
            _ => None,
        }
    }
}

/// Which date on the person's record a milestone sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateField {
    PartyApplied,
    Activist,
    Target,
    PartyJoined,
    Confirmed,
}

/// What a step changes on the person's record: their political status and one of its dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Milestone {
    pub status: PoliticalStatus,
    pub field: DateField,
    pub date: NaiveDate,
}

impl PipelineSettings {
    /// The milestone recording `step` on `on` reaches, if any. A 预备党员 counts from the
    /// 支部大会 that admitted them (党章 第七条), a 正式党员 from the end of probation, not from
    /// the day either was approved.
    pub fn milestone(&self, step: Step, history: &History, on: NaiveDate) -> Option<Milestone> {
        let admitted = history.date_of(Step::AdmissionMeeting);
        let (status, field, date) = match step {
            Step::SubmitApplication => {
                (PoliticalStatus::PartyApplicant, DateField::PartyApplied, on)
            }
            Step::RecommendActivist => (PoliticalStatus::PartyActivist, DateField::Activist, on),
            Step::DetermineTarget => (PoliticalStatus::DevelopmentTarget, DateField::Target, on),
            Step::AdmissionApproval => (
                PoliticalStatus::ProbationaryMember,
                DateField::PartyJoined,
                admitted.unwrap_or(on),
            ),
            Step::ConversionApproval => (
                PoliticalStatus::PartyMember,
                DateField::Confirmed,
                admitted.map_or(on, |m| self.probation_ends(m)),
            ),
            _ => return None,
        };
        Some(Milestone {
            status,
            field,
            date,
        })
    }
}
