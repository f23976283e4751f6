//! Exams (考试): built from a bank, fixed or drawn at random by type and topic, time-limited,
//! one attempt or several, with a pass mark, automatic marking and credits (学分) for passing —
//! as used for the 入党积极分子 training course (《中国共产党发展党员工作细则》第十七条 requires
//! the 集中培训 of development targets, and schools examine it) and for 团课.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::error::FieldError;
use crate::questions::QuestionKind;

/// Network and clock slack allowed after the time limit: a paper handed in as the bell rings
/// still counts, one sent a minute later does not.
pub const GRACE_SECONDS: i64 = 30;

/// Longest exam: a half-day paper.
pub const MAX_MINUTES: i64 = 240;
pub const MAX_ATTEMPTS: i64 = 10;
/// Credits are kept in tenths (0.5 学分 = 5): 学分 in 第二课堂成绩单 go in halves and tenths.
pub const MAX_CREDIT_TENTHS: i64 = 100;

/// How the questions of an exam are chosen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "mode")]
pub enum ExamSpec {
    /// The same questions for everybody (their order and options still shuffled per person).
    Fixed { question_ids: Vec<i64> },
    /// Drawn per person: `count` questions of `kind` (and `topic`, when given) each.
    Random { draws: Vec<Draw> },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draw {
    pub kind: QuestionKind,
    #[serde(default)]
    pub topic: Option<String>,
    pub count: usize,
}

impl ExamSpec {
    /// Questions in one paper.
    pub fn size(&self) -> usize {
        match self {
            Self::Fixed { question_ids } => question_ids.len(),
            Self::Random { draws } => draws.iter().map(|d| d.count).sum(),
        }
    }
}

/// An exam's numbers as an author enters them, checked together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExamRules {
    pub minutes: i64,
    pub max_attempts: i64,
    /// Percentage of the points needed to pass, 1–100.
    pub pass_percent: i64,
    pub credit_tenths: i64,
}

impl ExamRules {
    pub fn check(&self) -> Result<(), Vec<FieldError>> {
        let mut errs = Vec::new();
        let range = |v: i64, lo: i64, hi: i64, field: &'static str, errs: &mut Vec<FieldError>| {
            if v < lo || v > hi {
                errs.push(
                    FieldError::new(field, "exams.error.out_of_range")
                        .with("min", lo)
                        .with("max", hi),
                );
            }
        };
        range(
            self.minutes,
            1,
            MAX_MINUTES,
            "field.exam_minutes",
            &mut errs,
        );
        range(
            self.max_attempts,
            1,
            MAX_ATTEMPTS,
            "field.exam_attempts",
            &mut errs,
        );
        range(self.pass_percent, 1, 100, "field.exam_pass", &mut errs);
        range(
            self.credit_tenths,
            0,
            MAX_CREDIT_TENTHS,
            "field.exam_credits",
            &mut errs,
        );
        if errs.is_empty() { Ok(()) } else { Err(errs) }
    }
}

/// When an attempt started at `started` must be handed in.
pub fn deadline(started: DateTime<Utc>, minutes: i64) -> DateTime<Utc> {
    started + Duration::minutes(minutes)
}

/// Whether a paper handed in at `now` is in time: up to the deadline plus [`GRACE_SECONDS`].
pub fn in_time(deadline: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now <= deadline + Duration::seconds(GRACE_SECONDS)
}

/// Whether a person who has used `used` attempts may start another.
pub fn may_start(used: i64, max_attempts: i64) -> bool {
    used < max_attempts
}

/// Whether `score` of `total` points reaches `pass_percent` (exactly the mark passes).
pub fn passed(score: i64, total: i64, pass_percent: i64) -> bool {
    total > 0 && score * 100 >= pass_percent * total
}

/// Points per question: 1 each, a 多选题 2 (it asks for more and gives nothing for a partial
/// answer).
pub fn points(kind: QuestionKind) -> i64 {
    match kind {
        QuestionKind::Multiple => 2,
        _ => 1,
    }
}

/// `15` tenths → `"1.5"`.
pub fn credits_text(tenths: i64) -> String {
    if tenths % 10 == 0 {
        format!("{}", tenths / 10)
    } else {
        format!("{}.{}", tenths / 10, (tenths % 10).abs())
    }
}

/// `"1.5"` → 15 tenths; at most one decimal.
pub fn parse_credits(raw: &str) -> Result<i64, FieldError> {
    let t = crate::text::compact(raw);
    if t.is_empty() {
        return Ok(0);
    }
    let bad = || FieldError::new("field.exam_credits", "exams.error.bad_credits");
    let (whole, frac) = t.split_once('.').unwrap_or((&t, "0"));
    if frac.len() != 1 || whole.is_empty() {
        return Err(bad());
    }
    let w: i64 = whole.parse().map_err(|_| bad())?;
    let f: i64 = frac.parse().map_err(|_| bad())?;
    Ok(w * 10 + f)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + secs, 0).unwrap_or_default()
    }

    #[test]
    fn a_paper_is_in_time_up_to_the_grace_after_the_deadline() {
        let d = deadline(at(0), 30);
        assert_eq!(d, at(1800));
        assert!(in_time(d, at(1800)));
        assert!(in_time(d, at(1800 + GRACE_SECONDS)));
        assert!(!in_time(d, at(1800 + GRACE_SECONDS + 1)));
    }

    #[test]
    fn the_pass_mark_is_reached_exactly_and_not_one_point_below() {
        assert!(passed(60, 100, 60));
        assert!(!passed(59, 100, 60));
        assert!(passed(2, 3, 66));
        assert!(!passed(2, 3, 67));
        assert!(!passed(0, 0, 1));
    }

    #[test]
    fn attempts_run_out_at_the_limit() {
        assert!(may_start(0, 1));
        assert!(!may_start(1, 1));
        assert!(may_start(2, 3));
        assert!(!may_start(3, 3));
    }

    #[test]
    fn credits_are_read_and_written_in_tenths() {
        assert_eq!(parse_credits("1.5"), Ok(15));
        assert_eq!(parse_credits("2"), Ok(20));
        assert_eq!(parse_credits(""), Ok(0));
        assert!(parse_credits("1.25").is_err());
        assert_eq!(credits_text(15), "1.5");
        assert_eq!(credits_text(20), "2");
    }

    #[test]
    fn rules_out_of_range_name_their_field() {
        let r = ExamRules {
            minutes: 0,
            max_attempts: 11,
            pass_percent: 100,
            credit_tenths: 0,
        };
        let fields: Vec<&str> = r
            .check()
            .err()
            .unwrap_or_default()
            .iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, vec!["field.exam_minutes", "field.exam_attempts"]);
        assert_eq!(
            ExamSpec::Random {
                draws: vec![Draw {
                    kind: QuestionKind::Judge,
                    topic: None,
                    count: 3
                }]
            }
            .size(),
            3
        );
    }
}
