//! `GET/POST /learn/import`: study results from the Excel exports of 学习强国, 智慧团建 or 青年大学习,
//! for a school that wants them counted. Every row is checked — the 学号/工号 names a person of
//! the school, the name matches, the person is in the importer's scope — and either all rows are
//! stored (in one transaction, with one audit entry) or none, with every problem reported by row.

use std::collections::HashSet;

use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use redbranch_db::ConnectionTrait;
use redbranch_db::TransactionTrait;
use redbranch_db::links::{self as dblinks, NewResult};
use redbranch_db::people::{self as dbpeople, PersonId};
use redbranch_domain::authz::{Forbidden, Permission};
use redbranch_domain::courses::parse_line;
use redbranch_domain::error::{FieldError, FieldErrors};
use redbranch_domain::links::{RowProblem, Source, read_results};
use redbranch_domain::people::StudentNo;
use serde::Serialize;
use serde_json::json;

use crate::dossier::read_upload;
use crate::error::{AppError, AppResult};
use crate::page::{Ctx, Page, render};
use crate::render::field_message;
use crate::session::{CurrentUser, SignedIn, redirect_with_flash};
use crate::state::AppState;

/// Longest period label (`2025-11`, `第十二季第5期`).
const MAX_PERIOD: usize = 30;

/// What an import stored.
#[derive(Debug, Clone, Serialize)]
pub struct ImportSummary {
    pub source: String,
    pub period: String,
    pub rows: usize,
}

/// Reads, checks and stores the results in `bytes` (an export named `filename`).
pub async fn import_results(
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    (source, period): (&str, &str),
    (filename, bytes): (&str, &[u8]),
) -> AppResult<ImportSummary> {
    if !u.grants.anywhere(Permission::ImportStudyResults) {
        return Err(Forbidden(Permission::ImportStudyResults).into());
    }
    let scope = u.grants.scope(Permission::ImportStudyResults);
    let mut errs = FieldErrors::default();
    let source = Source::from_code(source.trim());
    if source.is_none() {
        errs.push(FieldError::new("field.study_source", "error.required"));
    }
    let period = errs.take(parse_line(period, "field.study_period", MAX_PERIOD));
    let sheets = match redbranch_sheets::read_workbook(bytes, filename) {
        Ok(s) => Some(s),
        Err(e) => {
            errs.push(FieldError::new("field.study_file", e.code()));
            None
        }
    };
    errs.into_result()?;
    let (Some(source), Some(period), Some(sheets)) = (source, period, sheets) else {
        return Err(AppError::BadRequest("bad_request"));
    };
    let problem = |p: RowProblem| {
        FieldError::new(p.column, p.code)
            .with("row", p.row)
            .with("value", p.value)
    };
    let read = read_results(&sheets).map_err(problem)?;
    // (row, error): the sheet's own problems and the checks against the school, in row order.
    let mut errs: Vec<(usize, FieldError)> = read
        .problems
        .into_iter()
        .map(|p| (p.row, problem(p)))
        .collect();
    // The whole sheet's people and their orgs in two queries, not two per row.
    let nos: Vec<String> = read
        .rows
        .iter()
        .filter_map(|r| StudentNo::parse(&r.student_no).ok())
        .map(|no| no.as_str().to_owned())
        .collect();
    let people = dbpeople::by_student_nos(c, u.tenant, &nos).await?;
    let org_ids: Vec<i64> = people
        .values()
        .flat_map(|p| [p.party_org_id, p.league_org_id])
        .flatten()
        .collect();
    let in_scope: HashSet<i64> = redbranch_db::org::by_ids(c, u.tenant, &org_ids)
        .await?
        .into_iter()
        .filter(|o| scope.covers(&o.org_path()))
        .map(|o| o.id)
        .collect();
    let mut out = Vec::with_capacity(read.rows.len());
    for r in &read.rows {
        let row_err = |field, code| {
            FieldError::new(field, code)
                .with("row", r.row)
                .with("value", &r.student_no)
        };
        let person = StudentNo::parse(&r.student_no)
            .ok()
            .and_then(|no| people.get(no.as_str()));
        let Some(person) = person else {
            errs.push((
                r.row,
                row_err("field.student_no", "links.error.unknown_person"),
            ));
            continue;
        };
        if person.name != r.name {
            errs.push((
                r.row,
                row_err("field.name", "links.error.name_mismatch").with("name", &r.name),
            ));
            continue;
        }
        let visible = [person.party_org_id, person.league_org_id]
            .into_iter()
            .flatten()
            .any(|id| in_scope.contains(&id));
        if !visible {
            errs.push((
                r.row,
                row_err("field.student_no", "links.error.out_of_scope"),
            ));
            continue;
        }
        out.push(NewResult {
            person: PersonId(person.id),
            score: r.score,
            completed: r.completed,
        });
    }
    errs.sort_by_key(|(row, _)| *row);
    FieldErrors(errs.into_iter().map(|(_, e)| e).collect()).into_result()?;
    dblinks::store_results(c, u.tenant, (source.code(), &period), &out, u.user_id).await?;
    let e = crate::audit::entry(
        u,
        "study_results_import",
        "external_results",
        source.code(),
        None,
        None,
        Some(
            json!({"source": source.code(), "period": period, "rows": out.len(), "file": filename}),
        ),
    );
    redbranch_db::audit::append(c, u.tenant, e).await?;
    Ok(ImportSummary {
        source: source.code().to_string(),
        period,
        rows: out.len(),
    })
}

