//! The weekly lesson in the JSON API: list, one lesson, answers, publication, participation
//! rolled up the League tree, who has not completed, reminders.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use redbranch_db::lessons as dblessons;
use redbranch_db::org as dborg;
use redbranch_db::people::PersonId;
use redbranch_domain::org::OrgId;
use serde::Deserialize;
use serde_json::{Value, json};

use super::parse_json;
use crate::error::{AppError, AppResult};
use crate::lessons::{self, AnswerInput, PublishInput};
use crate::orgs::parse_id;
use crate::session::SignedIn;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/weekly-lessons", get(list).post(publish))
        .route("/weekly-lessons/media", post(upload_video))
        .route("/weekly-lessons/{id}", get(show))
        .route("/weekly-lessons/{id}/answers", post(answer))
        .route("/weekly-lessons/{id}/participation", get(participation))
        .route("/weekly-lessons/{id}/pending", get(pending))
        .route("/weekly-lessons/{id}/remind", post(remind))
}

#[derive(Debug, Default, Deserialize)]
struct OrgQuery {
    org: Option<i64>,
}

async fn list(State(st): State<AppState>, SignedIn(u): SignedIn) -> AppResult<Json<Value>> {
    let rows: Vec<Value> = dblessons::lessons(&st.db.conn, u.tenant, u.person_id.map(PersonId))
        .await?
        .into_iter()
        .map(|(l, done)| json!({"id": l.id, "title": l.title, "starts_on": l.starts_on, "ends_on": l.ends_on, "completed": done}))
        .collect();
    Ok(Json(json!({ "rows": rows })))
}

/// A lesson for a member: the questions without their answers.
async fn show(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Json<Value>> {
    let l = dblessons::lesson(&st.db.conn, u.tenant, parse_id(&raw)?).await?;
    let qs: Vec<Value> = l
        .questions()
        .into_iter()
        .map(|q| json!({"prompt": q.prompt, "options": q.options}))
        .collect();
    Ok(Json(
        json!({"id": l.id, "title": l.title, "video_url": l.video_url, "media_id": l.media_id,
            "video_src": lessons::video_src(&l), "starts_on": l.starts_on, "ends_on": l.ends_on, "questions": qs}),
    ))
}

async fn answer(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    body: Bytes,
) -> AppResult<(StatusCode, Json<Value>)> {
    let input: AnswerInput = parse_json(&body)?;
    let c = lessons::complete_lesson(&st, &u, parse_id(&raw)?, &input).await?;
    Ok((StatusCode::CREATED, Json(json!(c))))
}

async fn publish(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    body: Bytes,
) -> AppResult<(StatusCode, Json<Value>)> {
    let input: PublishInput = parse_json(&body)?;
    let txn = redbranch_db::points::begin_write(&st.db.conn).await?;
    let id = lessons::publish_lesson(&txn, &u, &input).await?;
    txn.commit().await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))))
}

/// Multipart: `file` (MP4/WebM, by its bytes), `org_id` (a League org the caller publishes to;
/// their first by default). Name the answer's `id` as `media_id` when publishing.
async fn upload_video(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    form: axum::extract::Multipart,
) -> AppResult<(StatusCode, Json<Value>)> {
    let max = lessons::max_video_bytes(&st, u.tenant).await?;
    let up = crate::dossier::read_upload(form, max).await?;
    let org_id = up.field("org_id").parse().ok();
    let org = lessons::org_for(
        &st,
        &u,
        org_id,
        redbranch_domain::authz::Permission::PublishLessons,
    )
    .await?;
    let txn = redbranch_db::points::begin_write(&st.db.conn).await?;
    let m = lessons::store_video(&txn, &u, &org, &up, max).await?;
    txn.commit().await?;
    Ok((StatusCode::CREATED, Json(json!(m))))
}

async fn participation(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    Query(q): Query<OrgQuery>,
) -> AppResult<Json<Value>> {
    let (org, rows) = lessons::participation(&st, &u, parse_id(&raw)?, q.org).await?;
    Ok(Json(json!({"org_id": org.id, "rows": rows})))
}

async fn branch(
    st: &AppState,
    u: &crate::session::CurrentUser,
    q: &OrgQuery,
) -> AppResult<redbranch_db::org::Org> {
    let id = q.org.ok_or(AppError::BadRequest("bad_request"))?;
    Ok(dborg::get(&st.db.conn, u.tenant, OrgId(id)).await?)
}

async fn pending(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    Query(q): Query<OrgQuery>,
) -> AppResult<Json<Value>> {
    let org = branch(&st, &u, &q).await?;
    let rows = lessons::pending(&st, &u, parse_id(&raw)?, &org).await?;
    Ok(Json(json!({ "rows": rows })))
}

