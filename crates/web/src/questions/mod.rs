//! Question banks on the web side: who may see and author a bank, and the actions shared by
//! the pages and the JSON API — create, add a question, import (preview or commit, all rows or
//! none), export to the template, publish (audited).
//!
//! A bank belongs to an org. Authors hold `ManageQuestions` on it (branch secretaries and up);
//! a published bank is visible to the people of that org's subtree, and a bank of a root org
//! (the school's Party committee or League committee) to everybody.

mod pages;

pub use pages::routes;

use redbranch_db::TransactionTrait;
use redbranch_db::org as dborg;
use redbranch_db::people::{self as dbpeople, PersonId};
use redbranch_db::questions::{self as dbq, Bank, NewBank};
use redbranch_domain::authz::Permission;
use redbranch_domain::error::FieldError;
use redbranch_domain::org::{OrgId, OrgPath};
use redbranch_domain::questions::{
    BankParse, QuestionInput, QuestionKind, TEMPLATE_HEADERS, parse_bank, template_row, validate,
};
use redbranch_domain::roster::Cell;
use redbranch_i18n::Locale;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::error::{AppError, AppResult};
use crate::members::PersonOrgs;
use crate::session::CurrentUser;
use crate::state::AppState;

/// The orgs the signed-in person belongs to (Party and League), for visibility.
pub async fn viewer_paths(st: &AppState, u: &CurrentUser) -> AppResult<Vec<OrgPath>> {
    let Some(pid) = u.person_id else {
        return Ok(Vec::new());
    };
    let person = dbpeople::get(&st.db.conn, u.tenant, PersonId(pid)).await?;
    let orgs = PersonOrgs::of(&st.db.conn, u.tenant, &person).await?;
    Ok([orgs.party, orgs.league]
        .into_iter()
        .flatten()
        .map(|o| o.org_path())
        .collect())
}

/// Whether something owned by the org at `path` reaches a viewer in `viewer` orgs: a root org's
/// reaches everybody, any other org's the people of its subtree; authors always see it.
pub fn reaches(path: &OrgPath, viewer: &[OrgPath], u: &CurrentUser) -> bool {
    path.depth() <= 1
        || viewer.iter().any(|v| path.contains(v))
        || u.grants.allows(Permission::ManageQuestions, path)
}

pub fn bank_path(b: &Bank) -> OrgPath {
    OrgPath::from_stored(b.org_path.clone())
}

/// The banks a viewer may quiz from: published and reaching them.
pub async fn quiz_banks(st: &AppState, u: &CurrentUser) -> AppResult<Vec<Bank>> {
    let viewer = viewer_paths(st, u).await?;
    Ok(dbq::banks(&st.db.conn, u.tenant)
        .await?
        .into_iter()
        .filter(|b| b.status == "published" && reaches(&bank_path(b), &viewer, u))
        .collect())
}

/// A bank the viewer may quiz from, or not found (another org's bank is not even admitted to).
pub async fn quiz_bank(st: &AppState, u: &CurrentUser, id: i64) -> AppResult<Bank> {
    quiz_banks(st, u)
        .await?
        .into_iter()
        .find(|b| b.id == id)
        .ok_or(AppError::NotFound)
}

/// A bank for its authors: `ManageQuestions` on the bank's org, checked here visibly.
pub async fn authored_bank(st: &AppState, u: &CurrentUser, id: i64) -> AppResult<Bank> {
    let bank = dbq::bank(&st.db.conn, u.tenant, id).await?;
    u.grants
        .ensure(Permission::ManageQuestions, &bank_path(&bank))?;
    Ok(bank)
}

/// Banks the user authors, and published banks that reach them (for the list page).
pub async fn listed_banks(st: &AppState, u: &CurrentUser) -> AppResult<Vec<Bank>> {
    let viewer = viewer_paths(st, u).await?;
    let scope = u.grants.scope(Permission::ManageQuestions);
    Ok(dbq::banks(&st.db.conn, u.tenant)
        .await?
        .into_iter()
        .filter(|b| {
            let p = bank_path(b);
            scope.covers(&p) || (b.status == "published" && reaches(&p, &viewer, u))
        })
        .collect())
}

/// The orgs where the user may author banks and exams (the roots of their scope).
pub async fn author_orgs(st: &AppState, u: &CurrentUser) -> AppResult<Vec<dborg::Org>> {
    let ids: Vec<i64> = u
        .grants
        .scope(Permission::ManageQuestions)
        .roots
        .iter()
        .filter_map(|p| p.ids().last().map(|o| o.0))
        .collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(dborg::by_ids(&st.db.conn, u.tenant, &ids).await?)
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct BankInput {
    #[serde(default)]
    pub org_id: Option<i64>,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: String,
}

pub async fn create_bank(st: &AppState, u: &CurrentUser, input: &BankInput) -> AppResult<Bank> {
    let name = redbranch_domain::text::normalise(&input.name);
    if name.is_empty() || name.chars().count() > 100 {
        return Err(FieldError::new("field.bank_name", "error.required").into());
    }
    let org_id = input
        .org_id
        .ok_or_else(|| FieldError::new("field.bank_org", "error.required"))?;
    let org = dborg::get(&st.db.conn, u.tenant, OrgId(org_id))
        .await
        .map_err(|_| FieldError::new("field.bank_org", "error.required"))?;
    u.grants
        .ensure(Permission::ManageQuestions, &org.org_path())?;
    let txn = st.db.conn.begin().await?;
    let bank = dbq::create_bank(
        &txn,
        u.tenant,
        NewBank {
            org_id,
            org_path: org.org_path(),
            name,
            description: input.description.trim().to_string(),
            by: u.user_id,
        },
    )
    .await?;
    let e = crate::audit::entry(
        u,
        "question_bank_create",
        "question_bank",
        bank.id,
        Some(org.org_path()),
        None,
        Some(json!({"name": bank.name})),
    );
    redbranch_db::audit::append(&txn, u.tenant, e).await?;
    txn.commit().await?;
    Ok(bank)
}

/// A question typed in by an author (the JSON API's and the form's fields).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct QuestionForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub stem: String,
    #[serde(default)]
    pub options: Vec<String>,
    #[serde(default)]
    pub answer: String,
    #[serde(default)]
    pub explanation: String,
    #[serde(default)]
    pub topic: String,
}

