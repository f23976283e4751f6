//! The roster importer against the shared real-world fixtures (`../shared/fixtures/roster`):
//! the clean roster imports whole, the messy one yields exactly its documented defects.
//!
//! The fixtures are not part of the repository: without them these tests print a notice and
//! pass, except in CI (`CI=true`), where a missing folder is a failure.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::Instant;

use redbranch_domain::people::{Gender, PoliticalStatus};
use redbranch_domain::roster::{RosterParse, RosterRecord, parse_roster};
use redbranch_sheets::read_workbook;
use serde_json::{Value, json};

fn fixtures() -> Option<PathBuf> {
    let dir = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/fixtures/roster"
    ));
    if dir.is_dir() {
        return Some(dir.to_path_buf());
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI=true but the fixtures are missing: {}",
        dir.display()
    );
    eprintln!(
        "notice: {} is absent; skipping the shared-fixture roster tests",
        dir.display()
    );
    None
}

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn parse_file(dir: &Path, name: &str) -> Result<RosterParse> {
    let bytes = std::fs::read(dir.join(name))?;
    Ok(parse_roster(&read_workbook(&bytes, name)?))
}

/// The clean roster's people by 学号, one JSON object each.
fn clean_people(dir: &Path) -> Result<HashMap<String, Value>> {
    let text = std::fs::read_to_string(dir.join("roster.jsonl"))?;
    let mut people = HashMap::new();
    for line in text.lines() {
        let v: Value = serde_json::from_str(line)?;
        let no = v["学号"].as_str().ok_or("a line without 学号")?.to_string();
        people.insert(no, v);
    }
    Ok(people)
}

fn status_label(s: PoliticalStatus) -> &'static str {
    match s {
        PoliticalStatus::Masses => "群众",
        PoliticalStatus::LeagueMember => "共青团员",
        PoliticalStatus::PartyApplicant => "入党申请人",
        PoliticalStatus::PartyActivist => "入党积极分子",
        PoliticalStatus::DevelopmentTarget => "发展对象",
        PoliticalStatus::ProbationaryMember => "中共预备党员",
        PoliticalStatus::PartyMember => "中共党员",
    }
}

/// A record in the shape of a `roster.jsonl` line.
fn as_json(r: &RosterRecord) -> Value {
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
    json!({
        "学号": r.person.student_no.as_str(),
        "姓名": r.person.name.as_str(),
        "性别": r.person.gender.map(|g| if g == Gender::Male { "男" } else { "女" }),
        "民族": r.person.ethnicity,
        "出生日期": date(r.person.birth_date),
        "身份证号": r.person.id_card.as_ref().map(|i| i.as_str()),
        "手机号": r.person.phone.as_ref().map(|p| p.as_str()),
        "学院": r.person.college,
        "专业": r.person.major,
        "年级": r.person.grade.as_ref().map(|g| g.parse::<i64>().map_or_else(|_| json!(g), |n| json!(n))),
        "班级": r.person.class_name,
        "政治面貌": status_label(r.person.political_status),
        "入团时间": date(r.person.league_joined_on),
        "申请入党时间": date(r.person.party_applied_on),
        "确定积极分子时间": date(r.person.activist_on),
        "确定发展对象时间": date(r.person.target_on),
        "入党时间": date(r.person.party_joined_on),
        "转正时间": date(r.person.confirmed_on),
        "所在团支部": r.league_branch,
        "所在党支部": r.party_branch,
    })
}

fn rows_of(v: &Value) -> Vec<usize> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_u64)
        .map(|r| r as usize)
        .collect()
}

#[test]
fn the_clean_roster_imports_all_3000_people_exactly() {
    let Some(dir) = fixtures() else { return };
    let parsed = parse_file(&dir, "roster.xlsx").unwrap();
    let clean = clean_people(&dir).unwrap();

    assert!(
        parsed.issues.is_empty(),
        "{:#?}",
        &parsed.issues[..parsed.issues.len().min(5)]
    );
    assert_eq!(parsed.records.len(), 3000);
    for r in &parsed.records {
        assert_eq!(
            as_json(r),
            clean[r.person.student_no.as_str()],
            "row {}",
            r.row
        );
    }
}

