//! The weekly lesson (青年大学习 style): a video and a few single-choice questions published for
//! a period to the League members of chosen orgs; participation rolled up the League tree.

use chrono::NaiveDate;

use crate::error::{FieldError, FieldErrors};

pub const TITLE_MAX: usize = 80;
pub const QUESTIONS_MAX: usize = 10;
pub const OPTIONS_MAX: usize = 6;

/// One single-choice question.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Question {
    pub prompt: String,
    pub options: Vec<String>,
    /// 0-based index of the right option.
    pub answer: usize,
}

/// Checks a lesson before it is published: a title, a video (an uploaded file, or an http(s)
/// URL), a period whose end is not before its start, between one and ten questions with two to
/// six options and a valid answer. With an uploaded video the URL may be left empty.
pub fn check_lesson(
    title: &str,
    (video_url, uploaded): (&str, bool),
    (starts_on, ends_on): (NaiveDate, NaiveDate),
    questions: &[Question],
) -> Result<(), FieldErrors> {
    let mut errs = FieldErrors::default();
    let title = title.trim();
    if title.is_empty() {
        errs.push(FieldError::new("field.lesson_title", "error.required"));
    } else if title.chars().count() > TITLE_MAX {
        errs.push(
            FieldError::new("field.lesson_title", "lessons.error.too_long").with("max", TITLE_MAX),
        );
    }
    let url = video_url.trim();
    let url_ok = (url.starts_with("https://") || url.starts_with("http://")) && url.len() <= 500;
    let stands_in = uploaded && url.is_empty();
    if !(url_ok || stands_in) {
        errs.push(FieldError::new(
            "field.lesson_video",
            "lessons.error.video_url",
        ));
    }
    if ends_on < starts_on {
        errs.push(FieldError::new(
            "field.lesson_ends_on",
            "lessons.error.period",
        ));
    }
    if questions.is_empty() || questions.len() > QUESTIONS_MAX {
        errs.push(
            FieldError::new("field.lesson_questions", "lessons.error.question_count")
                .with("max", QUESTIONS_MAX),
        );
    }
    for q in questions {
        let opts_ok = (2..=OPTIONS_MAX).contains(&q.options.len())
            && q.options.iter().all(|o| !o.trim().is_empty());
        if q.prompt.trim().is_empty() || !opts_ok || q.answer >= q.options.len() {
            errs.push(FieldError::new(
                "field.lesson_questions",
                "lessons.error.question",
            ));
            break;
        }
    }
    errs.into_result()
}

/// Is an answer on `day` within the lesson's period (both ends included)?
pub fn open_on(day: NaiveDate, (starts_on, ends_on): (NaiveDate, NaiveDate)) -> bool {
    starts_on <= day && day <= ends_on
}

/// Checks a member's answers: one per question, each a valid option. Returns the number right.
/// 青年大学习 counts a completion whatever the score; the score is kept for the member.
pub fn score(questions: &[Question], answers: &[usize]) -> Result<usize, FieldError> {
    if answers.len() != questions.len()
        || answers
            .iter()
            .zip(questions)
            .any(|(a, q)| *a >= q.options.len())
    {
        return Err(FieldError::new(
            "field.lesson_answers",
            "lessons.error.answer_all",
        ));
    }
    Ok(answers
        .iter()
        .zip(questions)
        .filter(|(a, q)| **a == q.answer)
        .count())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 11, day).unwrap_or_default()
    }

    fn q() -> Question {
        Question {
            prompt: "党的二十大在哪一年召开？".into(),
            options: vec!["2021".into(), "2022".into()],
            answer: 1,
        }
    }

    #[test]
    fn answers_are_taken_on_the_first_and_last_day_and_refused_the_day_after() {
        let p = (d(17), d(23));
        assert!(!open_on(d(16), p));
        assert!(open_on(d(17), p));
        assert!(open_on(d(23), p));
        assert!(!open_on(d(24), p));
    }

    #[test]
    fn every_question_must_be_answered_with_an_offered_option() {
        assert_eq!(score(&[q()], &[1]), Ok(1));
        assert_eq!(score(&[q()], &[0]), Ok(0));
        assert!(score(&[q()], &[]).is_err());
        assert!(score(&[q()], &[2]).is_err());
    }

    #[test]
    fn a_lesson_ending_before_it_starts_or_without_questions_is_refused() {
        let week = (d(17), d(23));
        assert!(check_lesson("第一期", ("https://v.example/1.mp4", false), week, &[q()]).is_ok());
        let e = check_lesson("第一期", ("ftp://x", false), (d(23), d(17)), &[]).unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|f| f.field).collect();
        assert_eq!(
            fields,
            vec![
                "field.lesson_video",
                "field.lesson_ends_on",
                "field.lesson_questions"
            ]
        );
    }

    #[test]
    fn an_uploaded_video_stands_in_for_the_url_but_a_bad_url_is_still_refused() {
        let week = (d(17), d(23));
        assert!(check_lesson("第一期", ("", true), week, &[q()]).is_ok());
        assert!(check_lesson("第一期", ("", false), week, &[q()]).is_err());
        assert!(check_lesson("第一期", ("ftp://x", true), week, &[q()]).is_err());
    }
}
