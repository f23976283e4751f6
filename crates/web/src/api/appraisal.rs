//! 民主评议 in the JSON API: campaigns, self-assessment, the anonymous mutual assessment, phase
//! changes, the committee's grades and publication. The checks are those of the pages
//! (`crate::appraisal`).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use redbranch_db::TransactionTrait;
use serde_json::{Value, json};

use super::parse_json;
use crate::appraisal::{self, CreateInput, GradesInput, SelfInput, load, view};
use crate::error::AppResult;
use crate::session::{CurrentUser, SignedIn};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/appraisals", get(list_appraisals).post(create_appraisal))
        .route("/appraisals/{id}", get(show_appraisal))
        .route("/appraisals/{id}/self", post(submit_self))
        .route("/appraisals/{id}/mutual", post(submit_mutual))
        .route("/appraisals/{id}/advance", post(advance))
        .route("/appraisals/{id}/decide", post(decide))
        .route("/appraisals/{id}/publish", post(publish))
}

async fn current(st: &AppState, u: &CurrentUser, raw: &str) -> AppResult<Json<Value>> {
    let l = load(st, u, raw).await?;
    Ok(Json(json!(view(st, u, &l).await?)))
}

async fn list_appraisals(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
) -> AppResult<Json<Value>> {
    Ok(Json(json!({ "rows": appraisal::list(&st, &u).await? })))
}

async fn create_appraisal(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    body: Bytes,
) -> AppResult<(StatusCode, Json<Value>)> {
    let input: CreateInput = parse_json(&body)?;
    let txn = st.db.conn.begin().await?;
    let a = appraisal::create_appraisal(&st, &txn, &u, &input).await?;
    txn.commit().await?;
    Ok((
        StatusCode::CREATED,
        current(&st, &u, &a.id.to_string()).await?,
    ))
}

async fn show_appraisal(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Json<Value>> {
    current(&st, &u, &raw).await
}

async fn submit_self(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    body: Bytes,
) -> AppResult<Json<Value>> {
    let input: SelfInput = parse_json(&body)?;
    let l = load(&st, &u, &raw).await?;
    let txn = st.db.conn.begin().await?;
    appraisal::submit_self(&txn, &u, &l, &input).await?;
    txn.commit().await?;
    current(&st, &u, &raw).await
}

async fn submit_mutual(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    body: Bytes,
) -> AppResult<Json<Value>> {
    let input: GradesInput = parse_json(&body)?;
    let l = load(&st, &u, &raw).await?;
    let txn = st.db.conn.begin().await?;
    appraisal::submit_mutual(&txn, &u, &l, &input).await?;
    txn.commit().await?;
    current(&st, &u, &raw).await
}

async fn advance(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Json<Value>> {
    let l = load(&st, &u, &raw).await?;
    let txn = st.db.conn.begin().await?;
    appraisal::advance_appraisal(&txn, &u, &l).await?;
    txn.commit().await?;
    current(&st, &u, &raw).await
}

async fn decide(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    body: Bytes,
) -> AppResult<Json<Value>> {
    let input: GradesInput = parse_json(&body)?;
    let l = load(&st, &u, &raw).await?;
    let txn = st.db.conn.begin().await?;
    appraisal::decide_grades(&txn, &u, &l, &input).await?;
    txn.commit().await?;
    current(&st, &u, &raw).await
}

async fn publish(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Json<Value>> {
    let l = load(&st, &u, &raw).await?;
    let txn = st.db.conn.begin().await?;
    appraisal::publish_appraisal(&st, &txn, &u, &l).await?;
    txn.commit().await?;
    current(&st, &u, &raw).await
}
