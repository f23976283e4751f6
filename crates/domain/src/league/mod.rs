//! The League side of issue #3 (RULES §5): the 发展团员 steps of
//! 《中国共产主义青年团发展团员工作细则》(2023) with their checks, and 推优入党 — who may be
//! recommended to the Party, the 推优大会's quorum, majority and quota, and how long a
//! recommendation stays valid.
//!
//! Like the Party pipeline ([`crate::pipeline`]) everything here is a pure function of dates and
//! counts returning `Ok` or a [`Refusal`] whose catalogue key `league.rule.<code>` names the rule
//! and its source. Numbers live in [`LeagueSettings`], whose `Default` is the national value or,
//! for 推优 where schools differ, the default RULES §5 gives.

mod recommend;
mod record;
mod rules;
mod settings;
mod steps;

#[cfg(test)]
mod tests;

pub use recommend::{Candidate, CandidateVerdict, Recommendation, is_league_member};
pub use record::{LeagueHistory, LeagueIntroducer, LeagueMilestone, LeagueStepFacts, LeagueVote};
pub use rules::{LeagueRule, Refusal};
pub use settings::LeagueSettings;
pub use steps::LeagueStep;
