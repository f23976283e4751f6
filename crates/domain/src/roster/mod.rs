//! The roster importer: a grid of cells from a college office's 花名册 becomes typed person
//! records, and everything wrong becomes an issue naming the row, the column and the problem.
//!
//! Pure: no file formats here (see `redbranch-sheets`) and no database. The rules, in short:
//! - the header row is found below any title rows; columns are matched by header text and its
//!   common aliases, in any order; unknown columns are listed and ignored;
//! - blank rows, totals (`合计 3000人`), notes (`制表人：…`), the template's 示例 row and repeated
//!   headers are skipped and listed;
//! - what is unambiguous is normalised: full-width digits, every date style, Excel serials,
//!   `2022.0`, 学号 that lost their leading zero, gender and birth date taken from the 身份证号
//!   when the cell is empty;
//! - a row with any problem yields no record; a 学号 seen before yields an issue unless the row
//!   repeats the earlier one exactly.

mod cells;
mod columns;
pub mod grid;
mod header;
mod layout;
mod reader;
mod row;

#[cfg(test)]
mod tests;

use serde::Serialize;

pub use columns::{Column, TEMPLATE_HEADERS};
pub use grid::{Cell, Sheet};
pub use layout::EXAMPLE_MARK;

use crate::error::FieldError;
use crate::people::PersonData;
use header::find_header;
use reader::{Seen, SheetReader};

/// One person as the roster describes them, every field valid.
#[derive(Debug, Clone, PartialEq)]
pub struct RosterRecord {
    /// Index of the sheet in the input (and in [`RosterParse::sheets`]).
    pub sheet: usize,
    /// Excel row number, 1-based.
    pub row: usize,
    /// Who the row describes, as a form would.
    pub person: PersonData,
    pub league_branch: Option<String>,
    pub party_branch: Option<String>,
}

impl RosterRecord {
    /// Whether two rows say the same thing about the same person (where they sit aside).
    pub fn same_data(&self, other: &Self) -> bool {
        let strip = |r: &Self| Self {
            sheet: 0,
            row: 0,
            ..r.clone()
        };
        strip(self) == strip(other)
    }
}

/// One problem in the file, where a secretary can find it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowIssue {
    pub sheet: String,
    /// Excel row number, 1-based.
    pub row: usize,
    /// The header as written in the file; `None` for a problem with the sheet itself.
    pub column: Option<String>,
    pub error: FieldError,
}

/// How one sheet was read.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SheetLayout {
    pub name: String,
    /// Excel row of the header; `None` when the sheet has none (an instructions sheet): skipped.
    pub header_row: Option<usize>,
    /// Rows read as people, valid or not.
    pub person_rows: usize,
    /// Blank rows between the header and the last non-blank row.
    pub blank_rows: Vec<usize>,
    pub total_rows: Vec<usize>,
    pub note_rows: Vec<usize>,
    pub example_rows: Vec<usize>,
    pub repeated_header_rows: Vec<usize>,
    /// Rows that repeat an earlier row exactly (same 学号, same data): skipped without an issue.
    pub repeated_rows: Vec<usize>,
    /// Rows whose 学号 had its lost leading zeros restored.
    pub zero_padded_rows: Vec<usize>,
    /// Headers that name no known column; their cells are not imported.
    pub ignored_columns: Vec<String>,
}

/// The result of reading a roster: the valid records, the issues, and how each sheet was laid out.
#[derive(Debug, Clone, Default)]
pub struct RosterParse {
    pub records: Vec<RosterRecord>,
    pub issues: Vec<RowIssue>,
    pub sheets: Vec<SheetLayout>,
}

impl RosterParse {
    /// Header row of the first sheet that has one.
    pub fn header_row(&self) -> Option<usize> {
        self.sheets.iter().find_map(|s| s.header_row)
    }
    /// Rows read as people across all sheets (valid, invalid and exact repeats).
    pub fn person_rows(&self) -> usize {
        self.sheets.iter().map(|s| s.person_rows).sum()
    }
}

/// Every catalogue key the importer may put in a [`RowIssue`], for the catalogue's tests.
pub const MESSAGE_KEYS: &[&str] = &[
    "field.header",
    "error.no_header",
    "error.column_missing",
    "error.column_repeated",
    "error.required",
    "error.student_no_format",
    "error.name_format",
    "error.phone_format",
    "error.id_card_format",
    "error.id_card_birth_date",
    "error.id_card_checksum",
    "error.id_card_stored_as_number",
    "error.id_card_birth_mismatch",
    "error.id_card_gender_mismatch",
    "error.gender_format",
    "error.political_status_unknown",
    "error.date_format",
    "error.date_incomplete",
    "error.date_order",
    "error.cell_error",
    "error.text_too_long",
    "error.duplicate_student_no",
    "error.duplicate_student_no_other_sheet",
    "error.duplicate_id_card",
    "error.duplicate_id_card_other_sheet",
];

/// Reads every sheet that has a roster header; see the module documentation for the rules.
pub fn parse_roster(sheets: &[Sheet]) -> RosterParse {
    let mut out = RosterParse::default();
    let mut seen = Seen::default();
    for (index, sheet) in sheets.iter().enumerate() {
        let mut layout = SheetLayout {
            name: sheet.name.clone(),
            ..SheetLayout::default()
        };
        if let Some(map) = find_header(&sheet.rows) {
            let mut reader = SheetReader {
                index,
                sheet,
                map: &map,
                out: &mut out,
                layout: &mut layout,
            };
            reader.read(&mut seen);
        }
        out.sheets.push(layout);
    }
    if out.header_row().is_none() {
        let sheet = sheets.first().map(|s| s.name.clone()).unwrap_or_default();
        let error = FieldError::new("field.header", "error.no_header");
        out.issues.push(RowIssue {
            sheet,
            row: 1,
            column: None,
            error,
        });
    }
    out
}
