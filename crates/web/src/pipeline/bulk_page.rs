//! `GET|POST /orgs/{id}/pipeline/bulk?step=…`: the page form of the bulk action. It lists the
//! people of the org's subtree who are at that step (the step is the next one on their record),
//! with checkboxes, one date and the training figures; posting records them all or none through
//! [`super::bulk::record_for_all`].

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use redbranch_db::org::{self as dborg, Org};
use redbranch_db::people::{self as dbpeople, MemberFilter};
use redbranch_db::pipeline::io as dbio;
use redbranch_domain::authz::{Permission, Scope};
use redbranch_domain::org::OrgId;
use redbranch_domain::people::PoliticalStatus;
use redbranch_domain::pipeline::{Fact, Step};
use serde::Deserialize;

use super::bulk::{BulkRequest, Outcome, Refused, record_for_all};
use crate::error::AppResult;
use crate::orgs::parse_id;
use crate::page::{Ctx, Page, render};
use crate::session::{CurrentUser, SignedIn, redirect_with_flash};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "pipeline_io/bulk.html")]
struct BulkPage {
    page: Page,
    org_id: i64,
    /// (code, label, selected) of every step.
    steps: Vec<(&'static str, String, bool)>,
    step: String,
    needs_training: bool,
    /// (id, 学号, name, checked).
    people: Vec<(i64, String, String, bool)>,
    on: String,
    training_days: String,
    training_hours: String,
    refused: Vec<Refused>,
    error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct StepQuery {
    step: Option<String>,
}

async fn org_for(st: &AppState, u: &CurrentUser, raw: &str) -> AppResult<Org> {
    let org = dborg::get(&st.db.conn, u.tenant, OrgId(parse_id(raw)?)).await?;
    u.grants
        .ensure(Permission::RecordPipeline, &org.org_path())?;
    Ok(org)
}

/// The people of `org`'s subtree whose next step is `step`.
async fn at_step(
    st: &AppState,
    u: &CurrentUser,
    org: &Org,
    step: Step,
) -> AppResult<Vec<(i64, String, String)>> {
    let path = org.org_path();
    let scope = Scope {
        roots: vec![path.clone()],
    };
    let filter = MemberFilter {
        org: Some(path),
        ..MemberFilter::default()
    };
    let listed = dbpeople::list_all(&st.db.conn, u.tenant, &scope, &filter).await?;
    let ids: Vec<i64> = listed.iter().map(|r| r.id).collect();
    let steps = dbio::steps_of_many(&st.db.conn, u.tenant, &ids).await?;
    Ok(listed
        .into_iter()
        .filter(|r| {
            let next = steps.get(&r.id).map_or(Some(Step::SubmitApplication), |s| {
                redbranch_db::pipeline::history(s).next_step()
            });
            // Members already in the Party are not applicants, whatever their record lacks.
            let member = matches!(
                PoliticalStatus::from_code(&r.political_status),
                Some(PoliticalStatus::PartyMember | PoliticalStatus::ProbationaryMember)
            );
            next == Some(step) && (!member || steps.contains_key(&r.id))
        })
        .map(|r| (r.id, r.student_no, r.name))
        .collect())
}

async fn page_for(
    st: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    org: &Org,
    req: &BulkRequest,
) -> AppResult<BulkPage> {
    let step = Step::from_code(req.record.step.trim()).unwrap_or(Step::IntensiveTraining);
    let people = at_step(st, u, org, step)
        .await?
        .into_iter()
        .map(|(id, no, name)| (id, no, name, req.person_ids.contains(&id)))
        .collect();
    let mut page = ctx.page("pipeline_io.bulk_title");
    page.back = Some(format!("/orgs/{}", org.id));
    let n = |v: Option<u32>| v.map(|n| n.to_string()).unwrap_or_default();
    Ok(BulkPage {
        page,
        org_id: org.id,
        steps: Step::ALL
            .iter()
            .map(|s| {
                let label = format!("{} {}", s.number(), ctx.t(s.key()));
                (s.code(), label, *s == step)
            })
            .collect(),
        step: step.code().to_string(),
        needs_training: step.needs().contains(&Fact::Training),
        people,
        on: req.record.on.clone(),
        training_days: n(req.record.training_days),
        training_hours: n(req.record.training_hours),
        refused: Vec::new(),
        error: None,
    })
}

pub async fn show_bulk(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    Query(q): Query<StepQuery>,
) -> AppResult<Response> {
    let org = org_for(&st, &u, &raw).await?;
    let mut req = BulkRequest::default();
    req.record.step = q.step.unwrap_or_default();
    req.record.on = st.clock.today().to_string();
    render(&page_for(&st, &ctx, &u, &org, &req).await?)
}

/// The form as the bulk request: repeated `person_ids`, numbers left empty when not given.
fn parse_form(body: &[u8]) -> BulkRequest {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
    let mut req = BulkRequest::default();
    for (k, v) in pairs {
        let v = v.trim().to_string();
        match k.as_str() {
            "person_ids" => req.person_ids.extend(v.parse::<i64>().ok()),
            "step" => req.record.step = v,
            "on" => req.record.on = v,
            "training_days" => req.record.training_days = v.parse().ok(),
            "training_hours" => req.record.training_hours = v.parse().ok(),
            _ => {}
        }
    }
    req
}

pub async fn submit_bulk(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    body: Bytes,
) -> AppResult<Response> {
    let org = org_for(&st, &u, &raw).await?;
    let req = parse_form(&body);
    let outcome = match record_for_all(&st, &u, ctx.locale, &req).await {
        Ok(o) => o,
        Err(crate::error::AppError::Invalid(fields)) => {
            let mut p = page_for(&st, &ctx, &u, &org, &req).await?;
            p.error = Some(
                fields
                    .0
                    .iter()
                    .map(|f| crate::render::field_line(ctx.locale, f))
                    .collect::<Vec<_>>()
                    .join("；"),
            );
            let mut res = render(&p)?;
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            return Ok(res);
        }
        Err(e) => return Err(e),
    };
    match outcome {
        Outcome::Recorded(_) => Ok(redirect_with_flash(
            &format!(
                "/orgs/{}/pipeline/bulk?step={}",
                org.id,
                req.record.step.trim()
            ),
            "ok",
            "pipeline_io.bulk_done",
            st.settings.cookie_secure,
        )),
        Outcome::Refused(refused) => {
            let mut p = page_for(&st, &ctx, &u, &org, &req).await?;
            p.error = Some(ctx.ta(
                "pipeline_io.bulk_refused",
                &[("n", refused.len().to_string())],
            ));
            p.refused = refused;
            let mut res = render(&p)?;
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
    }
}