async fn remind(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    Query(q): Query<OrgQuery>,
) -> AppResult<Json<Value>> {
    let org = branch(&st, &u, &q).await?;
    let n = lessons::remind(&st, &u, parse_id(&raw)?, &org).await?;
    Ok(Json(json!({ "reminded": n })))
}

pub fn document_openapi(doc: &mut Value) {
    use super::points::{body, created, ok};
    let created = |s: Value| created(s, "Already completed");
    let id = super::openapi::id_param();
    let org = json!({"name": "org", "in": "query", "required": false, "description": "League org id", "schema": {"type": "integer", "format": "int64"}});
    let paths = json!({
        "/api/v1/weekly-lessons": {
            "get": {"tags": ["lessons"], "summary": "The school's lessons, newest first, with whether the caller completed each", "responses": ok("Lessons", json!({"type": "object"}))},
            "post": {"tags": ["lessons"], "summary": "Publish a lesson to the League orgs under org_ids (PublishLessons on each; audited as lesson_publish). Member counts are frozen at publication", "requestBody": body("NewLesson"), "responses": created(json!({"type": "object", "properties": {"id": {"type": "integer"}}}))}},
        "/api/v1/weekly-lessons/media": {"post": {"tags": ["lessons"], "summary": "Upload a lesson's video before publishing it (PublishLessons on org_id; audited as lesson_video_upload). Stored and served like course media (GET /api/v1/media/{id}, range requests), playable by the orgs of the lesson that names it as media_id. Not an MP4/WebM (decided from the bytes) or above the course media limit: 422 naming the field",
            "requestBody": {"required": true, "content": {"multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {"file": {"type": "string", "format": "binary"}, "org_id": {"type": "integer", "format": "int64"}}}}}},
            "responses": created(json!({"type": "object", "properties": {"id": {"type": "integer"}, "content_type": {"type": "string"}, "size_bytes": {"type": "integer"}, "sha256": {"type": "string"}}}))}},
        "/api/v1/weekly-lessons/{id}": {"get": {"tags": ["lessons"], "summary": "A lesson: video and questions (without answers)", "parameters": [id], "responses": ok("The lesson", json!({"type": "object"}))}},
        "/api/v1/weekly-lessons/{id}/answers": {"post": {"tags": ["lessons"], "summary": "Complete the lesson: one option index per question; within the period only (422 after); once (409); earns weekly_lesson points once",
            "parameters": [id], "requestBody": body("LessonAnswers"), "responses": created(json!({"type": "object", "properties": {"score": {"type": "integer"}, "of": {"type": "integer"}, "as_member": {"type": "boolean"}, "points": {"type": "integer"}}}))}},
        "/api/v1/weekly-lessons/{id}/participation": {"get": {"tags": ["lessons"], "summary": "Participation of every League org in the subtree, rolled up (PublishLessons or ViewMembers): members, member completions and rate, all completions (may exceed 100 %)",
            "parameters": [id, org], "responses": ok("Rows in tree order", json!({"type": "object"}))}},
        "/api/v1/weekly-lessons/{id}/pending": {"get": {"tags": ["lessons"], "summary": "团员 of a branch who have not completed (ViewMembers on the branch)", "parameters": [id, org], "responses": ok("People", json!({"type": "object"}))}},
        "/api/v1/weekly-lessons/{id}/remind": {"post": {"tags": ["lessons"], "summary": "Remind each of them in the app, once per lesson (ViewMembers on the branch)", "parameters": [id, org], "responses": ok("How many", json!({"type": "object", "properties": {"reminded": {"type": "integer"}}}))}}
    });
    let schemas = json!({
        "NewLesson": {"type": "object", "required": ["title", "starts_on", "ends_on", "org_ids", "questions"], "description": "A video_url, or a media_id from POST /api/v1/weekly-lessons/media (the caller's own upload, not yet any lesson's)", "properties": {"title": {"type": "string"}, "video_url": {"type": "string", "format": "uri"}, "media_id": {"type": "integer", "format": "int64"}, "starts_on": {"type": "string", "format": "date"}, "ends_on": {"type": "string", "format": "date"}, "org_ids": {"type": "array", "items": {"type": "integer"}},
            "questions": {"type": "array", "items": {"type": "object", "properties": {"prompt": {"type": "string"}, "options": {"type": "array", "items": {"type": "string"}}, "answer": {"type": "integer", "description": "0-based index of the right option"}}}}}},
        "LessonAnswers": {"type": "object", "required": ["answers"], "properties": {"answers": {"type": "array", "items": {"type": "integer", "minimum": 0}}}}
    });
    super::points::merge(doc, paths, schemas);
}