pub async fn add_question(
    st: &AppState,
    u: &CurrentUser,
    bank: &Bank,
    f: &QuestionForm,
) -> AppResult<i64> {
    let q = validate(&QuestionInput {
        kind: QuestionKind::from_code(f.kind.trim()).or(QuestionKind::from_name(&f.kind)),
        stem: f.stem.clone(),
        options: f.options.clone(),
        answer: f.answer.clone(),
        explanation: f.explanation.clone(),
        topic: f.topic.clone(),
    })?;
    let txn = st.db.conn.begin().await?;
    if dbq::existing_keys(&txn, bank.id)
        .await?
        .contains(&q.dedupe_key())
    {
        return Err(
            FieldError::new("field.question_stem", "questions.error.already_in_bank").into(),
        );
    }
    let id = dbq::insert_question(&txn, u.tenant, bank.id, &q).await?;
    txn.commit().await?;
    Ok(id)
}

/// One problem of an import, in the reader's language.
#[derive(Debug, Clone, Serialize)]
pub struct IssueLine {
    pub sheet: String,
    pub row: usize,
    pub column: String,
    pub message: String,
    /// The catalogue key, stable for scripts.
    pub code: &'static str,
}

/// What an import found and, on commit, wrote.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub sheets: Vec<redbranch_domain::questions::SheetSummary>,
    pub question_rows: usize,
    pub valid: usize,
    pub issues: Vec<IssueLine>,
    /// Questions written (only on a commit without issues).
    pub imported: Option<usize>,
}

/// Reads an uploaded bank; the error is a catalogue key (`sheet.*`).
pub fn read_file(bytes: &[u8], file_name: &str) -> Result<BankParse, &'static str> {
    let sheets = redbranch_sheets::read_workbook(bytes, file_name).map_err(|e| e.code())?;
    Ok(parse_bank(&sheets))
}

/// Checks an upload against the bank and, when `commit` is asked and nothing is wrong, writes
/// every question in one transaction with its audit entry. With any issue nothing is written.
pub async fn import(
    st: &AppState,
    u: &CurrentUser,
    locale: Locale,
    bank: &Bank,
    (bytes, file_name): (&[u8], &str),
    commit: bool,
) -> AppResult<ImportReport> {
    let mut parse =
        read_file(bytes, file_name).map_err(|code| FieldError::new("field.import_file", code))?;
    let txn = st.db.conn.begin().await?;
    parse.flag_existing(&dbq::existing_keys(&txn, bank.id).await?);
    let mut report = ImportReport {
        question_rows: parse.question_rows(),
        valid: parse.questions.len(),
        issues: parse
            .issues
            .iter()
            .map(|i| IssueLine {
                sheet: i.sheet.clone(),
                row: i.row,
                column: i.column.clone().unwrap_or_default(),
                message: crate::render::field_message(locale, &i.error),
                code: i.error.code,
            })
            .collect(),
        sheets: parse.sheets.clone(),
        imported: None,
    };
    if !commit || !report.issues.is_empty() || parse.questions.is_empty() {
        return Ok(report);
    }
    let n = dbq::insert_questions(
        &txn,
        u.tenant,
        bank.id,
        parse.questions.iter().map(|q| &q.question),
    )
    .await?;
    let e = crate::audit::entry(
        u,
        "question_import",
        "question_bank",
        bank.id,
        Some(bank_path(bank)),
        None,
        Some(json!({"file": file_name, "questions": n})),
    );
    redbranch_db::audit::append(&txn, u.tenant, e).await?;
    txn.commit().await?;
    report.imported = Some(n);
    Ok(report)
}

/// The bank as a 题库导入模板 workbook.
pub async fn export(st: &AppState, bank: &Bank) -> AppResult<Vec<u8>> {
    let rows = dbq::all_of(&st.db.conn, bank.id).await?;
    redbranch_sheets::write_xlsx(
        &bank.name,
        &TEMPLATE_HEADERS,
        rows.iter().map(|r| {
            template_row(&r.question)
                .into_iter()
                .map(Cell::from)
                .collect()
        }),
    )
    .map_err(|e| AppError::Internal(e.into()))
}

/// Publishes a bank (audited): from now on it reaches the people of its org.
pub async fn publish(st: &AppState, u: &CurrentUser, bank: &Bank) -> AppResult<()> {
    let txn = st.db.conn.begin().await?;
    dbq::publish_bank(&txn, u.tenant, bank.id, u.user_id).await?;
    let n = dbq::counts(&txn, u.tenant)
        .await?
        .get(&bank.id)
        .copied()
        .unwrap_or(0);
    if n == 0 {
        return Err(AppError::Conflict("empty_bank"));
    }
    let e = crate::audit::entry(
        u,
        "question_bank_publish",
        "question_bank",
        bank.id,
        Some(bank_path(bank)),
        None,
        Some(json!({"name": bank.name, "questions": n})),
    );
    redbranch_db::audit::append(&txn, u.tenant, e).await?;
    txn.commit().await?;
    Ok(())
}
