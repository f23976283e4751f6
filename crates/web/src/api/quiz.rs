//! Quizzes in the JSON API: start (or resume) a round, see it, hand it in, answer a challenge
//! one question at a time, the wrong-answer book. A round's questions come without answers; the
//! hand-in returns each question marked, with the answer in the letters the person saw.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use redbranch_db::questions as dbq;
use redbranch_db::quiz as dbquiz;
use serde::Deserialize;
use serde_json::{Value, json};

use super::parse_json;
use crate::error::AppResult;
use crate::orgs::parse_id;
use crate::quiz::paper::AnswerIn;
use crate::quiz::{self, AttemptView, StartInput};
use crate::session::SignedIn;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/quizzes", get(list_quizzes).post(start_quiz))
        .route("/quizzes/wrong-book", get(wrong_book))
        .route("/quizzes/{id}", get(show_quiz))
        .route("/quizzes/{id}/submit", post(submit_quiz))
        .route("/quizzes/{id}/answer", post(answer_challenge))
}

async fn start_quiz(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    body: Bytes,
) -> AppResult<(StatusCode, Json<AttemptView>)> {
    let input: StartInput = parse_json(&body)?;
    let v = quiz::start(&st, &u, &input).await?;
    Ok((StatusCode::CREATED, Json(v)))
}

async fn list_quizzes(State(st): State<AppState>, SignedIn(u): SignedIn) -> AppResult<Json<Value>> {
    let rows: Vec<Value> = dbquiz::recent(&st.db.conn, u.user_id, 50)
        .await?
        .into_iter()
        .map(|a| {
            json!({"id": a.id, "mode": a.mode, "correct": a.correct, "total": a.total,
                "started_at": a.started_at, "finished_at": a.finished_at})
        })
        .collect();
    Ok(Json(json!({ "rows": rows })))
}

async fn show_quiz(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Json<AttemptView>> {
    let a = dbquiz::attempt(&st.db.conn, u.tenant, u.user_id, parse_id(&raw)?).await?;
    Ok(Json(quiz::view(&st, &u, &a).await?))
}

#[derive(Debug, Deserialize)]
struct SubmitInput {
    #[serde(default)]
    answers: Vec<AnswerIn>,
}

async fn submit_quiz(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    body: Bytes,
) -> AppResult<Json<AttemptView>> {
    let id = parse_id(&raw)?;
    let input: SubmitInput = parse_json(&body)?;
    Ok(Json(quiz::submit(&st, &u, id, &input.answers).await?))
}

async fn answer_challenge(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    body: Bytes,
) -> AppResult<Json<AttemptView>> {
    let id = parse_id(&raw)?;
    let input: AnswerIn = parse_json(&body)?;
    Ok(Json(quiz::answer_challenge(&st, &u, id, &input).await?))
}

async fn wrong_book(State(st): State<AppState>, SignedIn(u): SignedIn) -> AppResult<Json<Value>> {
    let book = dbquiz::wrong_book(&st.db.conn, u.user_id, 200).await?;
    let ids: Vec<i64> = book.iter().map(|w| w.question_id).collect();
    let rows = dbq::by_ids(&st.db.conn, u.tenant, &ids).await?;
    let out: Vec<Value> = book
        .iter()
        .filter_map(|w| {
            rows.get(&w.question_id).map(|r| {
                json!({"question": r.question, "question_id": r.id, "times": w.times,
                    "last_answer": w.last_answer, "last_wrong_at": w.last_wrong_at})
            })
        })
        .collect();
    Ok(Json(json!({ "rows": out })))
}
