//! RedBranch's web layer: the router, middleware, handlers, templates and JSON API.
//!
//! Modules are named after the domain they serve (`orgs`, `members`, `import`, `audit`…), the
//! same names as in `redbranch-domain` and `redbranch-db`.

pub mod api;
pub mod appraisal;
pub mod assets;
pub mod audit;
pub mod auth;
pub mod clock;
pub mod coalesce;
pub mod courses;
pub mod discipline;
pub mod dossier;
pub mod elections;
pub mod error;
pub mod exams;
pub mod fmt;
pub mod health;
pub mod home;
pub mod import;
pub mod league;
pub mod lessons;
pub mod links;
pub mod mall;
pub mod matches;
pub mod meetings;
pub mod members;
pub mod notices;
pub mod orgs;
pub mod page;
pub mod pipeline;
pub mod points;
pub mod questions;
pub mod quiz;
pub mod render;
pub mod session;
pub mod settings;
pub mod state;
pub mod tasks;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::routing::{get, post};
use tower_http::trace::TraceLayer;

pub use state::{AppState, WebSettings};

/// The whole application: pages, API, assets and health checks.
pub fn router(state: AppState) -> Router {
    let limit = state.settings.max_upload_bytes;
    Router::new()
        .route("/", get(home::show_home))
        .route(
            "/login",
            get(auth::login::show_login).post(auth::login::submit_login),
        )
        .route(
            "/login/totp",
            get(auth::totp::show_totp).post(auth::totp::submit_totp),
        )
        .route("/logout", post(auth::logout::logout))
        .route("/logout/all", post(auth::logout::logout_everywhere))
        .route(
            "/password",
            get(auth::password_change::show_password).post(auth::password_change::submit_password),
        )
        .route("/me", get(auth::me::show_me))
        .route("/notifications/{id}/read", post(home::read_notification))
        .route("/me/totp", post(auth::totp::enable_totp))
        .route("/me/locale", post(auth::me::set_locale))
        .route(
            "/import",
            get(import::show_import_form).post(import::upload_roster),
        )
        .route("/import/template.xlsx", get(import::download_template))
        .route("/import/{id}", get(import::show_import))
        .route("/import/{id}/commit", post(import::commit_import))
        .route("/import/{id}/progress", get(import::import_progress))
        .route("/audit", get(audit::list_audit))
        .route(
            "/settings",
            get(settings::show_settings).post(settings::save_settings),
        )
        .route("/orgs", get(orgs::show_tree))
        .route("/orgs/{id}", get(orgs::show_org))
        .route(
            "/orgs/{id}/children",
            get(orgs::list_children).post(orgs::create_org),
        )
        .route("/orgs/{id}/rename", post(orgs::rename_org))
        .route("/orgs/{id}/move", post(orgs::move_org))
        .route("/orgs/{id}/positions", post(orgs::appoint_position))
        .route("/members", get(members::list_members))
        .route("/members/export.xlsx", get(members::export_members))
        .route("/members/{id}", get(members::show_member))
        .route("/members/{id}/reveal-id", post(members::reveal_id_card))
        .route("/pipeline", get(pipeline::board::show_board))
        .route(
            "/members/{id}/league",
            get(league::show_league::show_league_page)
                .post(league::show_league::submit_league_step),
        )
        .route(
            "/members/{id}/pipeline",
            get(pipeline::show_pipeline_page).post(pipeline::submit_step),
        )
        .merge(dossier::routes())
        .merge(league::routes())
        .merge(discipline::routes())
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
        .nest("/api/v1", api::routes())
        .merge(pipeline::io_routes::routes())
        .route("/api/openapi.json", get(api::openapi::openapi_json))
        .route("/assets/{name}", get(assets::serve))
        .merge(health::routes())
        .layer(middleware::from_fn_with_state(
            state.clone(),
            session::context,
        ))
        .layer(DefaultBodyLimit::max(limit))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
