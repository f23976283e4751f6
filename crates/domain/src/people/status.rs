//! Gender and political status (政治面貌), with their stable codes and the spellings files use.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Male,
    Female,
}

impl Gender {
    pub fn code(self) -> &'static str {
        match self {
            Gender::Male => "male",
            Gender::Female => "female",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        match s {
            "male" => Some(Gender::Male),
            "female" => Some(Gender::Female),
            _ => None,
        }
    }
    /// `男`/`女` and the English words that administrators sometimes type.
    pub fn parse_label(s: &str) -> Option<Self> {
        match crate::text::compact(s).to_lowercase().as_str() {
            "男" | "male" | "m" => Some(Gender::Male),
            "女" | "female" | "f" => Some(Gender::Female),
            _ => None,
        }
    }
    pub fn label_key(self) -> &'static str {
        match self {
            Gender::Male => "gender.male",
            Gender::Female => "gender.female",
        }
    }
}

/// 政治面貌, in the order of the 发展党员 pipeline (RULES §1) so that `Ord` means "further along".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PoliticalStatus {
    /// 群众
    Masses,
    /// 共青团员
    LeagueMember,
    /// 入党申请人
    PartyApplicant,
    /// 入党积极分子
    PartyActivist,
    /// 发展对象
    DevelopmentTarget,
    /// 中共预备党员
    ProbationaryMember,
    /// 中共党员
    PartyMember,
}

impl PoliticalStatus {
    pub const ALL: [PoliticalStatus; 7] = [
        Self::Masses,
        Self::LeagueMember,
        Self::PartyApplicant,
        Self::PartyActivist,
        Self::DevelopmentTarget,
        Self::ProbationaryMember,
        Self::PartyMember,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Masses => "masses",
            Self::LeagueMember => "league_member",
            Self::PartyApplicant => "party_applicant",
            Self::PartyActivist => "party_activist",
            Self::DevelopmentTarget => "development_target",
            Self::ProbationaryMember => "probationary_member",
            Self::PartyMember => "party_member",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == s)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Self::Masses => "status.masses",
            Self::LeagueMember => "status.league_member",
            Self::PartyApplicant => "status.party_applicant",
            Self::PartyActivist => "status.party_activist",
            Self::DevelopmentTarget => "status.development_target",
            Self::ProbationaryMember => "status.probationary_member",
            Self::PartyMember => "status.party_member",
        }
    }

    /// The official Chinese term and the abbreviations seen in rosters (团员, 预备党员, 党员…).
    pub fn parse_label(s: &str) -> Option<Self> {
        match crate::text::compact(s).as_str() {
            "群众" => Some(Self::Masses),
            "共青团员" | "团员" | "中国共产主义青年团团员" => {
                Some(Self::LeagueMember)
            }
            "入党申请人" => Some(Self::PartyApplicant),
            "入党积极分子" | "积极分子" => Some(Self::PartyActivist),
            "发展对象" => Some(Self::DevelopmentTarget),
            "中共预备党员" | "预备党员" => Some(Self::ProbationaryMember),
            "中共党员" | "党员" | "中国共产党党员" => Some(Self::PartyMember),
            _ => None,
        }
    }

    /// Whether the person belongs to a Party branch (预备党员 are members of their branch; 党章 art. 7).
    pub fn is_party_member(self) -> bool {
        matches!(self, Self::ProbationaryMember | Self::PartyMember)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for s in PoliticalStatus::ALL {
            assert_eq!(PoliticalStatus::from_code(s.code()), Some(s));
        }
    }

    #[test]
    fn roster_abbreviations_are_understood() {
        assert_eq!(
            PoliticalStatus::parse_label(" 团员 "),
            Some(PoliticalStatus::LeagueMember)
        );
        assert_eq!(
            PoliticalStatus::parse_label("预备党员"),
            Some(PoliticalStatus::ProbationaryMember)
        );
        assert_eq!(PoliticalStatus::parse_label("党外人士"), None);
    }

    #[test]
    fn pipeline_order_is_the_order_of_the_enum() {
        assert!(PoliticalStatus::PartyActivist < PoliticalStatus::DevelopmentTarget);
    }
}
