//! `GET/POST /mall/admin` and `POST /mall/redemptions/{id}`: an administrator's items (added on
//! an org they hold `ManagePoints` on), their redemptions, and fulfilment (fulfilled, or
//! cancelled with the points given back and the unit restocked). Every write is audited.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use redbranch_db::ConnectionTrait;
use redbranch_db::mall::{self as dbmall, Item, Redemption};
use redbranch_db::org as dborg;
use redbranch_domain::authz::Permission;
use redbranch_domain::mall::{Status, check_item};
use redbranch_domain::org::{OrgId, OrgPath};
use serde::Deserialize;
use serde_json::json;

use crate::error::{AppError, AppResult};
use crate::orgs::parse_id;
use crate::page::{Ctx, Page, render};
use crate::render::field_message;
use crate::session::{CurrentUser, SignedIn, redirect_with_flash};
use crate::state::AppState;

/// An item as a form or JSON submits it; numbers as text so a form keeps what was typed.
#[derive(Debug, Default, Clone, Deserialize, serde::Serialize)]
pub struct ItemInput {
    #[serde(default)]
    pub org_id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub price: String,
    #[serde(default)]
    pub stock: String,
    #[serde(default)]
    pub per_person_limit: String,
}

fn num(raw: &str) -> Option<i64> {
    raw.trim().parse().ok()
}

/// Creates an item on an org where the caller holds `ManagePoints`, audited as `mall_item`.
pub async fn create_item(
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    input: &ItemInput,
) -> AppResult<Item> {
    use redbranch_domain::error::{FieldError, FieldErrors};
    let org_id = num(&input.org_id).ok_or(FieldError::new("field.item_org", "error.required"))?;
    let org = dborg::get(c, u.tenant, OrgId(org_id)).await?;
    let path = org.org_path();
    u.grants.ensure(Permission::ManagePoints, &path)?;
    let mut errs = FieldErrors::default();
    let mut n = |raw: &str, field: &'static str| match num(raw) {
        Some(v) => v,
        None => {
            errs.push(FieldError::new(field, "mall.error.number"));
            1
        }
    };
    let price = n(&input.price, "field.item_price");
    let stock = n(&input.stock, "field.item_stock");
    let limit = n(&input.per_person_limit, "field.item_limit");
    let checked = check_item(&input.name, &input.description, price, stock, limit);
    if let Err(e) = &checked {
        errs.0.extend(e.0.iter().cloned());
    }
    errs.into_result()?;
    let spec = checked?;
    let item = dbmall::create_item(c, u.tenant, (org.id, &path), &spec, u.user_id.0).await?;
    let after = json!({"item_id": item.id, "name": item.name, "price": item.price, "stock": item.stock, "per_person_limit": item.per_person_limit});
    let e = crate::audit::entry(
        u,
        "mall_item",
        "mall_item",
        item.id,
        Some(path),
        None,
        Some(after),
    );
    redbranch_db::audit::append(c, u.tenant, e).await?;
    Ok(item)
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct HandleInput {
    /// `fulfilled` or `cancelled`.
    #[serde(default)]
    pub status: String,
}

/// Fulfils or cancels a pending redemption of an item the caller manages (audited).
pub async fn handle_redemption(
    st: &AppState,
    u: &CurrentUser,
    id: i64,
    input: &HandleInput,
) -> AppResult<Redemption> {
    let c = &st.db.conn;
    let r = dbmall::redemption(c, u.tenant, id).await?;
    let item = dbmall::item(c, u.tenant, r.item_id).await?;
    let path = OrgPath::from_stored(item.org_path.clone());
    u.grants.ensure(Permission::ManagePoints, &path)?;
    let to = match Status::from_code(input.status.trim()) {
        Some(s @ (Status::Fulfilled | Status::Cancelled)) => s,
        _ => {
            return Err(redbranch_domain::error::FieldError::new(
                "field.redemption_status",
                "error.required",
            )
            .into());
        }
    };
    let txn = redbranch_db::points::begin_write(&st.db.conn).await?;
    dbmall::handle(&txn, u.tenant, &r, to, u.user_id.0).await?;
    let after = json!({"redemption_id": r.id, "status": to.code()});
    let e = crate::audit::entry(
        u,
        "mall_handle",
        "person",
        r.person_id,
        Some(path),
        None,
        Some(after),
    );
    redbranch_db::audit::append(&txn, u.tenant, e).await?;
    txn.commit().await?;
    Ok(dbmall::redemption(c, u.tenant, id).await?)
}

#[derive(Template)]
#[template(path = "mall/admin.html")]
struct AdminPage {
    page: Page,
    orgs: Vec<(i64, String)>,
    items: Vec<(Item, Vec<(Redemption, String)>)>,
    input: ItemInput,
    errors: HashMap<&'static str, String>,
}

impl AdminPage {
    fn err(&self, field: &str) -> String {
        self.errors.get(field).cloned().unwrap_or_default()
    }
}

async fn render_admin(
    st: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    input: ItemInput,
    errors: HashMap<&'static str, String>,
) -> AppResult<Response> {
    let scope = u.grants.scope(Permission::ManagePoints);
    if scope.is_empty() {
        return Err(AppError::Forbidden(redbranch_domain::authz::Forbidden(
            Permission::ManagePoints,
        )));
    }
    let c = &st.db.conn;
    let ids: Vec<i64> = scope
        .roots
        .iter()
        .filter_map(|r| r.ids().last().map(|i| i.0))
        .collect();
    let orgs = dborg::by_ids(c, u.tenant, &ids)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let mut items = Vec::new();
    for it in dbmall::items_in(c, u.tenant, &scope).await? {
        let rs = dbmall::redemptions_of_item(c, u.tenant, it.id)
            .await?
            .into_iter()
            .map(|r| {
                let s = ctx.t(&format!("mall.status.{}", r.status)).to_string();
                (r, s)
            })
            .collect();
        items.push((it, rs));
    }
    let refused = !errors.is_empty();
    let mut page = ctx.page("mall.admin_title");
    page.back = Some("/mall".into());
    let mut res = render(&AdminPage {
        page,
        orgs,
        items,
        input,
        errors,
    })?;
    if refused {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

pub async fn show_admin(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
) -> AppResult<Response> {
    render_admin(&st, &ctx, &u, ItemInput::default(), HashMap::new()).await
}

pub async fn submit_item(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Form(input): Form<ItemInput>,
) -> AppResult<Response> {
    let txn = redbranch_db::points::begin_write(&st.db.conn).await?;
    match create_item(&txn, &u, &input).await {
        Ok(_) => {
            txn.commit().await?;
            Ok(redirect_with_flash(
                "/mall/admin",
                "ok",
                "mall.item_saved",
                st.settings.cookie_secure,
            ))
        }
        Err(AppError::Invalid(errs)) => {
            drop(txn);
            let errors = errs
                .0
                .iter()
                .map(|e| (e.field, field_message(ctx.locale, e)))
                .collect();
            render_admin(&st, &ctx, &u, input, errors).await
        }
        Err(e) => Err(e),
    }
}

pub async fn submit_handle(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    Form(input): Form<HandleInput>,
) -> AppResult<Response> {
    let id = parse_id(&raw)?;
    handle_redemption(&st, &u, id, &input).await?;
    Ok(redirect_with_flash(
        "/mall/admin",
        "ok",
        "mall.handled",
        st.settings.cookie_secure,
    ))
}
