//! `GET /plans`: the yearly goals on the viewer's branch of the tree, and the form that publishes
//! one; `GET /plans/{id}`: one plan with the tasks it was broken into and their completion.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Datelike;
use redbranch_db::TransactionTrait;
use redbranch_db::org as dborg;
use redbranch_db::tasks::{self as dbtasks, Plan, TaskFilter};
use redbranch_domain::authz::{Forbidden, Permission};
use redbranch_domain::org::{OrgId, OrgPath};
use redbranch_domain::tasks::{Progress, TaskPoint, TaskStatus, roll_up};
use serde::Deserialize;

use super::files::FormState;
use super::list_tasks::{TaskLine, task_lines};
use super::write::{PlanInput, create_plan};
use crate::error::{AppError, AppResult};
use crate::orgs::parse_id;
use crate::page::{Ctx, Page, render};
use crate::session::{CurrentUser, SignedIn, redirect_with_flash};
use crate::state::AppState;

/// The orgs the viewer stands in: where they hold a role, and their own Party and League orgs.
async fn own_paths(st: &AppState, u: &CurrentUser) -> AppResult<Vec<OrgPath>> {
    let mut paths: Vec<OrgPath> = u.grants.0.iter().map(|g| g.org.clone()).collect();
    if let Some(pid) = u.person_id {
        let p =
            redbranch_db::people::get(&st.db.conn, u.tenant, redbranch_db::people::PersonId(pid))
                .await?;
        let ids: Vec<i64> = [p.party_org_id, p.league_org_id]
            .into_iter()
            .flatten()
            .collect();
        for o in dborg::by_ids(&st.db.conn, u.tenant, &ids).await? {
            paths.push(o.org_path());
        }
    }
    Ok(paths)
}

/// Whether a plan of the org at `plan_org` concerns someone standing in `paths`: it was set above
/// them (their superior's goals) or below them (a college admin sees its branches' plans).
fn concerns(plan_org: &OrgPath, paths: &[OrgPath]) -> bool {
    paths
        .iter()
        .any(|p| plan_org.contains(p) || p.contains(plan_org))
}

/// The plans of `year` that concern the viewer, with the name of the org of each.
pub async fn visible_plans(
    st: &AppState,
    u: &CurrentUser,
    year: i32,
) -> AppResult<Vec<(Plan, String)>> {
    let paths = own_paths(st, u).await?;
    let plans: Vec<(Plan, OrgPath)> = dbtasks::plans_of_year(&st.db.conn, u.tenant, year)
        .await?
        .into_iter()
        .filter(|(_, path)| concerns(path, &paths))
        .collect();
    let ids: Vec<i64> = plans.iter().map(|(p, _)| p.org_id).collect();
    let names: HashMap<i64, String> = dborg::by_ids(&st.db.conn, u.tenant, &ids)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    Ok(plans
        .into_iter()
        .map(|(p, _)| {
            let n = names.get(&p.org_id).cloned().unwrap_or_default();
            (p, n)
        })
        .collect())
}

#[derive(Template)]
#[template(path = "tasks/plans.html")]
struct PlansPage {
    page: Page,
    year: i32,
    years: Vec<i32>,
    plans: Vec<(Plan, String)>,
    /// (id, name) of the orgs the viewer may publish plans for.
    orgs: Vec<(i64, String)>,
    form: FormState,
}

#[derive(Debug, Default, Deserialize)]
pub struct YearQuery {
    #[serde(default)]
    pub year: Option<i32>,
}

async fn render_plans(
    st: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    year: i32,
    form: FormState,
) -> AppResult<Response> {
    let mut orgs = Vec::new();
    for root in &u.grants.scope(Permission::ManagePlans).roots {
        // Goals are set by committees, not by the branches that carry them out.
        orgs.extend(
            dborg::subtree(&st.db.conn, u.tenant, root, None)
                .await?
                .into_iter()
                .filter(|o| o.org_kind().is_some_and(|k| !k.holds_members()))
                .map(|o| (o.id, o.name)),
        );
    }
    let this = st.clock.today().year();
    let refused = form.any();
    let mut res = render(&PlansPage {
        page: ctx.page("tasks.plans_title"),
        year,
        years: vec![this - 1, this, this + 1],
        plans: visible_plans(st, u, year).await?,
        orgs,
        form,
    })?;
    if refused {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

pub async fn list_plans(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Query(q): Query<YearQuery>,
) -> AppResult<Response> {
    let year = q.year.unwrap_or_else(|| st.clock.today().year());
    render_plans(&st, &ctx, &u, year, FormState::default()).await
}

pub async fn create_plan_form(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Form(f): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    let get = |k: &str| f.get(k).map(|s| s.trim().to_string()).unwrap_or_default();
    let input = PlanInput {
        org_id: get("org_id").parse().ok(),
        year: get("year"),
        title: get("title"),
        body: get("body"),
    };
    let txn = st.db.conn.begin().await?;
    match create_plan(&st, &txn, &u, &input).await {
        Ok(p) => {
            txn.commit().await?;
            Ok(redirect_with_flash(
                &format!("/plans/{}", p.id),
                "ok",
                "tasks.flash.plan_created",
                st.settings.cookie_secure,
            ))
        }
        Err(AppError::Invalid(errs)) => {
            let year = st.clock.today().year();
            let form = FormState::from_errors(&ctx, f, &errs);
            render_plans(&st, &ctx, &u, year, form).await
        }
        Err(e) => Err(e),
    }
}

/// One plan: its goals, and the tasks it was broken into that the viewer may see.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PlanView {
    pub plan: Plan,
    pub org: String,
    pub tasks: Vec<TaskLine>,
    pub progress: Progress,
}

pub async fn load_plan(
    st: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    raw: &str,
) -> AppResult<PlanView> {
    let id = parse_id(raw)?;
    let c = &st.db.conn;
    let plan = dbtasks::plan(c, u.tenant, id).await?;
    let org = dborg::get(c, u.tenant, OrgId(plan.org_id)).await?;
    if !concerns(&org.org_path(), &own_paths(st, u).await?) {
        return Err(AppError::Forbidden(Forbidden(Permission::ViewOrg)));
    }
    let f = TaskFilter {
        plan_id: Some(plan.id),
        year: None,
    };
    let mut rows = Vec::new();
    for root in &u.grants.scope(Permission::ManageTasks).roots {
        rows.extend(dbtasks::tasks_in(c, u.tenant, root, &f, 1000).await?);
    }
    let s = super::settings(st, u).await?;
    let points: Vec<TaskPoint<'_>> = rows
        .iter()
        .map(|(t, p)| TaskPoint {
            path: p,
            status: TaskStatus::from_code(&t.status).unwrap_or(TaskStatus::Open),
            due_on: t.due_on,
        })
        .collect();
    let (progress, _) = roll_up(&[], &points, st.clock.today(), s);
    let tasks = rows.into_iter().map(|(t, _)| t).collect();
    Ok(PlanView {
        plan,
        org: org.name,
        tasks: task_lines(st, ctx, u, tasks, s).await?,
        progress,
    })
}

#[derive(Template)]
#[template(path = "tasks/plan.html")]
struct PlanPage {
    page: Page,
    v: PlanView,
    may_set: bool,
}

pub async fn show_plan(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let v = load_plan(&st, &ctx, &u, &raw).await?;
    let mut page = ctx.page_titled(v.plan.title.clone());
    page.back = Some(format!("/plans?year={}", v.plan.year));
    render(&PlanPage {
        page,
        v,
        may_set: u.grants.anywhere(Permission::ManageTasks),
    })
}
