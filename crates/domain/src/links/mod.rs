//! Linkage with the platforms students already use (学习强国, 智慧团建, 青年大学习): the school's
//! links out, and reading study results from those platforms' Excel exports so that the school
//! can count them.
//!
//! The exports differ by platform and by year; what they share is one row per person with a name
//! and an identifying number, and a score or a "learned" mark. Columns are found by their
//! headers (several spellings each), so a reordered or extended export still reads.

use serde::Serialize;

use crate::error::FieldError;
use crate::roster::{Cell, Sheet};

/// A platform whose results can be imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// 学习强国.
    Xuexi,
    /// 智慧团建.
    Zhtj,
    /// 青年大学习.
    Qndxx,
    Other,
}

impl Source {
    pub const ALL: [Source; 4] = [Self::Xuexi, Self::Zhtj, Self::Qndxx, Self::Other];
    pub fn code(self) -> &'static str {
        match self {
            Self::Xuexi => "xuexi",
            Self::Zhtj => "zhtj",
            Self::Qndxx => "qndxx",
            Self::Other => "other",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.code() == s)
    }
    pub fn label_key(self) -> &'static str {
        match self {
            Self::Xuexi => "links.source.xuexi",
            Self::Zhtj => "links.source.zhtj",
            Self::Qndxx => "links.source.qndxx",
            Self::Other => "links.source.other",
        }
    }
}

/// Longest link name, in characters.
pub const MAX_LINK_NAME: usize = 30;
/// Longest URL accepted.
pub const MAX_URL: usize = 500;

/// A link out: `http://` or `https://`, a host, no white space or control characters. Anything
/// else (`javascript:`, `data:`, a bare word) is refused, since it is shown to everyone.
pub fn parse_url(raw: &str) -> Result<String, FieldError> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(FieldError::new("field.link_url", "error.required"));
    }
    let bad = || FieldError::new("field.link_url", "links.error.url");
    if s.len() > MAX_URL || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad());
    }
    let lower = s.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .ok_or_else(bad)?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() || host.contains('@') || !host.contains('.') {
        return Err(bad());
    }
    Ok(s.to_string())
}

/// One person's result read from an export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultRow {
    /// The row number as Excel shows it.
    pub row: usize,
    pub student_no: String,
    pub name: String,
    pub score: Option<i64>,
    pub completed: Option<bool>,
}

/// A problem with one row (or with the header, row 0 meaning "the file").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    pub row: usize,
    /// Catalogue key of the column, `field.*`.
    pub column: &'static str,
    /// Catalogue key of the message; it may use `{row}` and `{value}`.
    pub code: &'static str,
    pub value: String,
}

const NO_HEADERS: &[&str] = &[
    "学号",
    "工号",
    "学号/工号",
    "学工号",
    "学号（工号）",
    "学号(工号)",
];
const NAME_HEADERS: &[&str] = &["姓名", "名字", "学员姓名", "用户名称"];
const SCORE_HEADERS: &[&str] = &["积分", "总积分", "学习积分", "得分", "分数", "成绩"];
const DONE_HEADERS: &[&str] = &["是否完成", "完成情况", "学习状态", "是否学习", "是否已学习"];

/// How far down a header row is looked for (exports put a title and a date above it).
const HEADER_SEARCH_ROWS: usize = 10;

fn header_col(row: &[Cell], names: &[&str]) -> Option<usize> {
    row.iter().position(|c| {
        let t = crate::text::compact(&c.text());
        names.contains(&t.as_str())
    })
}

/// What a sheet of results holds: the rows that read, and the problems of those that did not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadResults {
    pub rows: Vec<ResultRow>,
    pub problems: Vec<RowProblem>,
}

