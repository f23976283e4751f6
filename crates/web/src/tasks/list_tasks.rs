//! `GET /tasks`: my tasks, the tasks of the orgs I set tasks for (with their state against the
//! due date), and the form that sets a new one.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Datelike;
use redbranch_db::org as dborg;
use redbranch_db::tasks::{self as dbtasks, Task, TaskFilter};
use redbranch_domain::authz::Permission;
use redbranch_domain::tasks::{TaskSettings, TaskStatus, due_state};

use super::files::FormState;
use super::plans::visible_plans;
use crate::error::AppResult;
use crate::page::{Ctx, Page, render};
use crate::session::{CurrentUser, SignedIn};
use crate::state::AppState;

/// Most tasks listed for the orgs one manages; the progress page has the figures for all.
const MANAGED_SHOWN: u64 = 200;

/// One task in a list.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TaskLine {
    pub id: i64,
    pub title: String,
    pub due_on: String,
    pub status: &'static str,
    pub status_name: String,
    /// `done`, `open`, `due_soon`, `overdue`.
    pub due_state: &'static str,
    pub due_state_name: String,
    pub assignee: String,
    pub org: String,
}

/// Task rows as lines, with the names of their assignees and orgs (two queries).
pub async fn task_lines(
    st: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    tasks: Vec<Task>,
    s: TaskSettings,
) -> AppResult<Vec<TaskLine>> {
    let c = &st.db.conn;
    let today = st.clock.today();
    let org_ids: Vec<i64> = tasks
        .iter()
        .flat_map(|t| [Some(t.org_id), t.assignee_org_id])
        .flatten()
        .collect();
    let orgs: HashMap<i64, String> = dborg::by_ids(c, u.tenant, &org_ids)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let person_ids: Vec<i64> = tasks.iter().filter_map(|t| t.assignee_person_id).collect();
    let people: HashMap<i64, String> = redbranch_db::people::by_ids(c, u.tenant, &person_ids)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    Ok(tasks
        .into_iter()
        .map(|t| {
            let status = TaskStatus::from_code(&t.status).unwrap_or(TaskStatus::Open);
            let state = due_state(t.due_on, today, status.is_done(), s);
            let name = |m: &HashMap<i64, String>, id: Option<i64>| {
                id.and_then(|i| m.get(&i).cloned()).unwrap_or_default()
            };
            TaskLine {
                id: t.id,
                title: t.title,
                due_on: t.due_on.format("%Y-%m-%d").to_string(),
                status: status.code(),
                status_name: ctx.t(&status.key()).to_string(),
                due_state: state.code(),
                due_state_name: ctx.t(&state.key()).to_string(),
                assignee: match t.assignee_person_id {
                    Some(_) => name(&people, t.assignee_person_id),
                    None => name(&orgs, t.assignee_org_id),
                },
                org: orgs.get(&t.org_id).cloned().unwrap_or_default(),
            }
        })
        .collect())
}

#[derive(Template)]
#[template(path = "tasks/index.html")]
struct TasksPage {
    page: Page,
    mine: Vec<TaskLine>,
    managed: Vec<TaskLine>,
    may_set: bool,
    /// (id, name) of the orgs the viewer may set tasks for.
    orgs: Vec<(i64, String)>,
    /// (id, "year · title") of the plans this year's tasks may break down.
    plans: Vec<(i64, String)>,
    form: FormState,
}

/// The task list page; `form` carries a refused new-task form.
pub async fn render_list(
    st: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    form: FormState,
) -> AppResult<Response> {
    let c = &st.db.conn;
    let s = super::settings(st, u).await?;
    let none = TaskFilter::default();
    let mine = match u.person_id {
        Some(p) => dbtasks::tasks_assigned(c, u.tenant, Some(p), &[], &none).await?,
        None => Vec::new(),
    };
    let scope = u.grants.scope(Permission::ManageTasks);
    let mut managed = Vec::new();
    let mut orgs = Vec::new();
    for root in &scope.roots {
        managed.extend(
            dbtasks::tasks_in(c, u.tenant, root, &none, MANAGED_SHOWN)
                .await?
                .into_iter()
                .map(|(t, _)| t),
        );
        orgs.extend(
            dborg::subtree(c, u.tenant, root, None)
                .await?
                .into_iter()
                .map(|o| (o.id, o.name)),
        );
    }
    let year = st.clock.today().year();
    let plans = if scope.is_empty() {
        Vec::new()
    } else {
        let mut p = visible_plans(st, u, year).await?;
        p.extend(visible_plans(st, u, year + 1).await?);
        p.into_iter()
            .map(|(p, org)| (p.id, format!("{} · {} · {}", p.year, org, p.title)))
            .collect()
    };
    let refused = form.any();
    let mut res = render(&TasksPage {
        page: ctx.page("tasks.title"),
        mine: task_lines(st, ctx, u, mine, s).await?,
        managed: task_lines(st, ctx, u, managed, s).await?,
        may_set: !scope.is_empty(),
        orgs,
        plans,
        form,
    })?;
    if refused {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

pub async fn list_tasks(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
) -> AppResult<Response> {
    render_list(&st, &ctx, &u, FormState::default()).await
}