#[derive(Template)]
#[template(path = "links/import.html")]
struct ImportPage {
    page: Page,
    sources: Vec<(&'static str, String)>,
    source: String,
    period: String,
    errors: Vec<String>,
}

async fn render_import(
    ctx: &Ctx,
    (source, period): (String, String),
    errors: Vec<String>,
) -> AppResult<Response> {
    let mut page = ctx.page("links.import_title");
    page.back = Some("/learn".into());
    let sources = Source::ALL
        .into_iter()
        .map(|s| (s.code(), ctx.t(s.label_key()).to_string()))
        .collect();
    let refused = !errors.is_empty();
    let mut res = render(&ImportPage {
        page,
        sources,
        source,
        period,
        errors,
    })?;
    if refused {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

pub async fn show_import(ctx: Ctx, SignedIn(u): SignedIn) -> AppResult<Response> {
    if !u.grants.anywhere(Permission::ImportStudyResults) {
        return Err(Forbidden(Permission::ImportStudyResults).into());
    }
    render_import(&ctx, Default::default(), Vec::new()).await
}

/// Multipart (CSRF token in the query): `source`, `period`, `file`.
pub async fn import_form(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    form: Multipart,
) -> AppResult<Response> {
    if !u.grants.anywhere(Permission::ImportStudyResults) {
        return Err(Forbidden(Permission::ImportStudyResults).into());
    }
    let up = read_upload(form, st.settings.max_upload_bytes).await?;
    let (source, period) = (
        up.field("source").to_string(),
        up.field("period").to_string(),
    );
    let (name, bytes) = up.file.clone().unwrap_or_default();
    let txn = st.db.conn.begin().await?;
    match import_results(&txn, &u, (&source, &period), (&name, &bytes)).await {
        Ok(_) => {
            txn.commit().await?;
            Ok(redirect_with_flash(
                "/learn/import",
                "ok",
                "links.imported",
                st.settings.cookie_secure,
            ))
        }
        Err(AppError::Invalid(errs)) => {
            let lines = errs
                .0
                .iter()
                .map(|e| format!("{}：{}", ctx.t(e.field), field_message(ctx.locale, e)))
                .collect();
            render_import(&ctx, (source, period), lines).await
        }
        Err(e) => Err(e),
    }
}
