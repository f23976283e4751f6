//! `GET/POST /learn/links`: the school's links out, added and removed by a school-level
//! administrator (audited); the hub shows them to everyone.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use redbranch_db::ConnectionTrait;
use redbranch_db::TransactionTrait;
use redbranch_db::links::{self as dblinks, Link};
use redbranch_domain::courses::parse_line;
use redbranch_domain::error::{FieldError, FieldErrors};
use redbranch_domain::links::{MAX_LINK_NAME, parse_url};
use serde::Deserialize;
use serde_json::json;

use super::ensure_school_level;
use crate::error::{AppError, AppResult};
use crate::orgs::parse_id;
use crate::page::{Ctx, Page, render};
use crate::render::field_message;
use crate::session::{CurrentUser, SignedIn, redirect_with_flash};
use crate::state::AppState;

/// Longest description of a link, in characters.
const MAX_DESCRIPTION: usize = 100;

#[derive(Debug, Default, Clone, Deserialize)]
pub struct LinkInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub description: String,
}

/// Adds a link (audited). The caller has made the school-level check.
pub async fn add_link(
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    input: &LinkInput,
) -> AppResult<Link> {
    let mut errs = FieldErrors::default();
    let name = errs.take(parse_line(&input.name, "field.link_name", MAX_LINK_NAME));
    let url = errs.take(parse_url(&input.url));
    let description = input.description.trim().to_string();
    if description.chars().count() > MAX_DESCRIPTION {
        errs.push(
            FieldError::new("field.link_description", "error.too_long")
                .with("max", MAX_DESCRIPTION),
        );
    }
    errs.into_result()?;
    let (Some(name), Some(url)) = (name, url) else {
        return Err(AppError::BadRequest("bad_request"));
    };
    let link = dblinks::add_link(c, u.tenant, (name, url, description), u.user_id).await?;
    let e = crate::audit::entry(
        u,
        "link_add",
        "external_link",
        link.id,
        None,
        None,
        Some(json!({"name": link.name, "url": link.url})),
    );
    redbranch_db::audit::append(c, u.tenant, e).await?;
    Ok(link)
}

/// Removes a link (audited).
pub async fn remove_link(c: &impl ConnectionTrait, u: &CurrentUser, id: i64) -> AppResult<()> {
    let link = dblinks::remove_link(c, u.tenant, id).await?;
    let e = crate::audit::entry(
        u,
        "link_remove",
        "external_link",
        link.id,
        None,
        Some(json!({"name": link.name, "url": link.url})),
        None,
    );
    redbranch_db::audit::append(c, u.tenant, e).await?;
    Ok(())
}

#[derive(Template)]
#[template(path = "links/manage.html")]
struct LinksPage {
    page: Page,
    links: Vec<Link>,
    input: LinkInput,
    errors: std::collections::HashMap<&'static str, String>,
}

impl LinksPage {
    fn err(&self, field: &str) -> String {
        self.errors.get(field).cloned().unwrap_or_default()
    }
}

async fn render_links(
    st: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    input: LinkInput,
    errors: std::collections::HashMap<&'static str, String>,
) -> AppResult<Response> {
    let links = dblinks::links(&st.db.conn, u.tenant).await?;
    let mut page = ctx.page("links.manage_title");
    page.back = Some("/learn".into());
    let refused = !errors.is_empty();
    let mut res = render(&LinksPage {
        page,
        links,
        input,
        errors,
    })?;
    if refused {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

pub async fn show_links(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
) -> AppResult<Response> {
    ensure_school_level(&st, &u).await?;
    render_links(&st, &ctx, &u, LinkInput::default(), Default::default()).await
}

#[derive(Debug, Deserialize)]
pub struct LinkForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    description: String,
}

pub async fn add_link_form(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Form(f): Form<LinkForm>,
) -> AppResult<Response> {
    ensure_school_level(&st, &u).await?;
    let input = LinkInput {
        name: f.name,
        url: f.url,
        description: f.description,
    };
    let txn = st.db.conn.begin().await?;
    match add_link(&txn, &u, &input).await {
        Ok(_) => {
            txn.commit().await?;
            Ok(redirect_with_flash(
                "/learn/links",
                "ok",
                "links.added",
                st.settings.cookie_secure,
            ))
        }
        Err(AppError::Invalid(errs)) => {
            let errors = errs
                .0
                .iter()
                .map(|e| (e.field, field_message(ctx.locale, e)))
                .collect();
            render_links(&st, &ctx, &u, input, errors).await
        }
        Err(e) => Err(e),
    }
}

pub async fn remove_link_form(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    ensure_school_level(&st, &u).await?;
    let id = parse_id(&raw)?;
    let txn = st.db.conn.begin().await?;
    remove_link(&txn, &u, id).await?;
    txn.commit().await?;
    Ok(redirect_with_flash(
        "/learn/links",
        "ok",
        "links.removed",
        st.settings.cookie_secure,
    ))
}
