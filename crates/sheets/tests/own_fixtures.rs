//! Reading and writing with small files built in the test itself: these always run.

mod common;

use chrono::NaiveDate;
use common::office_workbook;
use redbranch_domain::roster::{Cell, Column, MESSAGE_KEYS, TEMPLATE_HEADERS, parse_roster};
use redbranch_i18n::{Locale, keys};
use redbranch_sheets::{SheetError, read_workbook, roster_template, write_xlsx};

/// Only called with real dates; `NaiveDate::MIN` would fail the comparisons loudly.
fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

/// What both office workbooks (`.xlsx` built here, `.xls` in `data/`) must import as.
fn assert_office_roster(sheets: &[redbranch_domain::roster::Sheet]) {
    let parsed = parse_roster(sheets);

    assert!(parsed.issues.is_empty(), "{:?}", parsed.issues);
    assert_eq!(parsed.header_row(), Some(2));
    assert_eq!(parsed.sheets[0].total_rows, vec![6]);
    assert_eq!(parsed.sheets[0].blank_rows, vec![5]);
    let nos: Vec<&str> = parsed
        .records
        .iter()
        .map(|r| r.person.student_no.as_str())
        .collect();
    assert_eq!(nos, ["0121010101", "0121010102"]);
    assert!(
        parsed
            .records
            .iter()
            .all(|r| r.person.league_joined_on == Some(date(2019, 5, 4)))
    );
}

#[test]
fn a_title_above_the_header_and_a_numeric_student_no_are_handled() {
    let sheets = read_workbook(&office_workbook().unwrap(), "名单.xlsx").unwrap();
    assert_eq!(sheets.len(), 1, "the hidden sheet is left out");
    assert_office_roster(&sheets);
}

#[test]
fn an_excel_97_workbook_is_read_like_an_xlsx() {
    let bytes = include_bytes!("data/roster_small.xls");
    let sheets = read_workbook(bytes, "名单.xls").unwrap();
    assert_eq!(sheets[0].name, "花名册");
    assert_eq!(sheets[0].rows[2][4], Cell::Date(date(2019, 5, 4)));
    assert_office_roster(&sheets);
}

#[test]
fn a_gbk_csv_from_chinese_excel_is_read() {
    let text = "学号,姓名,政治面貌,入团时间\r\n0121010101,张三,共青团员,2019年5月4日\r\n=\"0121010102\",李四,群众,\r\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(text);
    assert!(
        std::str::from_utf8(&gbk).is_err(),
        "the test file really is GBK"
    );

    let sheets = read_workbook(&gbk, "名单.csv").unwrap();
    let parsed = parse_roster(&sheets);

    assert_eq!(sheets[0].name, "名单");
    assert!(parsed.issues.is_empty(), "{:?}", parsed.issues);
    assert_eq!(parsed.records[0].person.name.as_str(), "张三");
    assert_eq!(
        parsed.records[0].person.league_joined_on,
        Some(date(2019, 5, 4))
    );
    assert_eq!(parsed.records[1].person.student_no.as_str(), "0121010102");
}

#[test]
fn tab_separated_text_named_xls_and_utf16_text_are_read() {
    let tsv = "学号\t姓名\t政治面貌\n0121010101\t张三\t群众\n";
    assert_eq!(
        parse_roster(&read_workbook(tsv.as_bytes(), "export.xls").unwrap())
            .records
            .len(),
        1
    );
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(tsv.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    assert_eq!(
        parse_roster(&read_workbook(&utf16, "unicode.txt").unwrap())
            .records
            .len(),
        1
    );
}

#[test]
fn written_workbooks_keep_number_like_text_and_real_dates() {
    let rows = vec![
        vec![
            Cell::from("0122010101"),
            Cell::from("李倩"),
            Cell::Date(date(2003, 9, 6)),
            Cell::Number(2022.0),
        ],
        vec![
            Cell::from("42010620040501002X"),
            Cell::Empty,
            Cell::Bool(true),
            Cell::from("计科2201班"),
        ],
    ];

    let bytes = write_xlsx(
        "导出/名单",
        &["学号", "姓名", "出生日期", "年级"],
        rows.clone(),
    )
    .unwrap();
    let sheets = read_workbook(&bytes, "export.xlsx").unwrap();

    assert_eq!(sheets[0].name, "导出_名单");
    assert_eq!(sheets[0].rows[0][0], Cell::from("学号"));
    assert_eq!(sheets[0].rows[1], rows[0]);
    assert_eq!(sheets[0].rows[2], rows[1]);
}

#[test]
fn the_template_holds_the_headers_and_an_example_that_imports_as_nothing() {
    let bytes = roster_template().unwrap();
    let sheets = read_workbook(&bytes, "花名册模板.xlsx").unwrap();

    let parsed = parse_roster(&sheets);

    let header: Vec<String> = sheets[0].rows[0]
        .iter()
        .map(|c| c.text().into_owned())
        .collect();
    assert_eq!(header, TEMPLATE_HEADERS);
    assert!(
        parsed.issues.is_empty() && parsed.records.is_empty(),
        "{:?}",
        parsed.issues
    );
    assert_eq!(parsed.sheets[0].example_rows, vec![2]);
    assert_eq!(
        parsed.sheets[1].header_row, None,
        "the instructions sheet is not a roster"
    );
}

#[test]
fn the_template_example_is_a_valid_person_once_unmarked() {
    let mut sheets = read_workbook(&roster_template().unwrap(), "t.xlsx").unwrap();
    sheets[0].rows[1][Column::Name.index()] = Cell::from("张三");

    let parsed = parse_roster(&sheets);

    assert!(parsed.issues.is_empty(), "{:?}", parsed.issues);
    assert_eq!(parsed.records.len(), 1);
}

#[test]
fn every_message_key_exists_in_both_languages() {
    let zh = keys(Locale::ZhCn);
    let en = keys(Locale::En);
    let fields = Column::ALL.map(Column::field);
    for key in MESSAGE_KEYS.iter().chain(&fields).chain(SheetError::CODES) {
        assert!(
            zh.contains(key) && en.contains(key),
            "{key} is missing from the catalogue"
        );
    }
}
