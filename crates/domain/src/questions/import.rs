//! Reading a question bank from spreadsheet grids: the 题库导入模板 (one sheet, one header
//! row) and what administrators really send — title rows above the header, one sheet per type,
//! an empty or abbreviated 题型 cell, blank rows, answers in every notation.
//!
//! Every valid row becomes a [`Question`]; every other non-blank row becomes an issue naming
//! the sheet, the Excel row and the column. Committing is the caller's business: all valid rows
//! or none.

use std::collections::HashMap;

use serde::Serialize;

use super::{LETTERS, Question, QuestionInput, QuestionKind, validate};
use crate::error::FieldError;
use crate::roster::{Cell, RowIssue, Sheet};
use crate::text::normalise;

/// Header and title rows sit at the top; past this many rows a "header" would be data.
const HEADER_SEARCH_ROWS: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Kind,
    Stem,
    Option(usize),
    Answer,
    Explanation,
    Topic,
}

impl Col {
    fn from_header(raw: &str) -> Option<Self> {
        let h = normalise(raw).replace(' ', "").to_uppercase();
        match h.as_str() {
            "题型" | "题目类型" | "试题类型" | "类型" => Some(Col::Kind),
            "题干" | "题目" | "试题" | "题目内容" | "试题内容" => Some(Col::Stem),
            "答案" | "正确答案" | "参考答案" | "标准答案" => Some(Col::Answer),
            "解析" | "答案解析" | "试题解析" => Some(Col::Explanation),
            "专题" | "知识点" | "分类" | "标签" => Some(Col::Topic),
            _ => {
                let letter = h
                    .strip_prefix("选项")
                    .or_else(|| h.strip_suffix("选项"))
                    .unwrap_or(&h);
                LETTERS.iter().position(|l| *l == letter).map(Col::Option)
            }
        }
    }

    /// The column a field error belongs to.
    fn of_field(field: &str) -> Option<Self> {
        match field {
            "field.question_kind" => Some(Col::Kind),
            "field.question_stem" => Some(Col::Stem),
            "field.question_options" => Some(Col::Option(0)),
            "field.question_answer" => Some(Col::Answer),
            _ => None,
        }
    }
}

/// One valid question and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportedQuestion {
    pub sheet: String,
    /// Excel row number, 1-based.
    pub row: usize,
    pub question: Question,
}

/// How one sheet was read.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SheetSummary {
    pub name: String,
    /// Excel row of the header; `None`: no header found, the sheet was skipped.
    pub header_row: Option<usize>,
    /// The type the sheet's name gives to rows whose 题型 cell is empty.
    pub kind: Option<QuestionKind>,
    /// Non-blank rows below the header.
    pub question_rows: usize,
    pub valid: usize,
    /// Excel rows that were entirely blank (skipped, neither valid nor broken).
    pub blank_rows: Vec<usize>,
}

/// The whole file read.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct BankParse {
    pub questions: Vec<ImportedQuestion>,
    pub issues: Vec<RowIssue>,
    pub sheets: Vec<SheetSummary>,
}

impl BankParse {
    pub fn question_rows(&self) -> usize {
        self.sheets.iter().map(|s| s.question_rows).sum()
    }

    /// Flags questions already in the bank (by [`Question::dedupe_key`]) as issues.
    pub fn flag_existing(&mut self, existing: &std::collections::HashSet<String>) {
        let mut kept = Vec::with_capacity(self.questions.len());
        for q in self.questions.drain(..) {
            if existing.contains(&q.question.dedupe_key()) {
                self.issues.push(RowIssue {
                    sheet: q.sheet.clone(),
                    row: q.row,
                    column: None,
                    error: FieldError::new(
                        "field.question_stem",
                        "questions.error.already_in_bank",
                    ),
                });
                if let Some(s) = self.sheets.iter_mut().find(|s| s.name == q.sheet) {
                    s.valid -= 1;
                }
            } else {
                kept.push(q);
            }
        }
        self.questions = kept;
        // File order: sheets as they come, rows within them.
        let pos = |name: &str| self.sheets.iter().position(|s| s.name == name);
        self.issues.sort_by_key(|i| (pos(&i.sheet), i.row));
    }
}

