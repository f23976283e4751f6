//! The dossier (网上档案) in the JSON API: a person's documents (list, multipart upload,
//! download), remarks by 培养联系人 and their review, 思想汇报 and their answers. The checks are
//! those of the pages (`crate::dossier`): the person, their cultivators, and `RecordPipeline` on
//! their org; everything else is refused before anything is read.

use axum::body::Bytes;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use redbranch_db::TransactionTrait;
use redbranch_db::people::PersonId;
use redbranch_domain::error::FieldError;
use redbranch_domain::pipeline::Material;
use serde_json::{Value, json};

use super::parse_json;
use crate::dossier::{
    self, AnswerInput, DossierView, RemarkInput, ReportInput, ReviewInput, max_document_bytes,
    person_for,
};
use crate::error::AppResult;
use crate::orgs::parse_id;
use crate::page::Ctx;
use crate::session::{CurrentUser, SignedIn};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/members/{id}/dossier", get(show_dossier))
        .route(
            "/members/{id}/documents",
            get(list_documents).post(upload_document),
        )
        .route(
            "/members/{id}/documents/{doc}",
            get(dossier::download_document),
        )
        .route(
            "/members/{id}/remarks",
            get(list_remarks).post(write_remark),
        )
        .route("/members/{id}/remarks/{remark}/review", post(review_remark))
        .route(
            "/members/{id}/thought-reports",
            get(list_reports).post(submit_report),
        )
        .route(
            "/members/{id}/thought-reports/{report}/answer",
            post(answer_report),
        )
}

type Created = (StatusCode, Json<Value>);

/// The dossier of the person at `raw`, for a caller allowed to read it.
async fn view(st: &AppState, ctx: &Ctx, u: &CurrentUser, raw: &str) -> AppResult<DossierView> {
    let (person, _, _) = person_for(st, u, raw).await?;
    dossier::load(st, ctx, u, PersonId(person.id)).await
}

