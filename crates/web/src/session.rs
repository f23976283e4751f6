//! Resolving who is asking: session cookie or API token → `CurrentUser`, plus the per-request
//! context (language, CSRF token, flash message, client address) and the CSRF check itself.
//!
//! Single sign-on (CAS / OIDC) plugs in at [`establish`]: an SSO callback handler that has
//! verified the identity provider's assertion calls it with the matching user, exactly as the
//! password sign-in does. No other handler knows how a session was obtained.

use axum::body::{Body, to_bytes};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::Response;
use chrono::Utc;
use redbranch_db::auth::{self as dbauth, UserId};
use redbranch_db::tenants::{self, TenantId};
use redbranch_domain::authz::Grants;
use redbranch_i18n::Locale;

use crate::error::{AppError, AppResult};
use crate::page::{Ctx, Flash};
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "rb_session";
pub const PRE_CSRF_COOKIE: &str = "rb_pre";
pub const LANG_COOKIE: &str = "rb_lang";
pub const FLASH_COOKIE: &str = "rb_flash";

/// The signed-in user of this request.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user_id: UserId,
    pub tenant: TenantId,
    pub tenant_name: String,
    pub login: String,
    pub display_name: String,
    pub person_id: Option<i64>,
    pub grants: Grants,
    pub session_id: Option<i64>,
    pub mfa_passed: bool,
    pub totp_enabled: bool,
    pub must_change_password: bool,
    pub password_expired: bool,
    pub via_token: bool,
    pub ip: String,
    /// The language chosen on "我的", if any.
    pub locale: Option<String>,
    /// The school's settings JSON, read with the session or token in the same query (see
    /// `settings::user_section`).
    pub school_settings: std::sync::Arc<str>,
}

/// The client's address: the peer, or the first `X-Forwarded-For` hop when behind a proxy.
#[derive(Debug, Clone)]
pub struct ClientIp(pub String);

fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value with the attributes every RedBranch cookie carries.
pub fn set_cookie(name: &str, value: &str, max_age_secs: Option<i64>, secure: bool) -> HeaderValue {
    let mut s = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(age) = max_age_secs {
        s.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        s.push_str("; Secure");
    }
    HeaderValue::from_str(&s).unwrap_or_else(|_| HeaderValue::from_static("rb_invalid=1"))
}

