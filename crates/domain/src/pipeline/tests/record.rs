//! Recording a step: order, dates and each step's own rules, on worked cases.

use chrono::NaiveDate;

use super::*;
use crate::people::PoliticalStatus;

fn history(steps: &[(Step, NaiveDate)]) -> History {
    History(steps.iter().copied().collect())
}

fn rules(c: &Checked) -> Vec<RuleId> {
    c.refusals.iter().map(|r| r.rule).collect()
}

/// Every step up to and including `last`, a day apart from 2020-01-01.
fn through(last: Step) -> History {
    History(
        Step::ALL
            .into_iter()
            .take_while(|s| *s <= last)
            .enumerate()
            .map(|(i, s)| (s, d(2020, 1, 1) + chrono::Days::new(i as u64)))
            .collect(),
    )
}

#[test]
fn the_first_step_needs_nothing_before_it_but_an_adult() {
    let s = PipelineSettings::default();
    let mut f = StepFacts::on(d(2024, 9, 1));
    f.birth_date = Some(d(2006, 9, 1));
    assert!(
        s.check_step(Step::SubmitApplication, &History::default(), &f)
            .is_clear()
    );
    f.birth_date = Some(d(2006, 9, 2));
    assert_eq!(
        rules(&s.check_step(Step::SubmitApplication, &History::default(), &f)),
        [RuleId::MinAge]
    );
}

#[test]
fn a_step_waits_for_the_one_before_it() {
    let s = PipelineSettings::default();
    let c = s.check_step(
        Step::DetermineTarget,
        &through(Step::FileActivist),
        &StepFacts::on(d(2025, 1, 1)),
    );
    assert_eq!(rules(&c), [RuleId::StepOrder]);
    assert_eq!(c.refusals[0].arg("previous"), Some("6"));
    assert_eq!(c.refusals[0].arg("step"), Some("7"));
}

#[test]
fn a_step_cannot_be_dated_before_the_one_before_it() {
    let s = PipelineSettings::default();
    let h = history(&[(Step::SubmitApplication, d(2024, 3, 10))]);
    let c = s.check_step(Step::ApplicationTalk, &h, &StepFacts::on(d(2024, 3, 9)));
    assert!(rules(&c).contains(&RuleId::DateOrder));
    assert!(
        s.check_step(Step::ApplicationTalk, &h, &StepFacts::on(d(2024, 3, 10)))
            .is_clear()
    );
}

#[test]
fn the_talk_is_due_a_month_after_the_application() {
    let s = PipelineSettings::default();
    let h = history(&[(Step::SubmitApplication, d(2024, 3, 10))]);
    for (on, clear) in [
        (d(2024, 4, 9), true),
        (d(2024, 4, 10), true),
        (d(2024, 4, 11), false),
    ] {
        let c = s.check_step(Step::ApplicationTalk, &h, &StepFacts::on(on));
        assert_eq!(c.is_clear(), clear, "talk on {on}");
    }
}

#[test]
fn a_target_is_determined_a_full_year_after_becoming_an_activist() {
    let s = PipelineSettings::default();
    let mut h = through(Step::CultivateActivist);
    h.0.insert(Step::RecommendActivist, d(2023, 5, 20));
    h.0.insert(Step::FileActivist, d(2023, 5, 21));
    h.0.insert(Step::AssignCultivators, d(2023, 5, 22));
    h.0.insert(Step::CultivateActivist, d(2023, 5, 23));
    for (on, clear) in [
        (d(2024, 5, 19), false),
        (d(2024, 5, 20), true),
        (d(2024, 5, 21), true),
    ] {
        let c = s.check_step(Step::DetermineTarget, &h, &StepFacts::on(on));
        assert_eq!(c.is_clear(), clear, "target on {on}: {c:?}");
    }
}

