//! Importing the current state of the pipeline from a sheet: people already mid-way, with the
//! dates of the steps they have passed, the names of their 培养联系人 and 入党介绍人, the training
//! and the 支部大会 figures.
//!
//! Reading is forgiving about layout (a title above the header, columns in any order, dates in
//! any of the styles [`parse_date`] knows) and strict about content: every cell that cannot be
//! read is reported by row and column. Checking is not done here by new code but by replaying
//! [`PipelineSettings::check_step`] over a growing [`History`], step by step, exactly as if the
//! steps had been recorded one at a time on the platform: a past violation in the file is
//! reported under the same rule, with the same citation.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::{History, Introducer, PipelineSettings, Refusal, Step, StepFacts, Vote};
use crate::dates::{from_excel_serial, parse_date};
use crate::error::FieldError;
use crate::roster::{Cell, RowIssue, Sheet};
use crate::text::{compact, normalise};

/// The header of the 学号 column (工号 for staff; either word is accepted).
pub const STUDENT_NO: &str = "学号/工号";
pub const NAME: &str = "姓名";
pub const CULTIVATORS: &str = "培养联系人";
pub const INTRODUCERS: &str = "入党介绍人";
pub const TRAINING_DAYS: &str = "集中培训天数";
pub const TRAINING_HOURS: &str = "集中培训学时";
pub const PUBLICITY_START: &str = "公示开始日期";
pub const PUBLICITY_END: &str = "公示结束日期";
/// When the person leaves the school (graduation): read with the 支部大会 of step 15, where a
/// leaving date recorded by hand lives too, to flag a candidate leaving within 3 months
/// (细则 第十九条). The other headers offices use for it are accepted as well.
pub const LEAVING_ON: &str = "预计离校时间";
const LEAVING_ALIASES: [&str; 5] = [
    "预计离校日期",
    "离校时间",
    "毕业时间",
    "预计毕业时间",
    "毕业日期",
];
/// 接收预备党员的支部大会 (step 15): entitled, present, yes.
pub const ADMISSION_VOTE: [&str; 3] = ["接收大会应到人数", "接收大会实到人数", "接收大会赞成票数"];
/// 转正的支部大会 (step 23): entitled, present, yes.
pub const CONVERSION_VOTE: [&str; 3] = ["转正大会应到人数", "转正大会实到人数", "转正大会赞成票数"];

/// Rows the header is looked for in: a title block above it is common, a deeper one is not.
const HEADER_SEARCH_ROWS: usize = 10;
/// Names in one cell are separated by any of these (、 is what a Chinese office types).
const NAME_SEPARATORS: &[char] = &['、', ',', '，', ';', '；', '/', ' '];

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    StudentNo,
    Name,
    Step(Step),
    Cultivators,
    Introducers,
    TrainingDays,
    TrainingHours,
    PublicityStart,
    PublicityEnd,
    LeavingOn,
    Admission(usize),
    Conversion(usize),
}

/// The header of a step's date column: `第3步 推荐和确定积极分子`. Only `第3步` is read back, so
/// the step's name may be shortened or left out, and steps 4 and 8 (both 报上级党委备案) stay
/// apart.
pub fn step_header(step: Step, name: &str) -> String {
    format!("第{}步 {name}", step.number())
}

fn column_of(header: &str) -> Option<Col> {
    let h = compact(header);
    let fixed = [
        (STUDENT_NO, Col::StudentNo),
        ("学号", Col::StudentNo),
        ("工号", Col::StudentNo),
        (NAME, Col::Name),
        (CULTIVATORS, Col::Cultivators),
        (INTRODUCERS, Col::Introducers),
        (TRAINING_DAYS, Col::TrainingDays),
        (TRAINING_HOURS, Col::TrainingHours),
        (PUBLICITY_START, Col::PublicityStart),
        (PUBLICITY_END, Col::PublicityEnd),
        (LEAVING_ON, Col::LeavingOn),
    ];
    if let Some((_, c)) = fixed.iter().find(|(name, _)| *name == h) {
        return Some(*c);
    }
    if LEAVING_ALIASES.contains(&h.as_str()) {
        return Some(Col::LeavingOn);
    }
    if let Some(i) = ADMISSION_VOTE.iter().position(|n| *n == h) {
        return Some(Col::Admission(i));
    }
    if let Some(i) = CONVERSION_VOTE.iter().position(|n| *n == h) {
        return Some(Col::Conversion(i));
    }
    let digits: String = h
        .strip_prefix('第')?
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let rest = h.strip_prefix('第')?.get(digits.len()..)?;
    if !rest.starts_with('步') {
        return None;
    }
    Step::from_number(digits.parse().ok()?).map(Col::Step)
}

