//! Reading the 答案 cell the way administrators write it: `A、B、D`, `abd`, `ＡＢＤ`, `A,B,D`,
//! `对`/`错`/`√`/`×`, blanks separated by `|`. What is unambiguous is normalised; the rest is a
//! problem that names what is wrong.

use super::{FALSE, LETTERS, QuestionKind, TRUE, trim_text};
use crate::error::FieldError;
use crate::text::to_half_width;

/// Why an answer cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerProblem {
    Missing,
    /// A character that is neither an option letter nor a separator.
    NotALetter(String),
    /// A letter beyond the last option: (letter, how many options there are).
    NotAmongOptions(String, usize),
    /// Several letters for a 单选题.
    SeveralForSingle,
    /// A 判断 answer that is neither true nor false.
    NotTrueOrFalse(String),
    /// A 填空 answer with an empty blank in the middle.
    EmptyBlank,
}

impl AnswerProblem {
    pub fn field_error(&self) -> FieldError {
        let e = |code| FieldError::new("field.question_answer", code);
        match self {
            Self::Missing => e("questions.error.missing_answer"),
            Self::NotALetter(s) => e("questions.error.not_a_letter").with("value", s),
            Self::NotAmongOptions(l, n) => e("questions.error.answer_not_in_options")
                .with("letter", l)
                .with("count", n),
            Self::SeveralForSingle => e("questions.error.several_for_single"),
            Self::NotTrueOrFalse(s) => e("questions.error.not_true_or_false").with("value", s),
            Self::EmptyBlank => e("questions.error.empty_blank"),
        }
    }
}

/// The answer in canonical form for a question of `kind` with `options` options: letters in
/// order, `正确`/`错误`, or one text per blank.
pub fn parse_answer(
    kind: QuestionKind,
    raw: &str,
    options: usize,
) -> Result<Vec<String>, AnswerProblem> {
    let trimmed = trim_text(raw);
    if trimmed.is_empty() {
        return Err(AnswerProblem::Missing);
    }
    match kind {
        QuestionKind::Single | QuestionKind::Multiple => {
            let letters = parse_letters(&trimmed, options)?;
            if kind == QuestionKind::Single && letters.len() > 1 {
                return Err(AnswerProblem::SeveralForSingle);
            }
            Ok(letters)
        }
        QuestionKind::Judge => parse_judge(&trimmed)
            .map(|b| vec![if b { TRUE } else { FALSE }.to_string()])
            .ok_or(AnswerProblem::NotTrueOrFalse(trimmed)),
        QuestionKind::Fill => parse_blanks(&trimmed),
    }
}

/// Separators people put between letters: 、 , ， ; ； / and spaces.
fn is_letter_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '、' | ',' | '，' | ';' | '；' | '/' | '\u{3000}')
}

/// `A、B、D`, `abd`, `ＡＢＤ` → `["A","B","D"]`: sorted, each once, all among the options.
fn parse_letters(s: &str, options: usize) -> Result<Vec<String>, AnswerProblem> {
    let mut idx: Vec<usize> = Vec::new();
    for c in to_half_width(s)
        .chars()
        .filter(|c| !is_letter_separator(*c))
    {
        let up = c.to_ascii_uppercase();
        let Some(i) = LETTERS.iter().position(|l| l.starts_with(up)) else {
            return Err(AnswerProblem::NotALetter(c.to_string()));
        };
        if i >= options {
            return Err(AnswerProblem::NotAmongOptions(up.to_string(), options));
        }
        idx.push(i);
    }
    if idx.is_empty() {
        return Err(AnswerProblem::Missing);
    }
    idx.sort_unstable();
    idx.dedup();
    Ok(idx.into_iter().map(|i| LETTERS[i].to_string()).collect())
}

/// `正确`/`对`/`√`/`是`/`T` → true; `错误`/`错`/`×`/`否`/`F` → false; anything else `None`.
pub fn parse_judge(s: &str) -> Option<bool> {
    let t = to_half_width(&trim_text(s)).to_lowercase();
    match t.as_str() {
        "正确" | "对" | "√" | "✓" | "✔" | "是" | "t" | "true" | "y" | "yes" => Some(true),
        "错误" | "错" | "×" | "✗" | "✘" | "否" | "f" | "false" | "n" | "no" => Some(false),
        _ => None,
    }
}

/// Blanks separated by `|` (or the full-width `｜`), each trimmed. A trailing empty part is
/// kept as written (a bank's own way to allow an empty alternative); an empty part before a
/// filled one is a mistake.
fn parse_blanks(s: &str) -> Result<Vec<String>, AnswerProblem> {
    let parts: Vec<String> = s.split(['|', '｜']).map(trim_text).collect();
    let last_filled = parts.iter().rposition(|p| !p.is_empty());
    match last_filled {
        None => Err(AnswerProblem::Missing),
        Some(i) if parts[..i].iter().any(String::is_empty) => Err(AnswerProblem::EmptyBlank),
        Some(_) => Ok(parts),
    }
}
