//! POST /import/{id}/commit: write every checked row in one transaction, in the background,
//! while the page polls GET /import/{id}/progress.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use redbranch_db::TransactionTrait;
use redbranch_db::import::roster::{self, CommitError};
use redbranch_domain::authz::{Forbidden, Permission};
use redbranch_i18n::Locale;

use super::{Report, issue_lines, parse_file, set_progress};
use crate::error::{AppError, AppResult};
use crate::page::{Ctx, Page, render};
use crate::session::{CurrentUser, SignedIn};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "import/_progress.html")]
struct ProgressFragment {
    page: Page,
    job_id: i64,
    status: String,
    done: usize,
    total: usize,
    percent: usize,
    report: Report,
}

pub async fn commit_import(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    if !u.grants.anywhere(Permission::ImportRoster) {
        return Err(AppError::Forbidden(Forbidden(Permission::ImportRoster)));
    }
    let job = redbranch_db::import::get(&st.db.conn, u.tenant, u.user_id.0, id).await?;
    if job.status != "previewed" {
        return Ok(Redirect::to(&format!("/import/{id}")).into_response());
    }
    redbranch_db::import::set_progress(&st.db.conn, id, "running", 0, None).await?;
    let locale = ctx.locale;
    tokio::spawn(run(st.clone(), u, id, job.file_name, job.content, locale));
    Ok(Redirect::to(&format!("/import/{id}")).into_response())
}

/// Parses again (the stored file is the truth, not the preview) and commits, recording the
/// outcome on the job.
async fn run(
    st: AppState,
    u: CurrentUser,
    id: i64,
    file_name: String,
    content: Vec<u8>,
    locale: Locale,
) {
    let outcome = commit_all(&st, &u, id, &file_name, &content, locale).await;
    let (status, report) = match outcome {
        Ok(r) => ("done", r),
        Err(r) => ("failed", r),
    };
    let json = serde_json::to_string(&report).ok();
    let done = report
        .committed
        .as_ref()
        .map_or(0, |s| s.inserted + s.updated + s.unchanged);
    if let Err(e) = redbranch_db::import::set_progress(
        &st.db.conn,
        id,
        status,
        i32::try_from(done).unwrap_or(i32::MAX),
        json,
    )
    .await
    {
        tracing::error!(error = %e, job = id, "could not record the import outcome");
    }
}

async fn commit_all(
    st: &AppState,
    u: &CurrentUser,
    id: i64,
    file_name: &str,
    content: &[u8],
    locale: Locale,
) -> Result<Report, Report> {
    let fail = |msg: String| Report {
        error: Some(msg),
        ..Report::default()
    };
    let parsed = {
        let (b, n) = (content.to_vec(), file_name.to_string());
        match tokio::task::spawn_blocking(move || parse_file(&b, &n)).await {
            Ok(Ok(p)) => p,
            Ok(Err(code)) => return Err(fail(redbranch_i18n::tr(locale, code).to_string())),
            Err(e) => return Err(fail(e.to_string())),
        }
    };
    let mut report = super::report_of(&parsed, locale);
    if !parsed.issues.is_empty() {
        report.error = Some(redbranch_i18n::tr(locale, "import.has_issues").to_string());
        return Err(report);
    }
    let total = parsed.records.len();
    set_progress(id, 0, total);
    let scope = u.grants.scope(Permission::ImportRoster);
    let actor = crate::audit::entry(u, "import", "person", "", None, None, None);
    let names: Vec<String> = parsed.sheets.iter().map(|s| s.name.clone()).collect();
    let result = async {
        let txn = st
            .db
            .conn
            .begin()
            .await
            .map_err(|e| CommitError::Db(e.into()))?;
        let today = Utc::now().date_naive();
        let mut on_progress = |done: usize| set_progress(id, done, total);
        let summary = roster::commit(
            &txn,
            roster::Roster {
                crypto: &st.crypto,
                tenant: u.tenant,
                scope: &scope,
                actor: &actor,
                sheet_names: &names,
                records: &parsed.records,
                on: today,
            },
            &mut on_progress,
        )
        .await?;
        let mut e = crate::audit::entry(
            u,
            "import",
            "roster",
            id,
            None,
            None,
            Some(serde_json::json!({"file": file_name, "summary": &summary})),
        );
        e.entity_id = Some(id.to_string());
        redbranch_db::audit::append(&txn, u.tenant, e).await?;
        txn.commit().await.map_err(|e| CommitError::Db(e.into()))?;
        Ok::<_, CommitError>(summary)
    }
    .await;
    match result {
        Ok(summary) => {
            if let Err(e) = st.db.refresh_statistics().await {
                // The people are in; only the planner's figures are stale until autovacuum.
                tracing::warn!(error = %e, "ANALYZE after an import failed");
            }
            report.committed = Some(summary);
            Ok(report)
        }
        Err(CommitError::Rows(rows)) => {
            let p = redbranch_domain::roster::RosterParse {
                issues: rows,
                ..Default::default()
            };
            report.issues = issue_lines(&p, locale);
            report.error = Some(redbranch_i18n::tr(locale, "import.has_issues").to_string());
            Err(report)
        }
        Err(CommitError::Db(e)) => {
            tracing::error!(error = %e, job = id, "import commit failed");
            Err(fail(
                redbranch_i18n::tr(locale, "error.internal").to_string(),
            ))
        }
    }
}

/// The progress fragment the page polls while a commit runs.
pub async fn import_progress(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let p = super::show_import::show_page(&st, &ctx, &u, id).await?;
    render(&ProgressFragment {
        page: p.page,
        job_id: id,
        status: p.status,
        done: p.done,
        total: p.total,
        percent: p.percent,
        report: p.report,
    })
}