fn client_ip(req: &Request) -> String {
    if let Some(fwd) = req
        .headers()
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        && let Some(first) = fwd
            .split(',')
            .next()
            .map(str::trim)
            .filter(|s| !s.is_empty())
    {
        return first.chars().take(64).collect();
    }
    req.extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// The signed-in user from the account, school and grants already read: a request costs one
/// query for the session (or API token), account, school and grants together, shared with the
/// other requests of the moment ([`crate::coalesce`]).
fn signed_in(
    st: &AppState,
    u: dbauth::User,
    tenant: tenants::Tenant,
    grants: Grants,
    session: Option<&dbauth::Session>,
    ip: &str,
) -> Option<CurrentUser> {
    if u.disabled {
        return None;
    }
    let user_id = UserId(u.id);
    let now = Utc::now();
    Some(CurrentUser {
        user_id,
        tenant: TenantId(u.tenant_id),
        tenant_name: tenant.name,
        school_settings: tenant.settings.into(),
        login: u.login,
        display_name: u.display_name,
        person_id: u.person_id,
        mfa_passed: session.is_none_or(|s| s.mfa_passed),
        totp_enabled: u.totp_enabled,
        must_change_password: u.must_change_password,
        password_expired: st
            .settings
            .security
            .password_expired(u.password_changed_at, now),
        session_id: session.map(|s| s.id),
        via_token: session.is_none(),
        grants,
        ip: ip.to_string(),
        locale: u.locale,
    })
}

/// Most credentials read in one statement.
const CREDENTIALS_AT_ONCE: usize = 256;

/// Whose `cred` is, read together with the other requests' of the moment.
async fn holder(st: &AppState, cred: dbauth::Credential) -> AppResult<Option<dbauth::Holder>> {
    let conn = &st.db.conn;
    Ok(st
        .credentials
        .read(cred, CREDENTIALS_AT_ONCE, |creds| async move {
            dbauth::holders(conn, &creds).await
        })
        .await?)
}

async fn resolve(
    st: &AppState,
    headers: &HeaderMap,
    ip: &str,
) -> AppResult<(Option<CurrentUser>, Option<String>, bool)> {
    let now = Utc::now();
    if let Some(token) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    {
        return Ok(
            match holder(st, dbauth::Credential::api_token(token.trim())).await? {
                Some(dbauth::Holder::ApiToken(k, u, tenant, grants)) if k.expires_at > now => {
                    (signed_in(st, u, tenant, grants, None, ip), None, false)
                }
                _ => (None, None, false),
            },
        );
    }
    let Some(token) = cookie(headers, SESSION_COOKIE) else {
        return Ok((None, None, false));
    };
    let Some(dbauth::Holder::Session(s, account, tenant, grants)) =
        holder(st, dbauth::Credential::session(token)).await?
    else {
        return Ok((None, None, true));
    };
    if !st.settings.security.session_alive(
        s.created_at,
        s.last_seen_at,
        grants.is_administrator(),
        now,
    ) {
        dbauth::end_session(&st.db.conn, s.id).await?;
        return Ok((None, None, true));
    }
    dbauth::touch_session(&st.db.conn, &s, now).await?;
    let user = signed_in(st, account, tenant, grants, Some(&s), ip);
    Ok((user, Some(s.csrf_token), false))
}

fn pick_locale(req: &Request, user_locale: Option<&str>) -> (Locale, bool) {
    if let Some(q) = req.uri().query() {
        for (k, v) in serde_urlencoded::from_str::<Vec<(String, String)>>(q).unwrap_or_default() {
            if k == "lang"
                && let Some(l) = Locale::from_code(&v)
            {
                return (l, true);
            }
        }
    }
    if let Some(l) = cookie(req.headers(), LANG_COOKIE).and_then(Locale::from_code) {
        return (l, false);
    }
    if let Some(l) = user_locale.and_then(Locale::from_code) {
        return (l, false);
    }
    let accept = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    (Locale::from_accept_language(accept), false)
}

fn is_unsafe(m: &Method) -> bool {
    !matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Finds the CSRF token a request presents: header, `_csrf` query parameter, or form field.
async fn presented_csrf(req: Request, limit: usize) -> Result<(Request, Option<String>), AppError> {
    if let Some(v) = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
    {
        let v = v.to_string();
        return Ok((req, Some(v)));
    }
    if let Some(q) = req.uri().query()
        && let Some((_, v)) = serde_urlencoded::from_str::<Vec<(String, String)>>(q)
            .unwrap_or_default()
            .into_iter()
            .find(|(k, _)| k == "_csrf")
    {
        return Ok((req, Some(v)));
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Ok((req, None));
    }
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, limit)
        .await
        .map_err(|_| AppError::TooLarge)?;
    let token = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
        .unwrap_or_default()
        .into_iter()
        .find(|(k, _)| k == "_csrf")
        .map(|(_, v)| v);
    Ok((Request::from_parts(parts, Body::from(bytes)), token))
}

/// Constant-time string comparison, so a token cannot be guessed byte by byte from timings.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The request-context middleware: every request passes through it once.
pub async fn context(State(st): State<AppState>, mut req: Request, next: Next) -> Response {
    let ip = client_ip(&req);
    let path = req.uri().path().to_string();
    let secure = st.settings.cookie_secure;
    let (user, session_csrf, stale_cookie) = match resolve(&st, req.headers(), &ip).await {
        Ok(v) => v,
        Err(e) => return crate::render::error_response(&st, &path, Locale::ZhCn, e.info()),
    };
    let user_locale = user.as_ref().and_then(|u| u.locale.clone());
    let (locale, lang_from_query) = pick_locale(&req, user_locale.as_deref());
    let pre = cookie(req.headers(), PRE_CSRF_COOKIE).map(str::to_string);
    let new_pre = if session_csrf.is_none() && pre.is_none() {
        Some(dbauth::new_secret())
    } else {
        None
    };
    let csrf = session_csrf
        .clone()
        .or(pre.clone())
        .or(new_pre.clone())
        .unwrap_or_default();
    let flash = cookie(req.headers(), FLASH_COOKIE).and_then(|v| {
        let (kind, key) = v.split_once(':')?;
        let kind = if kind == "ok" { "ok" } else { "error" };
        let key: String = serde_urlencoded::from_str::<Vec<(String, String)>>(&format!("k={key}"))
            .ok()?
            .into_iter()
            .next()?
            .1;
        Some(Flash {
            kind,
            text: redbranch_i18n::tr(locale, &key).to_string(),
        })
    });
    let had_flash = flash.is_some();

    // A request that carries no session cookie cannot be a forged cross-site request riding on
    // one: bearer-token API calls and the token endpoint itself need no CSRF token.
    let cookieless_api =
        path.starts_with("/api/") && cookie(req.headers(), SESSION_COOKIE).is_none();
    if is_unsafe(req.method()) && !cookieless_api && !user.as_ref().is_some_and(|u| u.via_token) {
        let origin_ok = match (
            req.headers()
                .get(header::ORIGIN)
                .and_then(|v| v.to_str().ok()),
            req.headers()
                .get(header::HOST)
                .and_then(|v| v.to_str().ok()),
        ) {
            (Some(o), Some(h)) => o.split("://").nth(1) == Some(h),
            _ => true,
        };
        let (r, presented) = match presented_csrf(req, st.settings.max_upload_bytes).await {
            Ok(v) => v,
            Err(e) => return crate::render::error_response(&st, &path, locale, e.info()),
        };
        req = r;
        let expected = session_csrf.clone().or(pre.clone());
        let ok = origin_ok && matches!((&expected, &presented), (Some(e), Some(p)) if same(e, p));
        if !ok {
            return crate::render::error_response(
                &st,
                &path,
                locale,
                AppError::BadRequest("csrf").info(),
            );
        }
    }

    req.extensions_mut().insert(ClientIp(ip));
    if let Some(u) = user.clone() {
        req.extensions_mut().insert(u);
    }
    let ctx = Ctx {
        locale,
        user,
        csrf,
        flash,
        path: path.clone(),
    };
    req.extensions_mut().insert(ctx.clone());
    let mut res = next.run(req).await;

    if let Some(info) = res.extensions().get::<crate::error::ErrorInfo>().cloned() {
        res = crate::render::error_page(&st, &ctx, info);
    }
    let h = res.headers_mut();
    if let Some(p) = new_pre {
        h.append(
            header::SET_COOKIE,
            set_cookie(PRE_CSRF_COOKIE, &p, None, secure),
        );
    }
    if lang_from_query {
        h.append(
            header::SET_COOKIE,
            set_cookie(LANG_COOKIE, locale.code(), Some(365 * 86400), secure),
        );
    }
    if had_flash
        && !h
            .get_all(header::SET_COOKIE)
            .iter()
            .any(|v| v.to_str().is_ok_and(|s| s.starts_with(FLASH_COOKIE)))
    {
        h.append(
            header::SET_COOKIE,
            set_cookie(FLASH_COOKIE, "", Some(0), secure),
        );
    }
    if stale_cookie {
        h.append(
            header::SET_COOKIE,
            set_cookie(SESSION_COOKIE, "", Some(0), secure),
        );
    }
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    res
}

/// Starts a session for a user whose identity has been proven (password, or an SSO assertion),
/// returning the `Set-Cookie` header value.
pub async fn establish(
    st: &AppState,
    user: UserId,
    mfa_passed: bool,
    ip: &str,
    user_agent: &str,
) -> AppResult<HeaderValue> {
    let (token, _) = dbauth::create_session(&st.db.conn, user, mfa_passed, ip, user_agent).await?;
    Ok(set_cookie(
        SESSION_COOKIE,
        &token,
        None,
        st.settings.cookie_secure,
    ))
}

/// A redirect that shows a flash message (a catalogue key) on the next page.
pub fn redirect_with_flash(to: &str, kind: &str, key: &str, secure: bool) -> Response {
    let mut res = axum::response::IntoResponse::into_response(axum::response::Redirect::to(to));
    let encoded: String = serde_urlencoded::to_string([("k", key)])
        .unwrap_or_default()
        .trim_start_matches("k=")
        .to_string();
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(FLASH_COOKIE, &format!("{kind}:{encoded}"), Some(60), secure),
    );
    res
}

/// Extractor: the request must come from a signed-in user who has completed sign-in (changed an
/// initial or expired password; passed the second factor where required).
pub struct SignedIn(pub CurrentUser);

/// Extractor: signed in, but sign-in may still be incomplete (the password-change and
/// second-factor pages themselves use it).
pub struct SignedInPartly(pub CurrentUser);

impl<S: Send + Sync> FromRequestParts<S> for SignedInPartly {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        parts
            .extensions
            .get::<CurrentUser>()
            .cloned()
            .map(SignedInPartly)
            .ok_or(AppError::Unauthenticated)
    }
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, AppError> {
        let u = parts
            .extensions
            .get::<CurrentUser>()
            .cloned()
            .ok_or(AppError::Unauthenticated)?;
        if u.must_change_password || u.password_expired {
            return Err(AppError::BadRequest("password_change_required"));
        }
        if !u.mfa_passed && st.settings.security.admin_totp_required && u.grants.is_administrator()
        {
            return Err(AppError::BadRequest("second_factor_required"));
        }
        Ok(SignedIn(u))
    }
}
