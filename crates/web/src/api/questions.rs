//! Question banks in the JSON API: list, create, one bank with its topics, its questions (for
//! authors: they carry answers), add a question, import (multipart; `commit=true` to write),
//! export to the template, publish. Checks as on the pages (`crate::questions`).

use axum::body::Bytes;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use redbranch_db::questions as dbq;
use redbranch_domain::error::FieldError;
use serde::Deserialize;
use serde_json::{Value, json};

use super::parse_json;
use crate::error::{AppError, AppResult};
use crate::orgs::parse_id;
use crate::page::Ctx;
use crate::questions::{self, BankInput, QuestionForm};
use crate::session::SignedIn;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/question-banks", get(list_banks).post(create_bank))
        .route("/question-banks/{id}", get(show_bank))
        .route(
            "/question-banks/{id}/questions",
            get(list_questions).post(add_question),
        )
        .route("/question-banks/{id}/import", post(import_bank))
        .route("/question-banks/{id}/export.xlsx", get(export_bank))
        .route("/question-banks/{id}/publish", post(publish_bank))
}

async fn list_banks(State(st): State<AppState>, SignedIn(u): SignedIn) -> AppResult<Json<Value>> {
    let banks = questions::listed_banks(&st, &u).await?;
    let counts = dbq::counts(&st.db.conn, u.tenant).await?;
    let rows: Vec<Value> = banks
        .iter()
        .map(|b| json!({"bank": b, "questions": counts.get(&b.id).copied().unwrap_or(0)}))
        .collect();
    Ok(Json(json!({ "rows": rows })))
}

async fn create_bank(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    body: Bytes,
) -> AppResult<(StatusCode, Json<Value>)> {
    let input: BankInput = parse_json(&body)?;
    let bank = questions::create_bank(&st, &u, &input).await?;
    Ok((StatusCode::CREATED, Json(json!(bank))))
}

async fn show_bank(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Json<Value>> {
    let id = parse_id(&raw)?;
    let bank = match questions::authored_bank(&st, &u, id).await {
        Ok(b) => b,
        Err(_) => questions::quiz_bank(&st, &u, id).await?,
    };
    let topics = dbq::topics(&st.db.conn, bank.id).await?;
    let n = dbq::counts(&st.db.conn, u.tenant)
        .await?
        .get(&bank.id)
        .copied()
        .unwrap_or(0);
    let topics: Vec<Value> = topics
        .into_iter()
        .map(|(t, n)| json!({"topic": t, "questions": n}))
        .collect();
    Ok(Json(
        json!({"bank": bank, "questions": n, "topics": topics}),
    ))
}

#[derive(Debug, Deserialize)]
struct PageQuery {
    #[serde(default)]
    page: Option<u64>,
}

const PER_PAGE: u64 = 50;

async fn list_questions(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    Query(q): Query<PageQuery>,
) -> AppResult<Json<Value>> {
    let bank = questions::authored_bank(&st, &u, parse_id(&raw)?).await?;
    let page = q.page.unwrap_or(1).max(1);
    let (rows, total) = dbq::page(&st.db.conn, bank.id, (page - 1) * PER_PAGE, PER_PAGE).await?;
    Ok(Json(json!({"rows": rows, "total": total, "page": page})))
}

async fn add_question(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    body: Bytes,
) -> AppResult<(StatusCode, Json<Value>)> {
    let bank = questions::authored_bank(&st, &u, parse_id(&raw)?).await?;
    let f: QuestionForm = parse_json(&body)?;
    let id = questions::add_question(&st, &u, &bank, &f).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))))
}

#[derive(Debug, Deserialize)]
struct ImportQuery {
    #[serde(default)]
    commit: bool,
}

/// Multipart `file`. Without `commit=true` only the report; with it, the questions are written
/// when nothing is wrong (201), and nothing is written otherwise (422 with the report).
async fn import_bank(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    Query(q): Query<ImportQuery>,
    form: Multipart,
) -> AppResult<Response> {
    let bank = questions::authored_bank(&st, &u, parse_id(&raw)?).await?;
    let up = crate::dossier::read_upload(form, st.settings.max_upload_bytes).await?;
    if up.too_large {
        return Err(AppError::TooLarge);
    }
    let (name, bytes) = up
        .file
        .ok_or_else(|| FieldError::new("field.import_file", "error.required"))?;
    let report = questions::import(&st, &u, ctx.locale, &bank, (&bytes, &name), q.commit).await?;
    let status = match (q.commit, report.imported) {
        (true, Some(_)) => StatusCode::CREATED,
        (true, None) => StatusCode::UNPROCESSABLE_ENTITY,
        (false, _) => StatusCode::OK,
    };
    Ok((status, Json(json!(report))).into_response())
}

async fn export_bank(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let bank = questions::authored_bank(&st, &u, parse_id(&raw)?).await?;
    let bytes = questions::export(&st, &bank).await?;
    Ok(xlsx_response(
        bytes,
        &format!("question-bank-{}.xlsx", bank.id),
    ))
}

pub(crate) fn xlsx_response(bytes: Vec<u8>, filename: &str) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

async fn publish_bank(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Json<Value>> {
    let bank = questions::authored_bank(&st, &u, parse_id(&raw)?).await?;
    questions::publish(&st, &u, &bank).await?;
    Ok(Json(json!({"published": true})))
}