/// The whole dossier: checklist per step, documents, remarks, reports.
async fn show_dossier(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Json<Value>> {
    Ok(Json(json!(view(&st, &ctx, &u, &raw).await?)))
}

async fn list_documents(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Json<Value>> {
    let rows = view(&st, &ctx, &u, &raw).await?.documents;
    Ok(Json(json!({ "rows": rows })))
}

async fn list_remarks(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Json<Value>> {
    let rows = view(&st, &ctx, &u, &raw).await?.remarks;
    Ok(Json(json!({ "rows": rows })))
}

async fn list_reports(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Json<Value>> {
    let rows = view(&st, &ctx, &u, &raw).await?.reports;
    Ok(Json(json!({ "rows": rows })))
}

/// Multipart: `kind` (a material code), optional `step` (a step code), `file`.
async fn upload_document(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    form: Multipart,
) -> AppResult<Created> {
    let (person, orgs, access) = person_for(&st, &u, &raw).await?;
    access.ensure(access.may_upload_any())?;
    let max = max_document_bytes(&st, &u).await?;
    let up = dossier::read_upload(form, max).await?;
    let kind = Material::from_code(up.field("kind"))
        .ok_or_else(|| FieldError::new("field.document_kind", "error.required"))?;
    let txn = st.db.conn.begin().await?;
    let meta = dossier::store_document(&txn, &u, (&person, &orgs, access), &up, kind, max).await?;
    txn.commit().await?;
    Ok((StatusCode::CREATED, Json(json!(meta))))
}

async fn write_remark(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    body: Bytes,
) -> AppResult<Created> {
    let (person, orgs, access) = person_for(&st, &u, &raw).await?;
    let input: RemarkInput = parse_json(&body)?;
    let txn = st.db.conn.begin().await?;
    let row = dossier::write_remark(&st, &txn, &u, (&person, &orgs, access), &input).await?;
    txn.commit().await?;
    Ok((StatusCode::CREATED, Json(json!(row))))
}

async fn review_remark(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path((raw, raw_remark)): Path<(String, String)>,
    body: Bytes,
) -> AppResult<Json<Value>> {
    let (person, orgs, access) = person_for(&st, &u, &raw).await?;
    let id = parse_id(&raw_remark)?;
    let input: ReviewInput = parse_json(&body)?;
    let txn = st.db.conn.begin().await?;
    dossier::review_remark(&txn, &u, (&person, &orgs, access), id, &input).await?;
    let row = redbranch_db::dossier::remark(&txn, u.tenant, PersonId(person.id), id).await?;
    txn.commit().await?;
    Ok(Json(json!(row)))
}

/// JSON: `quarter`, and `body` and/or `document_id` (a 思想汇报 document uploaded first).
async fn submit_report(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    body: Bytes,
) -> AppResult<Created> {
    let (person, orgs, access) = person_for(&st, &u, &raw).await?;
    let input: ReportInput = parse_json(&body)?;
    let txn = st.db.conn.begin().await?;
    let row = dossier::submit_report(&st, &txn, &u, (&person, &orgs, access), &input).await?;
    txn.commit().await?;
    Ok((StatusCode::CREATED, Json(json!(row))))
}

async fn answer_report(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path((raw, raw_report)): Path<(String, String)>,
    body: Bytes,
) -> AppResult<Json<Value>> {
    let (person, orgs, access) = person_for(&st, &u, &raw).await?;
    let id = parse_id(&raw_report)?;
    let input: AnswerInput = parse_json(&body)?;
    let txn = st.db.conn.begin().await?;
    dossier::answer_report(&txn, &u, (&person, &orgs, access), id, &input).await?;
    txn.commit().await?;
    Ok(Json(json!({"id": id, "answered": true})))
}

/// The dossier's paths and schemas, added to the OpenAPI document.
pub fn document_openapi(doc: &mut Value) {
    let r = |name: &str| json!({"$ref": format!("#/components/schemas/{name}")});
    let id = super::openapi::id_param();
    let sub = |name: &str| json!({"name": name, "in": "path", "required": true, "schema": {"type": "integer", "format": "int64", "minimum": 1}});
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
    let paths = json!({
        "/api/v1/members/{id}/dossier": {"get": {"tags": ["dossier"], "summary": "The whole dossier: checklist of materials per step, documents, remarks, 思想汇报 (the person, their 培养联系人, or ViewMembers)",
            "parameters": [id], "responses": ok("The dossier", r("Dossier"))}},
        "/api/v1/members/{id}/documents": {
            "get": {"tags": ["dossier"], "summary": "The person's documents, without their bytes", "parameters": [id], "responses": ok("Documents", rows("Document"))},
            "post": {"tags": ["dossier"], "summary": "Upload a document (PDF, JPEG/PNG, docx, decided from the bytes; size limit a school setting, 10 MB by default). RecordPipeline, or the person for what they write themselves; audited with the sha256",
                "parameters": [id], "requestBody": {"required": true, "content": {"multipart/form-data": {"schema": {"type": "object", "required": ["kind", "file"], "properties": {
                    "kind": {"type": "string", "description": "Material code, e.g. application_letter, thought_report, political_review"},
                    "step": {"type": "string", "description": "Pipeline step code (optional)"},
                    "file": {"type": "string", "format": "binary"}}}}}},
                "responses": created(r("Document"))}},
        "/api/v1/members/{id}/documents/{doc}": {"get": {"tags": ["dossier"], "summary": "Download a document as an attachment (whoever may read the dossier)",
            "parameters": [id, sub("doc")], "responses": super::openapi::with_errors(json!({"200": {"description": "The file, with Content-Disposition: attachment and X-Content-Type-Options: nosniff",
                "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}}))}},
        "/api/v1/members/{id}/remarks": {
            "get": {"tags": ["dossier"], "summary": "Remarks by 培养联系人, with their reviews", "parameters": [id], "responses": ok("Remarks", rows("Remark"))},
            "post": {"tags": ["dossier"], "summary": "Write a remark (a 培养联系人 or RecordPipeline; never on oneself; audited)", "parameters": [id],
                "requestBody": body("NewRemark"), "responses": created(r("Remark"))}},
        "/api/v1/members/{id}/remarks/{remark}/review": {"post": {"tags": ["dossier"], "summary": "Review a remark once (RecordPipeline; audited)",
            "parameters": [id, sub("remark")], "requestBody": body("Review"), "responses": ok("The remark reviewed", r("Remark"))}},
        "/api/v1/members/{id}/thought-reports": {
            "get": {"tags": ["dossier"], "summary": "思想汇报, newest quarter first, with answers", "parameters": [id], "responses": ok("Reports", rows("ThoughtReport"))},
            "post": {"tags": ["dossier"], "summary": "Submit a 思想汇报 (the person only; audited)", "parameters": [id],
                "requestBody": body("NewThoughtReport"), "responses": created(r("ThoughtReport"))}},
        "/api/v1/members/{id}/thought-reports/{report}/answer": {"post": {"tags": ["dossier"], "summary": "Answer a 思想汇报 once (a 培养联系人 or RecordPipeline; audited)",
            "parameters": [id, sub("report")], "requestBody": body("Answer"), "responses": ok("Answered", json!({"type": "object"}))}},
    });
    let schemas = json!({
        "Document": {"type": "object", "properties": {"id": {"type": "integer"}, "filename": {"type": "string"}, "kind": {"type": "string"},
            "step": {"type": "string", "nullable": true}, "content_type": {"type": "string"}, "sha256": {"type": "string"}}},
        "Remark": {"type": "object", "properties": {"id": {"type": "integer"}, "kind": {"type": "string", "enum": ["thinking", "study_life", "rewards_penalties", "monthly"]},
            "period": {"type": "string", "nullable": true}, "body": {"type": "string"}, "verdict": {"type": "string", "nullable": true, "enum": ["agree", "comment"]},
            "review_comment": {"type": "string", "nullable": true}}},
        "ThoughtReport": {"type": "object", "properties": {"id": {"type": "integer"}, "quarter": {"type": "string", "example": "2025-Q3"},
            "body": {"type": "string", "nullable": true}, "document_id": {"type": "integer", "nullable": true}, "answer": {"type": "string", "nullable": true}}},
        "Dossier": {"type": "object", "properties": {"person_id": {"type": "integer"},
            "checklist": {"type": "array", "items": {"type": "object", "description": "One step: its required materials, each with its source and the documents on file (none: missing)"}},
            "documents": {"type": "array", "items": r("Document")}, "remarks": {"type": "array", "items": r("Remark")},
            "reports": {"type": "array", "items": r("ThoughtReport")}}},
        "NewRemark": {"type": "object", "required": ["kind", "body"], "properties": {"kind": {"type": "string", "enum": ["thinking", "study_life", "rewards_penalties", "monthly"]},
            "period": {"type": "string", "description": "YYYY-MM; required for monthly"}, "body": {"type": "string", "maxLength": 5000}}},
        "Review": {"type": "object", "required": ["verdict"], "properties": {"verdict": {"type": "string", "enum": ["agree", "comment"]},
            "comment": {"type": "string", "description": "Required with comment"}}},
        "NewThoughtReport": {"type": "object", "required": ["quarter"], "properties": {"quarter": {"type": "string", "example": "2025-Q3"},
            "body": {"type": "string"}, "document_id": {"type": "integer", "description": "A thought_report document uploaded first"}}},
        "Answer": {"type": "object", "required": ["answer"], "properties": {"answer": {"type": "string"}}},
    });
    for (target, add) in [
        ("paths", paths),
        ("components", json!({"schemas": schemas})),
    ] {
        merge(&mut doc[target], add);
    }
    if let Some(tags) = doc["tags"].as_array_mut() {
        tags.push(json!({"name": "dossier"}));
    }
}

/// Adds the keys of `add` into `into`, recursing into objects both have.
pub(super) fn merge(into: &mut Value, add: Value) {
    match (into.as_object_mut(), add) {
        (Some(map), Value::Object(add)) => {
            for (k, v) in add {
                match map.get_mut(&k) {
                    Some(existing) if existing.is_object() => merge(existing, v),
                    _ => {
                        map.insert(k, v);
                    }
                }
            }
        }
        (_, add) => *into = add,
    }
}
