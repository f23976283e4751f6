//! `POST /api/v1/tokens`: trades a login, a password (and, where one is required or enrolled, a
//! TOTP code) for an API token valid 30 days. The same throttling and lockout as the sign-in page
//! apply, counted in the database.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use chrono::{Duration, Utc};
use redbranch_db::TransactionTrait;
use redbranch_db::auth::{self as dbauth, UserId};
use redbranch_db::tenants::TenantId;
use redbranch_domain::error::FieldError;
use serde::Deserialize;
use serde_json::{Value, json};
use totp_rs::{Algorithm, Secret, TOTP};

use super::parse_json;
use crate::auth::password;
use crate::error::{AppError, AppResult};
use crate::session::ClientIp;
use crate::state::AppState;

/// How long an API token lives.
const VALID_DAYS: i64 = 30;

#[derive(Debug, Deserialize)]
pub struct TokenRequest {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    school: Option<String>,
    /// What the token is for ("教务系统同步"), shown in the token list and the audit log.
    #[serde(default)]
    name: String,
    #[serde(default)]
    totp: Option<String>,
}

fn totp_ok(st: &AppState, user: &dbauth::User, code: &str) -> AppResult<bool> {
    let Some(sealed) = &user.totp_secret_cipher else {
        return Ok(false);
    };
    let b32 = st.crypto.open(sealed)?;
    let Ok(secret) = Secret::Encoded(b32).to_bytes() else {
        return Ok(false);
    };
    let totp = TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        30,
        secret,
        Some("RedBranch".into()),
        user.login.clone(),
    )
    .map_err(|e| AppError::Internal(anyhow::anyhow!("totp: {e:?}")))?;
    Ok(totp
        .check_current(&redbranch_domain::text::compact(code))
        .unwrap_or(false))
}

pub async fn create_token(
    State(st): State<AppState>,
    Extension(ClientIp(ip)): Extension<ClientIp>,
    body: Bytes,
) -> AppResult<(StatusCode, Json<Value>)> {
    let b: TokenRequest = parse_json(&body)?;
    let name = redbranch_domain::text::normalise(&b.name);
    if name.is_empty() || name.chars().count() > 60 {
        let code = if name.is_empty() {
            "error.required"
        } else {
            "error.text_too_long"
        };
        return Err(FieldError::new("field.token_name", code)
            .with("max", 60)
            .into());
    }
    let policy = &st.settings.security;
    let now = Utc::now();
    let tenant = crate::auth::login::resolve_school(&st, b.school.as_deref())
        .await?
        .ok_or(AppError::BadRequest("unknown_school"))?;
    let tid = TenantId(tenant.id);
    let window_start = now - policy.lockout_window();
    if dbauth::recent_failures_from_ip(&st.db.conn, &ip, window_start).await?
        >= u64::from(policy.max_attempts_per_ip)
    {
        return Err(AppError::TooManyRequests);
    }
    // Logins are stored as typed at account creation; 学号 are upper-case (StudentNo::parse).
    let login = redbranch_domain::text::compact(&b.login).to_ascii_uppercase();
    let user = match dbauth::user_by_login(&st.db.conn, tid, &login).await? {
        Some(u) => Some(u),
        None => dbauth::user_by_login(&st.db.conn, tid, b.login.trim()).await?,
    };
    let Some(user) = user.filter(|u| !u.disabled) else {
        password::verify_dummy(&b.password);
        dbauth::record_attempt(&st.db.conn, tid, &login, &ip, false).await?;
        return Err(AppError::BadCredentials);
    };
    if user.locked_until.is_some_and(|t| t > now) {
        dbauth::record_attempt(&st.db.conn, tid, &user.login, &ip, false).await?;
        return Err(AppError::TooManyRequests);
    }
    if !password::verify(&b.password, &user.password_hash) {
        dbauth::record_attempt(&st.db.conn, tid, &user.login, &ip, false).await?;
        let failures = u32::try_from(
            dbauth::recent_failures(&st.db.conn, tid, &user.login, window_start).await?,
        )
        .unwrap_or(u32::MAX);
        if policy.locks_after(failures) {
            dbauth::note_failure(
                &st.db.conn,
                UserId(user.id),
                i32::try_from(failures).unwrap_or(i32::MAX),
                Some(now + policy.lockout()),
            )
            .await?;
        }
        return Err(AppError::BadCredentials);
    }
    if user.must_change_password || policy.password_expired(user.password_changed_at, now) {
        return Err(AppError::BadRequest("password_change_required"));
    }
    // A token must not be a way round the second factor: administrators where the policy requires
    // it, and anyone who has enrolled, present a current code.
    let grants = dbauth::grants(&st.db.conn, UserId(user.id)).await?;
    if (policy.admin_totp_required && grants.is_administrator()) || user.totp_enabled {
        if !user.totp_enabled {
            return Err(AppError::BadRequest("totp_not_enrolled"));
        }
        let Some(code) = b.totp.as_deref().filter(|c| !c.trim().is_empty()) else {
            return Err(AppError::BadRequest("totp_required"));
        };
        if !totp_ok(&st, &user, code)? {
            dbauth::record_attempt(&st.db.conn, tid, &user.login, &ip, false).await?;
            return Err(AppError::BadCredentials);
        }
    }
    dbauth::clear_failures(&st.db.conn, UserId(user.id)).await?;
    dbauth::record_attempt(&st.db.conn, tid, &user.login, &ip, true).await?;

    let txn = st.db.conn.begin().await?;
    let token =
        dbauth::create_api_token(&txn, UserId(user.id), &name, Duration::days(VALID_DAYS)).await?;
    let expires_at = now + Duration::days(VALID_DAYS);
    let entry = redbranch_db::audit::Entry {
        actor_user_id: Some(user.id),
        actor_login: user.login.clone(),
        ip: ip.clone(),
        action: "create".into(),
        entity: "api_token".into(),
        entity_id: Some(user.id.to_string()),
        org_path: None,
        before: None,
        after: Some(json!({"name": name, "expires_at": expires_at})),
    };
    redbranch_db::audit::append(&txn, tid, entry).await?;
    txn.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"token": token, "token_type": "Bearer", "expires_at": expires_at})),
    ))
}
