//! Reading single cells into typed values: text, 学号, dates, labels; each failure a
//! [`FieldError`] that the row files under its column.

use std::borrow::Cow;

use chrono::{Datelike, NaiveDate};

use super::grid::{Cell, number_text};
use crate::dates::{from_excel_serial, parse_date, parse_year_month};
use crate::error::FieldError;
use crate::people::{Gender, IdCardNo, PoliticalStatus};
use crate::text::{compact, normalise};

/// Placeholder field of cell-level errors; the row files each under its column's field.
const CELL: &str = "field.cell";

/// Free-text fields longer than this are pasted paragraphs, not a college or class name.
const MAX_TEXT_CHARS: usize = 100;

/// What offices write in a cell to mean "none"; for optional fields they read as empty.
const NONE_MARKS: &[&str] = &[
    "无", "/", "-", "--", "—", "——", "N/A", "n/a", "NULL", "null",
];

/// The cell as normalised text; formula errors are refused.
pub(super) fn text_of(cell: &Cell) -> Result<String, FieldError> {
    match cell {
        Cell::Error(e) => Err(FieldError::new(CELL, "error.cell_error").with("value", e)),
        // Most cells are already clean; normalising them would only allocate twice more.
        Cell::Text(s) if is_normal(s) => Ok(s.clone()),
        _ => Ok(normalise(&cell.text())),
    }
}

/// Whether [`normalise`] would leave `s` unchanged.
fn is_normal(s: &str) -> bool {
    let mut previous_space = true;
    for c in s.chars() {
        let space = c == ' ';
        if (space && previous_space)
            || (c.is_whitespace() && !space)
            || ('\u{FF01}'..='\u{FF5E}').contains(&c)
        {
            return false;
        }
        previous_space = space;
    }
    !previous_space || s.is_empty()
}

/// Normalised text, or `None` for an empty cell or a "none" mark.
fn optional_text(cell: &Cell) -> Result<Option<String>, FieldError> {
    let t = text_of(cell)?;
    Ok((!t.is_empty() && !NONE_MARKS.contains(&t.as_str())).then_some(t))
}

pub(super) fn optional<T>(
    cell: &Cell,
    parse: fn(&str) -> Result<T, FieldError>,
) -> Result<Option<T>, FieldError> {
    optional_text(cell)?.map(|t| parse(&t)).transpose()
}

pub(super) fn free_text(cell: &Cell) -> Result<Option<String>, FieldError> {
    let t = optional_text(cell)?;
    match t {
        Some(t) if t.chars().count() > MAX_TEXT_CHARS => {
            Err(FieldError::new(CELL, "error.text_too_long").with("max", MAX_TEXT_CHARS))
        }
        t => Ok(t),
    }
}

/// The digits of a 学号 cell as the importer will read them: numbers without `.0`, text
/// compacted, and `2021010001.0` (a number that went through another program) undone.
pub(super) fn student_no_digits(cell: &Cell) -> Cow<'_, str> {
    match cell {
        Cell::Number(n) => Cow::Owned(number_text(*n)),
        Cell::Text(t) => {
            let t = if t.bytes().all(|b| b.is_ascii_digit()) {
                Cow::Borrowed(t.as_str())
            } else {
                Cow::Owned(compact(t))
            };
            match t.split_once('.') {
                Some((int, zeros))
                    if !int.is_empty() && !zeros.is_empty() && zeros.bytes().all(|b| b == b'0') =>
                {
                    Cow::Owned(int.to_string())
                }
                _ => t,
            }
        }
        _ => cell.text(),
    }
}

/// The 学号 text with its lost leading zeros restored, and whether any were.
pub(super) fn student_no_text(
    cell: &Cell,
    zero_pad: Option<(usize, usize)>,
) -> Result<(String, bool), FieldError> {
    if let Cell::Error(e) = cell {
        return Err(FieldError::new(CELL, "error.cell_error").with("value", e));
    }
    let digits = student_no_digits(cell);
    if let Some((width, max_lost)) = zero_pad {
        let lost = width.saturating_sub(digits.len());
        if lost > 0 && lost <= max_lost && digits.bytes().all(|b| b.is_ascii_digit()) {
            return Ok((format!("{}{digits}", "0".repeat(lost)), true));
        }
    }
    Ok((digits.into_owned(), false))
}

pub(super) fn political_status(cell: &Cell) -> Result<Option<PoliticalStatus>, FieldError> {
    const F: &str = "field.political_status";
    let t = text_of(cell)?;
    if t.is_empty() {
        return Err(FieldError::new(F, "error.required"));
    }
    PoliticalStatus::parse_label(&t)
        .map(Some)
        .ok_or_else(|| FieldError::new(F, "error.political_status_unknown").with("value", t))
}

pub(super) fn gender(cell: &Cell) -> Result<Option<Gender>, FieldError> {
    optional(cell, |t| {
        Gender::parse_label(t)
            .ok_or_else(|| FieldError::new("field.gender", "error.gender_format").with("value", t))
    })
}

pub(super) fn id_card(cell: &Cell) -> Result<Option<IdCardNo>, FieldError> {
    // Excel keeps 15 significant digits: an 18-digit number has already lost its last three.
    if let Cell::Number(_) = cell {
        return Err(FieldError::new(
            "field.id_card",
            "error.id_card_stored_as_number",
        ));
    }
    optional(cell, IdCardNo::parse)
}

/// A date cell: a date-formatted cell, an Excel serial or a `yyyymmdd` number, or text.
pub(super) fn date_of(cell: &Cell) -> Result<Option<NaiveDate>, FieldError> {
    let found = match cell {
        Cell::Date(d) => Some(*d),
        Cell::Number(n) if (19_000_101.0..=21_001_231.0).contains(n) => {
            parse_date(&number_text(*n))
        }
        Cell::Number(n) => from_excel_serial(*n),
        Cell::Bool(_) => None,
        Cell::Empty => return Ok(None),
        Cell::Error(e) => return Err(FieldError::new(CELL, "error.cell_error").with("value", e)),
        Cell::Text(s) => {
            let t = s.trim();
            if t.is_empty() || NONE_MARKS.contains(&t) {
                return Ok(None);
            }
            // A serial typed or exported as text (a CSV of a General-format column).
            match t.parse::<u32>() {
                Ok(n) if t.len() == 5 => from_excel_serial(f64::from(n)),
                _ => parse_date(t),
            }
        }
    };
    found.map(Some).ok_or_else(|| {
        let raw = normalise(&cell.text());
        let code = if parse_year_month(&raw).is_some() {
            "error.date_incomplete"
        } else {
            "error.date_format"
        };
        FieldError::new(CELL, code).with("value", raw)
    })
}

/// A 出生年月 holding only year and month, completed from a 身份证号 that agrees with it.
pub(super) fn birth_from_id(cell: &Cell, id: Option<&IdCardNo>) -> Option<NaiveDate> {
    let id = id?;
    let Cell::Text(t) = cell else { return None };
    let (y, m) = parse_year_month(t)?;
    let d = id.birth_date();
    (d.year() == y && d.month() == m).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_normal_agrees_with_normalise() {
        for s in [
            "",
            "张三",
            "a b",
            " a",
            "a ",
            "a  b",
            "a\nb",
            "１２",
            "a\u{3000}b",
            "计科2201班",
        ] {
            assert_eq!(is_normal(s), normalise(s) == s, "{s:?}");
        }
    }
}
