//! What each rule is called, where it comes from, and how a refusal under it is reported.
//!
//! Article numbers are those RULES §1 gives. Where RULES names a regulation but no article, the
//! article is "—": a wrong article number shown to a Party secretary is worse than none.

use std::fmt;
use std::ops::RangeInclusive;

use serde::Serialize;

/// 《中国共产党发展党员工作细则》(中共中央办公厅, 2014).
const XIZE: &str = "《中国共产党发展党员工作细则》";
/// 《中国共产党章程》.
const DANGZHANG: &str = "《中国共产党章程》";
/// Not a national rule: RULES §1 calls the 公示 "school practice (5–7 days, configurable)".
const SCHOOL: &str = "学校惯例";
/// Marks a citation whose article RULES does not give.
const NO_ARTICLE: &str = "—";

/// 细则 (RULES §1 stage 2): one or two 正式党员 are named 培养联系人 of an activist.
/// National, so not a school setting.
pub const CULTIVATORS: RangeInclusive<usize> = 1..=2;

/// 细则 第十四条 and 党章 第五条: exactly two 正式党员 introduce a candidate. National, so not a
/// school setting.
pub const INTRODUCERS: usize = 2;

/// Where a rule comes from: a regulation and, where known, its article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Citation {
    /// The regulation's title with its 书名号, e.g. `《中国共产党章程》`.
    pub source: &'static str,
    /// The article in Chinese numerals (`第十三条`), or `—` when RULES gives none.
    pub article: &'static str,
}

impl Citation {
    const fn of(source: &'static str, article: &'static str) -> Self {
        Self { source, article }
    }

    /// Whether the article is known (not `—`).
    pub fn has_article(&self) -> bool {
        self.article != NO_ARTICLE
    }
}

/// `《中国共产党章程》第七条`, or just the title when the article is not known.
impl fmt::Display for Citation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.has_article() {
            write!(f, "{}{}", self.source, self.article)
        } else {
            f.write_str(self.source)
        }
    }
}

coded! {
    /// Every rule of the pipeline a check can refuse under (or flag, for [`RuleId::LeavingWindow`]).
    RuleId, "pipeline.rule.", 22 {
        /// An applicant is at least 18 on the day of application.
        MinAge = "min_age",
        /// The Party organisation talks to an applicant within a month of receiving the application.
        TalkWithin = "talk_within",
        /// An activist is cultivated for at least a year before becoming a 发展对象.
        ActivistPeriod = "activist_period",
        /// One or two 正式党员 are 培养联系人.
        Cultivators = "cultivators",
        /// Exactly two introducers.
        Introducers = "introducers",
        /// An introducer is a 正式党员 (not a 预备党员).
        IntroducerNotFullMember = "introducer_not_full_member",
        /// A member under 留党察看 whose rights are not restored may not introduce.
        IntroducerUnderDiscipline = "introducer_under_discipline",
        /// Intensive training of at least 3 days or 24 class hours.
        Training = "training",
        /// The candidates are publicised for a number of days.
        PublicityPeriod = "publicity_period",
        /// The 支部大会 is held only after the publicity period has ended.
        PublicityBeforeMeeting = "publicity_before_meeting",
        /// A candidate leaving the unit within 3 months is not processed (a flag, not a refusal).
        LeavingWindow = "leaving_window",
        /// More than half of the members with voting rights attend the 支部大会.
        BranchQuorum = "branch_quorum",
        /// More than half of those entitled to vote say yes.
        BranchMajority = "branch_majority",
        /// The counts of a vote are consistent (present ≤ entitled, yes ≤ present).
        VoteTally = "vote_tally",
        /// The higher Party committee decides within 3 months (6 in special cases).
        DecisionWithin = "decision_within",
        /// Probation lasts a year from the 支部大会; conversion is not approved before it ends.
        ProbationPeriod = "probation_period",
        /// An extension of probation lasts 6 to 12 months.
        ExtensionPeriod = "extension_period",
        /// Probation is extended at most once.
        ExtensionOnce = "extension_once",
        /// Conversion is approved within 3 months of the end of probation.
        ConversionWithin = "conversion_within",
        /// The steps happen in order: a later step's date is not before an earlier one's.
        DateOrder = "date_order",
        /// A step is recorded only after the one before it.
        StepOrder = "step_order",
        /// A 团员 under 28 becomes an activist through the League's 推优 (a valid recommendation
        /// the Party branch accepted).
        LeagueRecommendation = "league_recommendation",
    }
}

impl RuleId {
    /// Where the rule comes from; the first citation is the main one.
    pub fn citations(self) -> &'static [Citation] {
        use RuleId::*;
        const MIN_AGE: &[Citation] = &[
            Citation::of(DANGZHANG, "第一条"),
            Citation::of(XIZE, "第五条"),
        ];
        const XIZE_ONLY: &[Citation] = &[Citation::of(XIZE, NO_ARTICLE)];
        const ART_13: &[Citation] = &[Citation::of(XIZE, "第十三条")];
        const ART_14: &[Citation] = &[Citation::of(XIZE, "第十四条")];
        const ART_17: &[Citation] = &[Citation::of(XIZE, "第十七条")];
        const ART_19: &[Citation] = &[Citation::of(XIZE, "第十九条")];
        const ART_32: &[Citation] = &[Citation::of(XIZE, "第三十二条")];
        const CHARTER_7: &[Citation] = &[Citation::of(DANGZHANG, "第七条")];
        const SCHOOL_ONLY: &[Citation] = &[Citation::of(SCHOOL, NO_ARTICLE)];
        match self {
            MinAge => MIN_AGE,
            ActivistPeriod => ART_13,
            Introducers | IntroducerNotFullMember | IntroducerUnderDiscipline => ART_14,
            Training => ART_17,
            LeavingWindow => ART_19,
            ProbationPeriod => CHARTER_7,
            ExtensionPeriod | ExtensionOnce => ART_32,
            PublicityPeriod | PublicityBeforeMeeting => SCHOOL_ONLY,
            TalkWithin | Cultivators | BranchQuorum | BranchMajority | VoteTally
            | DecisionWithin | ConversionWithin | DateOrder | StepOrder | LeagueRecommendation => {
                XIZE_ONLY
            }
        }
    }

    /// The main citation.
    pub fn citation(self) -> Citation {
        // Every rule has at least one citation (a test checks it); the fallback is never used.
        self.citations()
            .first()
            .copied()
            .unwrap_or(Citation::of(XIZE, NO_ARTICLE))
    }
}

/// A check said no: which rule, and the values its message needs (`{min}`, `{due}`…).
///
/// Like [`crate::error::FieldError`] it carries keys, not prose: the catalogue key
/// [`Refusal::key`] renders it in Chinese or English with the article cited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{}", .rule.key())]
pub struct Refusal {
    pub rule: RuleId,
    /// Named values substituted into the message; dates are ISO `YYYY-MM-DD`.
    pub args: Vec<(&'static str, String)>,
}

impl Refusal {
    pub fn new(rule: RuleId) -> Self {
        Self {
            rule,
            args: Vec::new(),
        }
    }

    pub fn with(mut self, name: &'static str, value: impl ToString) -> Self {
        self.args.push((name, value.to_string()));
        self
    }

    /// Catalogue key of the message, `pipeline.rule.<code>`.
    pub fn key(&self) -> &'static str {
        self.rule.key()
    }

    /// The value of the named argument, if the check supplied one.
    pub fn arg(&self, name: &str) -> Option<&str> {
        self.args
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}
