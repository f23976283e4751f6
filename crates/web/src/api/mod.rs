//! The JSON API under `/api/v1`: the same operations as the pages, for scripts and other systems.
//!
//! Authentication is a `Bearer rb_…` token or the session cookie (the request-context middleware
//! resolves both); errors are plain [`AppError`](crate::error::AppError)s, which the middleware
//! renders as `{"error": {"code", "message", "fields"}}` for `/api` paths. The permission checks
//! are the same visible `ensure` calls as in the page handlers.

mod appraisal;
mod courses;
mod dossier;
mod elections;
mod exams;
mod league;
mod lessons;
mod links;
mod mall;
mod matches;
mod me;
mod meetings;
mod meetings_openapi;
mod members;
mod notices;
pub mod openapi;
mod orgs;
mod pipeline;
mod questions;
pub(crate) use questions::xlsx_response;
mod points;
mod quiz;
mod quiz_openapi;
mod tasks;
mod tasks_notices_openapi;
mod tokens;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

/// The `/api/v1` routes (nested by the main router).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/me", get(me::show_me))
        .route("/orgs", get(orgs::list_orgs))
        .route("/orgs/{id}", get(orgs::show_org))
        .route(
            "/orgs/{id}/children",
            get(orgs::list_children).post(orgs::create_org),
        )
        .route(
            "/orgs/{id}/pipeline/board",
            get(crate::pipeline::board::board_json),
        )
        .route("/members", get(members::list_members))
        .route("/members/{id}", get(members::show_member))
        .route(
            "/members/{id}/pipeline",
            get(pipeline::show_pipeline).post(pipeline::record_step),
        )
        .route("/tokens", post(tokens::create_token))
        .route(
            "/members/{id}/league",
            get(league::show_league).post(league::record_league_step),
        )
        .route(
            "/orgs/{id}/recommendations",
            get(league::list_recommendations).post(league::create_recommendations),
        )
        .route(
            "/recommendations/{id}/decision",
            post(league::decide_recommendation),
        )
        .merge(dossier::routes())
        .merge(questions::routes())
        .merge(quiz::routes())
        .merge(matches::routes())
        .merge(exams::routes())
        .merge(meetings::routes())
        .merge(elections::routes())
        .merge(appraisal::routes())
        .merge(courses::routes())
        .merge(links::routes())
        .merge(points::routes())
        .merge(mall::routes())
        .merge(lessons::routes())
        .merge(tasks::routes())
        .merge(notices::routes())
}

/// A JSON request body; a malformed one is a 400 in the API's own error format (the `Json`
/// extractor would answer in plain text).
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(
    body: &[u8],
) -> Result<T, crate::error::AppError> {
    serde_json::from_slice(body).map_err(|_| crate::error::AppError::BadRequest("bad_json"))
}
