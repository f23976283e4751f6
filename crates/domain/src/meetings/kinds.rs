//! The kinds of meeting (三会一课 and the days around them), which orgs hold each, and the
//! states of one person's attendance.

use crate::error::FieldError;
use crate::org::{OrgKind, Tree};

/// A kind of meeting. Party: 《中国共产党支部工作条例（试行）》(2018) 第十九条 (三会一课, 主题党日,
/// 组织生活会) and 《县以上党和国家机关党员领导干部民主生活会若干规定》 (民主生活会, held by
/// leadership teams, so by a 党委/党总支). League: 三会两制一课 (中青发〔2017〕5号) and 主题团日.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MeetingKind {
    /// 支部党员大会
    BranchGeneral,
    /// 支部委员会
    BranchCommittee,
    /// 党小组会
    PartyGroup,
    /// 党课
    PartyLecture,
    /// 主题党日
    ThemePartyDay,
    /// 组织生活会
    OrgLife,
    /// 民主生活会
    DemocraticLife,
    /// 团员大会
    LeagueGeneral,
    /// 团支委会
    LeagueCommittee,
    /// 团小组会
    LeagueGroup,
    /// 团课
    LeagueLecture,
    /// 主题团日
    ThemeLeagueDay,
}

impl MeetingKind {
    pub const ALL: [MeetingKind; 12] = [
        Self::BranchGeneral,
        Self::BranchCommittee,
        Self::PartyGroup,
        Self::PartyLecture,
        Self::ThemePartyDay,
        Self::OrgLife,
        Self::DemocraticLife,
        Self::LeagueGeneral,
        Self::LeagueCommittee,
        Self::LeagueGroup,
        Self::LeagueLecture,
        Self::ThemeLeagueDay,
    ];

    /// Stable code (database value, API value, catalogue key suffix).
    pub fn code(self) -> &'static str {
        match self {
            Self::BranchGeneral => "branch_general",
            Self::BranchCommittee => "branch_committee",
            Self::PartyGroup => "party_group",
            Self::PartyLecture => "party_lecture",
            Self::ThemePartyDay => "theme_party_day",
            Self::OrgLife => "org_life",
            Self::DemocraticLife => "democratic_life",
            Self::LeagueGeneral => "league_general",
            Self::LeagueCommittee => "league_committee",
            Self::LeagueGroup => "league_group",
            Self::LeagueLecture => "league_lecture",
            Self::ThemeLeagueDay => "theme_league_day",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == s)
    }

    pub fn key(self) -> String {
        format!("meetings.kind.{}", self.code())
    }

    pub fn tree(self) -> Tree {
        match self {
            Self::LeagueGeneral
            | Self::LeagueCommittee
            | Self::LeagueGroup
            | Self::LeagueLecture
            | Self::ThemeLeagueDay => Tree::League,
            _ => Tree::Party,
        }
    }

    /// Whether an org of `org` kind holds this kind of meeting. A 党小组会 is held by a 党小组,
    /// or by a branch for its groups where none are set up as orgs; 党课 may be given at any
    /// level (RULES §3: the 党委书记 gives one a year); 民主生活会 is a leadership team's.
    pub fn may_be_held_by(self, org: OrgKind) -> bool {
        use OrgKind::*;
        match self {
            Self::BranchGeneral | Self::BranchCommittee | Self::ThemePartyDay => {
                matches!(org, PartyBranch | PartyGeneralBranch)
            }
            Self::PartyGroup => matches!(org, PartyBranch | PartyGroup),
            Self::PartyLecture => org.tree() == Tree::Party,
            Self::OrgLife => matches!(org, PartyBranch | PartyGeneralBranch),
            Self::DemocraticLife => matches!(org, PartyCommittee | PartyGeneralBranch),
            Self::LeagueGeneral | Self::LeagueCommittee | Self::ThemeLeagueDay => {
                matches!(org, LeagueBranch | LeagueGeneralBranch)
            }
            Self::LeagueGroup => matches!(org, LeagueBranch),
            Self::LeagueLecture => org.tree() == Tree::League,
        }
    }

    /// A general meeting decides by vote, so its attendance must reach a quorum: more than half
    /// of the members (《中国共产党支部工作条例（试行）》第十四条; League: 中青发〔2017〕5号).
    pub fn needs_quorum(self) -> bool {
        matches!(self, Self::BranchGeneral | Self::LeagueGeneral)
    }
}

