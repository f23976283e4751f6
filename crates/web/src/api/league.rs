//! The League side of issue #3 in the API: `GET/POST /api/v1/members/{id}/league` (a person's
//! 发展团员 record; record the next step), `GET/POST /api/v1/orgs/{id}/recommendations` (a
//! League branch's 推优大会, or a Party branch's recommendations to decide) and
//! `POST /api/v1/recommendations/{id}/decision`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use redbranch_db::TransactionTrait;
use redbranch_db::league::{self as dbleague, Meeting, RecommendationRow};
use redbranch_db::org as dborg;
use redbranch_db::people::{self as dbpeople, PersonId};
use redbranch_domain::authz::Permission;
use redbranch_domain::league::LeagueStep;
use redbranch_domain::org::{OrgId, OrgKind, Tree};
use redbranch_i18n::{Locale, tr};
use serde_json::{Value, json};

use super::parse_json;
use crate::error::{AppError, AppResult};
use crate::league::{self, DecisionRequest, LeagueRequest, RecommendRequest, ensure_league};
use crate::members::{PersonOrgs, viewable_person};
use crate::orgs::parse_id;
use crate::page::Ctx;
use crate::session::SignedIn;
use crate::state::AppState;

fn step_json(locale: Locale, step: LeagueStep) -> Value {
    json!({"step": step.code(), "number": step.number(), "name": tr(locale, step.key())})
}

pub async fn show_league(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Json<Value>> {
    let (person, _) = viewable_person(&st, &u, &raw).await?;
    let c = &st.db.conn;
    let steps = dbleague::league_steps_of(c, u.tenant, PersonId(person.id)).await?;
    let history = dbleague::history(&steps);
    let s = league::settings(&st, &u).await?;
    let next = history.next_step();
    let rows: Vec<Value> = steps
        .iter()
        .map(|(step, r)| {
            let mut v = step_json(ctx.locale, *step);
            v["on"] = json!(r.happened_on);
            v["league_no"] = json!(r.league_no);
            v["details"] = serde_json::from_str(&r.details).unwrap_or(Value::Null);
            v
        })
        .collect();
    let recs: Vec<Value> = dbleague::recommendations_of(c, u.tenant, PersonId(person.id))
        .await?
        .iter()
        .map(|(r, m)| recommendation_json(r, m, &s))
        .collect();
    Ok(Json(json!({
        "person_id": person.id,
        "league_joined_on": person.league_joined_on,
        "steps": rows,
        "next": next.map(|n| {
            let mut v = step_json(ctx.locale, n);
            v["needs"] = json!(n.needs().iter().map(|f| f.trim_start_matches("field.")).collect::<Vec<_>>());
            v["due"] = json!(s.due_date(n, &history));
            v
        }),
        "recommendations": recs,
    })))
}

pub async fn record_league_step(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    body: Bytes,
) -> AppResult<(StatusCode, Json<Value>)> {
    let person = dbpeople::get(&st.db.conn, u.tenant, PersonId(parse_id(&raw)?)).await?;
    let orgs = PersonOrgs::of(&st.db.conn, u.tenant, &person).await?;
    ensure_league(&orgs, &u.grants, Permission::RecordPipeline)?;
    let req: LeagueRequest = parse_json(&body)?;
    let s = league::settings(&st, &u).await?;
    let txn = st.db.conn.begin().await?;
    let (step, row) = league::record_league_step(&st, &txn, &u, &s, (&person, &orgs), &req).await?;
    txn.commit().await?;
    let mut body = step_json(ctx.locale, step);
    body["id"] = json!(row.id);
    body["on"] = json!(row.happened_on);
    body["league_no"] = json!(row.league_no);
    Ok((StatusCode::CREATED, Json(body)))
}

fn recommendation_json(
    r: &RecommendationRow,
    m: &Meeting,
    s: &redbranch_domain::league::LeagueSettings,
) -> Value {
    json!({
        "id": r.id, "person_id": r.person_id, "yes": r.yes_votes, "passed": r.passed,
        "meeting_id": m.id, "org_id": m.org_id, "held_on": m.held_on,
        "valid_until": r.passed.then(|| s.recommendation(m.held_on).expires),
        "decision": r.decision, "decided_on": r.decided_on, "decision_reason": r.decision_reason,
    })
}

fn meeting_json(
    m: &Meeting,
    rows: &[RecommendationRow],
    s: &redbranch_domain::league::LeagueSettings,
) -> Value {
    json!({
        "id": m.id, "org_id": m.org_id, "held_on": m.held_on, "entitled": m.entitled,
        "present": m.present, "members": m.members, "quota": m.quota,
        "candidates": rows.iter().map(|r| recommendation_json(r, m, s)).collect::<Vec<_>>(),
    })
}

/// A League branch's 推优大会, or the recommendations a Party branch has to decide.
pub async fn list_recommendations(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Json<Value>> {
    let org = dborg::get(&st.db.conn, u.tenant, OrgId(parse_id(&raw)?)).await?;
    u.grants.ensure(Permission::ViewMembers, &org.org_path())?;
    let s = league::settings(&st, &u).await?;
    let c = &st.db.conn;
    if org.org_kind().map(OrgKind::tree) == Some(Tree::Party) {
        let rows: Vec<Value> = dbleague::recommendations_for_party_org(c, u.tenant, org.id)
            .await?
            .iter()
            .map(|(r, m)| recommendation_json(r, m, &s))
            .collect();
        return Ok(Json(json!({"org_id": org.id, "recommendations": rows})));
    }
    let meetings: Vec<Value> = dbleague::meetings_of(c, u.tenant, org.id)
        .await?
        .iter()
        .map(|(m, rows)| meeting_json(m, rows, &s))
        .collect();
    Ok(Json(json!({"org_id": org.id, "meetings": meetings})))
}

pub async fn create_recommendations(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    body: Bytes,
) -> AppResult<(StatusCode, Json<Value>)> {
    let org = dborg::get(&st.db.conn, u.tenant, OrgId(parse_id(&raw)?)).await?;
    u.grants
        .ensure(Permission::RecordPipeline, &org.org_path())?;
    if org.org_kind() != Some(OrgKind::LeagueBranch) {
        return Err(AppError::BadRequest("not_league_branch"));
    }
    let req: RecommendRequest = parse_json(&body)?;
    let s = league::settings(&st, &u).await?;
    let txn = st.db.conn.begin().await?;
    let (m, rows) =
        league::record_recommendation(&st, &txn, (&u, ctx.locale), &s, &org, &req).await?;
    txn.commit().await?;
    Ok((StatusCode::CREATED, Json(meeting_json(&m, &rows, &s))))
}

pub async fn decide_recommendation(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    body: Bytes,
) -> AppResult<Json<Value>> {
    let id = parse_id(&raw)?;
    let req: DecisionRequest = parse_json(&body)?;
    let txn = st.db.conn.begin().await?;
    league::decide_recommendation(&st, &txn, &u, id, &req).await?;
    txn.commit().await?;
    let (r, m) = dbleague::get_recommendation(&st.db.conn, u.tenant, id).await?;
    let s = league::settings(&st, &u).await?;
    Ok(Json(recommendation_json(&r, &m, &s)))
}
