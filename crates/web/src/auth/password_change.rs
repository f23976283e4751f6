//! Changing one's password: forced after an initial password or on expiry (等保 mode).

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::{Extension, Form};
use redbranch_db::TransactionTrait;
use redbranch_db::auth as dbauth;
use serde::Deserialize;

use super::password;
use crate::error::{AppError, AppResult};
use crate::page::{Ctx, Page, render};
use crate::session::{ClientIp, SignedInPartly, establish, redirect_with_flash};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    page: Page,
    forced: bool,
    errors: Vec<(String, String)>,
}

pub async fn show_password(ctx: Ctx, SignedInPartly(u): SignedInPartly) -> AppResult<Response> {
    let mut page = ctx.page("auth.password_title");
    page.back = Some("/me".into());
    render(&PasswordPage {
        page,
        forced: u.must_change_password || u.password_expired,
        errors: vec![],
    })
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current_password: String,
    new_password: String,
    confirm_password: String,
}

pub async fn submit_password(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedInPartly(u): SignedInPartly,
    Extension(ClientIp(ip)): Extension<ClientIp>,
    headers: HeaderMap,
    Form(f): Form<PasswordForm>,
) -> AppResult<Response> {
    let user = dbauth::user(&st.db.conn, u.user_id).await?;
    let mut errors = Vec::new();
    if !password::verify(&f.current_password, &user.password_hash) {
        errors.push((
            "current_password".to_string(),
            ctx.t("auth.current_password_wrong").to_string(),
        ));
    }
    if let Err(e) = st
        .settings
        .security
        .check_password(&user.login, &f.new_password)
    {
        errors.push((
            "new_password".to_string(),
            crate::render::field_message(ctx.locale, &e),
        ));
    } else if f.new_password == f.current_password {
        errors.push((
            "new_password".to_string(),
            ctx.t("auth.password_same").to_string(),
        ));
    }
    if f.new_password != f.confirm_password {
        errors.push((
            "confirm_password".to_string(),
            ctx.t("auth.password_mismatch").to_string(),
        ));
    }
    if !errors.is_empty() {
        let mut res = render(&PasswordPage {
            page: ctx.page("auth.password_title"),
            forced: u.must_change_password || u.password_expired,
            errors,
        })?;
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(res);
    }
    let hash = password::hash(&f.new_password).map_err(|e| AppError::Internal(e.into()))?;
    let txn = st.db.conn.begin().await?;
    redbranch_db::audit::append(
        &txn,
        u.tenant,
        crate::audit::entry(&u, "password_change", "user", u.user_id.0, None, None, None),
    )
    .await?;
    dbauth::set_password(&txn, u.user_id, hash, false).await?;
    // A changed password ends every other session: whoever knew the old one is out.
    dbauth::end_all_sessions(&txn, u.user_id).await?;
    txn.commit().await?;
    let ua = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let cookie = establish(&st, u.user_id, u.mfa_passed, &ip, ua).await?;
    let to = if u.mfa_passed { "/" } else { "/login/totp" };
    let mut res = redirect_with_flash(to, "ok", "auth.password_changed", st.settings.cookie_secure);
    res.headers_mut().append(header::SET_COOKIE, cookie);
    Ok(res)
}