/// One person's row as read from the file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PipelineRow {
    pub sheet: String,
    /// Excel row number, 1-based.
    pub row: usize,
    pub student_no: String,
    pub name: String,
    /// The date of every step the row gives.
    pub dates: BTreeMap<Step, NaiveDate>,
    pub cultivators: Vec<String>,
    pub introducers: Vec<String>,
    pub training_days: Option<u32>,
    pub training_hours: Option<u32>,
    pub publicity: Option<(NaiveDate, NaiveDate)>,
    /// 预计离校时间 (graduation), if the file gives one.
    pub leaving_on: Option<NaiveDate>,
    pub admission_vote: Option<Vote>,
    pub conversion_vote: Option<Vote>,
}

/// Every row read, and every problem found while reading.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PipelineParse {
    pub rows: Vec<PipelineRow>,
    pub issues: Vec<RowIssue>,
}

fn cell_date(cell: &Cell) -> Result<Option<NaiveDate>, FieldError> {
    let bad = |v: &str| FieldError::new("field.pipeline_on", "error.date_format").with("value", v);
    match cell {
        Cell::Empty => Ok(None),
        Cell::Date(d) => Ok(Some(*d)),
        Cell::Number(n) => from_excel_serial(*n)
            .map(Some)
            .ok_or_else(|| bad(&cell.text())),
        other => {
            let t = normalise(&other.text());
            if t.is_empty() {
                return Ok(None);
            }
            parse_date(&t).map(Some).ok_or_else(|| bad(&t))
        }
    }
}

fn cell_count(cell: &Cell) -> Result<Option<u32>, FieldError> {
    let t = compact(&cell.text());
    if t.is_empty() {
        return Ok(None);
    }
    t.parse::<u32>().map(Some).map_err(|_| {
        FieldError::new("field.pipeline_io_figure", "error.pipeline_io_not_a_count")
            .with("value", t)
    })
}

