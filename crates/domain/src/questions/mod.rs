//! Question banks (题库): the four question types, what makes a question valid, how answers
//! written by people are read, and the 题库导入模板 layout for import and export.
//!
//! Pure: the spreadsheet grid comes from `redbranch-sheets`; storage is `redbranch-db`'s.
//! Checking an answer lives here too ([`check`]), so quizzes, exams and the live matches built
//! later all mark the same way.

mod answer;
pub mod check;
mod import;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use answer::{AnswerProblem, parse_answer, parse_judge};
pub use import::{BankParse, ImportedQuestion, SheetSummary, parse_bank};

use crate::error::FieldError;
use crate::text::normalise;

/// Option letters of the template: at most six options (选项A–选项F).
pub const LETTERS: [&str; 6] = ["A", "B", "C", "D", "E", "F"];

/// The canonical answers of a true/false question.
pub const TRUE: &str = "正确";
pub const FALSE: &str = "错误";

/// Longest stem, option, answer or explanation accepted (characters): a long 材料题 fits.
pub const MAX_TEXT: usize = 2000;

/// The four question types of the common 题库导入模板.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    /// 单选题: one letter.
    Single,
    /// 多选题: one or more letters, all of them needed.
    Multiple,
    /// 判断题: 正确 or 错误.
    Judge,
    /// 填空题: one text per blank.
    Fill,
}

impl QuestionKind {
    pub const ALL: [QuestionKind; 4] = [Self::Single, Self::Multiple, Self::Judge, Self::Fill];

    pub fn code(self) -> &'static str {
        match self {
            Self::Single => "single",
            Self::Multiple => "multiple",
            Self::Judge => "judge",
            Self::Fill => "fill",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == s)
    }

    /// The name the template writes in the 题型 column.
    pub fn template_name(self) -> &'static str {
        match self {
            Self::Single => "单选题",
            Self::Multiple => "多选题",
            Self::Judge => "判断题",
            Self::Fill => "填空题",
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Self::Single => "questions.kind.single",
            Self::Multiple => "questions.kind.multiple",
            Self::Judge => "questions.kind.judge",
            Self::Fill => "questions.kind.fill",
        }
    }

    /// Reads a 题型 cell or a sheet name: the full name (单选题), the short one (单选), the long
    /// one (单项选择题), the code, with stray spaces. `None` for anything else.
    pub fn from_name(raw: &str) -> Option<Self> {
        let s = normalise(raw).replace(' ', "").to_lowercase();
        let s = s.trim_end_matches('题');
        match s {
            "单选" | "单项选择" | "单择" | "single" => Some(Self::Single),
            "多选" | "多项选择" | "不定项选择" | "multiple" => Some(Self::Multiple),
            "判断" | "是非" | "judge" => Some(Self::Judge),
            "填空" | "fill" => Some(Self::Fill),
            _ => None,
        }
    }

    /// Whether the question has lettered options.
    pub fn has_options(self) -> bool {
        matches!(self, Self::Single | Self::Multiple)
    }
}

/// A question as an author or a file gives it, before it is checked.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct QuestionInput {
    pub kind: Option<QuestionKind>,
    pub stem: String,
    pub options: Vec<String>,
    /// The answer as written: `A、B、D`, `对`, `党章|党纪`.
    pub answer: String,
    pub explanation: String,
    pub topic: String,
}

/// A valid question: stem and options trimmed, the answer in canonical form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Question {
    pub kind: QuestionKind,
    pub stem: String,
    /// Option texts in letter order (A first); empty for 判断 and 填空.
    pub options: Vec<String>,
    /// Letters in order (`["A","C"]`), `["正确"]`/`["错误"]`, or one text per blank.
    pub answer: Vec<String>,
    pub explanation: Option<String>,
    pub topic: Option<String>,
}

impl Question {
    /// The answer as the template writes it: `ABD`, `正确`, blanks joined by `|`.
    pub fn answer_text(&self) -> String {
        match self.kind {
            QuestionKind::Fill => self.answer.join("|"),
            _ => self.answer.concat(),
        }
    }

