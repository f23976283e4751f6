//! Reading `.xlsx`/`.xlsm` cell by cell, within the limits of [`crate::limits`].
//!
//! calamine's `worksheet_range` builds a dense grid over the outermost cells, which a single
//! stray cell far away turns into an allocation of hundreds of gigabytes; its cell reader
//! streams instead. The unpacked size is measured first, as a zip bomb's declared sizes lie.

use std::io::{Cursor, Read};

use calamine::{DataRef, Reader, SheetType, SheetVisible, Xlsx};
use redbranch_domain::roster::{Cell, Sheet};

use crate::error::SheetError;
use crate::limits::{GridBuilder, MAX_UNZIPPED_BYTES};
use crate::read::{from_datetime, from_iso};

/// What a zip archive holds, as far as reading it goes.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ZipKind {
    Xlsx,
    /// Excel binary workbook or OpenDocument: not read (calamine has no bounded reader for them).
    OtherSpreadsheet(&'static str),
    NotASpreadsheet,
}

/// The kind of archive, after unpacking every part (without keeping it) to measure it.
pub(crate) fn inspect_zip(bytes: &[u8]) -> Result<ZipKind, SheetError> {
    let corrupt = |e: zip::result::ZipError| SheetError::Corrupt(format!("zip: {e}"));
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(corrupt)?;
    let mut kind = ZipKind::NotASpreadsheet;
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).map_err(corrupt)?;
        kind = match (part.name(), kind) {
            ("xl/workbook.xml", _) => ZipKind::Xlsx,
            ("xl/workbook.bin", ZipKind::NotASpreadsheet) => ZipKind::OtherSpreadsheet("xlsb"),
            ("content.xml", ZipKind::NotASpreadsheet) => ZipKind::OtherSpreadsheet("ods"),
            (_, kind) => kind,
        };
        let budget = MAX_UNZIPPED_BYTES - total;
        let mut limited = (&mut part).take(budget + 1);
        total += std::io::copy(&mut limited, &mut std::io::sink())
            .map_err(|e| SheetError::Corrupt(format!("zip: {e}")))?;
        if total > MAX_UNZIPPED_BYTES {
            return Err(SheetError::TooLarge(format!(
                "unpacks to more than {MAX_UNZIPPED_BYTES} bytes"
            )));
        }
    }
    Ok(kind)
}

/// Every visible worksheet, read cell by cell.
pub(crate) fn read_xlsx(bytes: &[u8]) -> Result<Vec<Sheet>, SheetError> {
    let corrupt = |e: calamine::XlsxError| SheetError::Corrupt(format!("xlsx: {e}"));
    let mut workbook = Xlsx::new(Cursor::new(bytes)).map_err(corrupt)?;
    let names: Vec<String> = workbook
        .sheets_metadata()
        .iter()
        .filter(|m| m.visible == SheetVisible::Visible && m.typ == SheetType::WorkSheet)
        .map(|m| m.name.clone())
        .collect();
    let mut sheets = Vec::with_capacity(names.len());
    for name in names {
        let mut cells = workbook.worksheet_cells_reader(&name).map_err(corrupt)?;
        let mut grid = GridBuilder::default();
        while let Some(cell) = cells.next_cell().map_err(corrupt)? {
            let (row, col) = cell.get_position();
            grid.put(row as usize, col as usize, from_ref(cell.get_value()))?;
        }
        sheets.push(Sheet {
            name,
            rows: grid.into_rows(),
        });
    }
    Ok(sheets)
}

fn from_ref(data: &DataRef<'_>) -> Cell {
    match data {
        DataRef::Empty => Cell::Empty,
        DataRef::SharedString(s) => Cell::from(*s),
        DataRef::String(s) => Cell::from(s.as_str()),
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::DateTime(dt) => from_datetime(dt),
        DataRef::DateTimeIso(s) => from_iso(s),
        DataRef::DurationIso(s) => Cell::from(s.as_str()),
        DataRef::Error(e) => Cell::Error(e.to_string()),
    }
}