/// Refuses a kind the org may not hold (League kinds on League orgs, and so on).
pub fn check_holder(kind: MeetingKind, org: OrgKind) -> Result<(), FieldError> {
    if kind.may_be_held_by(org) {
        Ok(())
    } else {
        Err(FieldError::new(
            "field.meeting_kind",
            "meetings.error.kind_org",
        ))
    }
}

/// One invitee's attendance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Attendance {
    /// Invited, nothing recorded yet (absent once the meeting is over).
    Invited,
    /// 出席: checked in on time.
    Present,
    /// 迟到: checked in after the start and its grace minutes.
    Late,
    /// 缺席
    Absent,
    /// 请假: leave approved.
    Leave,
}

impl Attendance {
    pub const ALL: [Attendance; 5] = [
        Self::Invited,
        Self::Present,
        Self::Late,
        Self::Absent,
        Self::Leave,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Invited => "invited",
            Self::Present => "present",
            Self::Late => "late",
            Self::Absent => "absent",
            Self::Leave => "leave",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.code() == s)
    }

    pub fn key(self) -> String {
        format!("meetings.attendance.{}", self.code())
    }

    /// Was there, on time or late: what counts towards a quorum.
    pub fn attended(self) -> bool {
        matches!(self, Self::Present | Self::Late)
    }
}

/// A leave request's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeaveStatus {
    Pending,
    Approved,
    Rejected,
}

impl LeaveStatus {
    pub fn code(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        [Self::Pending, Self::Approved, Self::Rejected]
            .into_iter()
            .find(|l| l.code() == s)
    }

    pub fn key(self) -> String {
        format!("meetings.leave.{}", self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn league_kinds_are_held_only_by_league_orgs() {
        for k in MeetingKind::ALL {
            for o in [
                OrgKind::PartyCommittee,
                OrgKind::PartyGeneralBranch,
                OrgKind::PartyBranch,
                OrgKind::PartyGroup,
                OrgKind::LeagueCommittee,
                OrgKind::LeagueGeneralBranch,
                OrgKind::LeagueBranch,
            ] {
                if k.may_be_held_by(o) {
                    assert_eq!(k.tree(), o.tree(), "{k:?} by {o:?}");
                }
            }
        }
        assert!(check_holder(MeetingKind::LeagueGeneral, OrgKind::PartyBranch).is_err());
        assert!(check_holder(MeetingKind::BranchGeneral, OrgKind::LeagueBranch).is_err());
        assert!(check_holder(MeetingKind::BranchGeneral, OrgKind::PartyBranch).is_ok());
    }

    #[test]
    fn a_group_meeting_is_a_group_or_branch_matter_and_a_life_meeting_a_committee_one() {
        assert!(MeetingKind::PartyGroup.may_be_held_by(OrgKind::PartyGroup));
        assert!(MeetingKind::PartyGroup.may_be_held_by(OrgKind::PartyBranch));
        assert!(!MeetingKind::PartyGroup.may_be_held_by(OrgKind::PartyCommittee));
        assert!(MeetingKind::DemocraticLife.may_be_held_by(OrgKind::PartyCommittee));
        assert!(!MeetingKind::DemocraticLife.may_be_held_by(OrgKind::PartyBranch));
    }

    #[test]
    fn codes_round_trip() {
        for k in MeetingKind::ALL {
            assert_eq!(MeetingKind::from_code(k.code()), Some(k));
        }
        for a in Attendance::ALL {
            assert_eq!(Attendance::from_code(a.code()), Some(a));
        }
        assert!(Attendance::Late.attended());
        assert!(!Attendance::Leave.attended());
    }
}
