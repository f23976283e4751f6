//! Elections in the JSON API: create, read, open, close, count; the blind-signature issue and
//! the anonymous ballot box; published ballots for anyone to recount; receipts; objections.
//! The checks are those of the pages (`crate::elections`).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use redbranch_db::TransactionTrait;
use serde_json::{Value, json};

use super::parse_json;
use crate::elections::{
    self, CastInput, ElectionInput, IssueInput, ObjectionInput, load, published_ballots, view,
};
use crate::error::{AppError, AppResult};
use crate::page::Ctx;
use crate::session::SignedIn;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/elections", get(list_elections).post(create_election))
        .route("/elections/{id}", get(show_election))
        .route("/elections/{id}/open", post(open_election))
        .route("/elections/{id}/close", post(close_election))
        .route("/elections/{id}/tally", post(tally_election))
        .route("/elections/{id}/issue", post(issue_ballot))
        .route(
            "/elections/{id}/ballots",
            get(list_ballots).post(cast_ballot),
        )
        .route("/elections/{id}/receipts/{token}", get(check_receipt))
        .route("/elections/{id}/objections", post(file_objection))
}

type Created = (StatusCode, Json<Value>);

async fn list_elections(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
) -> AppResult<Json<Value>> {
    Ok(Json(json!({ "rows": elections::list(&st, &u).await? })))
}

async fn create_election(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    body: Bytes,
) -> AppResult<Created> {
    let input: ElectionInput = parse_json(&body)?;
    let txn = st.db.conn.begin().await?;
    let e = elections::create_election(&st, &txn, &u, &input).await?;
    txn.commit().await?;
    let l = load(&st, &u, &e.id.to_string()).await?;
    Ok((StatusCode::CREATED, Json(json!(view(&st, &l).await?))))
}

