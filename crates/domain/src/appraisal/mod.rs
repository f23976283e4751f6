//! 民主评议党员 and 团员教育评议: the yearly appraisal of every member of a branch, its phases and
//! grades, and the rules on how many may be 优秀 and how many must take part.
//!
//! Order (RULES.md §4): 个人自评 → 党员互评 → 民主测评 → 支委会 or 大会 decides the grades, weighing
//! daily performance (not by vote count alone) → results published to the branch.

use serde::Serialize;

use crate::org::Tree;

/// The four grades, best first (RULES.md §4, §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Grade {
    /// 优秀
    Excellent,
    /// 合格
    Qualified,
    /// 基本合格
    BasicallyQualified,
    /// 不合格
    Unqualified,
}

impl Grade {
    pub const ALL: [Grade; 4] = [
        Self::Excellent,
        Self::Qualified,
        Self::BasicallyQualified,
        Self::Unqualified,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Self::Excellent => "excellent",
            Self::Qualified => "qualified",
            Self::BasicallyQualified => "basically_qualified",
            Self::Unqualified => "unqualified",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.code() == s)
    }
    pub fn key(self) -> String {
        format!("appraisal.grade.{}", self.code())
    }
}

/// Where a campaign is. Each phase accepts only its own kind of input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// 个人自评: each member writes a self-assessment.
    SelfAssessment,
    /// 互评 and 民主测评: each member grades every other member, anonymously.
    MutualAssessment,
    /// The committee decides the grades, seeing the tallies.
    Deciding,
    /// Grades are published to the branch; nothing changes any more.
    Published,
}

impl Phase {
    pub const ALL: [Phase; 4] = [
        Self::SelfAssessment,
        Self::MutualAssessment,
        Self::Deciding,
        Self::Published,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Self::SelfAssessment => "self_assessment",
            Self::MutualAssessment => "mutual_assessment",
            Self::Deciding => "deciding",
            Self::Published => "published",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == s)
    }
    pub fn key(self) -> String {
        format!("appraisal.phase.{}", self.code())
    }
    /// The phase after this one; publishing is its own action, so `Deciding` has none here.
    pub fn next(self) -> Option<Phase> {
        match self {
            Self::SelfAssessment => Some(Self::MutualAssessment),
            Self::MutualAssessment => Some(Self::Deciding),
            Self::Deciding | Self::Published => None,
        }
    }
}

/// The most members of a branch of `members` who may be graded 优秀.
///
/// Party: at most ⅓ of the members appraised (RULES.md §4, 民主评议党员: 优秀 at most ⅓).
/// League: at most 30 % (RULES.md §5, 团员教育评议 under 中青发〔2017〕5号: 优秀 ≤ 30 %).
/// Rounded down: a share may not be exceeded by rounding.
pub fn max_excellent(tree: Tree, members: u64) -> u64 {
    match tree {
        Tree::Party => members / 3,
        Tree::League => members * 3 / 10,
    }
}

/// The cap on 优秀 exceeded: how many were given and how many are allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{given} graded excellent, at most {max} allowed")]
pub struct CapExceeded {
    pub given: u64,
    pub max: u64,
}

/// Checks a whole set of decisions against [`max_excellent`].
pub fn check_excellent_cap(tree: Tree, members: u64, excellent: u64) -> Result<(), CapExceeded> {
    let max = max_excellent(tree, members);
    if excellent > max {
        Err(CapExceeded {
            given: excellent,
            max,
        })
    } else {
        Ok(())
    }
}

/// 团员教育评议 is valid only when more than ⅔ of the League members took part (RULES.md §5:
/// "团员教育评议 yearly — grades as above, 优秀 ≤ 30 %, attendance > ⅔", 中青发〔2017〕5号).
/// Party branches have no such rule in RULES.md §4, so they always pass.
pub fn attendance_sufficient(tree: Tree, took_part: u64, members: u64) -> bool {
    match tree {
        Tree::Party => true,
        Tree::League => took_part * 3 > members * 2,
    }
}

/// The least number taking part that satisfies [`attendance_sufficient`] (for messages).
pub fn attendance_needed(tree: Tree, members: u64) -> u64 {
    match tree {
        Tree::Party => 0,
        Tree::League => members * 2 / 3 + 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exactly_a_third_may_be_excellent_in_a_party_branch() {
        assert_eq!(max_excellent(Tree::Party, 9), 3);
        assert!(check_excellent_cap(Tree::Party, 9, 3).is_ok());
        assert_eq!(
            check_excellent_cap(Tree::Party, 9, 4),
            Err(CapExceeded { given: 4, max: 3 })
        );
        // 10 members: ⅓ is 3.33, so 3 and not 4.
        assert_eq!(max_excellent(Tree::Party, 10), 3);
        assert_eq!(max_excellent(Tree::Party, 2), 0);
    }

    #[test]
    fn exactly_thirty_percent_may_be_excellent_in_a_league_branch() {
        assert_eq!(max_excellent(Tree::League, 10), 3);
        assert!(check_excellent_cap(Tree::League, 10, 3).is_ok());
        assert!(check_excellent_cap(Tree::League, 10, 4).is_err());
        // 9 members: 30 % is 2.7, so 2; ⅓ would have allowed 3.
        assert_eq!(max_excellent(Tree::League, 9), 2);
        assert!(check_excellent_cap(Tree::League, 9, 3).is_err());
        assert_eq!(max_excellent(Tree::League, 3), 0);
    }

    #[test]
    fn league_attendance_must_be_more_than_two_thirds() {
        assert!(!attendance_sufficient(Tree::League, 2, 3));
        assert!(attendance_sufficient(Tree::League, 3, 3));
        assert!(!attendance_sufficient(Tree::League, 20, 30));
        assert!(attendance_sufficient(Tree::League, 21, 30));
        assert_eq!(attendance_needed(Tree::League, 30), 21);
        assert_eq!(attendance_needed(Tree::League, 3), 3);
        assert!(attendance_sufficient(Tree::Party, 0, 3));
    }

    #[test]
    fn phases_advance_in_the_order_of_the_regulation() {
        assert_eq!(Phase::SelfAssessment.next(), Some(Phase::MutualAssessment));
        assert_eq!(Phase::MutualAssessment.next(), Some(Phase::Deciding));
        assert_eq!(Phase::Deciding.next(), None);
        assert_eq!(
            Grade::from_code("basically_qualified"),
            Some(Grade::BasicallyQualified)
        );
    }
}
