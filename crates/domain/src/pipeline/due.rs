//! What is due or overdue on a person's record on a given day: the deadlines the rules set
//! (RULES §1), for the daily job that puts them on the home page of whoever must act.
//!
//! An item is listed from `warn_days` before its day; past its day it is overdue. Items that
//! recur (half-yearly reviews, quarterly 思想汇报) are listed for their next occurrence only.

use chrono::{Duration, NaiveDate};

use super::{History, PipelineSettings, Step};

coded! {
    /// The kinds of deadline the daily job watches.
    DueKind, "pipeline_ui.due.", 6 {
        /// 细则: talk with an applicant within a month of the application (step 2).
        Talk = "talk",
        /// Common practice: an activist's half-yearly review.
        ActivistReview = "activist_review",
        /// School rule: a 思想汇报 at least every quarter, from 积极分子 until 转正.
        ThoughtReport = "thought_report",
        /// 细则: the higher committee decides within 3 months of the 支部大会 (step 17).
        Decision = "decision",
        /// 党章 第七条: probation ends a year after the 支部大会; the conversion meeting is due.
        ProbationEnds = "probation_ends",
        /// 细则: conversion approved within 3 months of the end of probation (step 24).
        Conversion = "conversion",
    }
}

impl DueKind {
    /// Whether the 上级党委 (organiser, college) acts on it rather than the branch.
    pub fn by_higher_committee(self) -> bool {
        matches!(self, DueKind::Decision | DueKind::Conversion)
    }
}

/// One deadline on one person's record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueItem {
    pub kind: DueKind,
    pub due_on: NaiveDate,
    pub overdue: bool,
}

impl PipelineSettings {
    /// The deadlines on `history` that are within `warn_days` of `today` or past it.
    /// `last_report` is the person's latest 思想汇报, if any.
    pub fn due_items(
        &self,
        history: &History,
        today: NaiveDate,
        last_report: Option<NaiveDate>,
    ) -> Vec<DueItem> {
        let has = |s: Step| history.date_of(s).is_some();
        let mut out = Vec::new();
        let mut add = |kind: DueKind, due_on: NaiveDate, can_be_overdue: bool| {
            let overdue = due_on < today;
            if overdue && !can_be_overdue {
                return;
            }
            if due_on <= today + Duration::days(i64::from(self.warn_days)) {
                out.push(DueItem {
                    kind,
                    due_on,
                    overdue,
                });
            }
        };
        if let Some(applied) = history.date_of(Step::SubmitApplication)
            && !has(Step::ApplicationTalk)
        {
            add(DueKind::Talk, self.talk_due(applied), true);
        }
        let activist = history.date_of(Step::RecommendActivist);
        if let Some(activist) = activist
            && !has(Step::AdmissionMeeting)
        {
            // Reviews are not recorded one by one, so only the next one is announced; none is
            // ever reported overdue.
            let mut review = self.activist_review_due(activist);
            while review < today {
                review = self.activist_review_due(review);
            }
            add(DueKind::ActivistReview, review, false);
        }
        if let Some(activist) = activist
            && !has(Step::ConversionApproval)
        {
            let since = last_report.map_or(activist, |r| r.max(activist));
            add(DueKind::ThoughtReport, self.thought_report_due(since), true);
        }
        if let Some(meeting) = history.date_of(Step::AdmissionMeeting) {
            if !has(Step::AdmissionApproval) {
                add(DueKind::Decision, self.decision_due(meeting), true);
            } else if !has(Step::ConversionMeeting) {
                add(DueKind::ProbationEnds, self.probation_ends(meeting), true);
            }
            if has(Step::AdmissionApproval) && !has(Step::ConversionApproval) {
                let ends = self.probation_ends(meeting);
                if ends <= today {
                    add(DueKind::Conversion, self.conversion_due(ends), true);
                }
            }
        }
        out
    }
}
