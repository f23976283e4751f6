//! `GET /tasks/{id}`: one task, its results with their files, the form that submits a result
//! (the assignee) and the one that returns it (the branch). A refused form re-renders the page
//! (422) with the message under the field and what was typed kept.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use redbranch_db::TransactionTrait;
use redbranch_db::tasks::{self as dbtasks, Task};
use redbranch_domain::dossier::megabytes;
use redbranch_domain::tasks::TaskStatus;

use super::files::FormState;
use super::write::{ReturnInput, read_result};
use super::{TaskAccess, task_for};
use crate::error::{AppError, AppResult};
use crate::page::{Ctx, Page, render};
use crate::session::{CurrentUser, SignedIn, redirect_with_flash};
use crate::state::AppState;

/// A result as the page and the API show it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ResultView {
    pub id: i64,
    pub body: String,
    pub by: String,
    pub at: String,
    /// (file id, filename, size in KB).
    pub files: Vec<(i64, String, i64)>,
}

/// A task with its results, for the page and the API.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TaskView {
    #[serde(flatten)]
    pub line: super::TaskLine,
    pub body: String,
    pub plan_id: Option<i64>,
    pub return_comment: Option<String>,
    pub results: Vec<ResultView>,
}

pub async fn load_task(
    st: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    task: Task,
) -> AppResult<TaskView> {
    let c = &st.db.conn;
    let results = dbtasks::results_of(c, u.tenant, task.id).await?;
    let ids: Vec<i64> = results.iter().map(|r| r.id).collect();
    let files = dbtasks::attachments_of(c, u.tenant, "task_result", &ids).await?;
    let names =
        redbranch_db::dossier::user_names(c, results.iter().map(|r| r.submitted_by)).await?;
    let s = super::settings(st, u).await?;
    let (body, plan_id, return_comment) =
        (task.body.clone(), task.plan_id, task.return_comment.clone());
    let line = super::task_lines(st, ctx, u, vec![task], s)
        .await?
        .pop()
        .ok_or(AppError::NotFound)?;
    Ok(TaskView {
        line,
        body,
        plan_id,
        return_comment,
        results: results
            .into_iter()
            .map(|r| ResultView {
                id: r.id,
                body: r.body,
                by: names.get(&r.submitted_by).cloned().unwrap_or_default(),
                at: crate::fmt::beijing(r.submitted_at, "%Y-%m-%d %H:%M"),
                files: files
                    .get(&r.id)
                    .map(|f| {
                        f.iter()
                            .map(|(i, n, s)| (*i, n.clone(), (s + 1023) / 1024))
                            .collect()
                    })
                    .unwrap_or_default(),
            })
            .collect(),
    })
}

#[derive(Template)]
#[template(path = "tasks/task.html")]
struct TaskPage {
    page: Page,
    t: TaskView,
    may_submit: bool,
    may_return: bool,
    max_mb: usize,
    /// `result` or `return` when that form was refused.
    refused: &'static str,
    form: FormState,
}

async fn render_task(
    st: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    (task, access): (Task, TaskAccess),
    (refused, form): (&'static str, FormState),
) -> AppResult<Response> {
    let status = TaskStatus::from_code(&task.status).unwrap_or(TaskStatus::Open);
    let t = load_task(st, ctx, u, task).await?;
    let mut page = ctx.page_titled(t.line.title.clone());
    page.back = Some("/tasks".into());
    let mut res = render(&TaskPage {
        page,
        may_submit: access.assignee && status.awaits_result(),
        may_return: access.manager && status == TaskStatus::Submitted,
        t,
        max_mb: megabytes(crate::dossier::max_document_bytes(st, u).await?),
        refused,
        form,
    })?;
    if !refused.is_empty() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

pub async fn show_task(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let (task, _, access) = task_for(&st, &u, &raw).await?;
    render_task(&st, &ctx, &u, (task, access), ("", FormState::default())).await
}

/// After a form: back to the task with a flash, or the page again with the messages.
async fn finish(
    st: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    (task, access): (Task, TaskAccess),
    result: AppResult<()>,
    (which, values, ok_key): (&'static str, HashMap<String, String>, &str),
) -> AppResult<Response> {
    match result {
        Ok(()) => Ok(redirect_with_flash(
            &format!("/tasks/{}", task.id),
            "ok",
            ok_key,
            st.settings.cookie_secure,
        )),
        Err(AppError::Invalid(errs)) => {
            let form = FormState::from_errors(ctx, values, &errs);
            render_task(st, ctx, u, (task, access), (which, form)).await
        }
        Err(e) => Err(e),
    }
}

/// `POST /tasks/{id}/results` (multipart: `body`, `file`): the result and its file together or
/// not at all.
pub async fn submit_result_form(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    form: Multipart,
) -> AppResult<Response> {
    let (task, path, access) = task_for(&st, &u, &raw).await?;
    let (up, max) = read_result(&st, &u, form).await?;
    let txn = st.db.conn.begin().await?;
    let result = super::submit_result(&txn, &u, (&task, &path, access), &up, max)
        .await
        .map(|_| ());
    if result.is_ok() {
        txn.commit().await?;
    }
    let values = up.fields.clone();
    finish(
        &st,
        &ctx,
        &u,
        (task, access),
        result,
        ("result", values, "tasks.flash.submitted"),
    )
    .await
}

pub async fn return_task_form(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    let (task, path, access) = task_for(&st, &u, &raw).await?;
    let input = ReturnInput {
        comment: f.get("comment").cloned().unwrap_or_default(),
    };
    let txn = st.db.conn.begin().await?;
    let result = super::return_task(&txn, &u, (&task, &path, access), &input).await;
    if result.is_ok() {
        txn.commit().await?;
    }
    finish(
        &st,
        &ctx,
        &u,
        (task, access),
        result,
        ("return", f, "tasks.flash.returned"),
    )
    .await
}
