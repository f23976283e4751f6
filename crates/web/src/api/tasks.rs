//! Plans and tasks in the JSON API: the same checks and writes as the pages (`crate::tasks`).

use axum::body::Bytes;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Datelike;
use redbranch_db::TransactionTrait;
use redbranch_db::tasks::{self as dbtasks, TaskFilter};
use redbranch_domain::authz::Permission;
use serde::Deserialize;
use serde_json::{Value, json};

use super::parse_json;
use crate::error::AppResult;
use crate::page::Ctx;
use crate::session::SignedIn;
use crate::state::AppState;
use crate::tasks::{self, PlanInput, ReturnInput, TaskInput, task_for};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/plans", get(list_plans).post(create_plan))
        .route("/plans/{id}", get(show_plan))
        .route("/tasks", get(list_tasks).post(create_task))
        .route("/tasks/{id}", get(show_task))
        .route("/tasks/{id}/results", post(submit_result))
        .route("/tasks/{id}/return", post(return_task))
        .route("/tasks/{id}/files/{file}", get(tasks::download_file))
        .route("/orgs/{id}/task-progress", get(progress))
}

type Created = (StatusCode, Json<Value>);

#[derive(Debug, Default, Deserialize)]
struct YearQuery {
    #[serde(default)]
    year: Option<i32>,
}

async fn list_plans(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Query(q): Query<YearQuery>,
) -> AppResult<Json<Value>> {
    let year = q.year.unwrap_or_else(|| st.clock.today().year());
    let rows: Vec<Value> = tasks::visible_plans(&st, &u, year)
        .await?
        .into_iter()
        .map(|(p, org)| json!({"id": p.id, "org_id": p.org_id, "org": org, "year": p.year, "title": p.title, "body": p.body}))
        .collect();
    Ok(Json(json!({"year": year, "rows": rows})))
}

async fn create_plan(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    body: Bytes,
) -> AppResult<Created> {
    let input: PlanInput = parse_json(&body)?;
    let txn = st.db.conn.begin().await?;
    let row = tasks::create_plan(&st, &txn, &u, &input).await?;
    txn.commit().await?;
    Ok((StatusCode::CREATED, Json(json!(row))))
}

async fn show_plan(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Json<Value>> {
    Ok(Json(json!(
        tasks::plans::load_plan(&st, &ctx, &u, &raw).await?
    )))
}

/// Mine (assigned to my person) and, for `ManageTasks` holders, those counted in their scope.
async fn list_tasks(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
) -> AppResult<Json<Value>> {
    let c = &st.db.conn;
    let s = tasks::settings(&st, &u).await?;
    let none = TaskFilter::default();
    let mine = match u.person_id {
        Some(p) => dbtasks::tasks_assigned(c, u.tenant, Some(p), &[], &none).await?,
        None => Vec::new(),
    };
    let mut managed = Vec::new();
    for root in &u.grants.scope(Permission::ManageTasks).roots {
        managed.extend(
            dbtasks::tasks_in(c, u.tenant, root, &none, 1000)
                .await?
                .into_iter()
                .map(|(t, _)| t),
        );
    }
    Ok(Json(json!({
        "mine": tasks::task_lines(&st, &ctx, &u, mine, s).await?,
        "managed": tasks::task_lines(&st, &ctx, &u, managed, s).await?,
    })))
}

async fn create_task(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    body: Bytes,
) -> AppResult<Created> {
    let input: TaskInput = parse_json(&body)?;
    let txn = st.db.conn.begin().await?;
    let row = tasks::create_task(&st, &txn, &u, &input).await?;
    txn.commit().await?;
    Ok((StatusCode::CREATED, Json(json!(row))))
}

async fn show_task(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Json<Value>> {
    let (task, _, _) = task_for(&st, &u, &raw).await?;
    Ok(Json(json!(
        tasks::show_task::load_task(&st, &ctx, &u, task).await?
    )))
}

/// Multipart: `body` and/or `file`.
async fn submit_result(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    form: Multipart,
) -> AppResult<Created> {
    let (task, path, access) = task_for(&st, &u, &raw).await?;
    let (up, max) = tasks::write::read_result(&st, &u, form).await?;
    let txn = st.db.conn.begin().await?;
    let row = tasks::submit_result(&txn, &u, (&task, &path, access), &up, max).await?;
    txn.commit().await?;
    Ok((StatusCode::CREATED, Json(json!(row))))
}

async fn return_task(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    body: Bytes,
) -> AppResult<Json<Value>> {
    let (task, path, access) = task_for(&st, &u, &raw).await?;
    let input: ReturnInput = parse_json(&body)?;
    let txn = st.db.conn.begin().await?;
    tasks::return_task(&txn, &u, (&task, &path, access), &input).await?;
    txn.commit().await?;
    Ok(Json(json!({"id": task.id, "status": "returned"})))
}

async fn progress(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    Query(q): Query<YearQuery>,
) -> AppResult<Json<Value>> {
    let id = crate::orgs::parse_id(&raw)?;
    Ok(Json(json!(
        tasks::load_progress(&st, &u, Some(id), q.year).await?
    )))
}