fn cell_names(cell: &Cell) -> Vec<String> {
    normalise(&cell.text())
        .split(NAME_SEPARATORS)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// A vote is stated whole or not at all: two figures out of three are a typing slip.
fn vote_of(figures: [Option<u32>; 3]) -> Result<Option<Vote>, FieldError> {
    match figures {
        [Some(entitled), Some(present), Some(yes)] => Ok(Some(Vote {
            entitled,
            present,
            yes,
        })),
        [None, None, None] => Ok(None),
        _ => Err(FieldError::new(
            "field.vote",
            "error.pipeline_io_vote_incomplete",
        )),
    }
}

/// Reads every visible sheet that has a header with a 学号/工号 column.
pub fn parse_pipeline_import(sheets: &[Sheet]) -> PipelineParse {
    let mut out = PipelineParse::default();
    for sheet in sheets {
        let Some((header_row, cols)) = sheet
            .rows
            .iter()
            .take(HEADER_SEARCH_ROWS)
            .enumerate()
            .map(|(i, r)| {
                let cols: Vec<(usize, Col, String)> = r
                    .iter()
                    .enumerate()
                    .filter_map(|(c, cell)| {
                        let h = cell.text();
                        column_of(&h).map(|col| (c, col, normalise(&h)))
                    })
                    .collect();
                (i, cols)
            })
            .find(|(_, cols)| cols.iter().any(|(_, c, _)| *c == Col::StudentNo))
        else {
            continue;
        };
        for (i, cells) in sheet.rows.iter().enumerate().skip(header_row + 1) {
            if cells.iter().all(Cell::is_blank) {
                continue;
            }
            read_row(&sheet.name, i + 1, cells, &cols, &mut out);
        }
    }
    if out.rows.is_empty() && out.issues.is_empty() {
        out.issues.push(RowIssue {
            sheet: sheets.first().map(|s| s.name.clone()).unwrap_or_default(),
            row: 1,
            column: None,
            error: FieldError::new("field.student_no", "error.pipeline_io_no_header"),
        });
    }
    out
}

fn read_row(
    sheet: &str,
    row: usize,
    cells: &[Cell],
    cols: &[(usize, Col, String)],
    out: &mut PipelineParse,
) {
    let mut r = PipelineRow {
        sheet: sheet.to_string(),
        row,
        ..PipelineRow::default()
    };
    let mut issues = Vec::new();
    let mut admission = [None; 3];
    let mut conversion = [None; 3];
    let (mut p_start, mut p_end) = (None, None);
    for (c, col, header) in cols {
        let cell = cells.get(*c).unwrap_or(&Cell::Empty);
        let mut report = |e: FieldError| {
            issues.push(RowIssue {
                sheet: sheet.to_string(),
                row,
                column: Some(header.clone()),
                error: e,
            });
        };
        match col {
            Col::StudentNo => r.student_no = compact(&cell.text()),
            Col::Name => r.name = compact(&cell.text()),
            Col::Cultivators => r.cultivators = cell_names(cell),
            Col::Introducers => r.introducers = cell_names(cell),
            Col::Step(s) => match cell_date(cell) {
                Ok(Some(d)) => {
                    r.dates.insert(*s, d);
                }
                Ok(None) => {}
                Err(e) => report(e),
            },
            Col::LeavingOn => match cell_date(cell) {
                Ok(d) => r.leaving_on = d,
                Err(e) => report(FieldError {
                    field: "field.leaving_on",
                    ..e
                }),
            },
            Col::PublicityStart | Col::PublicityEnd => match cell_date(cell) {
                Ok(d) if *col == Col::PublicityStart => p_start = d,
                Ok(d) => p_end = d,
                Err(e) => report(e),
            },
            Col::TrainingDays | Col::TrainingHours | Col::Admission(_) | Col::Conversion(_) => {
                match cell_count(cell) {
                    Ok(n) => match col {
                        Col::TrainingDays => r.training_days = n,
                        Col::TrainingHours => r.training_hours = n,
                        Col::Admission(i) => admission[*i] = n,
                        Col::Conversion(i) => conversion[*i] = n,
                        _ => {}
                    },
                    Err(e) => report(e),
                }
            }
        }
    }
    let whole_row = |e: FieldError, column: &str| RowIssue {
        sheet: sheet.to_string(),
        row,
        column: Some(column.to_string()),
        error: e,
    };
    if r.student_no.is_empty() {
        issues.push(whole_row(
            FieldError::new("field.student_no", "error.required"),
            STUDENT_NO,
        ));
    }
    if r.name.is_empty() {
        issues.push(whole_row(
            FieldError::new("field.name", "error.required"),
            NAME,
        ));
    }
    match vote_of(admission) {
        Ok(v) => r.admission_vote = v,
        Err(e) => issues.push(whole_row(e, ADMISSION_VOTE[0])),
    }
    match vote_of(conversion) {
        Ok(v) => r.conversion_vote = v,
        Err(e) => issues.push(whole_row(e, CONVERSION_VOTE[0])),
    }
    match (p_start, p_end) {
        (Some(s), Some(e)) => r.publicity = Some((s, e)),
        (None, None) => {}
        _ => issues.push(whole_row(
            FieldError::new(
                "field.publicity_end",
                "error.pipeline_io_publicity_incomplete",
            ),
            PUBLICITY_END,
        )),
    }
    if issues.is_empty() {
        out.rows.push(r);
    } else {
        out.issues.extend(issues);
    }
}

impl PipelineRow {
    /// What the row states about `step`, as the step's rules read it. `introducers` are the
    /// people the row's introducer names were found to be, in order.
    pub fn facts(
        &self,
        step: Step,
        on: NaiveDate,
        birth_date: Option<NaiveDate>,
        introducers: &[Introducer],
    ) -> StepFacts {
        // The birth date goes with every step, as when a step is recorded by hand: the age at
        // application and the 推优 rule at step 3 both read it.
        let mut f = StepFacts {
            birth_date,
            ..StepFacts::on(on)
        };
        match step {
            Step::AssignCultivators => f.cultivators = self.cultivators.len(),
            Step::AssignIntroducers => f.introducers = introducers.to_vec(),
            Step::IntensiveTraining => {
                f.training_days = self.training_days.unwrap_or(0);
                f.training_hours = self.training_hours.unwrap_or(0);
            }
            Step::AdmissionMeeting => {
                f.vote = self.admission_vote;
                f.publicity = self.publicity;
                f.leaving_on = self.leaving_on;
            }
            Step::ConversionMeeting => f.vote = self.conversion_vote,
            _ => {}
        }
        f
    }
}

/// Refusals (or notices), each with the step it is about, in step order.
pub type StepRefusals = Vec<(Step, Refusal)>;

impl PipelineSettings {
    /// Replays `steps` in order on top of what is already recorded (`start`), checking each with
    /// [`PipelineSettings::check_step`] against the history so far and then adding it, so that
    /// every violation of the file is found, not only the first. Returns each refusal with the
    /// step it is about, in step order.
    pub fn replay(&self, start: &History, steps: &[(Step, StepFacts)]) -> StepRefusals {
        self.replay_flagged(start, steps).0
    }

    /// [`PipelineSettings::replay`], with the notices too: what is flagged without refusing
    /// (a candidate leaving within 3 months of the 支部大会, 细则 第十九条), each with its step.
    pub fn replay_flagged(
        &self,
        start: &History,
        steps: &[(Step, StepFacts)],
    ) -> (StepRefusals, StepRefusals) {
        let mut history = start.clone();
        let (mut refused, mut flagged) = (Vec::new(), Vec::new());
        for (step, facts) in steps {
            let checked = self.check_step(*step, &history, facts);
            refused.extend(checked.refusals.into_iter().map(|r| (*step, r)));
            flagged.extend(checked.notices.into_iter().map(|r| (*step, r)));
            history.0.insert(*step, facts.on);
        }
        (refused, flagged)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::RuleId;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    fn sheet(rows: Vec<Vec<Cell>>) -> Vec<Sheet> {
        vec![Sheet {
            name: "发展党员".into(),
            rows,
        }]
    }

    fn t(s: &str) -> Cell {
        Cell::from(s)
    }

    #[test]
    fn a_row_is_read_under_a_title_with_dates_in_any_style() {
        let p = parse_pipeline_import(&sheet(vec![
            vec![t("甲学院发展党员情况")],
            vec![
                t("学号"),
                t("姓名"),
                t("第1步 递交入党申请书"),
                t("第 2 步"),
                t("培养联系人"),
            ],
            vec![
                t("2021A001"),
                t("张伟"),
                Cell::Date(d(2023, 3, 1)),
                t("2023年3月20日"),
                t("王芳、李娜"),
            ],
        ]));
        assert!(p.issues.is_empty(), "{:?}", p.issues);
        let r = &p.rows[0];
        assert_eq!(r.row, 3);
        assert_eq!(r.dates.get(&Step::ApplicationTalk), Some(&d(2023, 3, 20)));
        assert_eq!(r.cultivators, vec!["王芳", "李娜"]);
    }

    #[test]
    fn a_bad_date_and_a_partial_vote_are_reported_by_row_and_column() {
        let p = parse_pipeline_import(&sheet(vec![
            vec![t("学号/工号"), t("姓名"), t("第1步"), t("接收大会应到人数")],
            vec![t("2021A001"), t("张伟"), t("2023.2.30"), t("9")],
        ]));
        assert!(p.rows.is_empty());
        let cols: Vec<_> = p.issues.iter().filter_map(|i| i.column.clone()).collect();
        assert_eq!(cols, vec!["第1步", "接收大会应到人数"]);
        assert!(p.issues.iter().all(|i| i.row == 2));
    }

    /// 细则 第十九条 from the file: the leaving date (under any of its usual headers) goes with
    /// the 支部大会 of step 15; leaving on the day 3 months after it is flagged, the day after
    /// is not.
    #[test]
    fn a_leaving_date_is_read_and_flags_the_admission_meeting_within_three_months() {
        let p = parse_pipeline_import(&sheet(vec![
            vec![t("学号"), t("姓名"), t("毕业时间")],
            vec![t("2021A001"), t("张伟"), t("2025年6月30日")],
            vec![t("2021A002"), t("王芳"), t("明年")],
        ]));
        assert_eq!(p.rows[0].leaving_on, Some(d(2025, 6, 30)));
        assert_eq!(p.issues.len(), 1);
        assert_eq!(p.issues[0].error.field, "field.leaving_on");

        let s = PipelineSettings::default();
        let mut start = History::default();
        start.0.insert(Step::FillApplicationForm, d(2025, 3, 20));
        let meeting = |leaving: NaiveDate| {
            let row = PipelineRow {
                leaving_on: Some(leaving),
                admission_vote: Some(Vote {
                    entitled: 10,
                    present: 9,
                    yes: 8,
                }),
                ..PipelineRow::default()
            };
            let f = row.facts(Step::AdmissionMeeting, d(2025, 3, 31), None, &[]);
            s.replay_flagged(&start, &[(Step::AdmissionMeeting, f)])
        };
        let (refused, flagged) = meeting(d(2025, 6, 30));
        assert!(refused.is_empty(), "{refused:?}");
        assert_eq!(flagged.len(), 1, "leaving on the last day of the window");
        assert_eq!(flagged[0].0, Step::AdmissionMeeting);
        assert!(
            meeting(d(2025, 7, 1)).1.is_empty(),
            "the day after the window"
        );
    }

    #[test]
    fn a_file_without_the_student_no_column_says_so() {
        let p = parse_pipeline_import(&sheet(vec![vec![t("姓名")], vec![t("张伟")]]));
        assert_eq!(p.issues[0].error.code, "error.pipeline_io_no_header");
    }

    /// 细则 第十三条 replayed over the file's own dates: the anniversary of becoming an activist
    /// is the first day a 发展对象 may be named; the day before is reported, not accepted.
    #[test]
    fn replay_reports_a_past_violation_under_its_rule_on_the_day_before_the_boundary() {
        let s = PipelineSettings::default();
        let row = |target: NaiveDate| {
            vec![
                (Step::RecommendActivist, StepFacts::on(d(2023, 5, 10))),
                (Step::FileActivist, StepFacts::on(d(2023, 5, 11))),
                (Step::AssignCultivators, {
                    let mut f = StepFacts::on(d(2023, 5, 12));
                    f.cultivators = 1;
                    f
                }),
                (Step::CultivateActivist, StepFacts::on(d(2023, 5, 13))),
                (Step::DetermineTarget, StepFacts::on(target)),
            ]
        };
        let mut start = History::default();
        start.0.insert(Step::ApplicationTalk, d(2023, 4, 1));
        let before = s.replay(&start, &row(d(2024, 5, 9)));
        assert_eq!(before.len(), 1);
        assert_eq!(before[0].0, Step::DetermineTarget);
        assert_eq!(before[0].1.rule, RuleId::ActivistPeriod);
        assert!(s.replay(&start, &row(d(2024, 5, 10))).is_empty());
        assert!(s.replay(&start, &row(d(2024, 5, 11))).is_empty());
    }

    #[test]
    fn replay_finds_every_violation_not_only_the_first() {
        let s = PipelineSettings::default();
        let steps = vec![
            (Step::SubmitApplication, StepFacts::on(d(2023, 3, 1))),
            // Talk 2 months late, and cultivators missing from the file.
            (Step::ApplicationTalk, StepFacts::on(d(2023, 5, 2))),
            (Step::RecommendActivist, StepFacts::on(d(2023, 6, 1))),
            (Step::FileActivist, StepFacts::on(d(2023, 6, 2))),
            (Step::AssignCultivators, StepFacts::on(d(2023, 6, 3))),
        ];
        let rules: Vec<RuleId> = s
            .replay(&History::default(), &steps)
            .into_iter()
            .map(|(_, r)| r.rule)
            .collect();
        assert_eq!(rules, vec![RuleId::TalkWithin, RuleId::Cultivators]);
    }
}
