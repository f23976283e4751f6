//! Points in the JSON API: the caller's points (`GET /points/me`), leaderboards, awards by other
//! systems, adjustments and rule tables. The checks are those of `crate::points`.

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use redbranch_db::points as dbpoints;
use redbranch_domain::points::{RuleTable, in_force};
use serde::Deserialize;
use serde_json::{Value, json};

use super::parse_json;
use crate::error::AppResult;
use crate::page::Ctx;
use crate::points::{self, AdjustInput, AwardInput, BoardQuery};
use crate::session::SignedIn;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/points/me", get(show_mine))
        .route("/points/boards", get(show_board))
        .route("/points/awards", post(award))
        .route("/points/adjustments", post(adjust))
        .route("/points/rules", get(show_rules).post(publish_rules))
}

#[derive(Debug, Default, Deserialize)]
struct MineQuery {
    before: Option<i64>,
}

async fn show_mine(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Query(q): Query<MineQuery>,
) -> AppResult<Json<Value>> {
    Ok(Json(json!(
        points::load_points(&st, &ctx, &u, q.before).await?
    )))
}

async fn show_board(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Query(q): Query<BoardQuery>,
) -> AppResult<Json<Value>> {
    Ok(Json(json!(points::load_board(&st, &u, &q).await?)))
}

async fn award(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    body: Bytes,
) -> AppResult<(StatusCode, Json<Value>)> {
    let input: AwardInput = parse_json(&body)?;
    let txn = redbranch_db::points::begin_write(&st.db.conn).await?;
    let a = points::award_points(&st, &txn, &u, &input).await?;
    txn.commit().await?;
    let status = if a.replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(json!(a))))
}

async fn adjust(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    body: Bytes,
) -> AppResult<(StatusCode, Json<Value>)> {
    let input: AdjustInput = parse_json(&body)?;
    let txn = redbranch_db::points::begin_write(&st.db.conn).await?;
    let id = points::adjust_points(&txn, &u, &input).await?;
    txn.commit().await?;
    let totals = dbpoints::totals(
        &st.db.conn,
        u.tenant,
        redbranch_db::people::PersonId(input.person_id),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"ledger_id": id, "earned": totals.earned, "balance": totals.balance()})),
    ))
}

async fn show_rules(State(st): State<AppState>, SignedIn(u): SignedIn) -> AppResult<Json<Value>> {
    let tables = dbpoints::rule_tables(&st.db.conn, u.tenant).await?;
    let now = in_force(&tables, st.clock.today());
    Ok(Json(json!({"in_force": now, "versions": tables})))
}

async fn publish_rules(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    body: Bytes,
) -> AppResult<(StatusCode, Json<Value>)> {
    let table: RuleTable = parse_json(&body)?;
    let txn = redbranch_db::points::begin_write(&st.db.conn).await?;
    points::publish_rules(&txn, &u, &table).await?;
    txn.commit().await?;
    Ok((StatusCode::CREATED, Json(json!(table))))
}

