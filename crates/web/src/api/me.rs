//! `GET /api/v1/me`: who the token or session belongs to, and their roles.

use axum::Json;
use axum::extract::State;
use redbranch_db::auth as dbauth;
use serde_json::{Value, json};

use crate::error::AppResult;
use crate::session::SignedIn;
use crate::state::AppState;

pub async fn show_me(State(st): State<AppState>, SignedIn(u): SignedIn) -> AppResult<Json<Value>> {
    let roles: Vec<Value> = dbauth::grant_views(&st.db.conn, u.user_id)
        .await?
        .into_iter()
        .map(|g| json!({"role": g.role, "org_id": g.org_id, "org_name": g.org_name}))
        .collect();
    Ok(Json(json!({
        "login": u.login,
        "name": u.display_name,
        "school": u.tenant_name,
        "person_id": u.person_id,
        "roles": roles,
    })))
}
