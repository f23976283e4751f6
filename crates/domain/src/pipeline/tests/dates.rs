//! Rules about dates: age, the talk, the activist year, publicity, leaving, decisions, probation.

use super::*;

#[test]
fn age_counts_full_years_and_the_birthday_itself() {
    let birth = d(2006, 5, 1);
    assert_eq!(age_at(birth, d(2024, 4, 30)), 17);
    assert_eq!(age_at(birth, d(2024, 5, 1)), 18);
    assert_eq!(age_at(birth, d(2024, 5, 2)), 18);
}

#[test]
fn a_leap_day_birth_ages_on_the_first_of_march_in_common_years() {
    let birth = d(2004, 2, 29);
    assert_eq!(age_at(birth, d(2022, 2, 28)), 17);
    assert_eq!(age_at(birth, d(2022, 3, 1)), 18);
    assert_eq!(age_at(birth, d(2024, 2, 28)), 19);
    assert_eq!(age_at(birth, d(2024, 2, 29)), 20);
}

#[test]
fn age_before_birth_is_zero() {
    assert_eq!(age_at(d(2006, 5, 1), d(2006, 4, 30)), 0);
    assert_eq!(age_at(d(2006, 5, 1), d(1990, 1, 1)), 0);
}

#[test]
fn an_applicant_may_apply_on_the_eighteenth_birthday_but_not_the_day_before() {
    let s = national();
    let birth = d(2006, 5, 1);
    let r = s.check_application_age(birth, d(2024, 4, 30)).unwrap_err();
    assert_eq!(r.rule, RuleId::MinAge);
    assert_eq!(r.arg("min"), Some("18"));
    assert_eq!(r.arg("age"), Some("17"));
    assert_eq!(r.arg("on"), Some("2024-04-30"));
    assert!(s.check_application_age(birth, d(2024, 5, 1)).is_ok());
    assert!(s.check_application_age(birth, d(2024, 5, 2)).is_ok());
}

#[test]
fn a_leap_day_applicant_is_eighteen_on_the_first_of_march() {
    let s = national();
    let birth = d(2004, 2, 29);
    assert_eq!(
        refused(s.check_application_age(birth, d(2022, 2, 28))),
        RuleId::MinAge
    );
    assert!(s.check_application_age(birth, d(2022, 3, 1)).is_ok());
}

#[test]
fn the_minimum_age_is_a_setting() {
    let s = PipelineSettings {
        min_age_years: 19,
        ..national()
    };
    assert!(
        s.check_application_age(d(2006, 5, 1), d(2024, 5, 1))
            .is_err()
    );
    assert!(
        s.check_application_age(d(2006, 5, 1), d(2025, 5, 1))
            .is_ok()
    );
}

#[test]
fn the_talk_is_on_time_up_to_the_same_day_next_month() {
    let s = national();
    let received = d(2024, 3, 15);
    assert_eq!(s.talk_due(received), d(2024, 4, 15));
    assert!(s.check_talk(received, received).is_ok());
    assert!(s.check_talk(received, d(2024, 4, 14)).is_ok());
    assert!(s.check_talk(received, d(2024, 4, 15)).is_ok());
    let r = s.check_talk(received, d(2024, 4, 16)).unwrap_err();
    assert_eq!(r.rule, RuleId::TalkWithin);
    assert_eq!(r.arg("due"), Some("2024-04-15"));
}

#[test]
fn a_month_after_the_31st_of_january_ends_on_the_last_day_of_february() {
    let s = national();
    assert_eq!(s.talk_due(d(2023, 1, 31)), d(2023, 2, 28));
    assert!(s.check_talk(d(2023, 1, 31), d(2023, 2, 27)).is_ok());
    assert!(s.check_talk(d(2023, 1, 31), d(2023, 2, 28)).is_ok());
    assert!(s.check_talk(d(2023, 1, 31), d(2023, 3, 1)).is_err());
    // Leap year: the 29th exists.
    assert_eq!(s.talk_due(d(2024, 1, 31)), d(2024, 2, 29));
    assert!(s.check_talk(d(2024, 1, 31), d(2024, 2, 29)).is_ok());
    assert!(s.check_talk(d(2024, 1, 31), d(2024, 3, 1)).is_err());
}

