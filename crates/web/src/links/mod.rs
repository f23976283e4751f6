//! Linkage on the web side: the school's links out (学习强国, 智慧团建, 青年大学习…), managed by
//! school-level administrators and shown on the learning hub to everyone, and the import of
//! study results from those platforms' Excel exports (`import`).

mod import;
mod manage;

pub use import::{ImportSummary, import_results};
pub use manage::{LinkInput, add_link, remove_link};

use redbranch_domain::authz::{Forbidden, Permission};

use crate::error::{AppError, AppResult};
use crate::session::CurrentUser;
use crate::state::AppState;

/// Links belong to the whole school: `ManageSettings` must be held on the top of a tree.
pub async fn ensure_school_level(st: &AppState, u: &CurrentUser) -> AppResult<()> {
    let roots = redbranch_db::org::roots(&st.db.conn, u.tenant).await?;
    if roots
        .iter()
        .any(|r| u.grants.allows(Permission::ManageSettings, &r.org_path()))
    {
        Ok(())
    } else {
        Err(AppError::Forbidden(Forbidden(Permission::ManageSettings)))
    }
}

/// The pages and form posts of linkage (merged into the main router).
pub fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route(
            "/learn/links",
            get(manage::show_links).post(manage::add_link_form),
        )
        .route("/learn/links/{id}/delete", post(manage::remove_link_form))
        .route(
            "/learn/import",
            get(import::show_import).post(import::import_form),
        )
}
