//! GET /import (the upload form), GET /import/{id} (preview or progress), the template file.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use redbranch_domain::authz::{Forbidden, Permission};

use super::{Report, progress_of};
use crate::error::{AppError, AppResult};
use crate::page::{Ctx, Page, render};
use crate::session::SignedIn;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "import/form.html")]
struct FormPage {
    page: Page,
    error: Option<String>,
    max_mb: usize,
}

#[derive(Template)]
#[template(path = "import/show.html")]
pub(super) struct ShowPage {
    pub page: Page,
    pub job_id: i64,
    pub file_name: String,
    pub status: String,
    pub report: Report,
    pub done: usize,
    pub total: usize,
    pub percent: usize,
    pub sample_headers: Vec<String>,
}

fn ensure_importer(u: &crate::session::CurrentUser) -> AppResult<()> {
    if u.grants.anywhere(Permission::ImportRoster) {
        Ok(())
    } else {
        Err(AppError::Forbidden(Forbidden(Permission::ImportRoster)))
    }
}

pub(super) fn form_with_error(ctx: &Ctx, key: &str, status: StatusCode) -> AppResult<Response> {
    let mut res = render(&FormPage {
        page: ctx.page("import.title"),
        error: Some(ctx.t(key).to_string()),
        max_mb: 20,
    })?;
    *res.status_mut() = status;
    Ok(res)
}

pub async fn show_import_form(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
) -> AppResult<Response> {
    ensure_importer(&u)?;
    render(&FormPage {
        page: ctx.page("import.title"),
        error: None,
        max_mb: st.settings.max_upload_bytes / (1024 * 1024),
    })
}

pub async fn download_template(SignedIn(u): SignedIn) -> AppResult<Response> {
    ensure_importer(&u)?;
    let bytes = redbranch_sheets::roster_template().map_err(|e| AppError::Internal(e.into()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"roster-template.xlsx\"; filename*=UTF-8''%E8%8A%B1%E5%90%8D%E5%86%8C%E6%A8%A1%E6%9D%BF.xlsx".to_string()),
        ],
        bytes,
    )
        .into_response())
}

pub(super) async fn show_page(
    st: &AppState,
    ctx: &Ctx,
    u: &crate::session::CurrentUser,
    id: i64,
) -> AppResult<ShowPage> {
    let job = redbranch_db::import::get(&st.db.conn, u.tenant, u.user_id.0, id).await?;
    let report: Report = job
        .report
        .as_deref()
        .and_then(|r| serde_json::from_str(r).ok())
        .unwrap_or_default();
    let (done, total) =
        progress_of(id).unwrap_or((usize::try_from(job.done_rows).unwrap_or(0), report.valid));
    let percent = (done * 100).checked_div(total).unwrap_or(0);
    let mut page = ctx.page("import.preview_title");
    page.back = Some("/import".into());
    Ok(ShowPage {
        page,
        job_id: id,
        file_name: job.file_name,
        status: job.status,
        report,
        done,
        total,
        percent,
        sample_headers: [
            "field.student_no",
            "field.name",
            "field.political_status",
            "field.college",
            "field.class_name",
            "field.league_branch",
            "field.party_branch",
        ]
        .into_iter()
        .map(|k| ctx.t(k).to_string())
        .collect(),
    })
}

pub async fn show_import(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    ensure_importer(&u)?;
    render(&show_page(&st, &ctx, &u, id).await?)
}
