//! The Party branch's side of 推优入党 on the web: `/orgs/{id}/recommendations` of a Party
//! branch lists the passed recommendations of its people, undecided first, each with 接受 and
//! 不接受 (a reason is required to decline); `POST /orgs/{id}/recommendations/{rec}/decision`
//! records one through [`super::decide_recommendation`]. An accepted one is what the pipeline
//! reads at step 3 (推荐和确定积极分子) for a 团员 under 28.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use redbranch_db::TransactionTrait;
use redbranch_db::league as dbleague;
use redbranch_db::org::{self as dborg, Org};
use redbranch_db::people as dbpeople;
use redbranch_domain::org::OrgId;
use serde::Deserialize;

use super::recommend_page::{decision_label, org_for};
use super::{DecisionRequest, decide_recommendation, settings};
use crate::error::{AppError, AppResult};
use crate::orgs::parse_id;
use crate::page::{Ctx, Page, render};
use crate::session::{CurrentUser, SignedIn, redirect_with_flash};
use crate::state::AppState;

/// What was typed into one recommendation's form.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    pub decision: String,
    #[serde(default)]
    pub on: String,
    #[serde(default)]
    pub reason: String,
}

pub struct RecommendationItem {
    pub id: i64,
    pub person_id: i64,
    pub name: String,
    pub student_no: String,
    /// The League branch that recommended them.
    pub league_org: String,
    pub held_on: String,
    pub votes: String,
    pub valid_until: String,
    pub undecided: bool,
    pub status: String,
    pub decided_on: String,
    /// The form's values: fresh, or what was typed before a refusal.
    pub on: String,
    pub reason: String,
    pub errors: Vec<String>,
}

#[derive(Template)]
#[template(path = "league/decide.html")]
struct DecidePage {
    page: Page,
    org_id: i64,
    items: Vec<RecommendationItem>,
}

async fn page_for(
    st: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    org: &Org,
    refused: Option<(i64, DecisionForm, Vec<String>)>,
) -> AppResult<DecidePage> {
    let c = &st.db.conn;
    let s = settings(st, u).await?;
    let recs = dbleague::recommendations_for_party_org(c, u.tenant, org.id).await?;
    let ids: Vec<i64> = recs.iter().map(|(r, _)| r.person_id).collect();
    let people = dbpeople::by_ids(c, u.tenant, &ids).await?;
    let mut league_orgs: Vec<Org> = Vec::new();
    for (_, m) in &recs {
        if !league_orgs.iter().any(|o| o.id == m.org_id) {
            league_orgs.push(dborg::get(c, u.tenant, OrgId(m.org_id)).await?);
        }
    }
    let today = st.clock.today().format("%Y-%m-%d").to_string();
    let mut items: Vec<RecommendationItem> = recs
        .iter()
        .map(|(r, m)| {
            let p = people.iter().find(|p| p.id == r.person_id);
            let typed = refused.as_ref().filter(|(id, _, _)| *id == r.id);
            RecommendationItem {
                id: r.id,
                person_id: r.person_id,
                name: p.map(|p| p.name.clone()).unwrap_or_default(),
                student_no: p.map(|p| p.student_no.clone()).unwrap_or_default(),
                league_org: league_orgs
                    .iter()
                    .find(|o| o.id == m.org_id)
                    .map(|o| o.name.clone())
                    .unwrap_or_default(),
                held_on: m.held_on.format("%Y-%m-%d").to_string(),
                votes: ctx.ta(
                    "league_ui.votes",
                    &[
                        ("yes", r.yes_votes.to_string()),
                        ("entitled", m.entitled.to_string()),
                    ],
                ),
                valid_until: s
                    .recommendation(m.held_on)
                    .expires
                    .format("%Y-%m-%d")
                    .to_string(),
                undecided: r.decision.is_none(),
                status: decision_label(ctx, r),
                decided_on: crate::fmt::date_opt(r.decided_on),
                on: typed.map_or_else(|| today.clone(), |(_, f, _)| f.on.clone()),
                reason: typed.map(|(_, f, _)| f.reason.clone()).unwrap_or_default(),
                errors: typed.map(|(_, _, e)| e.clone()).unwrap_or_default(),
            }
        })
        .collect();
    // Undecided first: they are what the secretary came for. The sort is stable, so each group
    // keeps its latest-meeting-first order.
    items.sort_by_key(|i| !i.undecided);
    let mut page = ctx.page_titled(ctx.ta("league_ui.decide_title", &[("org", org.name.clone())]));
    page.back = Some(format!("/orgs/{}", org.id));
    Ok(DecidePage {
        page,
        org_id: org.id,
        items,
    })
}

/// The Party branch's list (the caller checked `ViewMembers` on the org).
pub(super) async fn show_decisions(
    st: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    org: &Org,
) -> AppResult<Response> {
    render(&page_for(st, ctx, u, org, None).await?)
}

pub async fn submit_decision(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path((raw, raw_rec)): Path<(String, String)>,
    Form(f): Form<DecisionForm>,
) -> AppResult<Response> {
    let org = org_for(&st, &u, &raw).await?;
    let rec = parse_id(&raw_rec)?;
    let req = DecisionRequest {
        decision: f.decision.clone(),
        on: f.on.clone(),
        reason: Some(f.reason.clone()),
    };
    let txn = st.db.conn.begin().await?;
    // The permission on the candidate's Party org is checked inside, before anything is read
    // back to the page: a refused secretary gets a 403, not the form.
    let errors = match decide_recommendation(&st, &txn, &u, rec, &req).await {
        Ok(()) => {
            txn.commit().await?;
            return Ok(redirect_with_flash(
                &format!("/orgs/{}/recommendations", org.id),
                "ok",
                "league_ui.flash_decided",
                st.settings.cookie_secure,
            ));
        }
        Err(AppError::Invalid(fields)) => fields
            .0
            .iter()
            .map(|e| crate::render::field_line(ctx.locale, e))
            .collect(),
        Err(AppError::Conflict(code)) => vec![ctx.t(&format!("error.{code}")).to_string()],
        Err(e) => return Err(e),
    };
    drop(txn);
    let mut res = render(&page_for(&st, &ctx, &u, &org, Some((rec, f, errors))).await?)?;
    *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(res)
}
