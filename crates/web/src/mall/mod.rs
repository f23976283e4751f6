//! The points mall on the web side: members see the items of their orgs and redeem them;
//! administrators (`ManagePoints` on the item's org) add items, see redemptions and mark them
//! fulfilled or cancelled. Pages and the JSON API share the actions here.

mod admin;
mod shop;

pub use admin::{
    HandleInput, ItemInput, create_item, handle_redemption, show_admin, submit_handle, submit_item,
};
pub use shop::{redeem_item, show_mall, submit_redeem};

use redbranch_db::mall::{self as dbmall, Item, Redemption};
use redbranch_db::people::PersonId;
use redbranch_domain::org::OrgPath;

use crate::error::{AppError, AppResult};
use crate::points::my_person;
use crate::session::CurrentUser;
use crate::state::AppState;

/// The paths of the caller's own orgs (what decides which items they are offered).
pub async fn my_paths(st: &AppState, u: &CurrentUser) -> AppResult<(PersonId, Vec<OrgPath>)> {
    let person = my_person(st, u).await?;
    let orgs = crate::members::PersonOrgs::of(&st.db.conn, u.tenant, &person).await?;
    let paths = [orgs.party, orgs.league]
        .into_iter()
        .flatten()
        .map(|o| o.org_path())
        .collect();
    Ok((PersonId(person.id), paths))
}

/// An item the caller is offered (others are not found).
pub async fn offered_item(st: &AppState, u: &CurrentUser, id: i64) -> AppResult<(PersonId, Item)> {
    let (person, paths) = my_paths(st, u).await?;
    let item = dbmall::item(&st.db.conn, u.tenant, id).await?;
    let root = OrgPath::from_stored(item.org_path.clone());
    if !paths.iter().any(|p| root.contains(p)) {
        return Err(AppError::NotFound);
    }
    Ok((person, item))
}

/// The redemptions and items lists of an administrator.
pub async fn my_redemptions(st: &AppState, u: &CurrentUser) -> AppResult<Vec<Redemption>> {
    let (person, _) = my_paths(st, u).await?;
    Ok(dbmall::redemptions_of(&st.db.conn, u.tenant, person).await?)
}

pub fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/mall", get(show_mall))
        .route("/mall/items/{id}/redeem", post(submit_redeem))
        .route("/mall/admin", get(show_admin).post(submit_item))
        .route("/mall/redemptions/{id}", post(submit_handle))
}
