//! The pipeline import's pages — `GET|POST /pipeline/import` (upload), `GET /pipeline/import/{id}`
//! (preview with problems by row), `POST /pipeline/import/{id}/commit`, the template — and its
//! API, `POST /api/v1/pipeline/import` (the file as the body; `?commit=true` to commit).
//!
//! The file waits in `import_jobs` between preview and commit, as a roster does.

use askama::Template;
use axum::Form;
use axum::body::Bytes;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use redbranch_domain::authz::{Forbidden, Permission};
use serde::Deserialize;

use super::import::{ImportReport, JOB_KIND, commit, preview, template};
use crate::error::{AppError, AppResult};
use crate::page::{Ctx, Page, render};
use crate::session::{CurrentUser, SignedIn};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "pipeline_io/import.html")]
struct ImportPage {
    page: Page,
    error: Option<String>,
    job: Option<(i64, String, String)>,
    report: ImportReport,
    may_override: bool,
    reason: String,
}

fn ensure_importer(u: &CurrentUser) -> AppResult<()> {
    if u.grants.anywhere(Permission::RecordPipeline) {
        Ok(())
    } else {
        Err(AppError::Forbidden(Forbidden(Permission::RecordPipeline)))
    }
}

fn page(ctx: &Ctx, u: &CurrentUser) -> ImportPage {
    ImportPage {
        page: ctx.page("pipeline_io.import_title"),
        error: None,
        job: None,
        report: ImportReport::default(),
        may_override: u.grants.anywhere(Permission::OverridePipelineRule),
        reason: String::new(),
    }
}

fn with_status(res: AppResult<Response>, status: StatusCode) -> AppResult<Response> {
    let mut r = res?;
    *r.status_mut() = status;
    Ok(r)
}

pub async fn show_import_form(ctx: Ctx, SignedIn(u): SignedIn) -> AppResult<Response> {
    ensure_importer(&u)?;
    render(&page(&ctx, &u))
}

pub async fn download_template(SignedIn(u): SignedIn) -> AppResult<Response> {
    ensure_importer(&u)?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"pipeline-template.xlsx\"",
            ),
        ],
        template()?,
    )
        .into_response())
}

pub async fn upload_import(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    mut form: Multipart,
) -> AppResult<Response> {
    ensure_importer(&u)?;
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|_| AppError::BadRequest("upload_broken"))?
    {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("pipeline.xlsx").to_string();
            let bytes = field.bytes().await.map_err(|_| AppError::TooLarge)?;
            file = Some((name, bytes.to_vec()));
        }
    }
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        let mut p = page(&ctx, &u);
        p.error = Some(ctx.t("import.no_file").to_string());
        return with_status(render(&p), StatusCode::UNPROCESSABLE_ENTITY);
    };
    let report = preview(&st, &u, ctx.locale, &bytes, &name).await?;
    let json = serde_json::to_string(&report).map_err(|e| AppError::Internal(e.into()))?;
    let job = redbranch_db::import::create(
        &st.db.conn,
        u.tenant,
        redbranch_db::import::NewJob {
            user_id: u.user_id.0,
            kind: JOB_KIND,
            file_name: &name,
            content: bytes,
            total_rows: i32::try_from(report.rows).unwrap_or(i32::MAX),
            report: json,
        },
    )
    .await?;
    Ok(Redirect::to(&format!("/pipeline/import/{}", job.id)).into_response())
}

async fn job_of(
    st: &AppState,
    u: &CurrentUser,
    id: i64,
) -> AppResult<redbranch_db::import::ImportJob> {
    let job = redbranch_db::import::get(&st.db.conn, u.tenant, u.user_id.0, id).await?;
    if job.kind != JOB_KIND {
        return Err(AppError::NotFound);
    }
    Ok(job)
}

pub async fn show_import(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    ensure_importer(&u)?;
    let job = job_of(&st, &u, id).await?;
    let mut p = page(&ctx, &u);
    p.report = job
        .report
        .as_deref()
        .and_then(|r| serde_json::from_str(r).ok())
        .unwrap_or_default();
    p.job = Some((id, job.file_name, job.status));
    render(&p)
}

#[derive(Debug, Default, Deserialize)]
pub struct CommitForm {
    #[serde(default)]
    override_reason: String,
}

pub async fn commit_import(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(id): Path<i64>,
    Form(f): Form<CommitForm>,
) -> AppResult<Response> {
    ensure_importer(&u)?;
    let job = job_of(&st, &u, id).await?;
    if job.status != "previewed" {
        return Ok(Redirect::to(&format!("/pipeline/import/{id}")).into_response());
    }
    let report = commit(
        &st,
        &u,
        ctx.locale,
        (&job.content, &job.file_name),
        Some(&f.override_reason),
    )
    .await?;
    if report.committed.is_some() {
        let json = serde_json::to_string(&report).ok();
        let done = i32::try_from(report.committed.unwrap_or(0)).unwrap_or(i32::MAX);
        redbranch_db::import::set_progress(&st.db.conn, id, "done", done, json).await?;
        return Ok(Redirect::to(&format!("/pipeline/import/{id}")).into_response());
    }
    let mut p = page(&ctx, &u);
    p.error = report.error.clone();
    p.report = report;
    p.job = Some((id, job.file_name, job.status));
    p.reason = f.override_reason;
    with_status(render(&p), StatusCode::UNPROCESSABLE_ENTITY)
}

#[derive(Debug, Default, Deserialize)]
pub struct ApiImportQuery {
    commit: Option<String>,
    override_reason: Option<String>,
    file_name: Option<String>,
}

/// `POST /api/v1/pipeline/import`: 200 with the preview, or with `?commit=true` 201 once
/// committed or 422 with the report of what stopped it (nothing written).
pub async fn import_api(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Query(q): Query<ApiImportQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<Response> {
    ensure_importer(&u)?;
    if body.is_empty() {
        return Err(AppError::BadRequest("upload_broken"));
    }
    // The body carries no name; the content type tells a CSV from a workbook.
    let csv = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/"));
    let name = q
        .file_name
        .unwrap_or_else(|| if csv { "pipeline.csv" } else { "pipeline.xlsx" }.into());
    let status_of = |r: &ImportReport| {
        if r.committed.is_some() {
            StatusCode::CREATED
        } else if r.error.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        }
    };
    let report = if q.commit.as_deref() == Some("true") {
        commit(
            &st,
            &u,
            ctx.locale,
            (&body, &name),
            q.override_reason.as_deref(),
        )
        .await?
    } else {
        preview(&st, &u, ctx.locale, &body, &name).await?
    };
    Ok((status_of(&report), axum::Json(report)).into_response())
}
