//! Notices in the JSON API: the same checks and writes as the pages (`crate::notices`). Opening a
//! notice (`GET /notices/{id}`) as a recipient records the read receipt, as on the page.

use axum::body::Bytes;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::parse_json;
use crate::error::AppResult;
use crate::notices::{self, notice_for};
use crate::session::SignedIn;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/notices", get(list_notices).post(publish))
        .route("/notices/{id}", get(show_notice))
        .route("/notices/{id}/receipts", get(receipts))
        .route("/notices/{id}/remind", post(remind))
        .route(
            "/notices/{id}/files/{file}",
            get(notices::download_notice_file),
        )
        .route("/me/email", post(set_email))
}

async fn list_notices(State(st): State<AppState>, SignedIn(u): SignedIn) -> AppResult<Json<Value>> {
    let (inbox, published) = notices::list_notices::lines(&st, &u).await?;
    Ok(Json(json!({"inbox": inbox, "published": published})))
}

/// Multipart: `org_id`, `title`, `body`, `targets` (repeated, or comma-separated), `roles`
/// (likewise), `pinned`, `file`.
async fn publish(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    form: Multipart,
) -> AppResult<(StatusCode, Json<Value>)> {
    let (n, _) = notices::publish::publish_from(&st, &u, form).await;
    let n = n?;
    let (read, total) = redbranch_db::notices::counts(&st.db.conn, &[n.id])
        .await?
        .get(&n.id)
        .copied()
        .unwrap_or((0, 0));
    Ok((
        StatusCode::CREATED,
        Json(
            json!({"id": n.id, "title": n.title, "pinned": n.pinned, "read": read, "recipients": total}),
        ),
    ))
}

async fn show_notice(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Json<Value>> {
    let (n, _, access) = notice_for(&st, &u, &raw).await?;
    Ok(Json(json!(
        notices::load_notice(&st, &u, (n, &access)).await?
    )))
}

/// Who has and has not read (the publishing tier only).
async fn receipts(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Json<Value>> {
    let (n, path, _) = notice_for(&st, &u, &raw).await?;
    u.grants
        .ensure(redbranch_domain::authz::Permission::PublishNotices, &path)?;
    let rows = redbranch_db::notices::receipts(&st.db.conn, n.id).await?;
    let read = rows.iter().filter(|r| r.read_at.is_some()).count();
    Ok(Json(
        json!({"read": read, "total": rows.len(), "rows": rows}),
    ))
}

async fn remind(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Json<Value>> {
    let (n, path, _) = notice_for(&st, &u, &raw).await?;
    let reminded = notices::remind(&st, &u, (&n, &path)).await?;
    Ok(Json(json!({"id": n.id, "reminded": reminded})))
}

#[derive(Debug, Default, Deserialize)]
struct EmailInput {
    #[serde(default)]
    email: String,
}

async fn set_email(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    body: Bytes,
) -> AppResult<Json<Value>> {
    let input: EmailInput = parse_json(&body)?;
    let email = notices::email::set_email(&st, &u, &input.email).await?;
    Ok(Json(json!({"email": email})))
}