/// Reads the results of the first sheet that has a header row with a 学号/工号 column, a name
/// column and a score or completion column. A file without such a header (or without rows) is
/// one problem; otherwise every problem of every row is reported beside the rows that read, so
/// the caller can add its own checks and write nothing unless there are none (all rows or none).
pub fn read_results(sheets: &[Sheet]) -> Result<ReadResults, RowProblem> {
    let file_problem = |column, code| RowProblem {
        row: 0,
        column,
        code,
        value: String::new(),
    };
    let found = sheets.iter().find_map(|s| {
        s.rows
            .iter()
            .take(HEADER_SEARCH_ROWS)
            .enumerate()
            .find_map(|(i, r)| header_col(r, NO_HEADERS).map(|no| (s, i, r, no)))
    });
    let Some((sheet, header_at, header, no_col)) = found else {
        return Err(file_problem("field.student_no", "links.error.no_header"));
    };
    let Some(name_col) = header_col(header, NAME_HEADERS) else {
        return Err(file_problem("field.name", "links.error.column_missing"));
    };
    let score_col = header_col(header, SCORE_HEADERS);
    let done_col = header_col(header, DONE_HEADERS);
    if score_col.is_none() && done_col.is_none() {
        return Err(file_problem(
            "field.study_score",
            "links.error.no_result_column",
        ));
    }
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for (i, r) in sheet.rows.iter().enumerate().skip(header_at + 1) {
        if r.iter().all(Cell::is_blank) {
            continue;
        }
        let row = i + 1;
        let before = problems.len();
        let cell = |c: Option<usize>| c.and_then(|c| r.get(c)).cloned().unwrap_or_default();
        let mut problem = |column, code, value: String| {
            problems.push(RowProblem {
                row,
                column,
                code,
                value,
            })
        };
        let no = crate::text::compact(&cell(Some(no_col)).text());
        if no.is_empty() {
            problem(
                "field.student_no",
                "links.error.row_required",
                String::new(),
            );
        }
        let name = cell(Some(name_col)).text().trim().to_string();
        if name.is_empty() {
            problem("field.name", "links.error.row_required", String::new());
        }
        let score = match cell(score_col) {
            Cell::Empty => None,
            c => match parse_score(&c) {
                Some(v) => Some(v),
                None => {
                    problem(
                        "field.study_score",
                        "links.error.score",
                        c.text().into_owned(),
                    );
                    None
                }
            },
        };
        let completed = match cell(done_col) {
            Cell::Empty => None,
            c => match parse_done(&c) {
                Some(v) => Some(v),
                None => {
                    problem(
                        "field.study_done",
                        "links.error.done",
                        c.text().into_owned(),
                    );
                    None
                }
            },
        };
        if score.is_none() && completed.is_none() {
            problem(
                "field.study_score",
                "links.error.row_no_result",
                String::new(),
            );
        }
        if problems.len() == before {
            rows.push(ResultRow {
                row,
                student_no: no,
                name,
                score,
                completed,
            });
        }
    }
    if rows.is_empty() && problems.is_empty() {
        return Err(file_problem("field.student_no", "links.error.no_rows"));
    }
    Ok(ReadResults { rows, problems })
}

/// A whole, non-negative number of points (`12`, `12.0`, " 12 ").
fn parse_score(c: &Cell) -> Option<i64> {
    let n = match c {
        Cell::Number(n) => *n,
        Cell::Text(t) => t.trim().parse::<f64>().ok()?,
        _ => return None,
    };
    if n.fract() != 0.0 || !(0.0..=1_000_000.0).contains(&n) {
        return None;
    }
    // In range and integral: the cast is exact.
    Some(n as i64)
}

