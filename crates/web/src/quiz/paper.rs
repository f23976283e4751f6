//! A set of served questions as the person sees it, and its marking — shared by quizzes and
//! exams. What goes to the client before hand-in never includes an answer or an explanation.

use std::collections::{HashMap, HashSet};

use redbranch_db::questions::QuestionRow;
use redbranch_db::quiz::Given;
use redbranch_domain::error::FieldError;
use redbranch_domain::questions::check::{blanks, is_correct, unshuffle};
use redbranch_domain::questions::{LETTERS, QuestionKind};
use redbranch_domain::quiz::Served;
use serde::{Deserialize, Serialize};

use crate::error::{AppError, AppResult};

/// One option as shown: the letter on screen and its text.
#[derive(Debug, Clone, Serialize)]
pub struct OptionView {
    pub label: &'static str,
    pub text: String,
}

/// A question as served, without its answer.
#[derive(Debug, Clone, Serialize)]
pub struct QuestionView {
    pub id: i64,
    pub kind: QuestionKind,
    pub kind_key: &'static str,
    pub stem: String,
    pub options: Vec<OptionView>,
    /// Text boxes a 填空题 needs.
    pub blanks: usize,
}

/// A question after hand-in: what was given, whether it was right, the answer in the shown
/// letters, and the explanation.
#[derive(Debug, Clone, Serialize)]
pub struct MarkedView {
    pub question: QuestionView,
    pub given: Vec<String>,
    pub correct: bool,
    pub answer: String,
    pub explanation: String,
}

/// One answer as sent: the question and what was chosen or typed (letters as shown).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AnswerIn {
    pub question_id: i64,
    #[serde(default)]
    pub given: Vec<String>,
}

pub fn view(row: &QuestionRow, served: &Served) -> QuestionView {
    let q = &row.question;
    let options = served
        .shown
        .iter()
        .enumerate()
        .filter_map(|(i, stored)| {
            Some(OptionView {
                label: LETTERS.get(i)?,
                text: q.options.get(*stored)?.clone(),
            })
        })
        .collect();
    QuestionView {
        id: row.id,
        kind: q.kind,
        kind_key: q.kind.label_key(),
        stem: q.stem.clone(),
        options,
        blanks: if q.kind == QuestionKind::Fill {
            blanks(&q.answer)
        } else {
            0
        },
    }
}

/// The correct answer in the letters this person saw (`B、D`), or the words.
pub fn shown_answer(row: &QuestionRow, served: &Served) -> String {
    let q = &row.question;
    if !q.kind.has_options() {
        return q
            .answer
            .iter()
            .filter(|a| !a.is_empty())
            .cloned()
            .collect::<Vec<_>>()
            .join(" | ");
    }
    let mut shown: Vec<usize> = q
        .answer
        .iter()
        .filter_map(|l| LETTERS.iter().position(|x| x == l))
        .filter_map(|stored| served.shown.iter().position(|s| *s == stored))
        .collect();
    shown.sort_unstable();
    shown
        .into_iter()
        .filter_map(|i| LETTERS.get(i).copied())
        .collect::<Vec<_>>()
        .join("、")
}

/// Marks one answer against its question as served.
pub fn mark_one(row: &QuestionRow, served: &Served, given: &[String]) -> bool {
    let q = &row.question;
    let given: Vec<String> = if q.kind.has_options() {
        unshuffle(given, &served.shown)
    } else {
        given.to_vec()
    };
    is_correct(q.kind, &q.answer, &given)
}

/// Checks that every answer belongs to a served question, once; the refusal names the first
/// stranger. Unanswered questions are simply wrong.
pub fn check_belongs(
    items: &[Served],
    answers: &[AnswerIn],
) -> AppResult<HashMap<i64, Vec<String>>> {
    let served: HashSet<i64> = items.iter().map(|s| s.question_id).collect();
    let mut out = HashMap::new();
    for a in answers {
        if !served.contains(&a.question_id) {
            return Err(FieldError::new("field.answers", "quiz.error.not_in_quiz")
                .with("id", a.question_id)
                .into());
        }
        if out.insert(a.question_id, a.given.clone()).is_some() {
            return Err(
                FieldError::new("field.answers", "quiz.error.answered_twice")
                    .with("id", a.question_id)
                    .into(),
            );
        }
    }
    Ok(out)
}

/// Marks a whole paper: per served question, what was given and whether it was right.
pub fn mark_all(
    items: &[Served],
    rows: &HashMap<i64, QuestionRow>,
    answers: &HashMap<i64, Vec<String>>,
) -> AppResult<Vec<(Given, MarkedView)>> {
    items
        .iter()
        .map(|s| {
            let row = rows.get(&s.question_id).ok_or(AppError::NotFound)?;
            let given = answers.get(&s.question_id).cloned().unwrap_or_default();
            let correct = mark_one(row, s, &given);
            Ok((
                Given {
                    question_id: s.question_id,
                    given: given.clone(),
                    correct,
                },
                marked(row, s, &given, correct),
            ))
        })
        .collect()
}

pub fn marked(row: &QuestionRow, s: &Served, given: &[String], correct: bool) -> MarkedView {
    MarkedView {
        question: view(row, s),
        given: given.to_vec(),
        correct,
        answer: shown_answer(row, s),
        explanation: row.question.explanation.clone().unwrap_or_default(),
    }
}

/// Answers from a plain form: fields `q<id>` (repeated for 多选 and for several blanks).
pub fn answers_from_form(pairs: &[(String, String)]) -> Vec<AnswerIn> {
    let mut out: Vec<AnswerIn> = Vec::new();
    for (k, v) in pairs {
        let Some(id) = k.strip_prefix('q').and_then(|n| n.parse::<i64>().ok()) else {
            continue;
        };
        match out.iter_mut().find(|a| a.question_id == id) {
            Some(a) => a.given.push(v.clone()),
            None => out.push(AnswerIn {
                question_id: id,
                given: vec![v.clone()],
            }),
        }
    }
    out
}
