//! The school's settings page: its name, and the sign-in policy in force (set in configuration,
//! shown here so an administrator can answer an assessor's questions without the server files).

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use redbranch_db::TransactionTrait;
use redbranch_db::tenants;
use redbranch_domain::auth::SecurityPolicy;
use redbranch_domain::authz::{Forbidden, Permission};
use redbranch_domain::org::OrgPath;
use serde::Deserialize;

use crate::error::{AppError, AppResult};
use crate::page::{Ctx, Page, render};
use crate::session::{CurrentUser, SignedIn, redirect_with_flash};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "settings/index.html")]
struct SettingsPage {
    page: Page,
    name: String,
    code: String,
    error: Option<String>,
    policy: SecurityPolicy,
}

/// One section of the school's stored settings (`"pipeline"`, `"league"`, `"dossier"`): the
/// section's defaults, with what the school has set. A section that does not parse is a server
/// error rather than a silent fallback, since its types refuse unknown keys on purpose.
pub async fn school_section<T: serde::de::DeserializeOwned + Default>(
    c: &impl redbranch_db::ConnectionTrait,
    tenant: tenants::TenantId,
    key: &str,
) -> AppResult<T> {
    let t = tenants::get(c, tenant).await?;
    section_of(&t.settings, key)
}

/// [`school_section`] from the settings read with the caller's session or token (the school's
/// row comes with it): no second read, and as fresh — it was read for this request.
pub fn user_section<T: serde::de::DeserializeOwned + Default>(
    u: &CurrentUser,
    key: &str,
) -> AppResult<T> {
    section_of(&u.school_settings, key)
}

fn section_of<T: serde::de::DeserializeOwned + Default>(settings: &str, key: &str) -> AppResult<T> {
    let stored = serde_json::from_str::<serde_json::Value>(settings)
        .ok()
        .and_then(|v| v.get(key).cloned());
    match stored {
        Some(v) => serde_json::from_value(v).map_err(|e| {
            AppError::Internal(anyhow::anyhow!("school {key} settings unreadable: {e}"))
        }),
        None => Ok(T::default()),
    }
}

/// Settings belong to the whole school: the permission must be held on a root of a tree.
async fn ensure_school_level(st: &AppState, u: &CurrentUser) -> AppResult<()> {
    let roots = redbranch_db::org::roots(&st.db.conn, u.tenant).await?;
    let ok = roots.iter().any(|r| {
        u.grants.allows(
            Permission::ManageSettings,
            &OrgPath::from_stored(r.path.clone()),
        )
    });
    if ok {
        Ok(())
    } else {
        Err(AppError::Forbidden(Forbidden(Permission::ManageSettings)))
    }
}

pub async fn show_settings(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
) -> AppResult<Response> {
    ensure_school_level(&st, &u).await?;
    let t = tenants::get(&st.db.conn, u.tenant).await?;
    render(&SettingsPage {
        page: ctx.page("nav.settings"),
        name: t.name,
        code: t.code,
        error: None,
        policy: st.settings.security.clone(),
    })
}

#[derive(Deserialize)]
pub struct SettingsForm {
    name: String,
}

pub async fn save_settings(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Form(f): Form<SettingsForm>,
) -> AppResult<Response> {
    ensure_school_level(&st, &u).await?;
    let t = tenants::get(&st.db.conn, u.tenant).await?;
    let name = redbranch_domain::text::normalise(&f.name);
    if name.is_empty() || name.chars().count() > 60 {
        let key = if name.is_empty() {
            "error.required"
        } else {
            "settings.name_too_long"
        };
        let mut res = render(&SettingsPage {
            page: ctx.page("nav.settings"),
            name: f.name,
            code: t.code,
            error: Some(ctx.t(key).to_string()),
            policy: st.settings.security.clone(),
        })?;
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(res);
    }
    if name != t.name {
        let txn = st.db.conn.begin().await?;
        let e = crate::audit::entry(
            &u,
            "update",
            "settings",
            t.id,
            None,
            Some(serde_json::json!({"name": t.name})),
            Some(serde_json::json!({"name": name})),
        );
        redbranch_db::audit::append(&txn, u.tenant, e).await?;
        tenants::update_settings(&txn, u.tenant, &name, &t.settings).await?;
        txn.commit().await?;
    }
    Ok(redirect_with_flash(
        "/settings",
        "ok",
        "common_extra.saved",
        st.settings.cookie_secure,
    ))
}
