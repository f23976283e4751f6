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
async fn step(st: &AppState, u: &crate::session::CurrentUser, raw: &str, what: &str) -> AppResult<Json<Value>> {
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
