//! Courses in the JSON API: list and open courses (public ones without signing in), write them
//! (`AuthorContent` on the owning org; audited), upload media, and send study heartbeats. The
//! checks are those of the pages (`crate::courses`).

use axum::body::Bytes;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use redbranch_db::TransactionTrait;
use redbranch_db::courses as dbcourses;
use serde_json::{Value, json};

use super::parse_json;
use crate::courses::{
    self, CourseInput, HeartbeatInput, LessonInput, PublishInput, Viewer, open_course,
};
use crate::error::AppResult;
use crate::orgs::parse_id;
use crate::page::Ctx;
use crate::session::SignedIn;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/courses", get(list_courses).post(create_course))
        .route("/courses/{id}", get(show_course))
        .route("/courses/{id}/media", post(upload_media))
        .route("/courses/{id}/lessons", post(add_lesson))
        .route("/courses/{id}/publish", post(publish_course))
        .route("/courses/{id}/withdraw", post(withdraw_course))
        .route("/courses/{id}/study", get(study_rates))
        .route("/lessons/{id}", get(show_lesson))
        .route("/lessons/{id}/heartbeat", post(heartbeat))
        .route("/media/{id}", get(courses::serve_media))
        .route("/me/study", get(my_study))
}

type Created = (StatusCode, Json<Value>);

/// Study rates of the course under `org` (see `crate::courses::load_study`).
async fn study_rates(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    Query(q): Query<courses::StudyQuery>,
) -> AppResult<Json<Value>> {
    Ok(Json(json!(
        courses::load_study(&st, &u, parse_id(&raw)?, q.org).await?
    )))
}

async fn list_courses(
    State(st): State<AppState>,
    Viewer(viewer): Viewer,
    Query(q): Query<crate::courses::HubQuery>,
) -> AppResult<Json<Value>> {
    let (_, rows) = courses::list_courses(&st, viewer.as_ref(), &q.filter()).await?;
    Ok(Json(json!({ "rows": rows })))
}

async fn create_course(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    body: Bytes,
) -> AppResult<Created> {
    let input: CourseInput = parse_json(&body)?;
    let txn = st.db.conn.begin().await?;
    let course = courses::create_course(&txn, &u, &input).await?;
    txn.commit().await?;
    Ok((StatusCode::CREATED, Json(json!(course))))
}

async fn show_course(
    State(st): State<AppState>,
    Viewer(viewer): Viewer,
    Path(raw): Path<String>,
) -> AppResult<Json<Value>> {
    let (course, access) = open_course(&st, viewer.as_ref(), parse_id(&raw)?).await?;
    let tenant = redbranch_db::tenants::TenantId(course.tenant_id);
    let lessons: Vec<Value> = dbcourses::lessons_of(&st.db.conn, tenant, course.id)
        .await?
        .into_iter()
        .map(|l| {
            json!({"id": l.id, "position": l.position, "title": l.title, "kind": l.kind,
            "media_id": l.media_id, "duration_secs": l.duration_secs})
        })
        .collect();
    let tags = dbcourses::tags_of(&st.db.conn, &[course.id])
        .await?
        .remove(&course.id)
        .unwrap_or_default();
    let audience = dbcourses::audience_of(&st.db.conn, course.id).await?;
    let mut v = json!(course);
    v["tags"] = json!(tags);
    v["audience_org_ids"] = json!(audience);
    v["lessons"] = json!(lessons);
    v["may_author"] = json!(access.author);
    Ok(Json(v))
}

/// Multipart: `file`. The type is decided from the bytes.
async fn upload_media(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    form: Multipart,
) -> AppResult<Created> {
    let course = dbcourses::course(&st.db.conn, u.tenant, parse_id(&raw)?).await?;
    courses::ensure_author(&u, &course)?;
    let max = courses::settings(&st, u.tenant)
        .await?
        .effective_max(st.settings.max_upload_bytes);
    let up = crate::dossier::read_upload(form, max).await?;
    let txn = st.db.conn.begin().await?;
    let m = courses::store_media(&txn, &u, &course, &up, max).await?;
    txn.commit().await?;
    Ok((StatusCode::CREATED, Json(json!(m))))
}

async fn add_lesson(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    body: Bytes,
) -> AppResult<Created> {
    let course = dbcourses::course(&st.db.conn, u.tenant, parse_id(&raw)?).await?;
    courses::ensure_author(&u, &course)?;
    let input: LessonInput = parse_json(&body)?;
    let txn = st.db.conn.begin().await?;
    let lesson = courses::add_lesson(&txn, &u, &course, &input).await?;
    txn.commit().await?;
    Ok((StatusCode::CREATED, Json(json!(lesson))))
}

async fn publish_course(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    body: Bytes,
) -> AppResult<Json<Value>> {
    let id = parse_id(&raw)?;
    let course = dbcourses::course(&st.db.conn, u.tenant, id).await?;
    courses::ensure_author(&u, &course)?;
    let input: PublishInput = parse_json(&body)?;
    let txn = st.db.conn.begin().await?;
    courses::publish_course(&st, &txn, &u, &course, &input).await?;
    let course = dbcourses::course(&txn, u.tenant, id).await?;
    txn.commit().await?;
    Ok(Json(json!(course)))
}

async fn withdraw_course(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Json<Value>> {
    let id = parse_id(&raw)?;
    let course = dbcourses::course(&st.db.conn, u.tenant, id).await?;
    courses::ensure_author(&u, &course)?;
    let txn = st.db.conn.begin().await?;
    courses::withdraw_course(&txn, &u, &course).await?;
    let course = dbcourses::course(&txn, u.tenant, id).await?;
    txn.commit().await?;
    Ok(Json(json!(course)))
}

async fn show_lesson(
    State(st): State<AppState>,
    Viewer(viewer): Viewer,
    Path(raw): Path<String>,
) -> AppResult<Json<Value>> {
    let l = crate::courses::load_lesson(&st, viewer.as_ref(), parse_id(&raw)?).await?;
    Ok(Json(json!(l)))
}

/// JSON: `visible`, `seconds`, `position`. Refusals are 400s with a code saying why.
async fn heartbeat(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    body: Bytes,
) -> AppResult<Json<Value>> {
    let input: HeartbeatInput = parse_json(&body)?;
    let answer = courses::heartbeat(&st, &u, parse_id(&raw)?, &input).await?;
    Ok(Json(json!(answer)))
}

async fn my_study(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
) -> AppResult<Json<Value>> {
    Ok(Json(json!(courses::my_records(&st, &ctx, &u).await?)))
}
