//! Worked cases of the roster importer over small hand-made grids: this file the cells of one
//! row, `sheets.rs` what concerns a whole sheet or several.

mod sheets;

use chrono::NaiveDate;

use super::*;
use crate::people::{Gender, PhoneNo, PoliticalStatus};

const HEADERS: [&str; 8] = [
    "学号",
    "姓名",
    "性别",
    "出生日期",
    "身份证号",
    "手机号",
    "政治面貌",
    "入团时间",
];

/// A valid 身份证号 for a birth date and a 3-digit order number (odd: male), GB 11643 check included.
fn id(birth: &str, order: u32) -> String {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let body = format!("420106{birth}{order:03}");
    let sum: u32 = body
        .chars()
        .zip(W)
        .map(|(c, w)| c.to_digit(10).unwrap() * w)
        .sum();
    format!(
        "{body}{}",
        ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'][(sum % 11) as usize]
    )
}

fn row(cells: &[&str]) -> Vec<Cell> {
    cells.iter().map(|s| Cell::from(*s)).collect()
}

fn sheet(name: &str, rows: Vec<Vec<Cell>>) -> Sheet {
    Sheet {
        name: name.into(),
        rows,
    }
}

/// A sheet with the standard header on row 1 and the given people below it.
fn roster(people: Vec<Vec<Cell>>) -> Vec<Sheet> {
    let mut rows = vec![row(&HEADERS)];
    rows.extend(people);
    vec![sheet("花名册", rows)]
}

