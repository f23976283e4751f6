//! Linkage in the JSON API: the school's links out (read by anyone; written by school-level
//! administrators, audited) and the import of study results from other platforms' exports.

use axum::body::Bytes;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use redbranch_db::TransactionTrait;
use serde_json::{Value, json};

use super::parse_json;
use crate::courses::{Viewer, default_tenant};
use crate::error::AppResult;
use crate::links::{self, LinkInput, ensure_school_level};
use crate::orgs::parse_id;
use crate::session::SignedIn;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/links", get(list_links).post(add_link))
        .route("/links/{id}/delete", post(remove_link))
        .route("/study-results/import", post(import_results))
}

async fn list_links(State(st): State<AppState>, Viewer(viewer): Viewer) -> AppResult<Json<Value>> {
    let tenant = match &viewer {
        Some(u) => u.tenant,
        None => default_tenant(&st).await?,
    };
    let rows = redbranch_db::links::links(&st.db.conn, tenant).await?;
    Ok(Json(json!({ "rows": rows })))
}

async fn add_link(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    body: Bytes,
) -> AppResult<(StatusCode, Json<Value>)> {
    ensure_school_level(&st, &u).await?;
    let input: LinkInput = parse_json(&body)?;
    let txn = st.db.conn.begin().await?;
    let link = links::add_link(&txn, &u, &input).await?;
    txn.commit().await?;
    Ok((StatusCode::CREATED, Json(json!(link))))
}

