//! `GET|POST /api/v1/members/{id}/discipline`: a person's 党纪处分 records, and recording one
//! (`ApprovePipeline` on the person's Party org; audited as `discipline_record`);
//! `POST …/discipline/{rec}/restore`: Party rights restored after a 留党察看;
//! `POST …/discipline/{rec}/withdraw`: a record withdrawn (撤销), with the reason.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use redbranch_db::TransactionTrait;
use redbranch_db::discipline as dbdiscipline;
use redbranch_db::people::PersonId;
use serde_json::{Value, json};

use super::{
    DisciplineRequest, person_for, record_discipline, record_json, restore_discipline as restore,
    withdraw_discipline as withdraw,
};
use crate::api::parse_json;
use crate::error::AppResult;
use crate::orgs::parse_id;
use crate::session::SignedIn;
use crate::state::AppState;

pub async fn list_discipline(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Json<Value>> {
    let (person, _) = person_for(&st, &u, &raw).await?;
    let rows = dbdiscipline::records_of(&st.db.conn, u.tenant, PersonId(person.id)).await?;
    let today = st.clock.today();
    let under = rows
        .iter()
        .filter_map(dbdiscipline::as_rule)
        .any(|d| d.under_probation_on(today));
    Ok(Json(json!({
        "person_id": person.id,
        "under_probation_today": under,
        "records": rows.iter().map(record_json).collect::<Vec<_>>(),
    })))
}

pub async fn create_discipline(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    body: Bytes,
) -> AppResult<(StatusCode, Json<Value>)> {
    let (person, orgs) = person_for(&st, &u, &raw).await?;
    let req: DisciplineRequest = parse_json(&body)?;
    let txn = st.db.conn.begin().await?;
    let row = record_discipline(&st, &txn, &u, (&person, &orgs), &req).await?;
    txn.commit().await?;
    Ok((StatusCode::CREATED, Json(record_json(&row))))
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct RestoreRequest {
    #[serde(default)]
    pub restored_on: String,
}

pub async fn restore_discipline(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path((raw, raw_rec)): Path<(String, String)>,
    body: Bytes,
) -> AppResult<Json<Value>> {
    let (person, orgs) = person_for(&st, &u, &raw).await?;
    let rec = parse_id(&raw_rec)?;
    let req: RestoreRequest = parse_json(&body)?;
    let txn = st.db.conn.begin().await?;
    let row = restore(&st, &txn, &u, (&person, &orgs), rec, &req.restored_on).await?;
    txn.commit().await?;
    Ok(Json(record_json(&row)))
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct WithdrawRequest {
    #[serde(default)]
    pub reason: String,
}

pub async fn withdraw_discipline(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path((raw, raw_rec)): Path<(String, String)>,
    body: Bytes,
) -> AppResult<Json<Value>> {
    let (person, orgs) = person_for(&st, &u, &raw).await?;
    let rec = parse_id(&raw_rec)?;
    let req: WithdrawRequest = parse_json(&body)?;
    let txn = st.db.conn.begin().await?;
    let row = withdraw(&txn, &u, (&person, &orgs), rec, &req.reason).await?;
    txn.commit().await?;
    Ok(Json(record_json(&row)))
}

/// The routes above in the OpenAPI document (added by `api::openapi::document`).
pub fn document_paths(doc: &mut Value) {
    use crate::api::openapi::{id_param, with_errors};
    let record = json!({"type": "object", "properties": {
        "id": {"type": "integer"}, "person_id": {"type": "integer"},
        "kind": {"type": "string", "enum": ["warning", "serious_warning", "removal_from_post", "probation", "expulsion"]},
        "decided_on": {"type": "string", "format": "date"},
        "probation_years": {"type": "integer", "nullable": true, "enum": [1, 2]},
        "period_ends": {"type": "string", "format": "date", "nullable": true, "description": "Last day of 留党察看 (inclusive)"},
        "restored_on": {"type": "string", "format": "date", "nullable": true},
        "decided_by_org": {"type": "integer", "nullable": true}, "document_no": {"type": "string", "nullable": true},
        "reason": {"type": "string"},
        "withdrawn_at": {"type": "string", "format": "date-time", "nullable": true, "description": "Set when the record was withdrawn (撤销); it then counts for no rule"},
        "withdrawn_reason": {"type": "string", "nullable": true}}});
    let request = json!({"type": "object", "required": ["kind", "decided_on", "reason"], "properties": {
        "kind": {"type": "string", "enum": ["warning", "serious_warning", "removal_from_post", "probation", "expulsion"]},
        "decided_on": {"type": "string", "description": "Date, not after today"},
        "probation_years": {"type": "integer", "enum": [1, 2], "description": "留党察看 only, required for it (党章 第四十条)"},
        "restored_on": {"type": "string", "description": "留党察看 only: the day Party rights were restored, not before the period's last day"},
        "decided_by_org": {"type": "integer", "description": "The Party organisation that decided"},
        "document_no": {"type": "string", "maxLength": 60}, "reason": {"type": "string", "maxLength": 1000}}});
    let json_of = |s: &Value| json!({"application/json": {"schema": s}});
    let list = json!({"type": "object", "properties": {
        "person_id": {"type": "integer"}, "under_probation_today": {"type": "boolean"},
        "records": {"type": "array", "items": record}}});
    doc["paths"]["/api/v1/members/{id}/discipline"] = json!({
        "get": {"tags": ["pipeline"], "summary": "The person's 党纪处分 records, latest first (ApprovePipeline on the person's Party org: 组织员, college and school administrators)",
            "parameters": [id_param()],
            "responses": with_errors(json!({"200": {"description": "The records", "content": json_of(&list)}}))},
        "post": {"tags": ["pipeline"], "summary": "Record a 党纪处分 (ApprovePipeline on the person's Party org; audited). 留党察看 blocks the person as an 入党介绍人 until its period ends or rights are restored (细则 第十四条).",
            "parameters": [id_param()],
            "requestBody": {"required": true, "content": json_of(&request)},
            "responses": with_errors(json!({"201": {"description": "Recorded", "content": json_of(&record)}}))},
    });
    let rec = json!({"name": "rec", "in": "path", "required": true, "schema": {"type": "integer", "format": "int64", "minimum": 1}});
    let restore = json!({"type": "object", "required": ["restored_on"], "properties": {
        "restored_on": {"type": "string", "description": "Not before the period's last day, not after today"}}});
    let mut answers =
        with_errors(json!({"200": {"description": "Restored", "content": json_of(&record)}}));
    answers["409"] = json!({"description": "Already restored, or the record was withdrawn", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    doc["paths"]["/api/v1/members/{id}/discipline/{rec}/restore"] = json!({
        "post": {"tags": ["pipeline"], "summary": "Record that Party rights were restored after a 留党察看 (ApprovePipeline on the person's Party org; once; audited as discipline_restored)",
            "parameters": [id_param(), rec.clone()], "requestBody": {"required": true, "content": json_of(&restore)},
            "responses": answers}});
    let withdrawal = json!({"type": "object", "required": ["reason"], "properties": {
        "reason": {"type": "string", "maxLength": 1000, "description": "Why: entered by mistake, or the decision revoked on appeal"}}});
    let mut answers =
        with_errors(json!({"200": {"description": "Withdrawn", "content": json_of(&record)}}));
    answers["409"] = json!({"description": "Already withdrawn", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    doc["paths"]["/api/v1/members/{id}/discipline/{rec}/withdraw"] = json!({
        "post": {"tags": ["pipeline"], "summary": "Withdraw (撤销) a 党纪处分 record entered by mistake or revoked on appeal, with the reason (ApprovePipeline on the person's Party org; once; audited as discipline_withdrawn). The record stays, marked, and counts for no rule; withdrawing an expulsion gives back the status it ended if the person is still 群众.",
            "parameters": [id_param(), rec], "requestBody": {"required": true, "content": json_of(&withdrawal)},
            "responses": answers}});
}
