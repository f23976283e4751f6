//! The second factor for administrators: TOTP (RFC 6238), as any authenticator app does it.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use redbranch_db::TransactionTrait;
use redbranch_db::auth as dbauth;
use serde::Deserialize;
use totp_rs::{Algorithm, Secret, TOTP};

use crate::error::{AppError, AppResult};
use crate::page::{Ctx, Page, render};
use crate::session::{CurrentUser, SignedInPartly, redirect_with_flash};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "login_totp.html")]
struct TotpPage {
    page: Page,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "totp_setup.html")]
struct TotpSetupPage {
    page: Page,
    secret: String,
    url: String,
    error: Option<String>,
}

fn totp_for(secret: Vec<u8>, account: &str) -> AppResult<TOTP> {
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        30,
        secret,
        Some("RedBranch".into()),
        account.to_string(),
    )
    .map_err(|e| AppError::Internal(anyhow::anyhow!("totp: {e:?}")))
}

async fn stored_secret(st: &AppState, u: &CurrentUser) -> AppResult<Option<Vec<u8>>> {
    let user = dbauth::user(&st.db.conn, u.user_id).await?;
    let Some(sealed) = user.totp_secret_cipher else {
        return Ok(None);
    };
    let b32 = st.crypto.open(&sealed)?;
    Ok(Secret::Encoded(b32).to_bytes().ok())
}

/// The code form, or (first time) the enrolment page with a fresh secret.
pub async fn show_totp(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedInPartly(u): SignedInPartly,
) -> AppResult<Response> {
    if u.mfa_passed {
        return Ok(Redirect::to("/").into_response());
    }
    if u.totp_enabled {
        return render(&TotpPage {
            page: ctx.page("auth.totp_title"),
            error: None,
        });
    }
    setup_page(&st, &ctx, &u, None).await
}

async fn setup_page(
    st: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    error: Option<String>,
) -> AppResult<Response> {
    let secret = match stored_secret(st, u).await? {
        Some(s) => s,
        None => {
            let s = Secret::generate_secret();
            let b32 = s.to_encoded().to_string();
            dbauth::set_totp(&st.db.conn, u.user_id, Some(st.crypto.seal(&b32)?), false).await?;
            s.to_bytes()
                .map_err(|e| AppError::Internal(anyhow::anyhow!("totp secret: {e:?}")))?
        }
    };
    let totp = totp_for(secret, &u.login)?;
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let mut res = render(&TotpSetupPage {
        page: ctx.page("auth.totp_setup_title"),
        secret: totp.get_secret_base32(),
        url: totp.get_url(),
        error,
    })?;
    *res.status_mut() = status;
    Ok(res)
}

#[derive(Deserialize)]
pub struct CodeForm {
    code: String,
}

fn code_ok(totp: &TOTP, code: &str) -> bool {
    let code = redbranch_domain::text::compact(code);
    totp.check_current(&code).unwrap_or(false)
}

pub async fn submit_totp(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedInPartly(u): SignedInPartly,
    Form(f): Form<CodeForm>,
) -> AppResult<Response> {
    let Some(secret) = stored_secret(&st, &u).await?.filter(|_| u.totp_enabled) else {
        return Ok(Redirect::to("/login/totp").into_response());
    };
    if !code_ok(&totp_for(secret, &u.login)?, &f.code) {
        dbauth::record_attempt(&st.db.conn, u.tenant, &u.login, &u.ip, false).await?;
        let mut res = render(&TotpPage {
            page: ctx.page("auth.totp_title"),
            error: Some(ctx.t("auth.totp_wrong").into()),
        })?;
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(res);
    }
    let sid = u.session_id.ok_or(AppError::Unauthenticated)?;
    dbauth::pass_mfa(&st.db.conn, sid).await?;
    Ok(Redirect::to("/").into_response())
}

/// Confirms enrolment with a first code; from then on the second factor is required.
pub async fn enable_totp(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedInPartly(u): SignedInPartly,
    Form(f): Form<CodeForm>,
) -> AppResult<Response> {
    let Some(secret) = stored_secret(&st, &u).await? else {
        return Ok(Redirect::to("/login/totp").into_response());
    };
    if !code_ok(&totp_for(secret, &u.login)?, &f.code) {
        return setup_page(&st, &ctx, &u, Some(ctx.t("auth.totp_wrong").into())).await;
    }
    let txn = st.db.conn.begin().await?;
    let user = dbauth::user(&txn, u.user_id).await?;
    dbauth::set_totp(&txn, u.user_id, user.totp_secret_cipher, true).await?;
    if let Some(sid) = u.session_id {
        dbauth::pass_mfa(&txn, sid).await?;
    }
    redbranch_db::audit::append(
        &txn,
        u.tenant,
        crate::audit::entry(&u, "enable_totp", "user", u.user_id.0, None, None, None),
    )
    .await?;
    txn.commit().await?;
    Ok(redirect_with_flash(
        "/",
        "ok",
        "auth.totp_enabled",
        st.settings.cookie_secure,
    ))
}
