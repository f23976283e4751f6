//! Organisations: the Party tree and the League tree of a school, and materialised paths.
//!
//! Kinds and nesting follow 《中国共产党章程》第五章 / 《中国共产党支部工作条例（试行）》(2018) for the
//! Party (党委 → 党总支 → 党支部 → 党小组) and 《中国共产主义青年团章程》第四章 for the League
//! (团委 → 团总支 → 团支部).

use serde::Serialize;

use crate::error::FieldError;

/// A typed org id, never a bare integer across module boundaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct OrgId(pub i64);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tree {
    Party,
    League,
}

impl Tree {
    pub fn code(self) -> &'static str {
        match self {
            Tree::Party => "party",
            Tree::League => "league",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        match s {
            "party" => Some(Tree::Party),
            "league" => Some(Tree::League),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    /// 党委 (校党委, 院系党委/二级党委)
    PartyCommittee,
    /// 党总支
    PartyGeneralBranch,
    /// 党支部
    PartyBranch,
    /// 党小组
    PartyGroup,
    /// 团委 (校团委, 院团委)
    LeagueCommittee,
    /// 团总支
    LeagueGeneralBranch,
    /// 团支部
    LeagueBranch,
}

impl OrgKind {
    pub const ALL: [OrgKind; 7] = [
        Self::PartyCommittee,
        Self::PartyGeneralBranch,
        Self::PartyBranch,
        Self::PartyGroup,
        Self::LeagueCommittee,
        Self::LeagueGeneralBranch,
        Self::LeagueBranch,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::PartyCommittee => "party_committee",
            Self::PartyGeneralBranch => "party_general_branch",
            Self::PartyBranch => "party_branch",
            Self::PartyGroup => "party_group",
            Self::LeagueCommittee => "league_committee",
            Self::LeagueGeneralBranch => "league_general_branch",
            Self::LeagueBranch => "league_branch",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == s)
    }
    pub fn label_key(self) -> &'static str {
        match self {
            Self::PartyCommittee => "org_kind.party_committee",
            Self::PartyGeneralBranch => "org_kind.party_general_branch",
            Self::PartyBranch => "org_kind.party_branch",
            Self::PartyGroup => "org_kind.party_group",
            Self::LeagueCommittee => "org_kind.league_committee",
            Self::LeagueGeneralBranch => "org_kind.league_general_branch",
            Self::LeagueBranch => "org_kind.league_branch",
        }
    }
    pub fn tree(self) -> Tree {
        match self {
            Self::PartyCommittee
            | Self::PartyGeneralBranch
            | Self::PartyBranch
            | Self::PartyGroup => Tree::Party,
            _ => Tree::League,
        }
    }
    /// Whether people are members of this org directly (a branch or a group), rather than of
    /// one of its sub-orgs.
    pub fn holds_members(self) -> bool {
        matches!(
            self,
            Self::PartyBranch | Self::PartyGroup | Self::LeagueBranch
        )
    }

    /// Whether `self` may sit directly under `parent`. A 党委 may contain 党委 (school → college),
    /// 党总支 or 党支部; a 党支部 contains only 党小组; likewise for the League.
    pub fn may_sit_under(self, parent: OrgKind) -> bool {
        use OrgKind::*;
        matches!(
            (parent, self),
            (
                PartyCommittee,
                PartyCommittee | PartyGeneralBranch | PartyBranch
            ) | (PartyGeneralBranch, PartyBranch)
                | (PartyBranch, PartyGroup)
                | (
                    LeagueCommittee,
                    LeagueCommittee | LeagueGeneralBranch | LeagueBranch
                )
                | (LeagueGeneralBranch, LeagueBranch)
        )
    }
}

