//! The grid a spreadsheet reader hands to the importer: cells as the file holds them, unparsed.
//!
//! Readers (`redbranch-sheets`) only translate file formats into this grid; every decision about
//! what a cell means is taken by the importer, so it can be tested without any file at all.

use std::borrow::Cow;

use chrono::NaiveDate;

/// One cell, typed as the file stores it.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Cell {
    #[default]
    Empty,
    Text(String),
    /// Excel keeps every number as a double; integers arrive as `2022.0`.
    Number(f64),
    /// A cell Excel itself formats as a date (the time of day, if any, is dropped).
    Date(NaiveDate),
    Bool(bool),
    /// A formula error such as `#N/A` or `#REF!`.
    Error(String),
}

/// One worksheet. `rows[0]` is Excel row 1 and `rows[r][0]` is column A, so an index plus one is
/// always the row number a secretary sees in Excel. Rows may have different lengths.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sheet {
    pub name: String,
    pub rows: Vec<Vec<Cell>>,
}

impl Cell {
    /// Empty, or text that is only white space (including the ideographic space).
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.chars().all(|c| c.is_whitespace() || c == '\u{3000}'),
            _ => false,
        }
    }

    /// The cell as text, the way Excel would display it with the General format; borrowed when
    /// the cell already is text, so scanning a sheet does not allocate.
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            Cell::Empty => Cow::Borrowed(""),
            Cell::Text(s) | Cell::Error(s) => Cow::Borrowed(s),
            Cell::Number(n) => Cow::Owned(number_text(*n)),
            Cell::Date(d) => Cow::Owned(d.format("%Y-%m-%d").to_string()),
            Cell::Bool(true) => Cow::Borrowed("TRUE"),
            Cell::Bool(false) => Cow::Borrowed("FALSE"),
        }
    }
}

/// `2022.0` → `2022`: integral numbers without the decimal point Excel never shows.
pub fn number_text(n: f64) -> String {
    // Beyond 2^53 a double no longer holds every integer, and the digits are not trustworthy.
    if n.fract() == 0.0 && n.abs() < 9_007_199_254_740_992.0 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s.to_string())
        }
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s)
        }
    }
}

impl From<f64> for Cell {
    fn from(n: f64) -> Self {
        Cell::Number(n)
    }
}

impl From<NaiveDate> for Cell {
    fn from(d: NaiveDate) -> Self {
        Cell::Date(d)
    }
}

impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(v: Option<T>) -> Self {
        v.map_or(Cell::Empty, Into::into)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integral_numbers_read_like_excel_shows_them() {
        assert_eq!(Cell::Number(2022.0).text(), "2022");
        assert_eq!(Cell::Number(122010114.0).text(), "122010114");
        assert_eq!(Cell::Number(1.5).text(), "1.5");
    }

    #[test]
    fn white_space_only_text_is_blank() {
        assert!(Cell::Text(" \u{3000}\n".into()).is_blank());
        assert!(!Cell::Number(0.0).is_blank());
    }

    #[test]
    fn dates_read_as_iso_text() {
        let d = NaiveDate::from_ymd_opt(2004, 5, 1).unwrap_or_default();
        assert_eq!(Cell::Date(d).text(), "2004-05-01");
    }
}
