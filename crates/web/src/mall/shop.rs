//! `GET /mall` and `POST /mall/items/{id}/redeem`: the items a member is offered, their
//! balance, their redemptions; a redemption in one transaction (see `redbranch_db::mall`).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use redbranch_db::mall::{self as dbmall, Item, Redemption};
use redbranch_db::points as dbpoints;
use serde_json::json;

use super::{my_paths, my_redemptions, offered_item};
use crate::error::{AppError, AppResult};
use crate::orgs::parse_id;
use crate::page::{Ctx, Page, render};
use crate::session::{CurrentUser, SignedIn, redirect_with_flash};
use crate::state::AppState;

/// Redeems one unit of an item for the caller, with its audit entry, in one transaction.
pub async fn redeem_item(st: &AppState, u: &CurrentUser, id: i64) -> AppResult<Redemption> {
    let (person, item) = offered_item(st, u, id).await?;
    let txn = redbranch_db::points::begin_write(&st.db.conn).await?;
    let r = dbmall::redeem(&txn, u.tenant, person, &item).await?;
    let after = json!({"redemption_id": r.id, "item_id": item.id, "price": item.price});
    let e = crate::audit::entry(
        u,
        "mall_redeem",
        "person",
        person.0,
        Some(redbranch_domain::org::OrgPath::from_stored(
            item.org_path.clone(),
        )),
        None,
        Some(after),
    );
    redbranch_db::audit::append(&txn, u.tenant, e).await?;
    txn.commit().await?;
    Ok(r)
}

#[derive(Template)]
#[template(path = "mall/index.html")]
struct MallPage {
    page: Page,
    balance: i64,
    items: Vec<Item>,
    mine: Vec<(Redemption, String)>,
    is_admin: bool,
}

pub async fn show_mall(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
) -> AppResult<Response> {
    let (person, paths) = my_paths(&st, &u).await?;
    let c = &st.db.conn;
    let balance = dbpoints::totals(c, u.tenant, person).await?.balance();
    let items = dbmall::items_for(c, u.tenant, &paths).await?;
    let mine = my_redemptions(&st, &u)
        .await?
        .into_iter()
        .map(|r| {
            let s = ctx.t(&format!("mall.status.{}", r.status)).to_string();
            (r, s)
        })
        .collect();
    let mut page = ctx.page("mall.title");
    page.back = Some("/points".into());
    render(&MallPage {
        page,
        balance,
        items,
        mine,
        is_admin: u
            .grants
            .anywhere(redbranch_domain::authz::Permission::ManagePoints),
    })
}

/// The plain form: redeem, then back to the mall with a flash that names the outcome.
pub async fn submit_redeem(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let id = parse_id(&raw)?;
    let secure = st.settings.cookie_secure;
    match redeem_item(&st, &u, id).await {
        Ok(_) => Ok(redirect_with_flash("/mall", "ok", "mall.redeemed", secure)),
        Err(AppError::Conflict(code)) => {
            let key = match code {
                "sold_out" => "error.sold_out",
                "insufficient_points" => "error.insufficient_points",
                "limit_reached" => "error.limit_reached",
                _ => "error.item_inactive",
            };
            Ok(redirect_with_flash("/mall", "error", key, secure))
        }
        Err(e) => Err(e),
    }
}
