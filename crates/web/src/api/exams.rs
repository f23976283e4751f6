//! Exams in the JSON API: list, create, one exam with the caller's attempts, publish, start an
//! attempt, see a paper, hand it in, results (authors), and a person's credits (学分).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use redbranch_db::exams as dbexams;
use redbranch_db::people::{self as dbpeople, PersonId};
use redbranch_domain::authz::Permission;
use serde::Deserialize;
use serde_json::{Value, json};

use super::parse_json;
use crate::error::{AppError, AppResult};
use crate::exams::{self, ExamInput, PaperView};
use crate::members::PersonOrgs;
use crate::orgs::parse_id;
use crate::quiz::paper::AnswerIn;
use crate::session::SignedIn;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/exams", get(list_exams).post(create_exam))
        .route("/exams/{id}", get(show_exam))
        .route("/exams/{id}/publish", post(publish_exam))
        .route("/exams/{id}/attempts", post(start_attempt))
        .route("/exams/{id}/results", get(exam_results))
        .route("/exam-attempts/{id}", get(show_attempt))
        .route("/exam-attempts/{id}/submit", post(submit_attempt))
        .route("/members/{id}/credits", get(list_credits))
}

async fn list_exams(State(st): State<AppState>, SignedIn(u): SignedIn) -> AppResult<Json<Value>> {
    Ok(Json(json!({ "rows": exams::listed(&st, &u).await? })))
}

async fn create_exam(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    body: Bytes,
) -> AppResult<(StatusCode, Json<Value>)> {
    let input: ExamInput = parse_json(&body)?;
    let e = exams::create(&st, &u, &input).await?;
    Ok((StatusCode::CREATED, Json(json!(e))))
}

async fn show_exam(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Json<Value>> {
    let id = parse_id(&raw)?;
    let e = match exams::authored(&st, &u, id).await {
        Ok(e) => e,
        Err(_) => exams::takeable(&st, &u, id).await?,
    };
    let mine: Vec<Value> = dbexams::attempts_of(&st.db.conn, e.id, u.user_id)
        .await?
        .into_iter()
        .map(|a| {
            json!({"id": a.id, "attempt_no": a.attempt_no, "score": a.score, "total": a.total,
                "passed": a.passed, "started_at": a.started_at, "submitted_at": a.submitted_at})
        })
        .collect();
    // The spec names fixed question ids only for authors; candidates see the shape.
    let mut exam = json!(e);
    if exams::authored(&st, &u, id).await.is_err() {
        exam["spec"] = json!(null);
    }
    Ok(Json(json!({"exam": exam, "my_attempts": mine})))
}

async fn publish_exam(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Json<Value>> {
    let e = exams::authored(&st, &u, parse_id(&raw)?).await?;
    exams::publish(&st, &u, &e).await?;
    Ok(Json(json!({"published": true})))
}

async fn start_attempt(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<(StatusCode, Json<PaperView>)> {
    let e = exams::takeable(&st, &u, parse_id(&raw)?).await?;
    Ok((StatusCode::CREATED, Json(exams::start(&st, &u, &e).await?)))
}

async fn exam_results(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Json<Value>> {
    let e = exams::authored(&st, &u, parse_id(&raw)?).await?;
    Ok(Json(json!({ "rows": exams::results(&st, &e).await? })))
}

async fn show_attempt(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Json<PaperView>> {
    let a = dbexams::attempt(&st.db.conn, u.tenant, u.user_id, parse_id(&raw)?).await?;
    let e = dbexams::get(&st.db.conn, u.tenant, a.exam_id).await?;
    Ok(Json(exams::paper_view(&st, &u, &e, &a).await?))
}

#[derive(Debug, Deserialize)]
struct SubmitInput {
    #[serde(default)]
    answers: Vec<AnswerIn>,
}

async fn submit_attempt(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    body: Bytes,
) -> AppResult<Json<PaperView>> {
    let id = parse_id(&raw)?;
    let input: SubmitInput = parse_json(&body)?;
    Ok(Json(exams::submit(&st, &u, id, &input.answers).await?))
}

/// A person's credits: for the person, and for whoever may view members of their org.
async fn list_credits(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Json<Value>> {
    let id = parse_id(&raw)?;
    let person = dbpeople::get(&st.db.conn, u.tenant, PersonId(id)).await?;
    if u.person_id != Some(person.id) {
        let orgs = PersonOrgs::of(&st.db.conn, u.tenant, &person).await?;
        orgs.ensure(&u.grants, Permission::ViewMembers)
            .map_err(AppError::from)?;
    }
    let rows = dbexams::credits_of(&st.db.conn, u.tenant, PersonId(id)).await?;
    let tenths: i64 = rows.iter().map(|c| c.tenths).sum();
    Ok(Json(json!({
        "rows": rows,
        "total": redbranch_domain::exams::credits_text(tenths),
        "total_tenths": tenths,
    })))
}