#[test]
fn the_messy_roster_yields_exactly_its_documented_defects() {
    let Some(dir) = fixtures() else { return };
    let expect: Value =
        serde_json::from_slice(&std::fs::read(dir.join("roster_messy_expect.json")).unwrap())
            .unwrap();
    let clean = clean_people(&dir).unwrap();

    let parsed = parse_file(&dir, "roster_messy.xlsx").unwrap();

    let defects = &expect["defects"];
    let mut expected: BTreeSet<(usize, &str, &str, String)> = BTreeSet::new();
    for row in rows_of(&defects["invalid_id_checksum"]["rows"]) {
        expected.insert((row, "身份证号", "error.id_card_checksum", String::new()));
    }
    for row in rows_of(&defects["missing_name"]["rows"]) {
        expected.insert((row, "姓名", "error.required", String::new()));
    }
    for pair in defects["duplicate_student_id"]["pairs"].as_array().unwrap() {
        let row = pair["duplicate_row"].as_u64().unwrap() as usize;
        let original = pair["original_row"].to_string();
        expected.insert((row, "学号", "error.duplicate_student_no", original));
    }
    let found: BTreeSet<(usize, &str, &str, String)> = parsed
        .issues
        .iter()
        .map(|i| {
            let other = i
                .error
                .args
                .iter()
                .find(|(k, _)| *k == "other_row")
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            (
                i.row,
                i.column.as_deref().unwrap_or(""),
                i.error.code,
                other,
            )
        })
        .collect();
    assert_eq!(found, expected);
    assert_eq!(
        parsed.issues.len(),
        expected.len(),
        "one issue per defective row"
    );
    assert!(parsed.issues.iter().all(|i| i.sheet == expect["sheet"]));

    let layout = &parsed.sheets[0];
    assert_eq!(
        layout.header_row,
        Some(expect["header_row"].as_u64().unwrap() as usize)
    );
    assert_eq!(
        layout.person_rows,
        expect["data_rows"].as_u64().unwrap() as usize
    );
    assert_eq!(
        layout.total_rows,
        vec![expect["totals_row"]["row"].as_u64().unwrap() as usize]
    );
    assert!(layout.blank_rows.is_empty() && layout.repeated_rows.is_empty());
    let padded =
        rows_of(&expect["format_variations"]["student_id_numeric_leading_zero_lost"]["rows"]);
    assert_eq!(layout.zero_padded_rows, padded);

    let defect_rows: BTreeSet<usize> = expected.iter().map(|e| e.0).collect();
    let first = expect["first_data_row"].as_u64().unwrap() as usize;
    let ids = expect["row_student_ids"]["ids"].as_array().unwrap();
    assert_eq!(parsed.records.len(), ids.len() - defect_rows.len());
    for r in &parsed.records {
        assert!(!defect_rows.contains(&r.row));
        assert_eq!(
            r.person.student_no.as_str(),
            ids[r.row - first],
            "row {}",
            r.row
        );
        assert_eq!(
            as_json(r),
            clean[r.person.student_no.as_str()],
            "row {}",
            r.row
        );
    }
}

#[test]
fn the_messy_roster_parses_at_product_speed() {
    let Some(dir) = fixtures() else { return };
    let bytes = std::fs::read(dir.join("roster_messy.xlsx")).unwrap();

    let started = Instant::now();
    let sheets = read_workbook(&bytes, "roster_messy.xlsx").unwrap();
    let read = started.elapsed();
    let started = Instant::now();
    let runs = 5;
    for _ in 0..runs {
        std::hint::black_box(parse_roster(std::hint::black_box(&sheets)));
    }
    let parse = started.elapsed() / runs;

    let rows = 3011.0;
    eprintln!(
        "roster_messy.xlsx: read {:.0} ms ({:.0} rows/s), parse {:.1} ms ({:.0} rows/s){}",
        read.as_secs_f64() * 1e3,
        rows / read.as_secs_f64(),
        parse.as_secs_f64() * 1e3,
        rows / parse.as_secs_f64(),
        if cfg!(debug_assertions) {
            " [debug build]"
        } else {
            ""
        },
    );
}
