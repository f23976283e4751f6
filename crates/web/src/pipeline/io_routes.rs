//! The routes of the pipeline's documents, export, import and bulk actions (pages and API),
//! merged into the main router in one line so that the shared router file stays small.

use axum::Router;
use axum::routing::{get, post};

use super::{bulk, bulk_page, export, forms, import_pages};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orgs/{id}/pipeline.xlsx", get(export::export_pipeline_xlsx))
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
        .route("/api/v1/orgs/{id}/pipeline", get(export::export_pipeline_api))
        .route("/api/v1/orgs/{id}/forms/{form}", get(forms::publicity_form))
        .route("/api/v1/members/{id}/forms/{form}", get(forms::person_form))
        .route("/api/v1/pipeline/import", post(import_pages::import_api))
        .route("/api/v1/pipeline/bulk", post(bulk::record_bulk_api))
}
