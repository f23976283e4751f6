//! Writing a table to `.xlsx`: bold frozen header, filters, widths that fit Chinese text, real
//! date cells, and number-like text kept as text so Excel never drops a 学号's leading zero.

use chrono::Datelike;
use redbranch_domain::roster::Cell;
use rust_xlsxwriter::{
    ColNum, ExcelDateTime, Format, FormatBorder, RowNum, Workbook, Worksheet, XlsxError,
};

use crate::error::SheetError;

/// Column widths in Excel's units (about one Latin character); wide enough for a date, never so
/// wide that one long note hides the rest of the table.
const MIN_WIDTH: f64 = 6.0;
const MAX_WIDTH: f64 = 50.0;

/// One sheet with a header row and the given rows, as `.xlsx` bytes.
pub fn write_xlsx(
    sheet_name: &str,
    headers: &[&str],
    rows: impl IntoIterator<Item = Vec<Cell>>,
) -> Result<Vec<u8>, SheetError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(safe_sheet_name(sheet_name))?;
    let formats = Formats::new();
    let mut widths = Widths::of_headers(headers);
    write_header(sheet, headers, &formats.header)?;
    let mut last_row: RowNum = 0;
    for (i, cells) in rows.into_iter().enumerate() {
        last_row = RowNum::try_from(i + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
        write_row(sheet, last_row, &cells, &formats, &mut widths)?;
    }
    finish_table(sheet, headers.len(), last_row, &widths)?;
    Ok(workbook.save_to_buffer()?)
}

/// The cell formats every written table shares.
pub(crate) struct Formats {
    pub header: Format,
    pub text: Format,
    pub date: Format,
}

impl Formats {
    pub fn new() -> Self {
        Self {
            header: Format::new()
                .set_bold()
                .set_background_color(0xF2F2F2)
                .set_border_bottom(FormatBorder::Thin),
            text: Format::new().set_num_format("@"),
            date: Format::new().set_num_format("yyyy-mm-dd"),
        }
    }
}

pub(crate) fn write_header(
    sheet: &mut Worksheet,
    headers: &[&str],
    format: &Format,
) -> Result<(), XlsxError> {
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, col(c)?, *h, format)?;
    }
    Ok(())
}

pub(crate) fn write_row(
    sheet: &mut Worksheet,
    row: RowNum,
    cells: &[Cell],
    formats: &Formats,
    widths: &mut Widths,
) -> Result<(), XlsxError> {
    for (c, cell) in cells.iter().enumerate() {
        let column = col(c)?;
        match cell {
            Cell::Empty => continue,
            // Only number-like text gets the Text format: Excel shows a Text-formatted cell of
            // more than 255 characters as "####".
            Cell::Text(s) if looks_numeric(s) => {
                sheet.write_string_with_format(row, column, s, &formats.text)?
            }
            Cell::Text(s) | Cell::Error(s) => sheet.write_string(row, column, s)?,
            Cell::Number(n) => sheet.write_number(row, column, *n)?,
            Cell::Bool(b) => sheet.write_boolean(row, column, *b)?,
            Cell::Date(d) => {
                sheet.write_date_with_format(row, column, &excel_date(*d)?, &formats.date)?
            }
        };
        widths.fit(c, cell);
    }
    Ok(())
}

/// Frozen header, a filter over the table, and the column widths.
pub(crate) fn finish_table(
    sheet: &mut Worksheet,
    columns: usize,
    last_row: RowNum,
    widths: &Widths,
) -> Result<(), XlsxError> {
    sheet.set_freeze_panes(1, 0)?;
    if columns > 0 {
        sheet.autofilter(0, 0, last_row, col(columns - 1)?)?;
    }
    for (c, w) in widths.0.iter().enumerate() {
        sheet.set_column_width(col(c)?, w.clamp(MIN_WIDTH, MAX_WIDTH) + 2.0)?;
    }
    Ok(())
}

/// The widest content seen in each column.
pub(crate) struct Widths(Vec<f64>);

impl Widths {
    pub fn of_headers(headers: &[&str]) -> Self {
        // The filter button takes about two characters of the header cell.
        Self(headers.iter().map(|h| display_width(h) + 2.0).collect())
    }

    fn fit(&mut self, c: usize, cell: &Cell) {
        let w = match cell {
            Cell::Date(_) => 10.0,
            other => display_width(&other.text()),
        };
        if self.0.len() <= c {
            self.0.resize(c + 1, 0.0);
        }
        self.0[c] = self.0[c].max(w);
    }
}

/// Han characters and full-width forms take two columns in Excel's default fonts.
fn display_width(s: &str) -> f64 {
    s.lines()
        .map(|l| {
            l.chars()
                .map(|c| if c.is_ascii() { 1.0 } else { 2.0 })
                .sum()
        })
        .fold(0.0, f64::max)
}

/// Digits (maybe with a trailing X, a `+` or separators): what Excel would turn into a number.
fn looks_numeric(s: &str) -> bool {
    s.bytes().any(|b| b.is_ascii_digit())
        && s.bytes()
            .all(|b| b.is_ascii_digit() || b"+-. xX".contains(&b))
}

fn excel_date(d: chrono::NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    let year = u16::try_from(d.year()).map_err(|_| XlsxError::DateTimeRangeError(d.to_string()))?;
    ExcelDateTime::from_ymd(year, d.month() as u8, d.day() as u8)
}

pub(crate) fn col(c: usize) -> Result<ColNum, XlsxError> {
    ColNum::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)
}

/// Excel refuses sheet names over 31 characters or holding `[]:*?/\`.
pub(crate) fn safe_sheet_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .take(31)
        .collect::<String>()
        .trim_matches('\'')
        .trim()
        .to_string();
    if cleaned.is_empty() {
        "Sheet1".to_string()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_like_text_is_recognised() {
        assert!(looks_numeric("0122010101"));
        assert!(looks_numeric("42010620040501002X"));
        assert!(!looks_numeric("计科2201班"));
        assert!(!looks_numeric("-"));
    }

    #[test]
    fn han_characters_count_double() {
        assert_eq!(display_width("计科2201班"), 10.0);
    }

    #[test]
    fn sheet_names_are_made_acceptable_to_excel() {
        assert_eq!(safe_sheet_name("2025/10 花名册"), "2025_10 花名册");
        assert_eq!(safe_sheet_name(""), "Sheet1");
        assert_eq!(safe_sheet_name(&"名".repeat(40)).chars().count(), 31);
    }
}
