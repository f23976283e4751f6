//! The sign-in page and its form: 学号/工号 + password, with throttling and lockout counted in
//! the database so they hold across nodes.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use chrono::Utc;
use redbranch_db::auth::{self as dbauth, UserId};
use redbranch_db::tenants::{self, TenantId};
use serde::Deserialize;

use super::{password, safe_next};
use crate::error::{AppError, AppResult};
use crate::page::{Ctx, Page, render};
use crate::session::{ClientIp, establish};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    page: Page,
    login: String,
    error: Option<String>,
    schools: Vec<(String, String)>,
    next: String,
}

#[derive(Deserialize)]
pub struct NextQuery {
    #[serde(default)]
    next: String,
}

async fn schools(st: &AppState) -> AppResult<Vec<(String, String)>> {
    Ok(tenants::list(&st.db.conn)
        .await?
        .into_iter()
        .map(|t| (t.code, t.name))
        .collect())
}

pub async fn show_login(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<NextQuery>,
) -> AppResult<Response> {
    if ctx.user.is_some() {
        return Ok(Redirect::to(safe_next(&q.next)).into_response());
    }
    render(&LoginPage {
        page: ctx.page("auth.login_title"),
        login: String::new(),
        error: None,
        schools: schools(&st).await?,
        next: q.next,
    })
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    school: String,
    login: String,
    password: String,
    #[serde(default)]
    next: String,
}

/// The school a sign-in is for: the one named, else the configured default, else the only one.
/// With several schools and none named, there is no guessing.
pub async fn resolve_school(
    st: &AppState,
    named: Option<&str>,
) -> AppResult<Option<tenants::Tenant>> {
    if let Some(code) = named.map(str::trim).filter(|s| !s.is_empty()) {
        return Ok(tenants::by_code(&st.db.conn, code).await?);
    }
    if let Some(t) = tenants::by_code(&st.db.conn, &st.settings.default_tenant).await? {
        return Ok(Some(t));
    }
    let all = tenants::list(&st.db.conn).await?;
    Ok(if all.len() == 1 {
        all.into_iter().next()
    } else {
        None
    })
}

enum Outcome {
    Refused(String),
    SignedIn {
        user: UserId,
        needs_mfa: bool,
        must_change: bool,
    },
}

async fn check(st: &AppState, ctx: &Ctx, ip: &str, f: &LoginForm) -> AppResult<Outcome> {
    let policy = &st.settings.security;
    let now = Utc::now();
    let login = redbranch_domain::text::compact(&f.login).to_ascii_uppercase();
    let Some(tenant) = resolve_school(st, Some(&f.school)).await? else {
        return Ok(Outcome::Refused(ctx.t("auth.no_school").into()));
    };
    let tid = TenantId(tenant.id);
    let window_start = now - policy.lockout_window();
    if dbauth::recent_failures_from_ip(&st.db.conn, ip, window_start).await?
        >= u64::from(policy.max_attempts_per_ip)
    {
        return Err(AppError::TooManyRequests);
    }
    // Logins are stored as typed at account creation; 学号 are upper-case (StudentNo::parse).
    let user = match dbauth::user_by_login(&st.db.conn, tid, &login).await? {
        Some(u) => Some(u),
        None => dbauth::user_by_login(&st.db.conn, tid, f.login.trim()).await?,
    };
    let Some(user) = user.filter(|u| !u.disabled) else {
        password::verify_dummy(&f.password);
        dbauth::record_attempt(&st.db.conn, tid, &login, ip, false).await?;
        return Ok(Outcome::Refused(ctx.t("auth.bad_credentials").into()));
    };
    if let Some(until) = user.locked_until.filter(|u| *u > now) {
        dbauth::record_attempt(&st.db.conn, tid, &user.login, ip, false).await?;
        return Ok(Outcome::Refused(ctx.ta(
            "auth.locked",
            &[("until", crate::fmt::beijing(until, "%H:%M"))],
        )));
    }
    if !password::verify(&f.password, &user.password_hash) {
        dbauth::record_attempt(&st.db.conn, tid, &user.login, ip, false).await?;
        let failures = dbauth::recent_failures(&st.db.conn, tid, &user.login, window_start).await?;
        let failures = u32::try_from(failures).unwrap_or(u32::MAX);
        if policy.locks_after(failures) {
            let until = now + policy.lockout();
            dbauth::note_failure(
                &st.db.conn,
                UserId(user.id),
                i32::try_from(failures).unwrap_or(i32::MAX),
                Some(until),
            )
            .await?;
            return Ok(Outcome::Refused(ctx.ta(
                "auth.locked_now",
                &[("minutes", policy.lockout_minutes.to_string())],
            )));
        }
        let left = policy.max_failed_logins.saturating_sub(failures);
        return Ok(Outcome::Refused(
            ctx.ta("auth.bad_credentials_left", &[("left", left.to_string())]),
        ));
    }
    dbauth::clear_failures(&st.db.conn, UserId(user.id)).await?;
    dbauth::record_attempt(&st.db.conn, tid, &user.login, ip, true).await?;
    let grants = dbauth::grants(&st.db.conn, UserId(user.id)).await?;
    let needs_mfa = policy.admin_totp_required && grants.is_administrator();
    let must_change =
        user.must_change_password || policy.password_expired(user.password_changed_at, now);
    Ok(Outcome::SignedIn {
        user: UserId(user.id),
        needs_mfa,
        must_change,
    })
}

pub async fn submit_login(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(ClientIp(ip)): Extension<ClientIp>,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> AppResult<Response> {
    match check(&st, &ctx, &ip, &f).await? {
        Outcome::Refused(msg) => {
            let page = LoginPage {
                page: ctx.page("auth.login_title"),
                login: f.login.clone(),
                error: Some(msg),
                schools: schools(&st).await?,
                next: f.next,
            };
            let mut res = render(&page)?;
            *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
        Outcome::SignedIn {
            user,
            needs_mfa,
            must_change,
        } => {
            let ua = headers
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            let cookie: HeaderValue = establish(&st, user, !needs_mfa, &ip, ua).await?;
            let to = if must_change {
                "/password"
            } else if needs_mfa {
                "/login/totp"
            } else {
                safe_next(&f.next)
            };
            let mut res = Redirect::to(to).into_response();
            res.headers_mut().append(header::SET_COOKIE, cookie);
            Ok(res)
        }
    }
}
