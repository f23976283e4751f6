//! Signing out of this device, or of every device at once.

use axum::extract::State;
use axum::response::Response;
use redbranch_db::TransactionTrait;
use redbranch_db::auth as dbauth;

use crate::error::AppResult;
use crate::session::{SESSION_COOKIE, SignedInPartly, redirect_with_flash, set_cookie};
use crate::state::AppState;

pub async fn logout(
    State(st): State<AppState>,
    SignedInPartly(u): SignedInPartly,
) -> AppResult<Response> {
    if let Some(id) = u.session_id {
        dbauth::end_session(&st.db.conn, id).await?;
    }
    let mut res = redirect_with_flash("/login", "ok", "auth.signed_out", st.settings.cookie_secure);
    res.headers_mut().append(
        axum::http::header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, "", Some(0), st.settings.cookie_secure),
    );
    Ok(res)
}

/// Ends every session and API token of the user (a lost phone, a shared computer).
pub async fn logout_everywhere(
    State(st): State<AppState>,
    SignedInPartly(u): SignedInPartly,
) -> AppResult<Response> {
    let txn = st.db.conn.begin().await?;
    redbranch_db::audit::append(
        &txn,
        u.tenant,
        crate::audit::entry(&u, "logout_all", "user", u.user_id.0, None, None, None),
    )
    .await?;
    dbauth::end_all_sessions(&txn, u.user_id).await?;
    txn.commit().await?;
    let mut res = redirect_with_flash(
        "/login",
        "ok",
        "auth.signed_out_everywhere",
        st.settings.cookie_secure,
    );
    res.headers_mut().append(
        axum::http::header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, "", Some(0), st.settings.cookie_secure),
    );
    Ok(res)
}
