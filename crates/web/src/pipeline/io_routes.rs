//! The routes of the pipeline's documents, export, import and bulk actions (pages and API),
//! merged into the main router in one line so that the shared router file stays small.

use axum::Router;
use axum::routing::{get, post};

use super::{bulk, bulk_page, export, forms, import_pages};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/orgs/{id}/pipeline.xlsx",
            get(export::export_pipeline_xlsx),
        )
        .route(
            "/orgs/{id}/pipeline/bulk",
            get(bulk_page::show_bulk).post(bulk_page::submit_bulk),
        )
        .route("/orgs/{id}/forms/{form}", get(forms::publicity_form))
        .route("/members/{id}/forms/{form}", get(forms::person_form))
        .route(
            "/pipeline/import",
            get(import_pages::show_import_form).post(import_pages::upload_import),
        )
        .route(
            "/pipeline/import/template.xlsx",
            get(import_pages::download_template),
        )
        .route("/pipeline/import/{id}", get(import_pages::show_import))
        .route(
            "/pipeline/import/{id}/commit",
            post(import_pages::commit_import),
        )
        .route(
            "/api/v1/orgs/{id}/pipeline",
            get(export::export_pipeline_api),
        )
        .route("/api/v1/orgs/{id}/forms/{form}", get(forms::publicity_form))
        .route("/api/v1/members/{id}/forms/{form}", get(forms::person_form))
        .route("/api/v1/pipeline/import", post(import_pages::import_api))
        .route("/api/v1/pipeline/bulk", post(bulk::record_bulk_api))
}

/// The API routes above in the OpenAPI document (added to `api::openapi::document`).
pub fn document_paths(doc: &mut serde_json::Value) {
    use serde_json::json;
    let err = json!({"$ref": "#/components/schemas/Error"});
    let errors = json!({
        "401": {"description": "Not signed in"},
        "403": {"description": "Without the permission on this org or person", "content": {"application/json": {"schema": err}}},
        "404": {"description": "No such record in this school", "content": {"application/json": {"schema": err}}},
        "422": {"description": "Invalid fields, or refused (see the body)", "content": {"application/json": {"schema": err}}},
    });
    let id = json!({"name": "id", "in": "path", "required": true, "schema": {"type": "integer", "format": "int64", "minimum": 1}});
    let with = |ok: serde_json::Value| {
        let mut r = errors.clone();
        if let (Some(m), Some(ok)) = (r.as_object_mut(), ok.as_object()) {
            m.extend(ok.clone());
        }
        r
    };
    let docx = json!({"200": {"description": "The form", "content": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document": {"schema": {"type": "string", "format": "binary"}}}}});
    let report = json!({"type": "object", "properties": {
        "rows": {"type": "integer"}, "steps": {"type": "integer"},
        "issues": {"type": "array", "items": {"type": "object"}, "description": "Problems to fix: sheet, row, column, message"},
        "violations": {"type": "array", "items": {"type": "object"}, "description": "Past violations of a rule, by row and step, with the citation"},
        "flags": {"type": "array", "items": {"type": "object"}, "description": "Flagged, not refused: a candidate leaving (预计离校时间) within 3 months of the 支部大会 (细则 第十九条)"},
        "committed": {"type": "integer", "nullable": true}, "error": {"type": "string", "nullable": true}}});
    let paths = json!({
        "/api/v1/orgs/{id}/pipeline": {"get": {"tags": ["pipeline"],
            "summary": "Everyone in the org's subtree who is in the pipeline, in the columns of the Excel export (ExportMembers; audited). The same as /orgs/{id}/pipeline.xlsx",
            "parameters": [id],
            "responses": with(json!({"200": {"description": "Columns and rows", "content": {"application/json": {"schema": {"type": "object", "properties": {
                "org_id": {"type": "integer"}, "columns": {"type": "array", "items": {"type": "string"}},
                "rows": {"type": "array", "items": {"type": "array", "items": {"type": "string"}}}}}}}}}))}},
        "/api/v1/members/{id}/forms/{form}": {"get": {"tags": ["pipeline"],
            "summary": "A printable form filled from the person's record: activist.docx or admission.docx (ViewMembers)",
            "parameters": [id, {"name": "form", "in": "path", "required": true, "schema": {"type": "string", "enum": ["activist.docx", "admission.docx"]}}],
            "responses": with(docx.clone())}},
        "/api/v1/orgs/{id}/forms/{form}": {"get": {"tags": ["pipeline"],
            "summary": "The 发展对象公示 (publicity.docx) for people of the org's subtree (ViewMembers)",
            "parameters": [id, {"name": "form", "in": "path", "required": true, "schema": {"type": "string", "enum": ["publicity.docx"]}},
                {"name": "people", "in": "query", "required": true, "schema": {"type": "string"}, "description": "Person ids, comma-separated"},
                {"name": "from", "in": "query", "required": true, "schema": {"type": "string", "format": "date"}},
                {"name": "to", "in": "query", "required": true, "schema": {"type": "string", "format": "date"}},
                {"name": "contact", "in": "query", "required": false, "schema": {"type": "string"}}],
            "responses": with(docx)}},
        "/api/v1/pipeline/import": {"post": {"tags": ["pipeline"],
            "summary": "Check (and with commit=true record, all or nothing) a file of people already mid-way, replayed through the rules (RecordPipeline; violations need OverridePipelineRule and override_reason; audited)",
            "parameters": [
                {"name": "commit", "in": "query", "required": false, "schema": {"type": "string", "enum": ["true"]}},
                {"name": "override_reason", "in": "query", "required": false, "schema": {"type": "string", "maxLength": 500}},
                {"name": "file_name", "in": "query", "required": false, "schema": {"type": "string"}}],
            "requestBody": {"required": true, "content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"schema": {"type": "string", "format": "binary"}}}},
            "responses": with(json!({
                "200": {"description": "The preview", "content": {"application/json": {"schema": report.clone()}}},
                "201": {"description": "Committed", "content": {"application/json": {"schema": report}}}}))}},
        "/api/v1/pipeline/bulk": {"post": {"tags": ["pipeline"],
            "summary": "Record one step for many people in one transaction: everyone or nobody; a refusal lists every refused person with the rule (RecordPipeline; audited per person)",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"allOf": [
                {"$ref": "#/components/schemas/RecordStep"},
                {"type": "object", "required": ["person_ids"], "properties": {"person_ids": {"type": "array", "items": {"type": "integer"}, "maxItems": 500}}}]}}}},
            "responses": with(json!({"201": {"description": "Recorded for everyone", "content": {"application/json": {"schema": {"type": "object", "properties": {"step": {"type": "string"}, "recorded": {"type": "integer"}}}}}}}))}},
    });
    if let (Some(all), Some(ours)) = (doc["paths"].as_object_mut(), paths.as_object()) {
        all.extend(ours.clone());
    }
}
