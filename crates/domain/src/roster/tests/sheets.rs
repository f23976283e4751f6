//! Worked cases about whole sheets: layout, duplicates across rows and sheets, headers, speed.

use super::*;

#[test]
fn a_title_above_the_header_blank_rows_and_a_totals_row_are_skipped() {
    let rows = vec![
        row(&["江城理工大学学生基本信息汇总表"]),
        row(&HEADERS),
        person("0121010101", "张三"),
        row(&["", " "]),
        person("0121010102", "李四"),
        row(&["合计 2人"]),
        row(&[]),
    ];
    let p = parse_roster(&[sheet("花名册", rows)]);
    assert!(p.issues.is_empty(), "{:?}", p.issues);
    assert_eq!(p.records.len(), 2);
    let layout = &p.sheets[0];
    assert_eq!((layout.header_row, layout.person_rows), (Some(2), 2));
    assert_eq!(
        (layout.blank_rows.clone(), layout.total_rows.clone()),
        (vec![4], vec![6])
    );
}

#[test]
fn a_repeated_student_no_with_other_data_is_reported_on_the_later_row() {
    let mut other = person("0121010101", "李四");
    other[5] = Cell::from("13900139000");
    let p = parse_roster(&roster(vec![person("0121010101", "张三"), other]));
    assert_eq!(p.records.len(), 1);
    assert_eq!(
        codes(&p),
        vec![(3, Some("学号"), "error.duplicate_student_no")]
    );
    assert_eq!(p.issues[0].error.args, vec![("other_row", "2".to_string())]);
}

#[test]
fn a_row_repeated_exactly_is_skipped_without_an_issue() {
    let p = parse_roster(&roster(vec![
        person("0121010101", "张三"),
        person("0121010101", "张三"),
    ]));
    assert!(p.issues.is_empty());
    assert_eq!(
        (p.records.len(), p.sheets[0].repeated_rows.clone()),
        (1, vec![3])
    );
}

#[test]
fn the_same_id_card_under_two_student_nos_is_reported() {
    let mut same_id = person("0121010102", "张三");
    same_id[4] = person("0121010101", "张三")[4].clone();
    let p = parse_roster(&roster(vec![person("0121010101", "张三"), same_id]));
    assert_eq!(
        codes(&p),
        vec![(3, Some("身份证号"), "error.duplicate_id_card")]
    );
}

#[test]
fn a_duplicate_on_another_sheet_names_that_sheet() {
    let mut sheets = roster(vec![person("0121010101", "张三")]);
    sheets.push(sheet(
        "二班",
        vec![row(&HEADERS), person("0121010101", "李四")],
    ));
    let p = parse_roster(&sheets);
    assert_eq!(
        p.issues[0].error.code,
        "error.duplicate_student_no_other_sheet"
    );
    assert_eq!(
        p.issues[0].error.args[0],
        ("other_sheet", "花名册".to_string())
    );
    assert_eq!(p.issues[0].sheet, "二班");
}

#[test]
fn a_missing_required_column_is_one_issue_naming_it() {
    let p = parse_roster(&[sheet(
        "花名册",
        vec![row(&["学号", "姓名"]), row(&["0121010101", "张三"])],
    )]);
    assert!(p.records.is_empty());
    assert_eq!(codes(&p), vec![(1, None, "error.column_missing")]);
    assert_eq!(
        p.issues[0].error.args,
        vec![("column", "政治面貌".to_string())]
    );
}

#[test]
fn a_workbook_without_any_header_says_so_once() {
    let p = parse_roster(&[sheet("Sheet1", vec![row(&["张三", "0121010101"])])]);
    assert_eq!(codes(&p), vec![(1, None, "error.no_header")]);
}

#[test]
fn the_template_example_row_is_skipped() {
    let p = parse_roster(&roster(vec![person("0121010101", "示例：张三")]));
    assert!(p.issues.is_empty() && p.records.is_empty());
    assert_eq!(p.sheets[0].example_rows, vec![2]);
}

#[test]
fn parsing_is_fast_enough_for_a_whole_university() {
    let people: Vec<_> = (0..20_000)
        .map(|i| {
            let mut r = person(&format!("{:010}", 100_000 + i), "张三");
            r[4] = Cell::Empty;
            r
        })
        .collect();
    let sheets = roster(people);
    let started = std::time::Instant::now();
    let p = parse_roster(&sheets);
    let rate = 20_000.0 / started.elapsed().as_secs_f64();
    eprintln!("roster parse: {rate:.0} rows/s (debug build: far below release)");
    assert_eq!((p.person_rows(), p.records.len()), (20_000, 20_000));
}
