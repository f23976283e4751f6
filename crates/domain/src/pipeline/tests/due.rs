//! Deadlines for the daily job: listed from 14 days before, overdue the day after.

use super::*;

fn history(steps: &[(Step, NaiveDate)]) -> History {
    History(steps.iter().copied().collect())
}

fn kinds(items: &[DueItem]) -> Vec<(DueKind, NaiveDate, bool)> {
    items
        .iter()
        .map(|i| (i.kind, i.due_on, i.overdue))
        .collect()
}

#[test]
fn the_talk_is_listed_fourteen_days_before_its_day_and_overdue_the_day_after() {
    let s = national();
    let h = history(&[(Step::SubmitApplication, d(2024, 3, 1))]);
    // Due 2024-04-01 (a month after the application).
    assert!(s.due_items(&h, d(2024, 3, 17), None).is_empty());
    assert_eq!(
        kinds(&s.due_items(&h, d(2024, 3, 18), None)),
        vec![(DueKind::Talk, d(2024, 4, 1), false)]
    );
    assert_eq!(
        kinds(&s.due_items(&h, d(2024, 4, 1), None)),
        vec![(DueKind::Talk, d(2024, 4, 1), false)],
        "on the day itself it is not yet late"
    );
    assert_eq!(
        kinds(&s.due_items(&h, d(2024, 4, 2), None)),
        vec![(DueKind::Talk, d(2024, 4, 1), true)]
    );
    let talked = history(&[
        (Step::SubmitApplication, d(2024, 3, 1)),
        (Step::ApplicationTalk, d(2024, 3, 20)),
    ]);
    assert!(s.due_items(&talked, d(2024, 4, 2), None).is_empty());
}

#[test]
fn a_thought_report_is_due_a_quarter_after_the_last_one_or_after_becoming_an_activist() {
    let s = national();
    let h = history(&[
        (Step::SubmitApplication, d(2023, 9, 1)),
        (Step::ApplicationTalk, d(2023, 9, 10)),
        (Step::RecommendActivist, d(2024, 1, 10)),
    ]);
    let report = |today, last| {
        s.due_items(&h, today, last)
            .into_iter()
            .find(|i| i.kind == DueKind::ThoughtReport)
            .map(|i| (i.due_on, i.overdue))
    };
    assert_eq!(report(d(2024, 4, 10), None), Some((d(2024, 4, 10), false)));
    assert_eq!(report(d(2024, 4, 11), None), Some((d(2024, 4, 10), true)));
    assert_eq!(
        report(d(2024, 4, 11), Some(d(2024, 4, 1))),
        None,
        "a report on 1 April is next due on 1 July"
    );
    assert_eq!(
        report(d(2024, 6, 17), Some(d(2024, 4, 1))),
        Some((d(2024, 7, 1), false))
    );
}

#[test]
fn the_next_activist_review_is_announced_but_never_overdue() {
    let s = national();
    let h = history(&[(Step::RecommendActivist, d(2024, 1, 10))]);
    let review = |today| {
        s.due_items(&h, today, Some(today))
            .into_iter()
            .find(|i| i.kind == DueKind::ActivistReview)
            .map(|i| (i.due_on, i.overdue))
    };
    assert_eq!(review(d(2024, 6, 25)), None);
    assert_eq!(review(d(2024, 6, 26)), Some((d(2024, 7, 10), false)));
    assert_eq!(
        review(d(2024, 7, 11)),
        None,
        "past the review day the next one (2025-01-10) is far off"
    );
    assert_eq!(review(d(2024, 12, 27)), Some((d(2025, 1, 10), false)));
}

#[test]
fn after_the_branch_meeting_the_decision_then_probation_then_conversion_fall_due() {
    let s = national();
    let mut h = history(&[
        (Step::RecommendActivist, d(2023, 4, 10)),
        (Step::AdmissionMeeting, d(2024, 6, 20)),
    ]);
    let due = |h: &History, today| -> Vec<(DueKind, NaiveDate, bool)> {
        kinds(&s.due_items(h, today, Some(today)))
            .into_iter()
            .filter(|(k, ..)| *k != DueKind::ThoughtReport)
            .collect()
    };
    assert_eq!(
        due(&h, d(2024, 9, 21)),
        vec![(DueKind::Decision, d(2024, 9, 20), true)]
    );
    h.0.insert(Step::AdmissionApproval, d(2024, 7, 10));
    assert_eq!(due(&h, d(2025, 6, 5)), vec![]);
    assert_eq!(
        due(&h, d(2025, 6, 6)),
        vec![(DueKind::ProbationEnds, d(2025, 6, 20), false)]
    );
    h.0.insert(Step::ConversionMeeting, d(2025, 6, 25));
    assert_eq!(
        due(&h, d(2025, 9, 7)),
        vec![(DueKind::Conversion, d(2025, 9, 20), false)]
    );
    assert_eq!(
        due(&h, d(2025, 9, 21)),
        vec![(DueKind::Conversion, d(2025, 9, 20), true)]
    );
    h.0.insert(Step::ConversionApproval, d(2025, 6, 30));
    assert_eq!(due(&h, d(2025, 9, 21)), vec![]);
    assert!(
        s.due_items(&h, d(2025, 9, 21), None).is_empty(),
        "a full member owes no more 思想汇报 to the pipeline"
    );
}
