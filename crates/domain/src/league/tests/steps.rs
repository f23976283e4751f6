//! 发展团员: age, talk, training, introducers, the 支部大会, the number, order.

use super::*;

fn history(last: LeagueStep, from: NaiveDate) -> LeagueHistory {
    LeagueHistory(
        LeagueStep::ALL
            .into_iter()
            .take_while(|s| *s <= last)
            .map(|s| (s, from))
            .collect(),
    )
}

#[test]
fn an_applicant_is_fourteen_on_the_birthday_not_the_day_before() {
    let s = national();
    let birth = d(2010, 3, 1);
    let r = s.check_application_age(birth, d(2024, 2, 29)).unwrap_err();
    assert_eq!(r.rule, LeagueRule::AgeRange);
    assert_eq!(r.arg("age"), Some("13"));
    assert!(s.check_application_age(birth, d(2024, 3, 1)).is_ok());
    assert!(s.check_application_age(birth, d(2024, 3, 2)).is_ok());
}

#[test]
fn an_applicant_of_28_may_apply_until_the_29th_birthday() {
    let s = national();
    let birth = d(1996, 3, 1);
    assert!(s.check_application_age(birth, d(2025, 2, 28)).is_ok());
    let r = s.check_application_age(birth, d(2025, 3, 1)).unwrap_err();
    assert_eq!(r.arg("age"), Some("29"));
    assert!(s.check_application_age(birth, d(2025, 3, 2)).is_err());
}

#[test]
fn the_talk_is_on_time_up_to_the_same_day_next_month() {
    let s = national();
    assert!(s.check_talk(d(2024, 3, 15), d(2024, 4, 14)).is_ok());
    assert!(s.check_talk(d(2024, 3, 15), d(2024, 4, 15)).is_ok());
    let r = s.check_talk(d(2024, 3, 15), d(2024, 4, 16)).unwrap_err();
    assert_eq!(r.rule, LeagueRule::TalkWithin);
    assert_eq!(r.arg("due"), Some("2024-04-15"));
}

#[test]
fn training_takes_three_months_and_eight_class_hours() {
    let s = national();
    let activist = d(2024, 3, 1);
    assert_eq!(
        rules(&s.check_training(activist, d(2024, 5, 31), 8)),
        [LeagueRule::TrainingPeriod]
    );
    assert!(s.check_training(activist, d(2024, 6, 1), 8).is_empty());
    assert!(s.check_training(activist, d(2024, 6, 2), 9).is_empty());
    assert_eq!(
        rules(&s.check_training(activist, d(2024, 6, 1), 7)),
        [LeagueRule::TrainingHours]
    );
    assert_eq!(
        rules(&s.check_training(activist, d(2024, 5, 31), 7)),
        [LeagueRule::TrainingPeriod, LeagueRule::TrainingHours]
    );
}

#[test]
fn three_months_after_the_30th_of_november_is_the_last_day_of_february() {
    let s = national();
    assert_eq!(s.training_complete_from(d(2023, 11, 30)), d(2024, 2, 29));
    assert_eq!(s.training_complete_from(d(2022, 11, 30)), d(2023, 2, 28));
}

#[test]
fn introducers_are_two_each_a_league_or_party_member() {
    let league = LeagueIntroducer {
        league_member: true,
        party_member: false,
    };
    let party = LeagueIntroducer {
        league_member: false,
        party_member: true,
    };
    let neither = LeagueIntroducer {
        league_member: false,
        party_member: false,
    };
    assert!(record::check_introducers(&[league, party]).is_empty());
    assert_eq!(
        rules(&record::check_introducers(&[league])),
        [LeagueRule::Introducers]
    );
    let r = record::check_introducers(&[league, neither]);
    assert_eq!(rules(&r), [LeagueRule::IntroducerNotMember]);
    assert_eq!(r[0].arg("n"), Some("2"));
}

fn vote(entitled: u32, present: u32, yes: u32) -> Option<LeagueRule> {
    record::check_meeting_vote(
        LeagueVote {
            entitled,
            present,
            yes,
        },
        LeagueRule::MeetingQuorum,
    )
    .err()
    .map(|r| r.rule)
}

#[test]
fn the_branch_meeting_needs_more_than_half_present_and_voting_yes() {
    // 20 entitled: 11 is more than half, 10 is not.
    assert_eq!(vote(20, 10, 10), Some(LeagueRule::MeetingQuorum));
    assert_eq!(vote(20, 11, 10), Some(LeagueRule::MeetingMajority));
    assert_eq!(vote(20, 11, 11), None);
    assert_eq!(vote(20, 12, 12), None);
    // 21 entitled: 11 is more than half.
    assert_eq!(vote(21, 11, 11), None);
}

#[test]
fn votes_cannot_exceed_attendance_nor_attendance_those_entitled() {
    assert_eq!(vote(20, 21, 15), Some(LeagueRule::VoteTally));
    assert_eq!(vote(20, 15, 16), Some(LeagueRule::VoteTally));
}

#[test]
fn a_number_is_required_from_2017_and_must_look_like_one() {
    let s = national();
    assert_eq!(s.check_number(None, d(2016, 12, 31)), Ok(None));
    assert_eq!(
        s.check_number(Some("  "), d(2017, 1, 1)).unwrap_err().rule,
        LeagueRule::NumberRequired
    );
    assert!(s.check_number(None, d(2017, 1, 2)).is_err());
    assert_eq!(
        s.check_number(Some(" ２０２４ 0101 0001 "), d(2024, 5, 1)),
        Ok(Some("202401010001".into()))
    );
    for bad in ["12345", "无编号", "ABCDEFGH", "2024/0101"] {
        assert_eq!(
            s.check_number(Some(bad), d(2024, 5, 1)).unwrap_err().rule,
            LeagueRule::NumberFormat,
            "{bad}"
        );
    }
}

#[test]
fn steps_go_in_order_and_dates_never_run_backwards() {
    let s = national();
    let f = LeagueStepFacts::default();
    let h = history(LeagueStep::ApplicationTalk, d(2024, 3, 1));
    assert_eq!(
        rules(&s.check_step(LeagueStep::Training, &h, d(2024, 9, 1), &f)),
        [LeagueRule::StepOrder]
    );
    assert_eq!(
        rules(&s.check_step(LeagueStep::DecideActivist, &h, d(2024, 2, 29), &f)),
        [LeagueRule::DateOrder]
    );
    assert!(
        s.check_step(LeagueStep::DecideActivist, &h, d(2024, 3, 1), &f)
            .is_empty()
    );
    assert_eq!(h.next_step(), Some(LeagueStep::DecideActivist));
    assert_eq!(
        LeagueHistory::default().next_step(),
        Some(LeagueStep::SubmitApplication)
    );
    assert_eq!(LeagueStep::Oath.next(), None);
}

#[test]
fn approval_checks_the_number_and_makes_a_league_member() {
    let s = national();
    let h = history(LeagueStep::BranchMeeting, d(2024, 3, 1));
    let mut f = LeagueStepFacts::default();
    assert_eq!(
        rules(&s.check_step(LeagueStep::Approval, &h, d(2024, 4, 1), &f)),
        [LeagueRule::NumberRequired]
    );
    f.number = Some("202404010001".into());
    assert!(
        s.check_step(LeagueStep::Approval, &h, d(2024, 4, 1), &f)
            .is_empty()
    );
    assert_eq!(
        LeagueStep::Approval.milestone(d(2024, 4, 1)),
        Some(LeagueMilestone {
            joined_on: d(2024, 4, 1)
        })
    );
    assert_eq!(LeagueStep::Oath.milestone(d(2024, 4, 1)), None);
}