#[test]
fn a_talk_dated_before_the_application_is_out_of_order() {
    let r = national()
        .check_talk(d(2024, 3, 15), d(2024, 3, 14))
        .unwrap_err();
    assert_eq!(r.rule, RuleId::DateOrder);
    assert_eq!(r.arg("earlier"), Some("2024-03-15"));
    assert_eq!(r.arg("later"), Some("2024-03-14"));
}

#[test]
fn an_activist_becomes_a_target_on_the_first_anniversary_not_the_day_before() {
    let s = national();
    let activist = d(2023, 9, 1);
    assert_eq!(s.target_eligible_from(activist), d(2024, 9, 1));
    let r = s.check_target(activist, d(2024, 8, 31)).unwrap_err();
    assert_eq!(r.rule, RuleId::ActivistPeriod);
    assert_eq!(r.arg("eligible"), Some("2024-09-01"));
    assert!(s.check_target(activist, d(2024, 9, 1)).is_ok());
    assert!(s.check_target(activist, d(2024, 9, 2)).is_ok());
}

#[test]
fn an_activist_of_the_29th_of_february_completes_the_year_on_the_28th() {
    let s = national();
    assert_eq!(s.target_eligible_from(d(2024, 2, 29)), d(2025, 2, 28));
    assert!(s.check_target(d(2024, 2, 29), d(2025, 2, 27)).is_err());
    assert!(s.check_target(d(2024, 2, 29), d(2025, 2, 28)).is_ok());
}

#[test]
fn reviews_and_thought_reports_fall_due_by_the_settings() {
    let s = national();
    assert_eq!(s.activist_review_due(d(2024, 8, 31)), d(2025, 2, 28));
    assert_eq!(s.thought_report_due(d(2024, 11, 30)), d(2025, 2, 28));
    assert_eq!(s.thought_report_due(d(2024, 3, 10)), d(2024, 6, 10));
}

#[test]
fn publicity_counts_both_days_and_ends_before_the_meeting() {
    let s = national();
    // 1–5 June is five days.
    assert!(
        s.check_publicity(d(2024, 6, 1), d(2024, 6, 5), d(2024, 6, 6))
            .is_ok()
    );
    assert!(
        s.check_publicity(d(2024, 6, 1), d(2024, 6, 6), d(2024, 6, 7))
            .is_ok()
    );
    let r = s
        .check_publicity(d(2024, 6, 1), d(2024, 6, 4), d(2024, 6, 6))
        .unwrap_err();
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].rule, RuleId::PublicityPeriod);
    assert_eq!(r[0].arg("days"), Some("4"));
}

#[test]
fn the_meeting_may_not_fall_on_the_last_day_of_publicity() {
    let s = national();
    let (start, end) = (d(2024, 6, 1), d(2024, 6, 5));
    assert_eq!(
        refused_all(s.check_publicity(start, end, d(2024, 6, 5))),
        [RuleId::PublicityBeforeMeeting]
    );
    assert_eq!(
        refused_all(s.check_publicity(start, end, d(2024, 6, 4))),
        [RuleId::PublicityBeforeMeeting]
    );
    assert!(s.check_publicity(start, end, d(2024, 6, 6)).is_ok());
}

#[test]
fn a_short_publicity_and_an_early_meeting_are_both_reported() {
    assert_eq!(
        refused_all(national().check_publicity(d(2024, 6, 1), d(2024, 6, 3), d(2024, 6, 2))),
        [RuleId::PublicityPeriod, RuleId::PublicityBeforeMeeting]
    );
}

#[test]
fn a_publicity_ending_before_it_starts_is_out_of_order() {
    assert_eq!(
        refused_all(national().check_publicity(d(2024, 6, 5), d(2024, 6, 1), d(2024, 6, 9))),
        [RuleId::DateOrder]
    );
}

#[test]
fn a_school_may_publicise_for_seven_days() {
    let s = PipelineSettings {
        publicity_days: 7,
        ..national()
    };
    assert!(
        s.check_publicity(d(2024, 6, 1), d(2024, 6, 6), d(2024, 6, 8))
            .is_err()
    );
    assert!(
        s.check_publicity(d(2024, 6, 1), d(2024, 6, 7), d(2024, 6, 8))
            .is_ok()
    );
}

#[test]
fn leaving_within_three_months_of_the_meeting_is_flagged() {
    let s = national();
    let meeting = d(2024, 3, 20);
    assert!(s.leaves_soon(meeting, d(2024, 6, 19)));
    assert!(s.leaves_soon(meeting, d(2024, 6, 20)));
    assert!(!s.leaves_soon(meeting, d(2024, 6, 21)));
    // Already gone counts too.
    assert!(s.leaves_soon(meeting, d(2024, 1, 1)));
    // 31 March + 3 months is 30 June.
    assert!(s.leaves_soon(d(2024, 3, 31), d(2024, 6, 30)));
    assert!(!s.leaves_soon(d(2024, 3, 31), d(2024, 7, 1)));
}