async fn remove_link(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Json<Value>> {
    ensure_school_level(&st, &u).await?;
    let id = parse_id(&raw)?;
    let txn = st.db.conn.begin().await?;
    links::remove_link(&txn, &u, id).await?;
    txn.commit().await?;
    Ok(Json(json!({"id": id, "removed": true})))
}

/// Multipart: `source`, `period`, `file`. All rows or none.
async fn import_results(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    form: Multipart,
) -> AppResult<(StatusCode, Json<Value>)> {
    let up = crate::dossier::read_upload(form, st.settings.max_upload_bytes).await?;
    let (name, bytes) = up.file.clone().unwrap_or_default();
    let txn = st.db.conn.begin().await?;
    let summary = links::import_results(
        &txn,
        &u,
        (up.field("source"), up.field("period")),
        (&name, &bytes),
    )
    .await?;
    txn.commit().await?;
    Ok((StatusCode::CREATED, Json(json!(summary))))
}

/// The paths and schemas of courses and linkage, added to the OpenAPI document.
pub fn document_openapi(doc: &mut Value) {
    let r = |name: &str| json!({"$ref": format!("#/components/schemas/{name}")});
    let id = super::openapi::id_param();
    let ok = |d: &str, s: Value| {
        super::openapi::with_errors(
            json!({"200": {"description": d, "content": {"application/json": {"schema": s}}}}),
        )
    };
    let created = |s: Value| {
        super::openapi::with_errors(json!({
        "201": {"description": "Created", "content": {"application/json": {"schema": s}}}}))
    };
    let rows = |s: &str| json!({"type": "object", "properties": {"rows": {"type": "array", "items": r(s)}}});
    let body =
        |s: &str| json!({"required": true, "content": {"application/json": {"schema": r(s)}}});
    let multipart = |props: Value, required: Value| json!({"required": true, "content": {"multipart/form-data": {"schema": {"type": "object", "required": required, "properties": props}}}});
    let q = |name: &str, d: &str| json!({"name": name, "in": "query", "required": false, "description": d, "schema": {"type": "string"}});
    let paths = json!({
        "/api/v1/courses": {
            "get": {"tags": ["courses"], "summary": "Courses the caller may open: published publicly (no sign-in needed), published to an org subtree the caller belongs under, or owned where the caller authors (drafts too)",
                "security": [], "parameters": [q("topic", "Only this topic"), q("tag", "Only courses with this tag")], "responses": ok("Courses", rows("CourseCard"))},
            "post": {"tags": ["courses"], "summary": "Create a draft course owned by an org (AuthorContent on it; audited)", "requestBody": body("NewCourse"), "responses": created(r("Course"))}},
        "/api/v1/courses/{id}": {"get": {"tags": ["courses"], "summary": "A course with its lessons (401 to an anonymous caller and 403 to a signed-in one outside its audience)",
            "security": [], "parameters": [id], "responses": ok("The course", r("Course"))}},
        "/api/v1/courses/{id}/media": {"post": {"tags": ["courses"], "summary": "Upload a media file (JPEG/PNG/GIF/WebP, MP3/M4A, MP4/WebM, PDF, docx — decided from the bytes; size limit a school setting capped by the server's upload limit). AuthorContent; audited with the sha256",
            "parameters": [id], "requestBody": multipart(json!({"file": {"type": "string", "format": "binary"}}), json!(["file"])), "responses": created(r("Media"))}},
        "/api/v1/courses/{id}/lessons": {"post": {"tags": ["courses"], "summary": "Add a lesson at the end: an article (HTML or plain text; refused with 422 if it carries script, event handlers or javascript: links; stored sanitised) or an uploaded media file. AuthorContent; audited",
            "parameters": [id], "requestBody": body("NewLesson"), "responses": created(r("Lesson"))}},
        "/api/v1/courses/{id}/publish": {"post": {"tags": ["courses"], "summary": "Publish to everyone (AuthorContent at the top of a tree) or to org subtrees (AuthorContent on each); audited with the audience before and after",
            "parameters": [id], "requestBody": body("Publish"), "responses": ok("The course", r("Course"))}},
        "/api/v1/courses/{id}/withdraw": {"post": {"tags": ["courses"], "summary": "Back to draft (AuthorContent; audited)", "parameters": [id], "responses": ok("The course", r("Course"))}},
        "/api/v1/courses/{id}/study": {"get": {"tags": ["courses"], "summary": "Study rate under an org (ViewMembers or AuthorContent on it; an org the course reaches, else 400 course_not_for_org): per org of the subtree, members who completed every timed lesson ÷ members, rolled up; the org's children ranked",
            "parameters": [id, {"name": "org", "in": "query", "required": false, "description": "Org id (default: the first the course reaches that the caller may read)", "schema": {"type": "integer", "format": "int64"}}],
            "responses": ok("Rows in tree order, the org first", json!({"type": "object", "properties": {"org_id": {"type": "integer"}, "rows": {"type": "array", "items": {"type": "object", "properties": {"org_id": {"type": "integer"}, "name": {"type": "string"}, "members": {"type": "integer"}, "completed": {"type": "integer"}, "rate_permille": {"type": "integer", "nullable": true}}}}, "children": {"type": "array", "items": {"type": "object"}}}}))}},
        "/api/v1/lessons/{id}": {"get": {"tags": ["courses"], "summary": "A lesson with its media and the caller's progress", "security": [], "parameters": [id], "responses": ok("The lesson", r("LessonView"))}},
        "/api/v1/lessons/{id}/heartbeat": {"post": {"tags": ["courses"], "summary": "A study heartbeat from a visible lesson page. Credits min(claimed, elapsed since the last accepted one, interval + slack) to the caller's record for the day; the first beat of a stretch earns 0. Refused (400) when hidden (heartbeat_hidden), sooner than interval − slack (heartbeat_too_soon) or claiming more than elapsed (heartbeat_overclaimed); nothing is written then",
            "parameters": [id], "requestBody": body("Heartbeat"), "responses": ok("What it earned", r("HeartbeatAnswer"))}},
        "/api/v1/media/{id}": {"get": {"tags": ["courses"], "summary": "A media file, to whoever may open its course. Honours one `Range: bytes=` range: 206 with Content-Range, 416 with `bytes */length` past the end",
            "security": [], "parameters": [id, {"name": "Range", "in": "header", "required": false, "schema": {"type": "string", "example": "bytes=0-1023"}}],
            "responses": super::openapi::with_errors(json!({
                "200": {"description": "The whole file", "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
                "206": {"description": "The range asked for", "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
                "416": {"description": "The range starts past the end"}}))}},
        "/api/v1/me/study": {"get": {"tags": ["courses"], "summary": "The caller's own study records per lesson and day, and imported results", "responses": ok("Records", r("MyStudy"))}},
        "/api/v1/links": {
            "get": {"tags": ["links"], "summary": "The school's links out (学习强国, 智慧团建, 青年大学习…); no sign-in needed", "security": [], "responses": ok("Links", rows("Link"))},
            "post": {"tags": ["links"], "summary": "Add a link (ManageSettings at school level; http/https only; audited)", "requestBody": body("NewLink"), "responses": created(r("Link"))}},
        "/api/v1/links/{id}/delete": {"post": {"tags": ["links"], "summary": "Remove a link (ManageSettings at school level; audited)", "parameters": [id], "responses": ok("Removed", json!({"type": "object"}))}},
        "/api/v1/study-results/import": {"post": {"tags": ["links"], "summary": "Import study results from an Excel export (ImportStudyResults; every person in the caller's scope). Columns found by header: 学号/工号, 姓名, 积分 and/or 是否完成. All rows or none: 422 lists every problem by row. A person's earlier result for the same source and period is replaced; audited",
            "requestBody": multipart(json!({"source": {"type": "string", "enum": ["xuexi", "zhtj", "qndxx", "other"]}, "period": {"type": "string", "example": "2025-11"}, "file": {"type": "string", "format": "binary"}}), json!(["source", "period", "file"])),
            "responses": created(json!({"type": "object", "properties": {"source": {"type": "string"}, "period": {"type": "string"}, "rows": {"type": "integer"}}}))}},
    });
    let schemas = json!({
        "CourseCard": {"type": "object", "properties": {"id": {"type": "integer"}, "title": {"type": "string"}, "summary": {"type": "string"}, "topic": {"type": "string", "nullable": true},
            "tags": {"type": "array", "items": {"type": "string"}}, "visibility": {"type": "string", "enum": ["public", "orgs"]}, "status": {"type": "string", "enum": ["draft", "published"]}}},
        "Course": {"type": "object", "properties": {"id": {"type": "integer"}, "owner_org_id": {"type": "integer"}, "title": {"type": "string"}, "summary": {"type": "string"},
            "topic": {"type": "string", "nullable": true}, "visibility": {"type": "string", "enum": ["public", "orgs"]}, "status": {"type": "string", "enum": ["draft", "published"]},
            "published_at": {"type": "string", "format": "date-time", "nullable": true}, "tags": {"type": "array", "items": {"type": "string"}},
            "audience_org_ids": {"type": "array", "items": {"type": "integer"}}, "lessons": {"type": "array", "items": r("Lesson")}, "may_author": {"type": "boolean"}}},
        "NewCourse": {"type": "object", "required": ["org_id", "title"], "properties": {"org_id": {"type": "integer"}, "title": {"type": "string", "maxLength": 80},
            "summary": {"type": "string", "maxLength": 500}, "topic": {"type": "string", "maxLength": 20}, "tags": {"type": "array", "maxItems": 8, "items": {"type": "string", "maxLength": 20}}}},
        "Lesson": {"type": "object", "properties": {"id": {"type": "integer"}, "position": {"type": "integer"}, "title": {"type": "string"},
            "kind": {"type": "string", "enum": ["article", "image", "audio", "video", "document"]}, "media_id": {"type": "integer", "nullable": true}, "duration_secs": {"type": "integer", "nullable": true}}},
        "NewLesson": {"type": "object", "required": ["title"], "properties": {"title": {"type": "string", "maxLength": 80},
            "kind": {"type": "string", "enum": ["article", "image", "audio", "video", "document"], "description": "Omitted: the kind of the media file"},
            "body": {"type": "string", "description": "The article (HTML or plain text)"}, "media_id": {"type": "integer"}, "duration_secs": {"type": "integer", "minimum": 1, "maximum": 86400}}},
        "Publish": {"type": "object", "required": ["visibility"], "properties": {"visibility": {"type": "string", "enum": ["public", "orgs"]}, "org_ids": {"type": "array", "items": {"type": "integer"}}}},
        "Media": {"type": "object", "properties": {"id": {"type": "integer"}, "course_id": {"type": "integer"}, "filename": {"type": "string"}, "content_type": {"type": "string"},
            "size_bytes": {"type": "integer"}, "sha256": {"type": "string"}}},
        "LessonView": {"type": "object", "properties": {"id": {"type": "integer"}, "course_id": {"type": "integer"}, "title": {"type": "string"}, "kind": {"type": "string"},
            "body": {"type": "string", "nullable": true}, "media": {"type": "object", "nullable": true}, "required_seconds": {"type": "integer", "nullable": true},
            "progress": {"type": "object", "properties": {"seconds": {"type": "integer"}, "completed": {"type": "boolean"}, "position_secs": {"type": "integer", "nullable": true}}},
            "studied": {"type": "boolean"}, "heartbeat_secs": {"type": "integer"}}},
        "Heartbeat": {"type": "object", "required": ["visible", "seconds"], "properties": {"visible": {"type": "boolean"}, "seconds": {"type": "integer", "minimum": 0},
            "position": {"type": "number", "description": "Media position in seconds"}}},
        "HeartbeatAnswer": {"type": "object", "properties": {"credited_seconds": {"type": "integer"}, "restarted": {"type": "boolean"}, "total_seconds": {"type": "integer"},
            "required_seconds": {"type": "integer", "nullable": true}, "completed": {"type": "boolean"}, "interval_secs": {"type": "integer"}}},
        "MyStudy": {"type": "object", "properties": {"records": {"type": "array", "items": {"type": "object"}}, "external": {"type": "array", "items": {"type": "object"}},
            "total_seconds": {"type": "integer"}, "completed_lessons": {"type": "integer"}}},
        "Link": {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "url": {"type": "string"}, "description": {"type": "string"}, "position": {"type": "integer"}}},
        "NewLink": {"type": "object", "required": ["name", "url"], "properties": {"name": {"type": "string", "maxLength": 30}, "url": {"type": "string", "format": "uri"}, "description": {"type": "string", "maxLength": 100}}},
    });
    // Every key here is new to the document: plain inserts, no deep merge needed.
    for (target, add) in [("/paths", paths), ("/components/schemas", schemas)] {
        if let (Some(map), Value::Object(add)) =
            (doc.pointer_mut(target).and_then(Value::as_object_mut), add)
        {
            map.extend(add);
        }
    }
    if let Some(tags) = doc["tags"].as_array_mut() {
        tags.push(json!({"name": "courses"}));
        tags.push(json!({"name": "links"}));
    }
}
