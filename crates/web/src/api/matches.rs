//! Live matches in the JSON API: join a room, see it, answer, leave, and the socket that pushes
//! the room as it changes (`matches::ws`). Every call answers for the caller only: a room they
//! are not in is not found.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use redbranch_db::matches as dbm;
use serde_json::{Value, json};

use super::openapi::{id_param, with_errors};
use super::parse_json;
use crate::error::AppResult;
use crate::matches::{self, AnswerOutcome, MatchView, QueueInput};
use crate::orgs::parse_id;
use crate::quiz::paper::AnswerIn;
use crate::session::SignedIn;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/matches", get(list).post(queue))
        .route("/matches/{id}", get(show))
        .route("/matches/{id}/answer", post(answer))
        .route("/matches/{id}/leave", post(leave))
        .route("/matches/{id}/ws", get(matches::ws::upgrade))
}

async fn queue(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    body: Bytes,
) -> AppResult<(StatusCode, Json<MatchView>)> {
    let input: QueueInput = parse_json(&body)?;
    Ok((
        StatusCode::CREATED,
        Json(matches::queue(&st, &u, &input).await?),
    ))
}

async fn list(State(st): State<AppState>, SignedIn(u): SignedIn) -> AppResult<Json<Value>> {
    let rows: Vec<Value> = dbm::recent(&st.db.conn, u.user_id, 50)
        .await?
        .into_iter()
        .map(|(p, r)| {
            json!({"id": r.id, "size": r.size, "status": r.status, "score": p.score,
                "place": p.place, "points": p.points, "joined_at": p.joined_at})
        })
        .collect();
    Ok(Json(json!({ "rows": rows })))
}

async fn show(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Json<MatchView>> {
    let room = matches::load(&st, &u, parse_id(&raw)?).await?;
    Ok(Json(matches::view(&st, &u, &room).await?))
}

async fn answer(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    body: Bytes,
) -> AppResult<Json<AnswerOutcome>> {
    let id = parse_id(&raw)?;
    let input: AnswerIn = parse_json(&body)?;
    Ok(Json(matches::answer(&st, &u, id, &input).await?))
}

async fn leave(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<StatusCode> {
    matches::leave(&st, &u, parse_id(&raw)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub fn document_openapi(doc: &mut Value) {
    let id = id_param();
    let obj = |d: &str| json!({"type": "object", "description": d});
    let ok = |d: &str| {
        with_errors(
            json!({"200": {"description": d, "content": {"application/json": {"schema": obj(d)}}}}),
        )
    };
    let refused = |mut r: Value, codes: &str| {
        r["409"] = json!({"description": format!("Refused: {codes}"), "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
        r
    };
    let body = |props: Value| json!({"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": props}}}});
    let t = json!(["matches"]);
    let room = "The room as the caller sees it: {id, size, capacity, questions, question_seconds, phase: waiting|countdown|question|finished|abandoned, until | index+deadline, ms_left, players: [{seat, name, score, answered, place, points, me}], question (open one, no answer), my_answer, closed: [marked questions]}";
    let paths = json!({
        "/api/v1/matches": {
            "get": {"tags": t, "summary": "The caller's latest matches", "responses": ok("{rows}")},
            "post": {"tags": t, "summary": "Join a room: the caller's current one, else a waiting room of this size and bank, else a new one. A room that fills counts down, then plays",
                "requestBody": body(json!({"size": {"type": "string", "enum": ["duel", "four"]}, "bank_id": {"type": "integer", "description": "Default: the first published bank reaching the caller"}})),
                "responses": refused(with_errors(json!({"201": {"description": room, "content": {"application/json": {"schema": obj(room)}}}})), "no_questions")}},
        "/api/v1/matches/{id}": {"get": {"tags": t, "summary": "A room the caller is in, brought up to date", "parameters": [id], "responses": ok(room)}},
        "/api/v1/matches/{id}/answer": {"post": {"tags": t, "summary": "Answer the open question, once, in its time. The reply says only whether it was right; the answer itself shows once the question closes",
            "parameters": [id], "requestBody": body(json!({"question_id": {"type": "integer"}, "given": {"type": "array", "items": {"type": "string"}}})),
            "responses": refused(ok("{index, correct, score}"), "not_in_match, match_not_open, answer_too_late, already_answered")}},
        "/api/v1/matches/{id}/leave": {"post": {"tags": t, "summary": "Leave a room that has not started", "parameters": [id],
            "responses": refused(with_errors(json!({"204": {"description": "Left"}})), "match_started")}},
        "/api/v1/matches/{id}/ws": {"get": {"tags": t, "summary": "WebSocket (Upgrade: websocket). Pushes {type: state, match} whenever the room changes, {type: answered, index, correct, score} after an answer and {type: error, error}; takes {type: answer, question_id, given} and {type: leave}. A browser's Origin must be this host",
            "parameters": [id], "responses": with_errors(json!({"101": {"description": "Switching to the match socket"}}))}},
    });
    if let (Some(all), Some(new)) = (doc["paths"].as_object_mut(), paths.as_object()) {
        for (k, v) in new {
            all.insert(k.clone(), v.clone());
        }
    }
}
