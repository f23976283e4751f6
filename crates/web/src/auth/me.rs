//! "我的": who I am, my roles, my sessions, security settings, language.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::response::Response;
use redbranch_db::auth::{self as dbauth, GrantView};
use serde::Deserialize;

use crate::error::AppResult;
use crate::page::{Ctx, Page, render};
use crate::session::{SignedIn, redirect_with_flash};
use crate::state::AppState;

pub struct SessionRow {
    pub started: String,
    pub last_seen: String,
    pub ip: String,
    pub device: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "me.html")]
struct MePage {
    page: Page,
    login: String,
    display_name: String,
    person_id: Option<i64>,
    grants: Vec<GrantView>,
    sessions: Vec<SessionRow>,
    totp_enabled: bool,
}

pub async fn show_me(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
) -> AppResult<Response> {
    let grants = dbauth::grant_views(&st.db.conn, u.user_id).await?;
    let sessions = dbauth::sessions_of(&st.db.conn, u.user_id)
        .await?
        .into_iter()
        .map(|s| SessionRow {
            started: crate::fmt::beijing(s.created_at, "%Y-%m-%d %H:%M"),
            last_seen: crate::fmt::beijing(s.last_seen_at, "%Y-%m-%d %H:%M"),
            ip: s.ip.unwrap_or_default(),
            device: s.user_agent.unwrap_or_default().chars().take(60).collect(),
            current: Some(s.id) == u.session_id,
        })
        .collect();
    render(&MePage {
        page: ctx.page("nav.me"),
        login: u.login.clone(),
        display_name: u.display_name.clone(),
        person_id: u.person_id,
        grants,
        sessions,
        totp_enabled: u.totp_enabled,
    })
}

#[derive(Deserialize)]
pub struct LocaleForm {
    locale: String,
}

pub async fn set_locale(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Form(f): Form<LocaleForm>,
) -> AppResult<Response> {
    if let Some(l) = redbranch_i18n::Locale::from_code(&f.locale) {
        dbauth::set_locale(&st.db.conn, u.user_id, l.code()).await?;
    }
    let mut res = redirect_with_flash("/me", "ok", "common_extra.saved", st.settings.cookie_secure);
    res.headers_mut().append(
        axum::http::header::SET_COOKIE,
        crate::session::set_cookie(
            crate::session::LANG_COOKIE,
            &f.locale,
            Some(365 * 86400),
            st.settings.cookie_secure,
        ),
    );
    Ok(res)
}