/// Adds the points paths and schemas to the OpenAPI document.
pub fn document_openapi(doc: &mut Value) {
    use super::points::{body, created, ok, sref as r};
    let created = |s: Value| created(s, "Refused (see error.code)");
    let q = |name: &str, desc: &str, schema: Value| json!({"name": name, "in": "query", "required": false, "description": desc, "schema": schema});
    let paths = json!({
        "/api/v1/points/me": {"get": {"tags": ["points"], "summary": "The caller's points: lifetime, balance, 段位, badges, the rule table in force, and the ledger newest first with the reason for each entry; rank in the school only where the school opted in",
            "parameters": [q("before", "Ledger id: entries older than it", json!({"type": "integer", "format": "int64"}))],
            "responses": ok("The caller's points", r("MyPoints"))}},
        "/api/v1/points/boards": {"get": {"tags": ["points"], "summary": "Leaderboard of an org's children by average points per member and participation (ViewOrg); people of the org only where the school opted in (形式主义 notices); the branch's 学习标兵 of last week",
            "parameters": [q("org", "Org id (default: the caller's first)", json!({"type": "integer", "format": "int64"})),
                q("period", "Period", json!({"type": "string", "enum": ["day", "week", "month", "all"], "default": "week"})),
                q("by", "Order", json!({"type": "string", "enum": ["avg", "participation"], "default": "avg"}))],
            "responses": ok("The board", r("PointsBoard"))}},
        "/api/v1/points/awards": {"post": {"tags": ["points"], "summary": "Award one activity event to a person (ManagePoints on their org; for integrations). Caps apply; the same idempotency_key never pays twice (200 with replayed: true)",
            "requestBody": body("AwardRequest"), "responses": created(r("Award"))}},
        "/api/v1/points/adjustments": {"post": {"tags": ["points"], "summary": "Adjust a person's points outside the caps with a reason (ManagePoints; audited as points_adjust); never below a zero balance",
            "requestBody": body("AdjustRequest"), "responses": created(json!({"type": "object"}))}},
        "/api/v1/points/rules": {
            "get": {"tags": ["points"], "summary": "The rule table in force today and every version the school published", "responses": ok("Rule tables", json!({"type": "object", "properties": {"in_force": r("RuleTable"), "versions": {"type": "array", "items": r("RuleTable")}}}))},
            "post": {"tags": ["points"], "summary": "Publish a rule table version effective from a date (ManagePoints at school level; audited as points_rules)", "requestBody": body("RuleTable"), "responses": created(r("RuleTable"))}}
    });
    let schemas = json!({
        "Award": {"type": "object", "properties": {"ledger_id": {"type": "integer"}, "points": {"type": "integer", "description": "Granted after caps, possibly 0"}, "requested": {"type": "integer"}, "reason": {"type": "string", "enum": ["rule", "activity_cap", "daily_max", "not_first"]}, "rule_version": {"type": "string"}, "replayed": {"type": "boolean"}}},
        "AwardRequest": {"type": "object", "required": ["person_id", "activity", "idempotency_key"], "properties": {"person_id": {"type": "integer"}, "activity": {"type": "string", "example": "article"}, "idempotency_key": {"type": "string"}}},
        "AdjustRequest": {"type": "object", "required": ["person_id", "points", "reason"], "properties": {"person_id": {"type": "integer"}, "points": {"type": "integer"}, "reason": {"type": "string"}, "idempotency_key": {"type": "string"}}},
        "RuleTable": {"type": "object", "required": ["version", "effective_from", "daily_max", "rules"], "properties": {"version": {"type": "string"}, "effective_from": {"type": "string", "format": "date"}, "daily_max": {"type": "integer"},
            "rules": {"type": "array", "items": {"type": "object", "properties": {"code": {"type": "string"}, "points": {"type": "integer"}, "daily_cap": {"type": "integer"}, "first_of_day_group": {"type": "string"}}}}}},
        "MyPoints": {"type": "object", "properties": {"earned": {"type": "integer"}, "spent": {"type": "integer"}, "balance": {"type": "integer"}, "level": {"type": "string"}, "badges": {"type": "array", "items": {"type": "array"}}, "rank": {"type": "array", "nullable": true, "items": {"type": "integer"}}, "history": {"type": "array", "items": {"type": "object"}}}},
        "PointsBoard": {"type": "object", "properties": {"org_id": {"type": "integer"}, "period": {"type": "string"}, "orgs": {"type": "array", "items": {"type": "object"}}, "individual_ranking": {"type": "boolean"}, "people": {"type": "array", "items": {"type": "object"}}, "star": {"type": "object", "nullable": true}}}
    });
    merge(doc, paths, schemas);
}

/// A reference to a schema of the document.
pub(super) fn sref(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

/// A 200 answer with `schema`, and the usual errors.
pub(super) fn ok(description: &str, schema: Value) -> Value {
    super::openapi::with_errors(
        json!({"200": {"description": description, "content": {"application/json": {"schema": schema}}}}),
    )
}

/// A 201 answer with `schema`, a 409 described by `refused`, and the usual errors.
pub(super) fn created(schema: Value, refused: &str) -> Value {
    super::openapi::with_errors(json!({
        "201": {"description": "Created", "content": {"application/json": {"schema": schema}}},
        "409": {"description": refused, "content": {"application/json": {"schema": sref("Error")}}}}))
}

/// A required JSON request body of schema `name`.
pub(super) fn body(name: &str) -> Value {
    json!({"required": true, "content": {"application/json": {"schema": sref(name)}}})
}

/// Adds paths and schemas to the document (shared by the points, mall and lessons sections).
pub(super) fn merge(doc: &mut Value, paths: Value, schemas: Value) {
    if let (Some(p), Some(new)) = (doc["paths"].as_object_mut(), paths.as_object()) {
        for (k, v) in new {
            p.insert(k.clone(), v.clone());
        }
    }
    if let (Some(s), Some(new)) = (
        doc["components"]["schemas"].as_object_mut(),
        schemas.as_object(),
    ) {
        for (k, v) in new {
            s.insert(k.clone(), v.clone());
        }
    }
}
