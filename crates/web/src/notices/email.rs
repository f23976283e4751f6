//! `GET/POST /me/email`: the account's optional e-mail address, used for notices and reminders
//! when the server has `[smtp]` configured. Audited like every change to personal data.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use redbranch_db::TransactionTrait;
use redbranch_db::tasks as dbtasks;
use redbranch_domain::notices::parse_email;
use serde_json::json;

use crate::error::{AppError, AppResult};
use crate::page::{Ctx, Page, render};
use crate::session::{CurrentUser, SignedIn, redirect_with_flash};
use crate::state::AppState;
use crate::tasks::FormState;

#[derive(Template)]
#[template(path = "notices/email.html")]
struct EmailPage {
    page: Page,
    email: String,
    smtp_on: bool,
    form: FormState,
}

async fn render_email(
    st: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    form: FormState,
) -> AppResult<Response> {
    let email = dbtasks::email_of(&st.db.conn, u.user_id)
        .await?
        .unwrap_or_default();
    let mut page = ctx.page("notices.email_title");
    page.back = Some("/me".into());
    let refused = form.any();
    let mut res = render(&EmailPage {
        page,
        email,
        smtp_on: st.settings.smtp.is_some(),
        form,
    })?;
    if refused {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

pub async fn show_email(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
) -> AppResult<Response> {
    render_email(&st, &ctx, &u, FormState::default()).await
}

/// Sets (or, empty, clears) the caller's own address.
pub async fn set_email(st: &AppState, u: &CurrentUser, raw: &str) -> AppResult<Option<String>> {
    let email = parse_email("field.email", raw)?;
    let txn = st.db.conn.begin().await?;
    let before = dbtasks::email_of(&txn, u.user_id).await?;
    dbtasks::set_email(&txn, u.user_id, email.clone()).await?;
    let e = crate::audit::entry(
        u,
        "email_change",
        "user",
        u.user_id.0,
        None,
        Some(json!({"email": before})),
        Some(json!({"email": email})),
    );
    redbranch_db::audit::append(&txn, u.tenant, e).await?;
    txn.commit().await?;
    Ok(email)
}

pub async fn save_email(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Form(f): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    let raw = f.get("email").cloned().unwrap_or_default();
    match set_email(&st, &u, &raw).await {
        Ok(_) => Ok(redirect_with_flash(
            "/me/email",
            "ok",
            "notices.flash.email_saved",
            st.settings.cookie_secure,
        )),
        Err(AppError::Invalid(errs)) => {
            let form = FormState::from_errors(&ctx, f, &errs);
            render_email(&st, &ctx, &u, form).await
        }
        Err(e) => Err(e),
    }
}
