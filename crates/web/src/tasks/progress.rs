//! `GET /tasks/progress?org=&year=`: completion of the tasks under an org and under each of its
//! sub-orgs, as percentages up the tree, with the overdue and due-soon counts; drill down by
//! following a sub-org. `ManageTasks` on the org.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::Datelike;
use redbranch_db::org::{self as dborg, Org};
use redbranch_db::tasks::{self as dbtasks, TaskFilter};
use redbranch_domain::authz::{Forbidden, Permission};
use redbranch_domain::org::{OrgId, OrgPath};
use redbranch_domain::tasks::{Progress, TaskPoint, TaskStatus, roll_up};
use serde::Deserialize;

use crate::error::{AppError, AppResult};
use crate::page::{Ctx, Page, render};
use crate::session::{CurrentUser, SignedIn};
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct ProgressQuery {
    #[serde(default)]
    pub org: Option<i64>,
    #[serde(default)]
    pub year: Option<i32>,
}

/// One row of the progress table.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ProgressRow {
    pub org_id: i64,
    pub name: String,
    #[serde(flatten)]
    pub progress: Progress,
}

/// The progress of an org and its sub-orgs for a year.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ProgressView {
    pub org_id: i64,
    pub name: String,
    pub parent_id: Option<i64>,
    pub year: i32,
    pub total: Progress,
    pub rows: Vec<ProgressRow>,
}

/// Progress of `org` (none: the first root of the viewer's `ManageTasks` scope) in `year`.
pub async fn load_progress(
    st: &AppState,
    u: &CurrentUser,
    org: Option<i64>,
    year: Option<i32>,
) -> AppResult<ProgressView> {
    let c = &st.db.conn;
    let org: Org = match org {
        Some(id) => dborg::get(c, u.tenant, OrgId(id)).await?,
        None => {
            let scope = u.grants.scope(Permission::ManageTasks);
            let root = scope
                .roots
                .first()
                .ok_or(AppError::Forbidden(Forbidden(Permission::ManageTasks)))?;
            let id = root.ids().last().copied().ok_or(AppError::NotFound)?;
            dborg::get(c, u.tenant, id).await?
        }
    };
    let path = org.org_path();
    u.grants.ensure(Permission::ManageTasks, &path)?;
    let year = year.unwrap_or_else(|| st.clock.today().year());
    let f = TaskFilter {
        plan_id: None,
        year: Some(year),
    };
    let raw = dbtasks::progress_rows(c, u.tenant, &path, &f).await?;
    let paths: Vec<OrgPath> = raw
        .iter()
        .map(|(p, _, _)| OrgPath::from_stored(p.clone()))
        .collect();
    let points: Vec<TaskPoint<'_>> = raw
        .iter()
        .zip(&paths)
        .map(|((_, status, due_on), p)| TaskPoint {
            path: p,
            status: TaskStatus::from_code(status).unwrap_or(TaskStatus::Open),
            due_on: *due_on,
        })
        .collect();
    let children = dborg::children(c, u.tenant, org.org_id()).await?;
    let child_paths: Vec<OrgPath> = children.iter().map(Org::org_path).collect();
    let s = super::settings(st, u).await?;
    let (total, per) = roll_up(&child_paths, &points, st.clock.today(), s);
    Ok(ProgressView {
        org_id: org.id,
        name: org.name.clone(),
        parent_id: org.parent_id.filter(|p| {
            u.grants
                .allows(Permission::ManageTasks, &path_parent(&path, *p))
        }),
        year,
        total,
        rows: children
            .into_iter()
            .zip(per)
            .map(|(o, progress)| ProgressRow {
                org_id: o.id,
                name: o.name,
                progress,
            })
            .collect(),
    })
}

/// The path of an org's parent (its own path without the last id).
fn path_parent(path: &OrgPath, parent: i64) -> OrgPath {
    let ids = path.ids();
    let mut p: Option<OrgPath> = None;
    for id in ids.iter().take_while(|i| i.0 != parent) {
        p = Some(p.map_or_else(|| OrgPath::root(*id), |p| p.child(*id)));
    }
    let id = OrgId(parent);
    p.map_or_else(|| OrgPath::root(id), |p| p.child(id))
}

#[derive(Template)]
#[template(path = "tasks/progress.html")]
struct ProgressPage {
    page: Page,
    v: ProgressView,
    years: Vec<i32>,
}

pub async fn show_progress(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Query(q): Query<ProgressQuery>,
) -> AppResult<Response> {
    let v = load_progress(&st, &u, q.org, q.year).await?;
    let mut page = ctx.page_titled(ctx.ta("tasks.progress_title", &[("org", v.name.clone())]));
    page.back = Some(match v.parent_id {
        Some(p) => format!("/tasks/progress?org={p}&year={}", v.year),
        None => "/tasks".into(),
    });
    let this = st.clock.today().year();
    render(&ProgressPage {
        page,
        v,
        years: vec![this - 1, this, this + 1],
    })
}
