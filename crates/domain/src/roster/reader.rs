//! Reading one sheet below its header: skipping what is not a person, parsing each person row,
//! and finding the 学号 and 身份证号 that appeared before (on this sheet or an earlier one).

use std::collections::HashMap;

use super::columns::Column;
use super::grid::{Cell, Sheet};
use super::header::HeaderMap;
use super::layout::{RowKind, classify, zero_pad_width};
use super::row::RowReader;
use super::{RosterParse, RowIssue, SheetLayout};
use crate::error::FieldError;
use crate::people::StudentNo;

/// Where each 学号 and 身份证号 was first seen, across all sheets.
#[derive(Default)]
pub(super) struct Seen {
    student_nos: HashMap<StudentNo, At>,
    id_cards: HashMap<String, At>,
}

/// A row, and the index of its record if it became one.
#[derive(Clone, Copy)]
struct At {
    sheet: usize,
    row: usize,
    record: Option<usize>,
}

pub(super) struct SheetReader<'a> {
    pub index: usize,
    pub sheet: &'a Sheet,
    pub map: &'a HeaderMap,
    pub out: &'a mut RosterParse,
    pub layout: &'a mut SheetLayout,
}

impl SheetReader<'_> {
    pub fn read(&mut self, seen: &mut Seen) {
        let header_row = self.map.row + 1;
        self.layout.header_row = Some(header_row);
        self.layout.ignored_columns = self.map.ignored.clone();
        for (c, written) in &self.map.repeated {
            let error = FieldError::new(c.field(), "error.column_repeated").with("column", written);
            self.issue(header_row, Some(written.clone()), error);
        }
        let missing: Vec<Column> = Column::REQUIRED
            .into_iter()
            .filter(|c| self.map.position(*c).is_none())
            .collect();
        for c in &missing {
            let error =
                FieldError::new(c.field(), "error.column_missing").with("column", c.header());
            self.issue(header_row, None, error);
        }
        if !missing.is_empty() {
            return;
        }

        let data = &self.sheet.rows[header_row..];
        let zero_pad = self
            .map
            .position(Column::StudentNo)
            .and_then(|p| zero_pad_width(data, p));
        let reader = RowReader {
            map: self.map,
            zero_pad,
        };
        let mut pending_blank = Vec::new();
        for (row, cells) in (header_row + 1..).zip(data) {
            // Blank rows count only when something follows: trailing formatted-but-empty rows
            // are not the secretary's doing.
            if cells.iter().all(Cell::is_blank) {
                pending_blank.push(row);
                continue;
            }
            self.layout.blank_rows.append(&mut pending_blank);
            let skipped = match classify(cells, self.map) {
                RowKind::Person => None,
                RowKind::Total => Some(&mut self.layout.total_rows),
                RowKind::Note => Some(&mut self.layout.note_rows),
                RowKind::Example => Some(&mut self.layout.example_rows),
                RowKind::RepeatedHeader => Some(&mut self.layout.repeated_header_rows),
            };
            match skipped {
                Some(list) => list.push(row),
                None => self.person(&reader, cells, row, seen),
            }
        }
    }

    /// One person row: a record, an exact repeat to skip, or issues.
    fn person(&mut self, reader: &RowReader<'_>, cells: &[Cell], row: usize, seen: &mut Seen) {
        self.layout.person_rows += 1;
        let parsed = reader.parse(cells, self.index, row);
        if parsed.zero_padded {
            self.layout.zero_padded_rows.push(row);
        }
        let mut errors = parsed.errors;
        let earlier = parsed
            .student_no
            .as_ref()
            .and_then(|no| seen.student_nos.get(no).copied());
        if let Some(at) = earlier {
            let earlier_record = at.record.and_then(|i| self.out.records.get(i));
            if let (Some(a), Some(b)) = (earlier_record, &parsed.record)
                && a.same_data(b)
            {
                self.layout.repeated_rows.push(row);
                return;
            }
            errors.push((Column::StudentNo, self.duplicate(Column::StudentNo, at)));
        }
        let id = parsed
            .record
            .as_ref()
            .and_then(|r| r.person.id_card.as_ref())
            .map(|id| id.as_str().to_string());
        if errors.is_empty()
            && let Some(at) = id.as_ref().and_then(|id| seen.id_cards.get(id))
        {
            errors.push((Column::IdCard, self.duplicate(Column::IdCard, *at)));
        }

        let record = match parsed.record {
            Some(r) if errors.is_empty() => {
                self.out.records.push(r);
                Some(self.out.records.len() - 1)
            }
            _ => None,
        };
        let at = At {
            sheet: self.index,
            row,
            record,
        };
        if let (Some(id), Some(_)) = (id, record) {
            seen.id_cards.entry(id).or_insert(at);
        }
        if let (Some(no), None) = (parsed.student_no, earlier) {
            seen.student_nos.insert(no, at);
        }
        errors.sort_by_key(|(c, _)| c.index());
        for (c, error) in errors {
            let column = self.map.text(c).unwrap_or(c.header()).to_string();
            self.issue(row, Some(column), error);
        }
    }

    /// A duplicate of a row on this sheet names the row; of another sheet, the sheet too.
    fn duplicate(&self, c: Column, at: At) -> FieldError {
        let same_sheet = at.sheet == self.index;
        let code = match (c, same_sheet) {
            (Column::StudentNo, true) => "error.duplicate_student_no",
            (Column::StudentNo, false) => "error.duplicate_student_no_other_sheet",
            (_, true) => "error.duplicate_id_card",
            (_, false) => "error.duplicate_id_card_other_sheet",
        };
        let error = FieldError::new(c.field(), code);
        if same_sheet {
            return error.with("other_row", at.row);
        }
        let other_sheet = self
            .out
            .sheets
            .get(at.sheet)
            .map(|s| s.name.as_str())
            .unwrap_or_default();
        error
            .with("other_sheet", other_sheet)
            .with("other_row", at.row)
    }

    fn issue(&mut self, row: usize, column: Option<String>, error: FieldError) {
        let sheet = self.sheet.name.clone();
        self.out.issues.push(RowIssue {
            sheet,
            row,
            column,
            error,
        });
    }
}
