//! Rules about counts: mentors, introducers, training, the branch vote, extensions.

use super::*;
use crate::people::PoliticalStatus;

const FULL: Introducer = Introducer {
    status: PoliticalStatus::PartyMember,
    under_probation_discipline: false,
};

#[test]
fn one_or_two_cultivators() {
    assert_eq!(refused(check_cultivators(0)), RuleId::Cultivators);
    assert!(check_cultivators(1).is_ok());
    assert!(check_cultivators(2).is_ok());
    let r = check_cultivators(3).unwrap_err();
    assert_eq!(r.rule, RuleId::Cultivators);
    assert_eq!(r.arg("count"), Some("3"));
}

#[test]
fn exactly_two_introducers() {
    assert!(check_introducers(&[FULL, FULL]).is_ok());
    assert_eq!(
        refused_all(check_introducers(&[FULL])),
        [RuleId::Introducers]
    );
    assert_eq!(
        refused_all(check_introducers(&[FULL, FULL, FULL])),
        [RuleId::Introducers]
    );
    assert_eq!(refused_all(check_introducers(&[])), [RuleId::Introducers]);
}

#[test]
fn a_probationary_member_cannot_introduce() {
    let probationary = Introducer {
        status: PoliticalStatus::ProbationaryMember,
        ..FULL
    };
    let r = check_introducers(&[FULL, probationary]).unwrap_err();
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].rule, RuleId::IntroducerNotFullMember);
    assert_eq!(r[0].arg("n"), Some("2"));
}

#[test]
fn a_member_under_party_probation_cannot_introduce() {
    let disciplined = Introducer {
        under_probation_discipline: true,
        ..FULL
    };
    let r = check_introducers(&[disciplined, FULL]).unwrap_err();
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].rule, RuleId::IntroducerUnderDiscipline);
    assert_eq!(r[0].arg("n"), Some("1"));
}

#[test]
fn every_fault_of_the_introducers_is_reported() {
    let activist = Introducer {
        status: PoliticalStatus::PartyActivist,
        under_probation_discipline: true,
    };
    assert_eq!(
        refused_all(check_introducers(&[activist])),
        [
            RuleId::Introducers,
            RuleId::IntroducerNotFullMember,
            RuleId::IntroducerUnderDiscipline
        ]
    );
}

#[test]
fn training_needs_three_days_or_twenty_four_hours() {
    let s = national();
    assert_eq!(refused(s.check_training(2, 23)), RuleId::Training);
    assert_eq!(refused(s.check_training(0, 0)), RuleId::Training);
    assert!(s.check_training(3, 0).is_ok());
    assert!(s.check_training(4, 0).is_ok());
    assert!(s.check_training(0, 24).is_ok());
    assert!(s.check_training(0, 25).is_ok());
    assert!(s.check_training(2, 24).is_ok());
}

#[test]
fn the_quorum_is_more_than_half_of_those_entitled() {
    assert!(check_branch_vote(9, 5, 5).is_ok());
    let r = check_branch_vote(9, 4, 4).unwrap_err();
    assert_eq!(r.rule, RuleId::BranchQuorum);
    assert_eq!(r.arg("needed"), Some("5"));
    // Exactly half is not more than half.
    assert_eq!(refused(check_branch_vote(8, 4, 4)), RuleId::BranchQuorum);
    assert!(check_branch_vote(8, 5, 5).is_ok());
    assert_eq!(refused(check_branch_vote(0, 0, 0)), RuleId::BranchQuorum);
}

#[test]
fn a_majority_of_those_present_is_not_enough() {
    // 4 yes, 0 no, 1 abstention: most of those present, but not more than half of 9.
    let r = check_branch_vote(9, 5, 4).unwrap_err();
    assert_eq!(r.rule, RuleId::BranchMajority);
    assert_eq!(r.arg("needed"), Some("5"));
    assert_eq!(refused(check_branch_vote(9, 9, 4)), RuleId::BranchMajority);
    assert!(check_branch_vote(9, 9, 5).is_ok());
    assert!(check_branch_vote(9, 9, 6).is_ok());
    assert_eq!(refused(check_branch_vote(8, 8, 4)), RuleId::BranchMajority);
    assert!(check_branch_vote(8, 8, 5).is_ok());
}

#[test]
fn vote_counts_that_do_not_add_up_are_refused() {
    assert_eq!(refused(check_branch_vote(9, 10, 5)), RuleId::VoteTally);
    assert_eq!(refused(check_branch_vote(9, 5, 6)), RuleId::VoteTally);
}

#[test]
fn huge_branches_do_not_overflow() {
    assert!(check_branch_vote(u32::MAX, u32::MAX, u32::MAX).is_ok());
    assert_eq!(
        refused(check_branch_vote(u32::MAX, u32::MAX / 2, 0)),
        RuleId::BranchQuorum
    );
    assert!(check_branch_vote(u32::MAX, u32::MAX / 2 + 1, u32::MAX / 2 + 1).is_ok());
}

#[test]
fn an_extension_is_six_to_twelve_months() {
    let s = national();
    assert_eq!(
        refused(s.check_extension(5, false)),
        RuleId::ExtensionPeriod
    );
    assert!(s.check_extension(6, false).is_ok());
    assert!(s.check_extension(7, false).is_ok());
    assert!(s.check_extension(11, false).is_ok());
    assert!(s.check_extension(12, false).is_ok());
    assert_eq!(
        refused(s.check_extension(13, false)),
        RuleId::ExtensionPeriod
    );
    assert_eq!(
        refused(s.check_extension(0, false)),
        RuleId::ExtensionPeriod
    );
}

#[test]
fn probation_is_extended_only_once() {
    assert_eq!(
        refused(national().check_extension(6, true)),
        RuleId::ExtensionOnce
    );
}