/// A young woman born 2004-05-01 whose 身份证号 differs with the last two digits of her 学号.
fn person(no: &str, name: &str) -> Vec<Cell> {
    let order = no
        .get(no.len().saturating_sub(2)..)
        .and_then(|s| s.parse::<u32>().ok())
        .unwrap_or(0)
        * 2;
    row(&[
        no,
        name,
        "女",
        "2004-05-01",
        &id("20040501", order),
        "13800138000",
        "共青团员",
        "2019-05-04",
    ])
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn codes(p: &RosterParse) -> Vec<(usize, Option<&str>, &str)> {
    p.issues
        .iter()
        .map(|i| (i.row, i.column.as_deref(), i.error.code))
        .collect()
}

#[test]
fn a_clean_row_becomes_a_record() {
    let p = parse_roster(&roster(vec![person("0121010101", "张三")]));
    assert!(p.issues.is_empty(), "{:?}", p.issues);
    let r = &p.records[0];
    assert_eq!(
        (r.row, r.person.student_no.as_str(), r.person.name.as_str()),
        (2, "0121010101", "张三")
    );
    assert_eq!(
        (r.person.gender, r.person.birth_date),
        (Some(Gender::Female), Some(date(2004, 5, 1)))
    );
    assert_eq!(r.person.political_status, PoliticalStatus::LeagueMember);
    assert_eq!(r.person.league_joined_on, Some(date(2019, 5, 4)));
}

#[test]
fn messy_but_unambiguous_cells_are_normalised() {
    let mut messy = person("", "张三");
    messy[0] = Cell::Number(121010101.0);
    messy[3] = Cell::Number(38108.0);
    messy[5] = Cell::from("１３８００１３８０００");
    messy[7] = Cell::from("2019年5月4日");
    let p = parse_roster(&roster(vec![
        person("0121010102", "李四"),
        person("0121010103", "王五"),
        messy,
    ]));
    assert!(p.issues.is_empty(), "{:?}", p.issues);
    let r = &p.records[2];
    assert_eq!(r.person.student_no.as_str(), "0121010101");
    assert_eq!(r.person.birth_date, Some(date(2004, 5, 1)));
    assert_eq!(
        r.person.phone.as_ref().map(PhoneNo::as_str),
        Some("13800138000")
    );
    assert_eq!(r.person.league_joined_on, Some(date(2019, 5, 4)));
    assert_eq!(p.sheets[0].zero_padded_rows, vec![4]);
}

#[test]
fn a_missing_name_is_reported_under_the_name_column() {
    let p = parse_roster(&roster(vec![person("0121010101", "  ")]));
    assert!(p.records.is_empty());
    assert_eq!(codes(&p), vec![(2, Some("姓名"), "error.required")]);
    assert_eq!(p.issues[0].error.field, "field.name");
}

#[test]
fn a_wrong_id_check_character_is_reported() {
    let mut bad = person("0121010101", "张三");
    let good = id("20040501", 2);
    let wrong = if good.ends_with('1') { "2" } else { "1" };
    bad[4] = Cell::from(format!("{}{wrong}", &good[..17]));
    assert_eq!(
        codes(&parse_roster(&roster(vec![bad]))),
        vec![(2, Some("身份证号"), "error.id_card_checksum")]
    );
}

#[test]
fn birth_date_and_gender_must_agree_with_the_id_card() {
    let mut r = person("0121010101", "张三");
    r[2] = Cell::from("男");
    r[3] = Cell::from("2004.5.2");
    let p = parse_roster(&roster(vec![r]));
    assert_eq!(
        codes(&p),
        vec![
            (2, Some("性别"), "error.id_card_gender_mismatch"),
            (2, Some("出生日期"), "error.id_card_birth_mismatch")
        ]
    );
}

#[test]
fn empty_gender_and_birth_date_are_taken_from_the_id_card() {
    let mut r = person("0121010101", "张三");
    r[2] = Cell::Empty;
    r[3] = Cell::Empty;
    let p = parse_roster(&roster(vec![r]));
    assert_eq!(
        (p.records[0].person.gender, p.records[0].person.birth_date),
        (Some(Gender::Female), Some(date(2004, 5, 1)))
    );
}

#[test]
fn a_year_and_month_birth_date_is_completed_only_from_an_agreeing_id_card() {
    let mut agrees = person("0121010101", "张三");
    agrees[3] = Cell::from("2004.05");
    let mut no_id = person("0121010102", "李四");
    no_id[3] = Cell::from("2004.05");
    no_id[4] = Cell::Empty;
    let p = parse_roster(&roster(vec![agrees, no_id]));
    assert_eq!(p.records[0].person.birth_date, Some(date(2004, 5, 1)));
    assert_eq!(
        codes(&p),
        vec![(3, Some("出生日期"), "error.date_incomplete")]
    );
}

#[test]
fn impossible_dates_and_unknown_labels_are_reported_with_the_value() {
    let mut r = person("0121010101", "张三");
    r[2] = Cell::from("未知");
    r[6] = Cell::from("党外人士");
    r[7] = Cell::from("2019.2.30");
    let p = parse_roster(&roster(vec![r]));
    assert_eq!(
        codes(&p),
        vec![
            (2, Some("性别"), "error.gender_format"),
            (2, Some("政治面貌"), "error.political_status_unknown"),
            (2, Some("入团时间"), "error.date_format"),
        ]
    );
    assert_eq!(
        p.issues[2].error.args,
        vec![("value", "2019.2.30".to_string())]
    );
    assert_eq!(p.issues[2].error.field, "field.league_joined_on");
}

#[test]
fn an_id_card_stored_as_a_number_has_lost_digits() {
    let mut r = person("0121010101", "张三");
    r[4] = Cell::Number(420106200405011200.0);
    assert_eq!(
        codes(&parse_roster(&roster(vec![r])))[0].2,
        "error.id_card_stored_as_number"
    );
}

#[test]
fn party_dates_out_of_order_are_reported_on_the_later_stage() {
    let headers = [
        "学号",
        "姓名",
        "政治面貌",
        "申请入党时间",
        "确定积极分子时间",
    ];
    let rows = vec![
        row(&headers),
        row(&[
            "0121010101",
            "张三",
            "入党积极分子",
            "2024-03-01",
            "2023-09-01",
        ]),
    ];
    let p = parse_roster(&[sheet("花名册", rows)]);
    assert_eq!(
        codes(&p),
        vec![(2, Some("确定积极分子时间"), "error.date_order")]
    );
    assert_eq!(
        p.issues[0].error.args[0],
        ("other", "申请入党时间".to_string())
    );
}

#[test]
fn none_marks_in_optional_cells_read_as_empty() {
    let mut r = person("0121010101", "张三");
    r[7] = Cell::from("无");
    r[5] = Cell::from("/");
    let p = parse_roster(&roster(vec![r]));
    assert!(p.issues.is_empty(), "{:?}", p.issues);
    assert_eq!(
        (
            p.records[0].person.league_joined_on,
            p.records[0].person.phone.clone()
        ),
        (None, None)
    );
}

#[test]
fn a_formula_error_is_reported_as_such() {
    let mut r = person("0121010101", "张三");
    r[7] = Cell::Error("#REF!".into());
    assert_eq!(
        codes(&parse_roster(&roster(vec![r]))),
        vec![(2, Some("入团时间"), "error.cell_error")]
    );
}