#[test]
fn the_leaving_notice_comes_with_the_flag() {
    let s = national();
    let notice = s.leaving_notice(d(2024, 3, 20), d(2024, 6, 20)).unwrap();
    assert_eq!(notice.rule, RuleId::LeavingWindow);
    assert_eq!(notice.arg("leaving"), Some("2024-06-20"));
    assert_eq!(s.leaving_notice(d(2024, 3, 20), d(2024, 6, 21)), None);
}

#[test]
fn the_committee_decides_within_three_months_of_the_meeting() {
    let s = national();
    let meeting = d(2024, 5, 31);
    assert_eq!(s.decision_due(meeting), d(2024, 8, 31));
    assert!(s.check_decision(meeting, d(2024, 8, 30)).is_ok());
    assert!(s.check_decision(meeting, d(2024, 8, 31)).is_ok());
    assert_eq!(
        refused(s.check_decision(meeting, d(2024, 9, 1))),
        RuleId::DecisionWithin
    );
    assert_eq!(
        refused(s.check_decision(meeting, d(2024, 5, 30))),
        RuleId::DateOrder
    );
}

#[test]
fn three_months_after_the_30th_of_november_is_the_end_of_february() {
    let s = national();
    assert_eq!(s.decision_due(d(2023, 11, 30)), d(2024, 2, 29));
    assert!(s.check_decision(d(2023, 11, 30), d(2024, 2, 29)).is_ok());
    assert!(s.check_decision(d(2023, 11, 30), d(2024, 3, 1)).is_err());
}

#[test]
fn in_special_cases_the_decision_may_take_six_months_but_no_longer() {
    let s = national();
    let meeting = d(2024, 5, 31);
    // 31 May + 6 months: November has no 31st.
    assert!(s.check_decision_special(meeting, d(2024, 11, 29)).is_ok());
    assert!(s.check_decision_special(meeting, d(2024, 11, 30)).is_ok());
    let r = s
        .check_decision_special(meeting, d(2024, 12, 1))
        .unwrap_err();
    assert_eq!(r.rule, RuleId::DecisionWithin);
    assert_eq!(r.arg("months"), Some("6"));
    assert_eq!(r.arg("due"), Some("2024-11-30"));
}

#[test]
fn probation_ends_on_the_anniversary_of_the_meeting() {
    let s = national();
    assert_eq!(s.probation_ends(d(2024, 6, 15)), d(2025, 6, 15));
    assert_eq!(s.probation_ends(d(2024, 2, 29)), d(2025, 2, 28));
    assert_eq!(s.probation_ends(d(2023, 2, 28)), d(2024, 2, 28));
}

#[test]
fn conversion_is_approved_from_the_end_of_probation_to_three_months_later() {
    let s = national();
    let end = d(2025, 6, 15);
    assert_eq!(s.conversion_due(end), d(2025, 9, 15));
    let early = s.check_conversion(end, d(2025, 6, 14)).unwrap_err();
    assert_eq!(early.rule, RuleId::ProbationPeriod);
    assert_eq!(early.arg("end"), Some("2025-06-15"));
    assert!(s.check_conversion(end, d(2025, 6, 15)).is_ok());
    assert!(s.check_conversion(end, d(2025, 9, 14)).is_ok());
    assert!(s.check_conversion(end, d(2025, 9, 15)).is_ok());
    assert_eq!(
        refused(s.check_conversion(end, d(2025, 9, 16))),
        RuleId::ConversionWithin
    );
}

#[test]
fn conversion_due_clamps_to_the_end_of_february() {
    let s = national();
    assert_eq!(s.conversion_due(d(2025, 11, 30)), d(2026, 2, 28));
    assert_eq!(s.conversion_due(d(2027, 11, 30)), d(2028, 2, 29));
}

#[test]
fn dates_at_the_end_of_time_saturate_instead_of_panicking() {
    let s = national();
    assert_eq!(s.talk_due(NaiveDate::MAX), NaiveDate::MAX);
    assert!(s.check_talk(NaiveDate::MAX, NaiveDate::MAX).is_ok());
}