/// 是/否 in the ways the platforms write it.
fn parse_done(c: &Cell) -> Option<bool> {
    match c {
        Cell::Bool(b) => Some(*b),
        Cell::Number(n) if *n == 1.0 => Some(true),
        Cell::Number(n) if *n == 0.0 => Some(false),
        c => match crate::text::compact(&c.text()).as_str() {
            "是" | "已完成" | "完成" | "已学习" | "已学" | "√" | "✓" | "Y" | "y" | "TRUE" => {
                Some(true)
            }
            "否" | "未完成" | "未学习" | "未学" | "×" | "N" | "n" | "FALSE" => {
                Some(false)
            }
            _ => None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Cell {
        Cell::Text(s.into())
    }
    fn sheet(rows: Vec<Vec<Cell>>) -> Vec<Sheet> {
        vec![Sheet {
            name: "Sheet1".into(),
            rows,
        }]
    }

    #[test]
    fn a_link_must_be_a_web_address() {
        assert!(parse_url("https://www.xuexi.cn/").is_ok());
        assert!(parse_url("http://tuan.12355.net/bg/index.html?x=1").is_ok());
        for bad in [
            "javascript:alert(1)",
            "www.xuexi.cn",
            "https://",
            "https://user@evil.example/",
            "https://a b.cn",
            "data:text/html,hi",
        ] {
            assert_eq!(parse_url(bad).unwrap_err().code, "links.error.url", "{bad}");
        }
        assert_eq!(parse_url(" ").unwrap_err().code, "error.required");
    }

    #[test]
    fn an_export_with_a_title_row_reads_by_its_headers() {
        let rows = read_results(&sheet(vec![
            vec![t("2025年11月 学习强国积分统计")],
            vec![t("序号"), t("姓 名"), t("学号"), t("总积分")],
            vec![
                Cell::Number(1.0),
                t("张伟"),
                t("2021A001"),
                Cell::Number(56.0),
            ],
            vec![Cell::Empty, Cell::Empty],
            vec![Cell::Number(2.0), t("王芳"), Cell::Number(2021.0), t("12")],
        ]))
        .unwrap()
        .rows;
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].row, 3);
        assert_eq!(rows[0].score, Some(56));
        assert_eq!(rows[1].student_no, "2021");
        assert_eq!(rows[1].row, 5);
    }

    #[test]
    fn completion_marks_read_in_their_usual_spellings() {
        let rows = read_results(&sheet(vec![
            vec![t("学号"), t("姓名"), t("是否完成")],
            vec![t("1"), t("甲"), t("是")],
            vec![t("2"), t("乙"), t("未学习")],
            vec![t("3"), t("丙"), Cell::Bool(true)],
        ]))
        .unwrap()
        .rows;
        let done: Vec<_> = rows.iter().map(|r| r.completed).collect();
        assert_eq!(done, vec![Some(true), Some(false), Some(true)]);
    }

    #[test]
    fn every_bad_row_is_reported_with_its_row_number() {
        let read = read_results(&sheet(vec![
            vec![t("学号"), t("姓名"), t("积分")],
            vec![t("1"), t("甲"), t("十二")],
            vec![t(""), t("乙"), Cell::Number(1.5)],
            vec![t("4"), t("丁"), Cell::Number(3.0)],
        ]))
        .unwrap();
        assert_eq!(read.rows.len(), 1, "the good row still reads");
        let problems = read.problems;
        let got: Vec<_> = problems.iter().map(|p| (p.row, p.code)).collect();
        assert_eq!(
            got,
            vec![
                (2, "links.error.score"),
                (2, "links.error.row_no_result"),
                (3, "links.error.row_required"),
                (3, "links.error.score"),
                (3, "links.error.row_no_result"),
            ]
        );
        assert_eq!(problems[0].value, "十二");
    }

    #[test]
    fn a_file_without_the_needed_columns_is_refused_as_a_whole() {
        let p = read_results(&sheet(vec![vec![t("姓名"), t("积分")]])).unwrap_err();
        assert_eq!(p.code, "links.error.no_header");
        let p = read_results(&sheet(vec![vec![t("学号"), t("积分")]])).unwrap_err();
        assert_eq!(p.code, "links.error.column_missing");
        let p = read_results(&sheet(vec![vec![t("学号"), t("姓名")]])).unwrap_err();
        assert_eq!(p.code, "links.error.no_result_column");
        let p = read_results(&sheet(vec![vec![t("学号"), t("姓名"), t("积分")]])).unwrap_err();
        assert_eq!(p.code, "links.error.no_rows");
    }
}
