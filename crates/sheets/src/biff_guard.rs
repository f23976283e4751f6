//! Checks the records of an `.xls` Workbook stream before calamine lays its sheets out.
//!
//! calamine reserves `rows × columns` from each sheet's Dimensions record and builds a dense
//! grid spanning the cells it finds: a Dimensions record claiming four billion rows, or two
//! cells far apart, would make it allocate without bound. Both are measured here first, from
//! the same records calamine reads (each sheet from its BoundSheet offset to its EOF record).

use crate::error::SheetError;
use crate::limits::{MAX_COLUMNS, MAX_GRID_CELLS, MAX_ROWS};

const EOF: u16 = 0x000A;
const BOUND_SHEET: u16 = 0x0085;
const DIMENSIONS: u16 = 0x0200;
const MUL_RK: u16 = 0x00BD;
/// Records that hold one cell, with its row and column first: Number, Label, BoolErr, RK,
/// LabelSst, Formula.
const CELL_RECORDS: [u16; 6] = [0x0203, 0x0204, 0x0205, 0x027E, 0x00FD, 0x0006];
/// The largest sheet an Excel 97–2003 file can describe (65,536 rows × 256 columns).
const MAX_DECLARED_CELLS: usize = 65_536 * 256;

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..at + 2).map(|s| u16::from_le_bytes([s[0], s[1]]))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// Records as calamine's `RecordIter` splits them (a Continue record is a record of its own
/// here, which leaves the boundaries the same); a truncated record ends the stream.
fn records(mut stream: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    std::iter::from_fn(move || {
        let typ = u16_at(stream, 0)?;
        let len = usize::from(u16_at(stream, 2)?);
        let data = stream.get(4..4 + len)?;
        stream = &stream[4 + len..];
        Some((typ, data))
    })
}

pub(crate) fn check_workbook(stream: &[u8]) -> Result<(), SheetError> {
    let mut sheets = Vec::new();
    for (typ, data) in records(stream) {
        match typ {
            EOF => break,
            BOUND_SHEET => sheets.extend(u32_at(data, 0)),
            _ => {}
        }
    }
    for pos in sheets {
        let sheet = stream
            .get(pos as usize..)
            .ok_or_else(|| SheetError::Corrupt("xls: sheet offset".into()))?;
        check_sheet(sheet)?;
    }
    Ok(())
}

fn too_large(what: String) -> SheetError {
    SheetError::TooLarge(format!("xls: {what}"))
}

fn check_sheet(sheet: &[u8]) -> Result<(), SheetError> {
    let mut rows = (u32::MAX, 0u32);
    let mut cols = (u32::MAX, 0u32);
    let mut include = |row: u32, col: u32| {
        rows = (rows.0.min(row), rows.1.max(row));
        cols = (cols.0.min(col), cols.1.max(col));
    };
    for (typ, data) in records(sheet) {
        match typ {
            EOF => break,
            DIMENSIONS => {
                let declared = declared_cells(data);
                if declared > MAX_DECLARED_CELLS {
                    return Err(too_large(format!("dimensions of {declared} cells")));
                }
            }
            MUL_RK if data.len() >= 6 => {
                let (row, first) = (
                    u32::from(u16_at(data, 0).unwrap_or(0)),
                    u32::from(u16_at(data, 2).unwrap_or(0)),
                );
                let count = (data.len() - 6).div_ceil(6) as u32;
                include(row, first);
                include(row, first + count.saturating_sub(1));
            }
            t if CELL_RECORDS.contains(&t) && data.len() >= 4 => {
                include(
                    u32::from(u16_at(data, 0).unwrap_or(0)),
                    u32::from(u16_at(data, 2).unwrap_or(0)),
                );
            }
            _ => {}
        }
    }
    if rows.0 > rows.1 {
        return Ok(());
    }
    if rows.1 as usize >= MAX_ROWS || cols.1 as usize >= MAX_COLUMNS {
        return Err(too_large(format!(
            "a cell at row {} column {}",
            rows.1 + 1,
            cols.1 + 1
        )));
    }
    let span = (rows.1 - rows.0 + 1) as usize * (cols.1 - cols.0 + 1) as usize;
    if span > MAX_GRID_CELLS {
        return Err(too_large(format!("cells spread over {span} slots")));
    }
    Ok(())
}

/// `rows × columns` exactly as calamine 0.30's `parse_dimensions` and its caller compute it,
/// wrapping arithmetic included.
fn declared_cells(r: &[u8]) -> usize {
    let (rf, rl, mut cf, cl) = match r.len() {
        10 => (
            u32::from(u16_at(r, 0).unwrap_or(0)),
            u32::from(u16_at(r, 2).unwrap_or(0)),
            u32::from(u16_at(r, 4).unwrap_or(0)),
            u32::from(u16_at(r, 6).unwrap_or(0)),
        ),
        14 => (
            u32_at(r, 0).unwrap_or(0),
            u32_at(r, 4).unwrap_or(0),
            u32::from(u16_at(r, 8).unwrap_or(0)),
            u32::from(u16_at(r, 10).unwrap_or(0)),
        ),
        // calamine refuses other lengths with an error.
        _ => return 0,
    };
    if 0xFF < cf || cl < cf {
        cf = 0;
    }
    let (start, end) = if 1 <= rl && 1 <= cl {
        ((rf, cf), (rl - 1, cl - 1))
    } else {
        ((rf, cf), (rf, cf))
    };
    let rows = end.0.wrapping_sub(start.0).wrapping_add(1) as usize;
    let cols = end.1.wrapping_sub(start.1).wrapping_add(1) as usize;
    rows.saturating_mul(cols)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dimensions_are_computed_as_calamine_does() {
        let mut rec = Vec::new();
        for v in [0u32, 3000] {
            rec.extend(v.to_le_bytes());
        }
        rec.extend([0u8, 0, 20, 0, 0, 0]);
        assert_eq!(declared_cells(&rec), 3000 * 20);
        let mut hostile = Vec::new();
        for v in [5u32, 1] {
            hostile.extend(v.to_le_bytes());
        }
        hostile.extend([0u8, 0, 0, 1, 0, 0]);
        assert!(declared_cells(&hostile) > MAX_DECLARED_CELLS);
    }

    #[test]
    fn cells_far_apart_are_refused() {
        let record = |row: u16, col: u16| {
            let mut r = vec![0x03, 0x02, 14, 0];
            r.extend(row.to_le_bytes());
            r.extend(col.to_le_bytes());
            r.extend([0u8; 10]);
            r
        };
        let sheet: Vec<u8> = [record(0, 0), record(65_535, 200)].concat();
        assert!(matches!(check_sheet(&sheet), Err(SheetError::TooLarge(_))));
        let small: Vec<u8> = [record(0, 0), record(3000, 19)].concat();
        assert!(check_sheet(&small).is_ok());
    }
}
