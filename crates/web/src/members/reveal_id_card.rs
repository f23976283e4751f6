//! `POST /members/{id}/reveal-id`: shows a person's identity number in clear, once, to someone
//! allowed to see it — and records that they looked (个人信息保护法 第五十一条: access control and
//! records for sensitive personal information).

use axum::extract::{Path, State};
use axum::response::Response;
use redbranch_db::TransactionTrait;
use redbranch_db::people::{self as dbpeople, PersonId};
use redbranch_domain::authz::Permission;

use super::PersonOrgs;
use super::show_member::render_profile;
use crate::error::AppResult;
use crate::orgs::parse_id;
use crate::page::Ctx;
use crate::session::SignedIn;
use crate::state::AppState;

pub async fn reveal_id_card(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let id = parse_id(&raw)?;
    let person = dbpeople::get(&st.db.conn, u.tenant, PersonId(id)).await?;
    let orgs = PersonOrgs::of(&st.db.conn, u.tenant, &person).await?;
    orgs.ensure(&u.grants, Permission::RevealIdCard)?;
    let org_path = orgs
        .party
        .as_ref()
        .or(orgs.league.as_ref())
        .map(|o| o.org_path());
    // The entry says who looked at whose number; the number itself never enters the log.
    let txn = st.db.conn.begin().await?;
    redbranch_db::audit::append(
        &txn,
        u.tenant,
        crate::audit::entry(&u, "reveal", "person", person.id, org_path, None, None),
    )
    .await?;
    txn.commit().await?;
    let clear = person.reveal_id_card(&st.crypto)?;
    render_profile(&st, &ctx, &u, &person, &orgs, clear).await
}