    /// What makes two questions the same: type, stem and options, compared after
    /// normalisation (full-width forms, spaces). The answer is left out on purpose: the same
    /// question with another answer is a conflict to report, not a new question.
    pub fn dedupe_key(&self) -> String {
        let mut h = Sha256::new();
        h.update(self.kind.code());
        h.update([0]);
        h.update(normalise(&self.stem));
        for o in &self.options {
            h.update([0x1f]);
            h.update(normalise(o));
        }
        hex::encode(&h.finalize()[..16])
    }
}

/// Trims a text cell: spaces, line breaks (CRLF too) and ideographic spaces at either end.
pub fn trim_text(s: &str) -> String {
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}' || c == '\u{feff}')
        .to_string()
}

/// Checks a question as written and brings it to canonical form. The error names the field:
/// `field.question_kind`, `field.question_stem`, `field.question_options` or
/// `field.question_answer`.
pub fn validate(input: &QuestionInput) -> Result<Question, FieldError> {
    let kind = input
        .kind
        .ok_or_else(|| FieldError::new("field.question_kind", "questions.error.unknown_kind"))?;
    let stem = trim_text(&input.stem);
    if stem.is_empty() {
        return Err(FieldError::new("field.question_stem", "error.required"));
    }
    let explanation = Some(trim_text(&input.explanation)).filter(|s| !s.is_empty());
    let topic = Some(normalise(&input.topic)).filter(|s| !s.is_empty());
    for text in [&stem, explanation.as_deref().unwrap_or_default()] {
        if text.chars().count() > MAX_TEXT {
            return Err(
                FieldError::new("field.question_stem", "error.too_long").with("max", MAX_TEXT)
            );
        }
    }
    let options = if kind.has_options() {
        options_of(&input.options)?
    } else {
        Vec::new()
    };
    let answer = parse_answer(kind, &input.answer, options.len()).map_err(|p| p.field_error())?;
    Ok(Question {
        kind,
        stem,
        options,
        answer,
        explanation,
        topic,
    })
}

/// Option texts in letter order. Trailing empty options are simply absent; a gap (A, B, —, D)
/// is refused, because the letters after it would shift.
fn options_of(raw: &[String]) -> Result<Vec<String>, FieldError> {
    let texts: Vec<String> = raw.iter().map(|o| trim_text(o)).collect();
    let used = texts
        .iter()
        .rposition(|t| !t.is_empty())
        .map_or(0, |i| i + 1);
    if let Some(gap) = texts[..used].iter().position(String::is_empty) {
        return Err(
            FieldError::new("field.question_options", "questions.error.option_gap")
                .with("letter", LETTERS.get(gap).copied().unwrap_or("?")),
        );
    }
    if used < 2 {
        return Err(FieldError::new(
            "field.question_options",
            "questions.error.too_few_options",
        ));
    }
    if used > LETTERS.len() {
        return Err(FieldError::new(
            "field.question_options",
            "questions.error.too_many_options",
        ));
    }
    if texts[..used].iter().any(|t| t.chars().count() > MAX_TEXT) {
        return Err(
            FieldError::new("field.question_options", "error.too_long").with("max", MAX_TEXT)
        );
    }
    Ok(texts[..used].to_vec())
}

/// The headers of the 题库导入模板, in order; 专题 is RedBranch's optional last column (other
/// systems ignore a column they do not know).
pub const TEMPLATE_HEADERS: [&str; 11] = [
    "题型", "题干", "选项A", "选项B", "选项C", "选项D", "选项E", "选项F", "答案", "解析", "专题",
];

/// One question as a template row (see [`TEMPLATE_HEADERS`]).
pub fn template_row(q: &Question) -> Vec<String> {
    let mut row = vec![q.kind.template_name().to_string(), q.stem.clone()];
    for i in 0..LETTERS.len() {
        row.push(q.options.get(i).cloned().unwrap_or_default());
    }
    row.push(q.answer_text());
    row.push(q.explanation.clone().unwrap_or_default());
    row.push(q.topic.clone().unwrap_or_default());
    row
}