/// Checks that a new or moved org fits where it is put.
pub fn check_placement(kind: OrgKind, parent: Option<OrgKind>) -> Result<(), FieldError> {
    match parent {
        None if matches!(kind, OrgKind::PartyCommittee | OrgKind::LeagueCommittee) => Ok(()),
        None => Err(FieldError::new("field.parent", "error.org_needs_parent")),
        Some(p) if kind.may_sit_under(p) => Ok(()),
        Some(_) => Err(FieldError::new("field.parent", "error.org_bad_parent")),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgStatus {
    Active,
    Dissolved,
}

impl OrgStatus {
    pub fn code(self) -> &'static str {
        match self {
            OrgStatus::Active => "active",
            OrgStatus::Dissolved => "dissolved",
        }
    }
}

/// A materialised path of org ids, `/1/7/42/`: an org's path starts with each ancestor's path.
///
/// Subtree queries use the range `path >= '/1/7/' AND path < '/1/70'` (the successor of `/` is
/// `0`), which a plain B-tree index serves on both SQLite and PostgreSQL (with `COLLATE "C"`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct OrgPath(String);

impl OrgPath {
    pub fn root(id: OrgId) -> Self {
        Self(format!("/{}/", id.0))
    }
    pub fn child(&self, id: OrgId) -> Self {
        Self(format!("{}{}/", self.0, id.0))
    }
    /// Wraps a stored path; the database only holds paths this type wrote.
    pub fn from_stored(s: String) -> Self {
        Self(s)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// `[low, high)` such that exactly this org and its descendants have `low <= path < high`.
    pub fn subtree_range(&self) -> (String, String) {
        let mut high = self.0.clone();
        high.pop();
        high.push('0');
        (self.0.clone(), high)
    }
    /// Whether `other` is this org or one of its descendants.
    pub fn contains(&self, other: &OrgPath) -> bool {
        other.0.starts_with(&self.0)
    }
    pub fn depth(&self) -> usize {
        self.0.matches('/').count().saturating_sub(1)
    }
    /// Ancestor ids from the root down to this org itself.
    pub fn ids(&self) -> Vec<OrgId> {
        self.0
            .split('/')
            .filter_map(|s| s.parse().ok())
            .map(OrgId)
            .collect()
    }
}

/// Positions in a branch committee (支部委员会 / 团支部委员会).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PositionTitle {
    Secretary,
    DeputySecretary,
    OrganisationMember,
    PropagandaMember,
    DisciplineMember,
    /// 团支部 only: 组织委员 and 宣传委员 exist too; 文体委员 is League-specific.
    CultureSportsMember,
    CommitteeMember,
}

impl PositionTitle {
    pub const ALL: [PositionTitle; 7] = [
        Self::Secretary,
        Self::DeputySecretary,
        Self::OrganisationMember,
        Self::PropagandaMember,
        Self::DisciplineMember,
        Self::CultureSportsMember,
        Self::CommitteeMember,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Self::Secretary => "secretary",
            Self::DeputySecretary => "deputy_secretary",
            Self::OrganisationMember => "organisation",
            Self::PropagandaMember => "propaganda",
            Self::DisciplineMember => "discipline",
            Self::CultureSportsMember => "culture_sports",
            Self::CommitteeMember => "member",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == s)
    }
    pub fn label_key(self) -> &'static str {
        match self {
            Self::Secretary => "position.secretary",
            Self::DeputySecretary => "position.deputy_secretary",
            Self::OrganisationMember => "position.organisation",
            Self::PropagandaMember => "position.propaganda",
            Self::DisciplineMember => "position.discipline",
            Self::CultureSportsMember => "position.culture_sports",
            Self::CommitteeMember => "position.member",
        }
    }
    /// 纪检委员 is a Party post; 文体委员 a League one.
    pub fn fits(self, tree: Tree) -> bool {
        !matches!(
            (self, tree),
            (Self::DisciplineMember, Tree::League) | (Self::CultureSportsMember, Tree::Party)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subtree_range_covers_descendants_but_not_siblings_with_longer_ids() {
        let p = OrgPath::root(OrgId(1)).child(OrgId(7));
        let (lo, hi) = p.subtree_range();
        let inside = ["/1/7/", "/1/7/42/", "/1/7/9999/1/"];
        let outside = ["/1/70/", "/1/71/", "/1/", "/1/6/"];
        for s in inside {
            assert!(lo.as_str() <= s && s < hi.as_str(), "{s} should be inside");
        }
        for s in outside {
            assert!(
                !(lo.as_str() <= s && s < hi.as_str()),
                "{s} should be outside"
            );
        }
    }

    #[test]
    fn contains_and_depth() {
        let school = OrgPath::root(OrgId(1));
        let branch = school.child(OrgId(7)).child(OrgId(42));
        assert!(school.contains(&branch));
        assert!(!branch.contains(&school));
        assert_eq!(branch.depth(), 3);
        assert_eq!(branch.ids(), vec![OrgId(1), OrgId(7), OrgId(42)]);
    }

    #[test]
    fn a_party_group_sits_only_under_a_party_branch() {
        assert!(check_placement(OrgKind::PartyGroup, Some(OrgKind::PartyBranch)).is_ok());
        assert_eq!(
            check_placement(OrgKind::PartyGroup, Some(OrgKind::PartyCommittee))
                .unwrap_err()
                .code,
            "error.org_bad_parent"
        );
        assert_eq!(
            check_placement(OrgKind::LeagueBranch, Some(OrgKind::PartyCommittee))
                .unwrap_err()
                .code,
            "error.org_bad_parent"
        );
    }

    #[test]
    fn only_committees_may_be_roots() {
        assert!(check_placement(OrgKind::LeagueCommittee, None).is_ok());
        assert_eq!(
            check_placement(OrgKind::PartyBranch, None)
                .unwrap_err()
                .code,
            "error.org_needs_parent"
        );
    }

    #[test]
    fn discipline_member_is_a_party_post() {
        assert!(PositionTitle::DisciplineMember.fits(Tree::Party));
        assert!(!PositionTitle::DisciplineMember.fits(Tree::League));
    }
}
