//! Delimited text (`.csv`, `.tsv`, and the tab-separated "xls" some school systems export):
//! the encoding is detected, the delimiter sniffed, each field becomes a text cell.

use encoding_rs::{GB18030, UTF_16BE, UTF_16LE};
use redbranch_domain::roster::{Cell, Sheet};

use crate::error::SheetError;
use crate::limits::{MAX_COLUMNS, MAX_ROWS};

/// How much of the file is inspected to recognise it.
const SNIFF: usize = 4096;

/// HTML (a "web page" saved as .xls) or Excel 2003 XML, which look like spreadsheets to users.
pub(crate) fn is_web_page(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(SNIFF)]).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{FEFF}').trim_start();
    head.starts_with('<')
        && [
            "<html",
            "<table",
            "<!doctype html",
            "urn:schemas-microsoft-com:office:spreadsheet",
        ]
        .iter()
        .any(|m| head.contains(m))
}

/// The text of a file: UTF-8 or UTF-16 (by BOM), else UTF-8, else GB 18030 (a superset of GBK,
/// which Excel on Chinese Windows writes). `None` when it is not text in any of them.
pub(crate) fn decode(bytes: &[u8]) -> Option<String> {
    let text = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        String::from_utf8(rest.to_vec()).ok()?
    } else if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        let encoding = if bytes[0] == 0xFF { UTF_16LE } else { UTF_16BE };
        let (text, _, had_errors) = encoding.decode(bytes);
        (!had_errors).then(|| text.trim_start_matches('\u{FEFF}').to_string())?
    } else if let Ok(s) = std::str::from_utf8(bytes) {
        s.to_string()
    } else {
        let (text, _, had_errors) = GB18030.decode(bytes);
        (!had_errors).then(|| text.into_owned())?
    };
    // Binary files can decode "successfully" as GB 18030; text never holds control characters.
    let binary = text
        .chars()
        .take(SNIFF)
        .any(|c| c.is_control() && !matches!(c, '\t' | '\r' | '\n' | '\x0C'));
    (!binary).then_some(text)
}

/// One sheet from delimited text. The delimiter is whichever of tab, comma and semicolon occurs
/// most in the first line.
pub(crate) fn read_delimited(text: &str, sheet_name: &str) -> Result<Sheet, SheetError> {
    let first_line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let delimiter = [b',', b'\t', b';']
        .into_iter()
        .max_by_key(|d| (first_line.bytes().filter(|b| b == d).count(), *d == b','))
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| SheetError::Corrupt(format!("csv: {e}")))?;
        if rows.len() >= MAX_ROWS || record.len() > MAX_COLUMNS {
            return Err(SheetError::TooLarge(format!(
                "csv beyond {MAX_ROWS} rows or {MAX_COLUMNS} columns"
            )));
        }
        rows.push(record.iter().map(field).collect());
    }
    Ok(Sheet {
        name: sheet_name.to_string(),
        rows,
    })
}

/// `="0122010101"` is how exporters force Excel to keep a CSV number's leading zeros.
fn field(raw: &str) -> Cell {
    let unwrapped = raw
        .strip_prefix("=\"")
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(raw);
    Cell::from(unwrapped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_text_is_decoded() {
        let (bytes, _, _) = GB18030.encode("学号,姓名\n0121010101,张三\n");
        assert_eq!(
            decode(&bytes).as_deref(),
            Some("学号,姓名\n0121010101,张三\n")
        );
    }

    #[test]
    fn utf8_with_bom_and_utf16_are_decoded() {
        assert_eq!(decode("\u{FEFF}学号".as_bytes()).as_deref(), Some("学号"));
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("学号\t姓名".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode(&utf16).as_deref(), Some("学号\t姓名"));
    }

    #[test]
    fn binary_is_not_text() {
        assert_eq!(decode(&[0x00, 0x01, 0x02, 0xFF, 0x10]), None);
    }

    #[test]
    fn tabs_are_sniffed_and_forced_text_is_unwrapped() {
        let sheet = read_delimited("学号\t姓名\n=\"0121010101\"\t张三, 李\n", "名单").unwrap();
        assert_eq!(
            sheet.rows[1],
            vec![Cell::from("0121010101"), Cell::from("张三, 李")]
        );
    }

    #[test]
    fn a_web_page_named_xls_is_recognised() {
        assert!(is_web_page(
            b"  <html><body><table><tr><td>1</td></tr></table></body></html>"
        ));
        assert!(!is_web_page("学号,姓名".as_bytes()));
    }
}
