//! Reading a workbook: the format is told by the file's first bytes, the name only breaks ties.

use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};

use calamine::{Data, ExcelDateTime, Range, Reader, SheetType, SheetVisible, Xls};
use chrono::NaiveDate;
use redbranch_domain::roster::{Cell, Sheet};

use crate::error::SheetError;
use crate::xlsx::{ZipKind, inspect_zip, read_xlsx};
use crate::{biff_guard, text, xls_guard};

const ZIP: &[u8] = b"PK\x03\x04";
const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Extensions a user means as a spreadsheet: a file so named that cannot be read is damaged,
/// not of another kind. `.et` is WPS's own name for the `.xls` format.
const SPREADSHEET_EXTS: &[&str] = &["xlsx", "xlsm", "xls", "et", "csv", "txt", "tsv"];

/// Every visible worksheet of an `.xlsx`/`.xlsm`/`.xls` workbook, or the one sheet of a
/// `.csv`/`.tsv`/`.txt` (UTF-8, UTF-16 or GBK). Hidden sheets are left out: what the secretary
/// sees in Excel is what gets imported.
///
/// A broken, encrypted, oversized or unsupported file is an error, never a panic; see
/// [`crate::limits`] for the sizes.
pub fn read_workbook(bytes: &[u8], file_name: &str) -> Result<Vec<Sheet>, SheetError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(SheetError::Empty);
    }
    let ext = extension(file_name);
    let sheets = if bytes.starts_with(ZIP) {
        read_zip(bytes, &ext)?
    } else if bytes.starts_with(OLE) {
        read_ole(bytes, &ext)?
    } else if text::is_web_page(bytes) {
        return Err(SheetError::WebPage);
    } else if let Some(decoded) = text::decode(bytes) {
        // Text under any spreadsheet name: many school systems export tab-separated text as .xls.
        if !SPREADSHEET_EXTS.contains(&ext.as_str()) {
            return Err(SheetError::UnsupportedFormat(format!("text file .{ext}")));
        }
        vec![text::read_delimited(&decoded, sheet_name_of(file_name))?]
    } else {
        return Err(unreadable(&ext, "unknown binary content".into()));
    };
    let has_data = sheets
        .iter()
        .any(|s| s.rows.iter().flatten().any(|c| !c.is_blank()));
    if has_data {
        Ok(sheets)
    } else {
        Err(SheetError::Empty)
    }
}

fn extension(file_name: &str) -> String {
    file_name
        .rsplit_once('.')
        .map(|(_, e)| e.trim().to_ascii_lowercase())
        .unwrap_or_default()
}

/// A CSV's only sheet is named after the file, as Excel does.
fn sheet_name_of(file_name: &str) -> &str {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    base.rsplit_once('.').map_or(base, |(stem, _)| stem)
}

fn unreadable(ext: &str, detail: String) -> SheetError {
    if SPREADSHEET_EXTS.contains(&ext) {
        SheetError::Corrupt(detail)
    } else {
        SheetError::UnsupportedFormat(format!(".{ext}: {detail}"))
    }
}

/// Runs a third-party parser so that a bug in it on some odd file is a typed error, not a
/// panic in the caller's request.
fn guarded<T>(what: &str, parse: impl FnOnce() -> Result<T, SheetError>) -> Result<T, SheetError> {
    catch_unwind(AssertUnwindSafe(parse))
        .unwrap_or_else(|_| Err(SheetError::Corrupt(format!("{what}: parser panicked"))))
}

fn read_zip(bytes: &[u8], ext: &str) -> Result<Vec<Sheet>, SheetError> {
    let kind = guarded("zip", || inspect_zip(bytes)).map_err(|e| match e {
        SheetError::Corrupt(detail) => unreadable(ext, detail),
        other => other,
    })?;
    match kind {
        ZipKind::Xlsx => guarded("xlsx", || read_xlsx(bytes)),
        ZipKind::OtherSpreadsheet(kind) => Err(SheetError::UnsupportedFormat(kind.into())),
        ZipKind::NotASpreadsheet => Err(unreadable(ext, "a zip archive without a workbook".into())),
    }
}

fn read_ole(bytes: &[u8], ext: &str) -> Result<Vec<Sheet>, SheetError> {
    // An .xlsx with an opening password is an OLE container holding an "EncryptedPackage"
    // stream; the name sits in the container's directory in UTF-16.
    const ENCRYPTED: &[u8] = b"E\0n\0c\0r\0y\0p\0t\0e\0d\0P\0a\0c\0k\0a\0g\0e\0";
    if bytes.windows(ENCRYPTED.len()).any(|w| w == ENCRYPTED) {
        return Err(SheetError::Encrypted);
    }
    let checked =
        xls_guard::workbook_stream(bytes).and_then(|stream| biff_guard::check_workbook(&stream));
    checked.map_err(|e| match e {
        SheetError::Corrupt(detail) => unreadable(ext, detail),
        other => other,
    })?;
    guarded("xls", || match Xls::new(Cursor::new(bytes)) {
        Ok(wb) => read_all(wb).map_err(|e| unreadable(ext, e)),
        Err(calamine::XlsError::Password) => Err(SheetError::Encrypted),
        Err(e) => Err(unreadable(ext, e.to_string())),
    })
}

/// Every visible worksheet through calamine's dense ranges: only for `.xls`, whose sizes
/// [`biff_guard`] has bounded.
fn read_all<RS, R>(mut wb: R) -> Result<Vec<Sheet>, String>
where
    RS: std::io::Read + std::io::Seek,
    R: Reader<RS>,
    R::Error: std::fmt::Display,
{
    let names: Vec<String> = wb
        .sheets_metadata()
        .iter()
        .filter(|m| m.visible == SheetVisible::Visible && m.typ == SheetType::WorkSheet)
        .map(|m| m.name.clone())
        .collect();
    names
        .into_iter()
        .map(|name| match wb.worksheet_range(&name) {
            Ok(range) => Ok(to_sheet(name, &range)),
            Err(e) => Err(format!("sheet {name}: {e}")),
        })
        .collect()
}

/// Row and column indices become Excel's: a range that starts below row 1 or right of column A
/// (calamine trims empty margins) is padded back.
fn to_sheet(name: String, range: &Range<Data>) -> Sheet {
    let (top, left) = range
        .start()
        .map_or((0, 0), |(r, c)| (r as usize, c as usize));
    let mut rows: Vec<Vec<Cell>> = Vec::with_capacity(top + range.height());
    rows.resize_with(top, Vec::new);
    for source in range.rows() {
        let mut cells = Vec::with_capacity(left + source.len());
        cells.resize(left, Cell::Empty);
        cells.extend(source.iter().map(from_data));
        rows.push(cells);
    }
    Sheet { name, rows }
}

fn from_data(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::from(s.as_str()),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => from_datetime(dt),
        Data::DateTimeIso(s) => from_iso(s),
        Data::DurationIso(s) => Cell::from(s.as_str()),
        Data::Error(e) => Cell::Error(e.to_string()),
    }
}

/// A date-formatted cell becomes a date (calamine applies the workbook's 1900 or 1904 system);
/// a duration stays the number it is.
pub(crate) fn from_datetime(dt: &ExcelDateTime) -> Cell {
    match dt.as_datetime() {
        Some(d) if dt.is_datetime() => Cell::Date(d.date()),
        _ => Cell::Number(dt.as_f64()),
    }
}

/// OpenDocument-style ISO dates (`2004-05-01T00:00:00`).
pub(crate) fn from_iso(s: &str) -> Cell {
    match s
        .get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
    {
        Some(d) => Cell::Date(d),
        None => Cell::from(s),
    }
}
