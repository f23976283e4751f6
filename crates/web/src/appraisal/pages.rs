//! The appraisal pages: the list (with the form to start a campaign) and a campaign (self-
//! assessment, mutual assessment, the committee's decision, published results), and the plain
//! form POSTs behind them. A refused form re-renders the page (422) keeping what was typed.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use redbranch_db::TransactionTrait;
use redbranch_db::elections as dbel;
use redbranch_domain::appraisal::Grade;
use redbranch_domain::authz::Permission;

use super::{AppraisalRow, AppraisalView, CreateInput, GradesInput, SelfInput, load, view};
use crate::elections::Failed;
use crate::error::AppResult;
use crate::page::{Ctx, Page, render};
use crate::session::{CurrentUser, SignedIn, redirect_with_flash};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "appraisal/index.html")]
struct ListPage {
    page: Page,
    rows: Vec<(AppraisalRow, String, String)>,
    branches: Vec<(i64, String)>,
    year: String,
    failed: Failed,
}

async fn render_list(
    st: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    failed: Failed,
) -> AppResult<Response> {
    let scope = u.grants.scope(Permission::ManageVotes);
    let branches: Vec<(i64, String)> = dbel::branches_in(&st.db.conn, u.tenant, &scope)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let rows = super::list(st, u).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.org_id).collect();
    let names: HashMap<i64, String> = redbranch_db::org::by_ids(&st.db.conn, u.tenant, &ids)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let rows = rows
        .into_iter()
        .map(|r| {
            let org = names.get(&r.org_id).cloned().unwrap_or_default();
            let phase = ctx.t(&r.phase.key()).to_string();
            (r, org, phase)
        })
        .collect();
    let refused = !failed.errors.is_empty();
    let mut res = render(&ListPage {
        page: ctx.page("appraisal.title"),
        rows,
        branches,
        year: chrono::Datelike::year(&st.clock.today()).to_string(),
        failed,
    })?;
    if refused {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

pub async fn list_appraisals(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
) -> AppResult<Response> {
    render_list(&st, &ctx, &u, Failed::default()).await
}

pub async fn create_appraisal_form(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Form(form): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    let input = CreateInput {
        org_id: form.get("org_id").cloned().unwrap_or_default(),
        year: form.get("year").cloned().unwrap_or_default(),
    };
    let txn = st.db.conn.begin().await?;
    match super::create_appraisal(&st, &txn, &u, &input).await {
        Ok(a) => {
            txn.commit().await?;
            Ok(redirect_with_flash(
                &format!("/appraisals/{}", a.id),
                "ok",
                "appraisal.created",
                st.settings.cookie_secure,
            ))
        }
        Err(e) => {
            drop(txn);
            let failed = Failed::from_error(&ctx, e, form)?;
            render_list(&st, &ctx, &u, failed).await
        }
    }
}

#[derive(Template)]
#[template(path = "appraisal/show.html")]
struct ShowPage {
    page: Page,
    v: AppraisalView,
    phase: &'static str,
    phase_name: String,
    /// (code, name) of the four grades.
    grades: Vec<(&'static str, String)>,
    /// The caller's own person id (to leave them out of the mutual form).
    me: i64,
    failed: Failed,
}

impl ShowPage {
    fn grade_name(&self, code: &Option<String>) -> String {
        code.as_deref()
            .and_then(Grade::from_code)
            .map(|g| self.page.t(&g.key()).to_string())
            .unwrap_or_default()
    }
}

async fn render_show(
    st: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    raw: &str,
    failed: Failed,
) -> AppResult<Response> {
    let l = load(st, u, raw).await?;
    let v = view(st, u, &l).await?;
    let mut page = ctx.page_titled(ctx.ta(
        "appraisal.page_title",
        &[("org", v.org_name.clone()), ("year", v.year.to_string())],
    ));
    page.back = Some("/appraisals".into());
    let refused = !failed.errors.is_empty();
    let mut res = render(&ShowPage {
        page,
        phase: v.phase.code(),
        phase_name: ctx.t(&v.phase.key()).to_string(),
        grades: Grade::ALL
            .into_iter()
            .map(|g| (g.code(), ctx.t(&g.key()).to_string()))
            .collect(),
        me: u.person_id.unwrap_or(0),
        v,
        failed,
    })?;
    if refused {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

pub async fn show_appraisal(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    render_show(&st, &ctx, &u, &raw, Failed::default()).await
}

/// `grade_<person id>` form fields as the grades map.
fn grades_of(form: &HashMap<String, String>) -> GradesInput {
    GradesInput {
        grades: form
            .iter()
            .filter_map(|(k, v)| {
                k.strip_prefix("grade_")
                    .filter(|_| !v.is_empty())
                    .map(|id| (id.to_string(), v.clone()))
            })
            .collect(),
    }
}

/// Runs one write; on success back to the campaign with `ok_key`, on a refusal the page again.
async fn finish(
    (st, ctx, u): (&AppState, &Ctx, &CurrentUser),
    raw: &str,
    form: HashMap<String, String>,
    what: &str,
) -> AppResult<Response> {
    let l = load(st, u, raw).await?;
    let txn = st.db.conn.begin().await?;
    let (result, ok_key) = match what {
        "self" => {
            let input = SelfInput {
                text: form.get("text").cloned().unwrap_or_default(),
                grade: form.get("grade").cloned().unwrap_or_default(),
            };
            (
                super::submit_self(&txn, u, &l, &input).await,
                "appraisal.self_saved",
            )
        }
        "mutual" => (
            super::submit_mutual(&txn, u, &l, &grades_of(&form)).await,
            "appraisal.mutual_saved",
        ),
        "advance" => (
            super::advance_appraisal(&txn, u, &l).await.map(|_| ()),
            "appraisal.advanced",
        ),
        "decide" => (
            super::decide_grades(&txn, u, &l, &grades_of(&form)).await,
            "appraisal.decided",
        ),
        _ => (
            super::publish_appraisal(st, &txn, u, &l).await,
            "appraisal.published",
        ),
    };
    match result {
        Ok(()) => {
            txn.commit().await?;
            Ok(redirect_with_flash(
                &format!("/appraisals/{}", l.a.id),
                "ok",
                ok_key,
                st.settings.cookie_secure,
            ))
        }
        Err(e) => {
            drop(txn);
            let failed = Failed::from_error(ctx, e, form)?;
            render_show(st, ctx, u, raw, failed).await
        }
    }
}

pub async fn submit_self_form(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    finish((&st, &ctx, &u), &raw, form, "self").await
}

pub async fn submit_mutual_form(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    finish((&st, &ctx, &u), &raw, form, "mutual").await
}

pub async fn advance_form(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    finish((&st, &ctx, &u), &raw, form, "advance").await
}

pub async fn decide_form(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    finish((&st, &ctx, &u), &raw, form, "decide").await
}

pub async fn publish_form(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    finish((&st, &ctx, &u), &raw, form, "publish").await
}