/// Reads every sheet. Sheets without a recognisable header (instructions, notes) are skipped
/// and listed with `header_row: None`.
pub fn parse_bank(sheets: &[Sheet]) -> BankParse {
    let mut out = BankParse::default();
    let mut seen: HashMap<String, (String, usize)> = HashMap::new();
    for sheet in sheets {
        read_sheet(sheet, &mut out, &mut seen);
    }
    out
}

/// Each known column: its position, what it is, and the header as written.
type Columns = Vec<(usize, Col, String)>;

fn find_header(rows: &[Vec<Cell>]) -> Option<(usize, Columns)> {
    rows.iter()
        .enumerate()
        .take(HEADER_SEARCH_ROWS)
        .find_map(|(r, row)| {
            let cols: Columns = row
                .iter()
                .enumerate()
                .filter_map(|(i, c)| {
                    let t = c.text();
                    Col::from_header(&t).map(|col| (i, col, normalise(&t)))
                })
                .collect();
            let has = |want: Col| cols.iter().any(|(_, c, _)| *c == want);
            (has(Col::Stem) && has(Col::Answer)).then_some((r, cols))
        })
}

fn read_sheet(sheet: &Sheet, out: &mut BankParse, seen: &mut HashMap<String, (String, usize)>) {
    let sheet_kind = QuestionKind::from_name(&sheet.name);
    let mut summary = SheetSummary {
        name: sheet.name.clone(),
        kind: sheet_kind,
        ..SheetSummary::default()
    };
    let Some((header, cols)) = find_header(&sheet.rows) else {
        out.sheets.push(summary);
        return;
    };
    summary.header_row = Some(header + 1);
    let at = |row: &[Cell], want: Col| -> String {
        cols.iter()
            .find(|(_, c, _)| *c == want)
            .and_then(|(i, _, _)| row.get(*i))
            .map(|c| c.text().into_owned())
            .unwrap_or_default()
    };
    let header_text = |want: Col| {
        cols.iter()
            .find(|(_, c, _)| *c == want)
            .map(|(_, _, t)| t.clone())
    };
    for (r, row) in sheet.rows.iter().enumerate().skip(header + 1) {
        let excel_row = r + 1;
        if row.iter().all(Cell::is_blank) {
            summary.blank_rows.push(excel_row);
            continue;
        }
        summary.question_rows += 1;
        let kind_cell = at(row, Col::Kind);
        let issue = |error: FieldError| RowIssue {
            sheet: sheet.name.clone(),
            row: excel_row,
            column: Col::of_field(error.field).and_then(header_text),
            error,
        };
        let kind = if kind_cell.trim().is_empty() {
            sheet_kind
        } else {
            QuestionKind::from_name(&kind_cell)
        };
        let input = QuestionInput {
            kind,
            stem: at(row, Col::Stem),
            options: (0..LETTERS.len())
                .map(|i| at(row, Col::Option(i)))
                .collect(),
            answer: at(row, Col::Answer),
            explanation: at(row, Col::Explanation),
            topic: at(row, Col::Topic),
        };
        let q = match validate(&input) {
            Ok(q) => q,
            Err(e) => {
                out.issues.push(issue(e));
                continue;
            }
        };
        let key = q.dedupe_key();
        if let Some((s, first)) = seen.get(&key) {
            out.issues.push(issue(
                FieldError::new("field.question_stem", "questions.error.duplicate_in_file")
                    .with("sheet", s)
                    .with("row", first),
            ));
            continue;
        }
        seen.insert(key, (sheet.name.clone(), excel_row));
        summary.valid += 1;
        out.questions.push(ImportedQuestion {
            sheet: sheet.name.clone(),
            row: excel_row,
            question: q,
        });
    }
    out.sheets.push(summary);
}
