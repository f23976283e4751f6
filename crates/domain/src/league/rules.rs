//! What each League rule is called, where it comes from, and how a refusal under it is reported.
//!
//! RULES §5 names the regulations but gives no article numbers for these rules, so no citation
//! here carries one: a wrong article shown to a 团支部书记 is worse than none.

use serde::Serialize;

use crate::pipeline::Citation;

/// 《中国共产主义青年团发展团员工作细则》(共青团中央, 2023).
const XIZE: &str = "《中国共产主义青年团发展团员工作细则》";
/// 推优入党 has no single national text; RULES §5 gives the common school rules as defaults.
const SCHOOL: &str = "学校推优入党办法";
const NO_ARTICLE: &str = "—";

coded! {
    /// Every rule of 发展团员 and 推优入党 a check can refuse under.
    LeagueRule, "league.rule.", 18 {
        /// An applicant is 14 to 28 on the day of application.
        AgeRange = "age_range",
        /// The League organisation talks to an applicant within a month of the application.
        TalkWithin = "talk_within",
        /// An activist is trained for at least 3 months before the training is complete.
        TrainingPeriod = "training_period",
        /// …with at least 8 class hours of 团课.
        TrainingHours = "training_hours",
        /// Exactly two introducers.
        Introducers = "introducers",
        /// An introducer is a 团员 or a Party member.
        IntroducerNotMember = "introducer_not_member",
        /// More than half of those entitled attend the 支部大会.
        MeetingQuorum = "meeting_quorum",
        /// More than half of those entitled vote yes.
        MeetingMajority = "meeting_majority",
        /// present ≤ entitled and yes ≤ present.
        VoteTally = "vote_tally",
        /// A 发展团员编号 is required for people joining on or after 2017-01-01.
        NumberRequired = "number_required",
        /// A 发展团员编号 looks like one (digits, plausible length).
        NumberFormat = "number_format",
        /// Dates do not run backwards.
        DateOrder = "date_order",
        /// Steps are recorded in order.
        StepOrder = "step_order",
        /// A candidate for 推优 is at least 18 on the meeting date.
        RecommendAge = "recommend_age",
        /// …has been a 团员 for at least a year.
        RecommendLeagueAge = "recommend_league_age",
        /// …applied to the Party at least 6 months earlier.
        RecommendApplied = "recommend_applied",
        /// More than half of those entitled attend the 推优大会.
        RecommendQuorum = "recommend_quorum",
        /// No more candidates pass than the quota allows.
        RecommendQuota = "recommend_quota",
    }
}

impl LeagueRule {
    /// Where the rule comes from.
    pub fn citation(self) -> Citation {
        use LeagueRule::*;
        let source = match self {
            RecommendAge | RecommendLeagueAge | RecommendApplied | RecommendQuorum
            | RecommendQuota => SCHOOL,
            _ => XIZE,
        };
        Citation {
            source,
            article: NO_ARTICLE,
        }
    }
}

/// A League check said no: which rule, and the values its message needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{}", .rule.key())]
pub struct Refusal {
    pub rule: LeagueRule,
    /// Named values substituted into the message; dates are ISO `YYYY-MM-DD`.
    pub args: Vec<(&'static str, String)>,
}

impl Refusal {
    pub fn new(rule: LeagueRule) -> Self {
        Self {
            rule,
            args: Vec::new(),
        }
    }

    pub fn with(mut self, name: &'static str, value: impl ToString) -> Self {
        self.args.push((name, value.to_string()));
        self
    }

    /// Catalogue key of the message, `league.rule.<code>`.
    pub fn key(&self) -> &'static str {
        self.rule.key()
    }

    pub fn arg(&self, name: &str) -> Option<&str> {
        self.args
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}
