//! `GET /api/v1/members/{id}/pipeline` (the person's 发展党员 record and what comes next) and
//! `POST /api/v1/members/{id}/pipeline` (record the next step, checked against the rules of
//! 《中国共产党发展党员工作细则》; an administrator may override a refusal with a reason).

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use redbranch_db::TransactionTrait;
use redbranch_db::people::PersonId;
use redbranch_db::pipeline as dbpipeline;
use redbranch_domain::authz::Permission;
use redbranch_domain::pipeline::Step;
use redbranch_i18n::Locale;
use serde_json::{Value, json};

use super::parse_json;
use crate::error::AppResult;
use crate::members::viewable_person;
use crate::page::Ctx;
use crate::pipeline::{self, RecordRequest, settings};
use crate::render::field_message;
use crate::session::SignedIn;
use crate::state::AppState;

fn step_json(locale: Locale, step: Step) -> Value {
    json!({
        "step": step.code(), "number": step.number(), "name": redbranch_i18n::tr(locale, step.key()),
        "stage": step.stage().code(), "stage_name": redbranch_i18n::tr(locale, step.stage().key()),
    })
}

pub async fn show_pipeline(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Json<Value>> {
    let (person, _) = viewable_person(&st, &u, &raw).await?;
    let steps = dbpipeline::steps_of(&st.db.conn, u.tenant, PersonId(person.id)).await?;
    let history = dbpipeline::history(&steps);
    let s = settings(&st, &u).await?;
    let next = history.next_step();
    let due = next.and_then(|n| s.due_date(n, &history));
    let rows: Vec<Value> = steps
        .iter()
        .map(|(step, r)| {
            let mut v = step_json(ctx.locale, *step);
            v["on"] = json!(r.happened_on);
            v["override_reason"] = json!(r.override_reason);
            v["details"] = serde_json::from_str(&r.details).unwrap_or(Value::Null);
            v
        })
        .collect();
    Ok(Json(json!({
        "person_id": person.id,
        "steps": rows,
        "next": next.map(|n| {
            let mut v = step_json(ctx.locale, n);
            v["needs"] = json!(n.needs().iter().map(|f| f.field().trim_start_matches("field.")).collect::<Vec<_>>());
            v["due"] = json!(due);
            v
        }),
    })))
}

pub async fn record_step(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    body: Bytes,
) -> AppResult<(StatusCode, Json<Value>)> {
    let (person, orgs) = viewable_person(&st, &u, &raw).await?;
    orgs.ensure(&u.grants, Permission::RecordPipeline)?;
    let req: RecordRequest = parse_json(&body)?;
    let s = settings(&st, &u).await?;
    let txn = st.db.conn.begin().await?;
    let done = pipeline::record_step(&st, &txn, &u, &s, (&person, &orgs), &req).await?;
    txn.commit().await?;

    let mut body = step_json(ctx.locale, done.step);
    body["id"] = json!(done.row.id);
    body["on"] = json!(done.row.happened_on);
    body["overridden"] = json!(done.overridden);
    let notices: Vec<String> = done
        .notices
        .iter()
        .map(|f| field_message(ctx.locale, f))
        .collect();
    body["notices"] = json!(notices);
    Ok((StatusCode::CREATED, Json(body)))
}