#[test]
fn introducers_must_be_two_full_members() {
    let s = PipelineSettings::default();
    let h = through(Step::FileTarget);
    let full = Introducer {
        status: PoliticalStatus::PartyMember,
        under_probation_discipline: false,
    };
    let probationary = Introducer {
        status: PoliticalStatus::ProbationaryMember,
        ..full
    };
    let mut f = StepFacts::on(d(2021, 1, 1));
    f.introducers = vec![full, full];
    assert!(s.check_step(Step::AssignIntroducers, &h, &f).is_clear());
    f.introducers = vec![full, probationary];
    assert_eq!(
        rules(&s.check_step(Step::AssignIntroducers, &h, &f)),
        [RuleId::IntroducerNotFullMember]
    );
    f.introducers = vec![full];
    assert_eq!(
        rules(&s.check_step(Step::AssignIntroducers, &h, &f)),
        [RuleId::Introducers]
    );
}

#[test]
fn the_admission_meeting_needs_a_quorum_and_a_majority_of_those_entitled() {
    let s = PipelineSettings::default();
    let h = through(Step::FillApplicationForm);
    let mut f = StepFacts::on(d(2021, 1, 1));
    f.vote = Some(Vote {
        entitled: 9,
        present: 5,
        yes: 5,
    });
    assert!(s.check_step(Step::AdmissionMeeting, &h, &f).is_clear());
    f.vote = Some(Vote {
        entitled: 9,
        present: 4,
        yes: 4,
    });
    assert_eq!(
        rules(&s.check_step(Step::AdmissionMeeting, &h, &f)),
        [RuleId::BranchQuorum]
    );
    f.vote = Some(Vote {
        entitled: 9,
        present: 9,
        yes: 4,
    });
    assert_eq!(
        rules(&s.check_step(Step::AdmissionMeeting, &h, &f)),
        [RuleId::BranchMajority]
    );
}

#[test]
fn a_candidate_leaving_soon_is_flagged_not_refused() {
    let s = PipelineSettings::default();
    let h = through(Step::FillApplicationForm);
    let mut f = StepFacts::on(d(2021, 3, 1));
    f.vote = Some(Vote {
        entitled: 9,
        present: 9,
        yes: 9,
    });
    f.leaving_on = Some(d(2021, 6, 1));
    let c = s.check_step(Step::AdmissionMeeting, &h, &f);
    assert!(c.is_clear());
    assert_eq!(c.notices.len(), 1);
    f.leaving_on = Some(d(2021, 6, 2));
    assert!(
        s.check_step(Step::AdmissionMeeting, &h, &f)
            .notices
            .is_empty()
    );
}

#[test]
fn the_higher_committee_approves_within_three_months_of_the_meeting() {
    let s = PipelineSettings::default();
    let mut h = through(Step::AdmissionTalk);
    h.0.insert(Step::AdmissionMeeting, d(2020, 1, 15));
    h.0.insert(Step::AdmissionTalk, d(2020, 1, 16));
    for (on, clear) in [(d(2020, 4, 15), true), (d(2020, 4, 16), false)] {
        let c = s.check_step(Step::AdmissionApproval, &h, &StepFacts::on(on));
        assert_eq!(c.is_clear(), clear, "approval on {on}");
    }
}

#[test]
fn conversion_is_approved_after_a_year_of_probation_and_within_three_months() {
    let s = PipelineSettings::default();
    let mut h = through(Step::ConversionMeeting);
    h.0.insert(Step::AdmissionMeeting, d(2020, 1, 15));
    for (on, clear) in [
        (d(2021, 1, 14), false),
        (d(2021, 1, 15), true),
        (d(2021, 4, 15), true),
        (d(2021, 4, 16), false),
    ] {
        let c = s.check_step(Step::ConversionApproval, &h, &StepFacts::on(on));
        assert_eq!(c.is_clear(), clear, "conversion on {on}: {c:?}");
    }
}

#[test]
fn the_next_step_follows_the_furthest_recorded() {
    assert_eq!(
        History::default().next_step(),
        Some(Step::SubmitApplication)
    );
    assert_eq!(
        through(Step::Oath).next_step(),
        Some(Step::ProbationEducation)
    );
    assert_eq!(through(Step::Archive).next_step(), None);
}