async fn show_election(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Json<Value>> {
    let l = load(&st, &u, &raw).await?;
    Ok(Json(json!(view(&st, &l).await?)))
}

/// Open, close or count, then the election as it now is.
async fn step(
    st: &AppState,
    u: &crate::session::CurrentUser,
    raw: &str,
    what: &str,
) -> AppResult<Json<Value>> {
    let l = load(st, u, raw).await?;
    let txn = st.db.conn.begin().await?;
    match what {
        "open" => elections::open_election(&txn, u, &l).await?,
        "close" => elections::close_election(&txn, u, &l).await?,
        _ => {
            elections::tally_election(st, &txn, u, &l).await?;
        }
    }
    txn.commit().await?;
    let l = load(st, u, raw).await?;
    Ok(Json(json!(view(st, &l).await?)))
}

async fn open_election(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Json<Value>> {
    step(&st, &u, &raw, "open").await
}

async fn close_election(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Json<Value>> {
    step(&st, &u, &raw, "close").await
}

async fn tally_election(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Json<Value>> {
    step(&st, &u, &raw, "tally").await
}

/// Signed in: `{"blinded": hex}` → `{"signature": hex}`, once per voter.
async fn issue_ballot(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    body: Bytes,
) -> AppResult<Json<Value>> {
    let input: IssueInput = parse_json(&body)?;
    let l = load(&st, &u, &raw).await?;
    let sig = elections::issue_ballot(&st, &u, &l, &input).await?;
    Ok(Json(json!({ "signature": sig })))
}

/// Anonymous: `{"token", "signature", "choices"}` → the receipt. Refused with a session.
async fn cast_ballot(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(raw): Path<String>,
    body: Bytes,
) -> AppResult<Created> {
    let input: CastInput = parse_json(&body)?;
    let r = elections::cast_ballot(&st, ctx.user.is_some(), &raw, &input).await?;
    Ok((StatusCode::CREATED, Json(json!(r))))
}

async fn list_ballots(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Json<Value>> {
    let l = load(&st, &u, &raw).await?;
    Ok(Json(json!(published_ballots(&st, &l).await?)))
}

/// Anonymous: the ballot of a receipt, or 404.
async fn check_receipt(
    State(st): State<AppState>,
    Path((raw, token)): Path<(String, String)>,
) -> AppResult<Json<Value>> {
    match elections::check_receipt(&st, &raw, &token).await? {
        Some(r) => Ok(Json(json!(r))),
        None => Err(AppError::NotFound),
    }
}

async fn file_objection(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    body: Bytes,
) -> AppResult<Created> {
    let input: ObjectionInput = parse_json(&body)?;
    let l = load(&st, &u, &raw).await?;
    let txn = st.db.conn.begin().await?;
    let o = elections::file_objection(&st, &txn, &u, &l, &input).await?;
    txn.commit().await?;
    Ok((StatusCode::CREATED, Json(json!(o))))
}

/// The elections' and appraisals' paths in the OpenAPI document.
pub fn document_openapi(doc: &mut Value) {
    let id = super::openapi::id_param();
    let ok = |d: &str| {
        super::openapi::with_errors(
            json!({"200": {"description": d, "content": {"application/json": {"schema": {"type": "object"}}}}}),
        )
    };
    let created = |d: &str| {
        super::openapi::with_errors(
            json!({"201": {"description": d, "content": {"application/json": {"schema": {"type": "object"}}}}}),
        )
    };
    let obj = |props: Value| json!({"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": props}}}});
    let s = json!({"type": "string"});
    let token = json!({"name": "token", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^[0-9a-f]{64}$"}});
    let paths = json!({
        "/api/v1/elections": {
            "get": {"tags": ["elections"], "summary": "Elections of the orgs the caller sees (ViewOrg) and those on whose roll they are", "responses": ok("{rows: [...]}")},
            "post": {"tags": ["elections"], "summary": "Create an election (ManageVotes on the org; roll fixed from the branch's members with a vote; a fresh RSA-2048 key; audited)",
                "requestBody": obj(json!({"org_id": s, "title": s, "seats": s, "quorum": {"type": "string", "enum": ["half", "four_fifths"]},
                    "opens_on": {"type": "string", "format": "date"}, "closes_on": {"type": "string", "format": "date"}, "publicity_days": s,
                    "candidates": {"type": "array", "items": {"type": "string", "description": "学号/工号"}}})),
                "responses": created("The election, with its public key (n, e in hex)")}},
        "/api/v1/elections/{id}": {"get": {"tags": ["elections"], "summary": "An election: status, dates, candidates, public key, eligible / issued / cast, result once counted", "parameters": [id], "responses": ok("The election")}},
        "/api/v1/elections/{id}/open": {"post": {"tags": ["elections"], "summary": "Open voting (ManageVotes; draft → open; audited)", "parameters": [id], "responses": ok("The election")}},
        "/api/v1/elections/{id}/close": {"post": {"tags": ["elections"], "summary": "Close voting (ManageVotes; open → closed; ballots become public; audited)", "parameters": [id], "responses": ok("The election")}},
        "/api/v1/elections/{id}/tally": {"post": {"tags": ["elections"], "summary": "Count (ManageVotes): every signature re-checked, turnout, quorum, outcomes, SHA-256 of the ballots; starts the 公示; audited", "parameters": [id], "responses": ok("The election with its result")}},
        "/api/v1/elections/{id}/issue": {"post": {"tags": ["elections"], "summary": "Blind-sign the caller's ballot, once per voter on the roll, while open and within the dates (ADR 0007). 409 ballot_already_issued the second time",
            "parameters": [id], "requestBody": obj(json!({"blinded": {"type": "string", "description": "fdh(token)·r^e mod n, hex"}})), "responses": ok("{signature: hex of blinded^d mod n}")}},
        "/api/v1/elections/{id}/ballots": {
            "get": {"tags": ["elections"], "summary": "Every ballot once voting has closed (token, signature, choices), the public key and the FDH definition: verify and recount", "parameters": [id], "responses": ok("{public_key, fdh, issued, cast, ballots}")},
            "post": {"tags": ["elections"], "summary": "The anonymous ballot box: send WITHOUT cookie or token (a request with a session is refused). 422 for a bad signature or choices, 409 ballot_token_used, election_not_open, election_outside_window", "security": [],
                "parameters": [id], "requestBody": obj(json!({"token": {"type": "string", "pattern": "^[0-9a-f]{64}$"}, "signature": {"type": "string"}, "choices": {"type": "array", "items": {"type": "integer", "minimum": 0}}})),
                "responses": created("{election_id, receipt, choices}")}},
        "/api/v1/elections/{id}/receipts/{token}": {"get": {"tags": ["elections"], "summary": "The ballot of a receipt, or 404 (anonymous: the receipt is the secret)", "security": [], "parameters": [id, token], "responses": ok("{election_id, receipt, choices}")}},
        "/api/v1/elections/{id}/objections": {"post": {"tags": ["elections"], "summary": "An objection during the 公示 (whoever may see the election; audited)", "parameters": [id], "requestBody": obj(json!({"body": s})), "responses": created("The objection")}},
        "/api/v1/appraisals": {
            "get": {"tags": ["appraisal"], "summary": "Appraisal campaigns of the orgs the caller sees and those they take part in", "responses": ok("{rows: [...]}")},
            "post": {"tags": ["appraisal"], "summary": "Start a branch's 民主评议 / 团员教育评议 for a year (ManageVotes; audited)", "requestBody": obj(json!({"org_id": s, "year": s})), "responses": created("The campaign")}},
        "/api/v1/appraisals/{id}": {"get": {"tags": ["appraisal"], "summary": "A campaign as the caller may see it (tallies to ManageVotes from the deciding phase; grades to all once published)", "parameters": [id], "responses": ok("The campaign")}},
        "/api/v1/appraisals/{id}/self": {"post": {"tags": ["appraisal"], "summary": "The caller's self-assessment (self-assessment phase; audited)", "parameters": [id], "requestBody": obj(json!({"text": s, "grade": {"type": "string", "enum": ["excellent", "qualified", "basically_qualified", "unqualified"]}})), "responses": ok("The campaign")}},
        "/api/v1/appraisals/{id}/mutual": {"post": {"tags": ["appraisal"], "summary": "The caller's mutual assessment: a grade for every other member, once; only per-member tallies are kept (audited without content)", "parameters": [id], "requestBody": obj(json!({"grades": {"type": "object", "additionalProperties": {"type": "string"}, "description": "person id → grade code"}})), "responses": ok("The campaign")}},
        "/api/v1/appraisals/{id}/advance": {"post": {"tags": ["appraisal"], "summary": "Next phase: self-assessment → mutual assessment → deciding (ManageVotes; audited)", "parameters": [id], "responses": ok("The campaign")}},
        "/api/v1/appraisals/{id}/decide": {"post": {"tags": ["appraisal"], "summary": "The committee's grades for every member (ManageVotes): 优秀 ≤ ⅓ (Party) or ≤ 30 % (League); League needs > ⅔ taking part; all or nothing; audited", "parameters": [id], "requestBody": obj(json!({"grades": {"type": "object", "additionalProperties": {"type": "string"}}})), "responses": ok("The campaign")}},
        "/api/v1/appraisals/{id}/publish": {"post": {"tags": ["appraisal"], "summary": "Publish the grades to the branch (ManageVotes; every member graded; audited)", "parameters": [id], "responses": ok("The campaign")}},
    });
    if let (Some(all), Some(mine)) = (doc["paths"].as_object_mut(), paths.as_object()) {
        for (k, v) in mine {
            all.insert(k.clone(), v.clone());
        }
    }
}
