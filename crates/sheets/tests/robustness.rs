//! Broken, damaged, encrypted and oversized files: each a typed error, never a panic or an
//! allocation that takes the server down.

mod common;

use common::office_workbook;
use redbranch_domain::roster::parse_roster;
use redbranch_sheets::{SheetError, read_workbook};
use rust_xlsxwriter::Workbook;

#[test]
fn broken_files_are_typed_errors_not_panics() {
    let real = office_workbook().unwrap();
    let cases: Vec<(Vec<u8>, &str, &str)> = vec![
        (Vec::new(), "a.xlsx", "sheet.empty"),
        (b" \n".to_vec(), "a.csv", "sheet.empty"),
        (real[..real.len() / 2].to_vec(), "a.xlsx", "sheet.corrupt"),
        (b"PK\x03\x04garbage".to_vec(), "a.xlsx", "sheet.corrupt"),
        (
            [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 1, 2, 3].to_vec(),
            "a.xls",
            "sheet.corrupt",
        ),
        (
            (0..=255u8).cycle().take(4096).collect(),
            "a.xlsx",
            "sheet.corrupt",
        ),
        (
            (0..=255u8).cycle().take(4096).collect(),
            "a.docx",
            "sheet.unsupported_format",
        ),
        (
            b"%PDF-1.7 binary\x00\x01".to_vec(),
            "a.pdf",
            "sheet.unsupported_format",
        ),
        (
            b"<html><body><table><tr><td>1</td></tr></table></body></html>".to_vec(),
            "a.xls",
            "sheet.web_page",
        ),
    ];
    for (bytes, name, code) in cases {
        let result = std::panic::catch_unwind(|| read_workbook(&bytes, name));
        let error = result.unwrap_or_else(|_| panic!("{name} panicked")).err();
        assert_eq!(
            error.as_ref().map(SheetError::code),
            Some(code),
            "{name}: {error:?}"
        );
    }
}

#[test]
fn a_password_protected_workbook_is_recognised() {
    let mut bytes = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    bytes.extend(vec![0; 512]);
    bytes.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
    assert_eq!(
        read_workbook(&bytes, "名单.xlsx")
            .map(|_| ())
            .unwrap_err()
            .code(),
        "sheet.encrypted"
    );
}

#[test]
fn damaged_copies_of_real_workbooks_never_panic() {
    let originals = [
        (office_workbook().unwrap(), "a.xlsx"),
        (include_bytes!("data/roster_small.xls").to_vec(), "a.xls"),
    ];
    // A fixed xorshift sequence: the same damage on every run.
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for (original, name) in &originals {
        for _ in 0..1000 {
            let mut bytes = original.clone();
            for _ in 0..1 + next() % 8 {
                // Half the damage lands in the first 600 bytes, where the containers keep the
                // sizes and offsets that a trusting reader would allocate by.
                let span = if next() % 2 == 0 {
                    600.min(bytes.len())
                } else {
                    bytes.len()
                };
                let at = (next() as usize) % span;
                bytes[at] = next() as u8;
            }
            let cut = bytes.len() - (next() as usize % 64);
            let damaged = &bytes[..cut];
            let outcome =
                std::panic::catch_unwind(|| read_workbook(damaged, name).map(|s| parse_roster(&s)));
            assert!(outcome.is_ok(), "{name} panicked");
        }
    }
}

#[test]
fn a_stray_cell_far_away_is_refused_instead_of_exhausting_memory() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "学号").unwrap();
    ws.write_string(1_048_575, 16_383, "x").unwrap();
    let bytes = wb.save_to_buffer().unwrap();

    let error = read_workbook(&bytes, "far.xlsx").map(|_| ()).unwrap_err();

    assert_eq!(error.code(), "sheet.too_large");
}