#[test]
fn approval_makes_a_probationary_member_from_the_meeting_and_conversion_from_a_year_later() {
    let s = PipelineSettings::default();
    let mut h = through(Step::AdmissionTalk);
    h.0.insert(Step::AdmissionMeeting, d(2020, 1, 15));
    let m = s
        .milestone(Step::AdmissionApproval, &h, d(2020, 3, 1))
        .unwrap();
    assert_eq!(m.status, PoliticalStatus::ProbationaryMember);
    assert_eq!((m.field, m.date), (DateField::PartyJoined, d(2020, 1, 15)));
    let m = s
        .milestone(Step::ConversionApproval, &h, d(2021, 2, 1))
        .unwrap();
    assert_eq!(m.status, PoliticalStatus::PartyMember);
    assert_eq!((m.field, m.date), (DateField::Confirmed, d(2021, 1, 15)));
    assert_eq!(s.milestone(Step::Oath, &h, d(2020, 4, 1)), None);
}

#[test]
fn the_next_steps_deadline_follows_from_the_step_it_counts_from() {
    let s = PipelineSettings::default();
    let h = history(&[(Step::SubmitApplication, d(2024, 1, 31))]);
    assert_eq!(s.due_date(Step::ApplicationTalk, &h), Some(d(2024, 2, 29)));
    assert_eq!(s.due_date(Step::ApplicationTalk, &History::default()), None);
    assert_eq!(s.due_date(Step::Oath, &h), None);
}

/// A 团员 born 2004-06-01 made an activist on `on`, with `rec` as their accepted recommendation.
fn league_activist(on: NaiveDate, rec: Option<crate::league::Recommendation>) -> Vec<RuleId> {
    let s = PipelineSettings::default();
    let mut f = StepFacts::on(on);
    f.birth_date = Some(d(2004, 6, 1));
    f.league_member = true;
    f.recommendation = rec;
    rules(&s.check_step(Step::RecommendActivist, &through(Step::ApplicationTalk), &f))
}

#[test]
fn a_league_member_under_28_needs_an_accepted_recommendation_to_become_an_activist() {
    assert_eq!(
        league_activist(d(2024, 9, 1), None),
        [RuleId::LeagueRecommendation]
    );
    let league = crate::league::LeagueSettings::default();
    assert!(league_activist(d(2024, 9, 1), Some(league.recommendation(d(2024, 5, 1)))).is_empty());
}

#[test]
fn the_recommendation_serves_up_to_its_second_anniversary_not_the_day_after() {
    let rec = crate::league::LeagueSettings::default().recommendation(d(2022, 9, 1));
    assert_eq!(rec.expires, d(2024, 9, 1));
    assert!(league_activist(d(2024, 8, 31), Some(rec)).is_empty());
    assert!(league_activist(d(2024, 9, 1), Some(rec)).is_empty());
    assert_eq!(
        league_activist(d(2024, 9, 2), Some(rec)),
        [RuleId::LeagueRecommendation]
    );
}

#[test]
fn a_recommendation_made_after_the_activist_date_does_not_count() {
    let rec = crate::league::LeagueSettings::default().recommendation(d(2024, 9, 2));
    assert_eq!(
        league_activist(d(2024, 9, 1), Some(rec)),
        [RuleId::LeagueRecommendation]
    );
}

#[test]
fn from_the_28th_birthday_no_recommendation_is_needed() {
    // Born 2004-06-01: 28 on 2032-06-01. The day before, still 27 and still bound by 推优.
    assert_eq!(
        league_activist(d(2032, 5, 31), None),
        [RuleId::LeagueRecommendation]
    );
    assert!(league_activist(d(2032, 6, 1), None).is_empty());
    assert!(league_activist(d(2032, 6, 2), None).is_empty());
}

#[test]
fn someone_who_is_not_a_league_member_needs_no_recommendation() {
    let s = PipelineSettings::default();
    let mut f = StepFacts::on(d(2024, 9, 1));
    f.birth_date = Some(d(2004, 6, 1));
    assert!(
        s.check_step(Step::RecommendActivist, &through(Step::ApplicationTalk), &f)
            .is_clear()
    );
}
