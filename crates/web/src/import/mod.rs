//! The roster import wizard: upload → preview (every problem by sheet, row and column) →
//! commit (all rows or none) with progress.
//!
//! The uploaded file waits in `import_jobs`, so preview and commit may be served by different
//! nodes. Commit progress is kept in the memory of the node running it and polled by the page;
//! a poll that lands on another node still sees the job's status from the database.

mod commit_import;
mod show_import;
mod upload_roster;

pub use commit_import::{commit_import, import_progress};
pub use show_import::{download_template, show_import, show_import_form};
pub use upload_roster::upload_roster;

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use redbranch_domain::roster::{RosterParse, parse_roster};
use redbranch_i18n::Locale;
use serde::{Deserialize, Serialize};

/// Reads and checks an uploaded roster; the error is a catalogue key (`sheet.*`).
pub fn parse_file(bytes: &[u8], file_name: &str) -> Result<RosterParse, &'static str> {
    let sheets = redbranch_sheets::read_workbook(bytes, file_name).map_err(|e| e.code())?;
    Ok(parse_roster(&sheets))
}

/// One reported problem, already in the reader's language.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IssueLine {
    pub sheet: String,
    pub row: usize,
    pub column: String,
    pub message: String,
}

/// What the preview shows and the commit needs to know, stored with the job as JSON.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Report {
    pub rows: usize,
    pub valid: usize,
    pub issues: Vec<IssueLine>,
    pub sample: Vec<Vec<String>>,
    pub committed: Option<redbranch_db::import::roster::Summary>,
    pub error: Option<String>,
}

/// The problems of a parse, translated.
pub fn issue_lines(p: &RosterParse, locale: Locale) -> Vec<IssueLine> {
    p.issues
        .iter()
        .map(|i| IssueLine {
            sheet: i.sheet.clone(),
            row: i.row,
            column: i.column.clone().unwrap_or_default(),
            message: crate::render::field_message(locale, &i.error),
        })
        .collect()
}

pub fn report_of(p: &RosterParse, locale: Locale) -> Report {
    let sample = p
        .records
        .iter()
        .take(10)
        .map(|r| {
            vec![
                r.person.student_no.to_string(),
                r.person.name.as_str().to_string(),
                redbranch_i18n::tr(locale, r.person.political_status.label_key()).to_string(),
                r.person.college.clone().unwrap_or_default(),
                r.person.class_name.clone().unwrap_or_default(),
                r.league_branch.clone().unwrap_or_default(),
                r.party_branch.clone().unwrap_or_default(),
            ]
        })
        .collect();
    Report {
        rows: p.person_rows(),
        valid: p.records.len(),
        issues: issue_lines(p, locale),
        sample,
        committed: None,
        error: None,
    }
}

/// Rows done and total of commits running on this node, by job id.
fn progress_table() -> &'static Mutex<HashMap<i64, (usize, usize)>> {
    static T: OnceLock<Mutex<HashMap<i64, (usize, usize)>>> = OnceLock::new();
    T.get_or_init(Default::default)
}

pub(crate) fn set_progress(job: i64, done: usize, total: usize) {
    if let Ok(mut t) = progress_table().lock() {
        t.insert(job, (done, total));
    }
}

pub(crate) fn progress_of(job: i64) -> Option<(usize, usize)> {
    progress_table()
        .lock()
        .ok()
        .and_then(|t| t.get(&job).copied())
}
