//! 推优入党 (RULES §5; school rules vary, these are the defaults): who may be recommended on the
//! day of the 推优大会, the meeting's quorum and majority, the quota, and how long a
//! recommendation stays valid.
//!
//! The quota is the branch's members times the percentage, rounded down: "不超过 20 %" caps the
//! count, so 9 members × 20 % = 1.8 allows 1, and a branch under 5 members allows none unless
//! the school sets `recommend_quota_minimum`. Rounding up would let 2 of 9 (22 %) through.

use chrono::NaiveDate;

use super::record::check_meeting_vote;
use super::{LeagueRule, LeagueSettings, LeagueVote, Refusal};
use crate::people::PoliticalStatus;
use crate::pipeline::{age_at, months_after};

/// Whether someone counts as a 团员: their status says so, or they are further along the Party
/// pipeline (applicant to 发展对象) with a date of joining the League — the status field holds
/// only the furthest of the two memberships.
pub fn is_league_member(status: PoliticalStatus, league_joined_on: Option<NaiveDate>) -> bool {
    status == PoliticalStatus::LeagueMember
        || (league_joined_on.is_some()
            && (PoliticalStatus::PartyApplicant..=PoliticalStatus::DevelopmentTarget)
                .contains(&status))
}

/// One candidate voted on at a 推优大会.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    pub birth_date: NaiveDate,
    pub league_joined_on: NaiveDate,
    pub party_applied_on: NaiveDate,
    pub yes: u32,
}

/// The outcome for one candidate of a meeting that the rules allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CandidateVerdict {
    /// More than half of those entitled said yes: recommended.
    pub passed: bool,
}

/// A recommendation and the last day it may serve as the basis for 积极分子.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recommendation {
    pub on: NaiveDate,
    pub expires: NaiveDate,
}

impl Recommendation {
    /// Valid from the meeting to its expiry, both days included.
    pub fn valid_on(&self, d: NaiveDate) -> bool {
        (self.on..=self.expires).contains(&d)
    }
}

impl LeagueSettings {
    /// A recommendation made at a 推优大会 on `on`, valid for two years by default: to the
    /// same day two years later (clamped to the month's end).
    pub fn recommendation(&self, on: NaiveDate) -> Recommendation {
        Recommendation {
            on,
            expires: months_after(on, self.recommendation_valid_months),
        }
    }

    /// How many of `members` may be recommended at one meeting: the percentage rounded down,
    /// but at least the school's minimum (and never more than the members).
    pub fn quota(&self, members: u32) -> u32 {
        let share = u64::from(members) * u64::from(self.recommend_quota_percent) / 100;
        let share = u32::try_from(share).unwrap_or(u32::MAX);
        share.max(self.recommend_quota_minimum).min(members)
    }

    /// Whether the candidate may be recommended on `on`: at least 18, a 团员 for a year, and
    /// applied to the Party 6 months before. Every fault is reported; the anniversary counts.
    pub fn check_candidate(&self, c: &Candidate, on: NaiveDate) -> Vec<Refusal> {
        let mut out = Vec::new();
        let age = age_at(c.birth_date, on);
        if age < self.recommend_min_age_years {
            out.push(
                Refusal::new(LeagueRule::RecommendAge)
                    .with("min", self.recommend_min_age_years)
                    .with("age", age)
                    .with("on", on),
            );
        }
        let league_from = months_after(c.league_joined_on, self.recommend_min_league_months);
        if on < league_from {
            out.push(
                Refusal::new(LeagueRule::RecommendLeagueAge)
                    .with("months", self.recommend_min_league_months)
                    .with("joined", c.league_joined_on)
                    .with("from", league_from),
            );
        }
        let applied_from = months_after(c.party_applied_on, self.recommend_min_applied_months);
        if on < applied_from {
            out.push(
                Refusal::new(LeagueRule::RecommendApplied)
                    .with("months", self.recommend_min_applied_months)
                    .with("applied", c.party_applied_on)
                    .with("from", applied_from),
            );
        }
        out
    }

    /// Checks a whole 推优大会 held on `on` by a branch of `members`: the counts add up, more
    /// than half of those entitled attend, every candidate is eligible, and no more pass than
    /// the quota. Refusals about one candidate carry `n`, their place in `candidates` from 1.
    /// A candidate without a majority is not a fault: the vote happened and they were not
    /// recommended.
    pub fn check_recommendation_meeting(
        &self,
        on: NaiveDate,
        (entitled, present, members): (u32, u32, u32),
        candidates: &[Candidate],
    ) -> Result<Vec<CandidateVerdict>, Vec<Refusal>> {
        let mut out = Vec::new();
        let quorum = LeagueVote {
            entitled,
            present,
            yes: present,
        };
        if let Err(r) = check_meeting_vote(quorum, LeagueRule::RecommendQuorum) {
            // With everyone present voting yes, the only faults left are the tally and the
            // quorum; each candidate's majority is their own verdict below.
            out.push(r);
        }
        for (i, c) in candidates.iter().enumerate() {
            if c.yes > present {
                out.push(
                    Refusal::new(LeagueRule::VoteTally)
                        .with("entitled", entitled)
                        .with("present", present)
                        .with("yes", c.yes)
                        .with("n", i + 1),
                );
            }
            out.extend(
                self.check_candidate(c, on)
                    .into_iter()
                    .map(|r| r.with("n", i + 1)),
            );
        }
        let verdicts: Vec<CandidateVerdict> = candidates
            .iter()
            .map(|c| CandidateVerdict {
                passed: 2 * u64::from(c.yes) > u64::from(entitled),
            })
            .collect();
        let passed = verdicts.iter().filter(|v| v.passed).count();
        let quota = self.quota(members);
        if passed > quota as usize {
            out.push(
                Refusal::new(LeagueRule::RecommendQuota)
                    .with("percent", self.recommend_quota_percent)
                    .with("members", members)
                    .with("quota", quota)
                    .with("passed", passed),
            );
        }
        if out.is_empty() {
            Ok(verdicts)
        } else {
            Err(out)
        }
    }
}
