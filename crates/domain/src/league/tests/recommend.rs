//! 推优入党: eligibility, the meeting, the quota and validity.

use super::*;
use crate::people::PoliticalStatus;

/// Born 2004-09-01, a 团员 since 2021-09-01, applied to the Party 2024-03-01.
fn candidate(yes: u32) -> Candidate {
    Candidate {
        birth_date: d(2004, 9, 1),
        league_joined_on: d(2021, 9, 1),
        party_applied_on: d(2024, 3, 1),
        yes,
    }
}

#[test]
fn a_candidate_must_be_eighteen_on_the_meeting_day() {
    let s = national();
    let c = Candidate {
        birth_date: d(2006, 10, 1),
        ..candidate(0)
    };
    assert_eq!(
        rules(&s.check_candidate(&c, d(2024, 9, 30))),
        [LeagueRule::RecommendAge]
    );
    assert!(s.check_candidate(&c, d(2024, 10, 1)).is_empty());
    assert!(s.check_candidate(&c, d(2024, 10, 2)).is_empty());
}

#[test]
fn a_candidate_needs_a_year_in_the_league() {
    let s = national();
    let c = Candidate {
        league_joined_on: d(2023, 10, 1),
        ..candidate(0)
    };
    let r = s.check_candidate(&c, d(2024, 9, 30));
    assert_eq!(rules(&r), [LeagueRule::RecommendLeagueAge]);
    assert_eq!(r[0].arg("from"), Some("2024-10-01"));
    assert!(s.check_candidate(&c, d(2024, 10, 1)).is_empty());
    assert!(s.check_candidate(&c, d(2024, 10, 2)).is_empty());
}

#[test]
fn a_candidate_applied_to_the_party_six_months_before() {
    let s = national();
    let c = candidate(0);
    assert_eq!(
        rules(&s.check_candidate(&c, d(2024, 8, 31))),
        [LeagueRule::RecommendApplied]
    );
    assert!(s.check_candidate(&c, d(2024, 9, 1)).is_empty());
    assert!(s.check_candidate(&c, d(2024, 9, 2)).is_empty());
}

#[test]
fn the_quota_is_twenty_percent_rounded_down() {
    let s = national();
    assert_eq!(s.quota(4), 0);
    assert_eq!(s.quota(5), 1);
    assert_eq!(s.quota(9), 1);
    assert_eq!(s.quota(10), 2);
    assert_eq!(s.quota(0), 0);
    let generous = LeagueSettings {
        recommend_quota_minimum: 1,
        ..national()
    };
    assert_eq!(generous.quota(4), 1);
    assert_eq!(generous.quota(0), 0);
}

#[test]
fn a_meeting_without_quorum_is_refused() {
    let s = national();
    let on = d(2024, 10, 1);
    let r = s
        .check_recommendation_meeting(on, (20, 10, 20), &[candidate(10)])
        .unwrap_err();
    assert_eq!(rules(&r), [LeagueRule::RecommendQuorum]);
    let ok = s
        .check_recommendation_meeting(on, (20, 11, 20), &[candidate(11)])
        .unwrap();
    assert_eq!(ok, [CandidateVerdict { passed: true }]);
}

#[test]
fn a_candidate_passes_with_more_than_half_of_those_entitled() {
    let s = national();
    let on = d(2024, 10, 1);
    let v = s
        .check_recommendation_meeting(on, (20, 18, 20), &[candidate(10), candidate(11)])
        .unwrap();
    assert_eq!(
        v,
        [
            CandidateVerdict { passed: false },
            CandidateVerdict { passed: true }
        ]
    );
}

#[test]
fn more_passing_candidates_than_the_quota_is_refused() {
    let s = national();
    let on = d(2024, 10, 1);
    // 10 members: 2 may pass; a third who fails the vote does not count against the quota.
    assert!(
        s.check_recommendation_meeting(
            on,
            (10, 9, 10),
            &[candidate(9), candidate(9), candidate(2)]
        )
        .is_ok()
    );
    let r = s
        .check_recommendation_meeting(on, (10, 9, 10), &[candidate(9), candidate(9), candidate(9)])
        .unwrap_err();
    assert_eq!(rules(&r), [LeagueRule::RecommendQuota]);
    assert_eq!(r[0].arg("quota"), Some("2"));
}

#[test]
fn an_ineligible_candidate_is_named_by_place() {
    let s = national();
    let young = Candidate {
        birth_date: d(2007, 1, 1),
        ..candidate(9)
    };
    let r = s
        .check_recommendation_meeting(d(2024, 10, 1), (10, 9, 10), &[candidate(9), young])
        .unwrap_err();
    assert_eq!(rules(&r), [LeagueRule::RecommendAge]);
    assert_eq!(r[0].arg("n"), Some("2"));
}

#[test]
fn a_candidate_cannot_get_more_votes_than_were_present() {
    let s = national();
    let r = s
        .check_recommendation_meeting(d(2024, 10, 1), (10, 6, 10), &[candidate(7)])
        .unwrap_err();
    assert_eq!(rules(&r), [LeagueRule::VoteTally]);
}

#[test]
fn a_recommendation_is_valid_for_two_years_both_ends_included() {
    let r = national().recommendation(d(2024, 2, 29));
    assert_eq!(r.expires, d(2026, 2, 28));
    assert!(!r.valid_on(d(2024, 2, 28)));
    assert!(r.valid_on(d(2024, 2, 29)));
    assert!(r.valid_on(d(2026, 2, 28)));
    assert!(!r.valid_on(d(2026, 3, 1)));
}

#[test]
fn who_counts_as_a_league_member() {
    let joined = Some(d(2020, 5, 4));
    assert!(is_league_member(PoliticalStatus::LeagueMember, None));
    assert!(is_league_member(PoliticalStatus::PartyApplicant, joined));
    assert!(!is_league_member(PoliticalStatus::PartyApplicant, None));
    assert!(!is_league_member(PoliticalStatus::Masses, joined));
    assert!(!is_league_member(
        PoliticalStatus::ProbationaryMember,
        joined
    ));
}
