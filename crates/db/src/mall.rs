//! The points mall: items with stock and a per-person limit, redemptions and their fulfilment.
//!
//! A redemption is one transaction: spend the points (a conditional UPDATE that never lets the
//! balance go negative and locks the person's totals row), count what the person already holds,
//! then take one unit (`UPDATE … SET stock = stock - 1 WHERE stock > 0`). Any refusal returns an
//! error and the caller rolls the transaction back, so nothing is half-written. On PostgreSQL
//! the conditional UPDATE re-checks `stock > 0` on the row version it locks, so concurrent
//! redemptions of the last unit cannot both succeed; on SQLite the single writer serialises them.

use chrono::{DateTime, Utc};
use redbranch_domain::authz::Scope;
use redbranch_domain::mall::{ItemSpec, Refusal, Status, may_redeem};
use redbranch_domain::org::OrgPath;
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;

use crate::DbError;
use crate::people::PersonId;
use crate::points::{self, all, one, stmt};
use crate::tenants::TenantId;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromQueryResult)]
pub struct Item {
    pub id: i64,
    pub org_id: i64,
    pub org_path: String,
    pub name: String,
    pub description: String,
    pub price: i64,
    pub stock: i64,
    pub per_person_limit: i64,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromQueryResult)]
pub struct Redemption {
    pub id: i64,
    pub item_id: i64,
    pub item_name: String,
    pub person_id: i64,
    pub person_name: String,
    pub price: i64,
    pub status: String,
    pub redeemed_at: DateTime<Utc>,
}

fn refused(r: Refusal) -> DbError {
    DbError::Conflict(r.code())
}

pub async fn create_item(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    (org_id, org_path): (i64, &OrgPath),
    spec: &ItemSpec,
    by: i64,
) -> Result<Item, DbError> {
    let b = c.get_database_backend();
    let row = c
        .query_one_raw(stmt(
            b,
            "INSERT INTO mall_items (tenant_id, org_id, org_path, name, description, price, stock, per_person_limit, active, created_by, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            [
                tenant.0.into(),
                org_id.into(),
                org_path.as_str().into(),
                spec.name.clone().into(),
                spec.description.clone().into(),
                spec.price.into(),
                spec.stock.into(),
                spec.per_person_limit.into(),
                true.into(),
                by.into(),
                Utc::now().into(),
            ],
        ))
        .await?
        .ok_or(DbError::Corrupt("insert returned nothing".into()))?;
    item(c, tenant, row.try_get("", "id")?).await
}

const ITEM_COLS: &str =
    "id, org_id, org_path, name, description, price, stock, per_person_limit, active";

pub async fn item(c: &impl ConnectionTrait, tenant: TenantId, id: i64) -> Result<Item, DbError> {
    let sql = format!("SELECT {ITEM_COLS} FROM mall_items WHERE id = ? AND tenant_id = ?");
    one(c, &sql, [id.into(), tenant.0.into()]).await
}

/// The school's items, active ones only if `active_only`, cheapest first.
async fn items(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    active_only: bool,
) -> Result<Vec<Item>, DbError> {
    let sql = format!(
        "SELECT {ITEM_COLS} FROM mall_items WHERE tenant_id = ? AND (active = ? OR ? = ?) ORDER BY price, id"
    );
    all(
        c,
        &sql,
        [
            tenant.0.into(),
            true.into(),
            active_only.into(),
            false.into(),
        ],
    )
    .await
}

/// Items offered to someone whose orgs are at `paths`: those of any org on the way up to them.
pub async fn items_for(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    paths: &[OrgPath],
) -> Result<Vec<Item>, DbError> {
    Ok(items(c, tenant, true)
        .await?
        .into_iter()
        .filter(|i| {
            let root = OrgPath::from_stored(i.org_path.clone());
            paths.iter().any(|p| root.contains(p))
        })
        .collect())
}

/// Items of orgs within `scope` (for their administrators).
pub async fn items_in(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    scope: &Scope,
) -> Result<Vec<Item>, DbError> {
    Ok(items(c, tenant, false)
        .await?
        .into_iter()
        .filter(|i| scope.covers(&OrgPath::from_stored(i.org_path.clone())))
        .collect())
}

/// Redeems one unit of `item` for `person`, inside the caller's transaction; see the module
/// note. Refusals are [`DbError::Conflict`] with a [`Refusal`] code.
pub async fn redeem(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    person: PersonId,
    it: &Item,
) -> Result<Redemption, DbError> {
    if !it.active {
        return Err(refused(Refusal::Inactive));
    }
    let b = c.get_database_backend();
    // The spend comes first: it is a write, so SQLite takes its write lock before anything is
    // read, and PostgreSQL locks the person's row so their own concurrent redemptions queue.
    let key = format!("mall:{}:{}:{:016x}", it.id, person.0, rand::random::<u64>());
    points::spend(c, tenant, person, (it.price, &it.name), &key)
        .await
        .map_err(|e| match e {
            DbError::Conflict(_) => refused(Refusal::InsufficientPoints),
            e => e,
        })?;
    let held = c
        .query_one_raw(stmt(
            b,
            "SELECT COUNT(*) AS n FROM mall_redemptions WHERE item_id = ? AND person_id = ? AND status <> 'cancelled'",
            [it.id.into(), person.0.into()],
        ))
        .await?
        .ok_or(DbError::NotFound)?
        .try_get::<i64>("", "n")?;
    // The balance was checked by the spend above; here only the limit is left to check.
    may_redeem(it.price, it.price, held, it.per_person_limit).map_err(refused)?;
    let took = c
        .execute_raw(stmt(
            b,
            "UPDATE mall_items SET stock = stock - 1 WHERE id = ? AND tenant_id = ? AND stock > 0",
            [it.id.into(), tenant.0.into()],
        ))
        .await?;
    if took.rows_affected() == 0 {
        return Err(refused(Refusal::SoldOut));
    }
    let row = c
        .query_one_raw(stmt(
            b,
            "INSERT INTO mall_redemptions (tenant_id, item_id, person_id, price, status, redeemed_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            [tenant.0.into(), it.id.into(), person.0.into(), it.price.into(), Status::Pending.code().into(), Utc::now().into()],
        ))
        .await?
        .ok_or(DbError::Corrupt("insert returned nothing".into()))?;
    redemption(c, tenant, row.try_get("", "id")?).await
}

const RED_SELECT: &str = "SELECT r.id, r.item_id, i.name AS item_name, r.person_id, p.name AS person_name, r.price, r.status, r.redeemed_at \
     FROM mall_redemptions r JOIN mall_items i ON i.id = r.item_id JOIN people p ON p.id = r.person_id";

pub async fn redemption(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: i64,
) -> Result<Redemption, DbError> {
    let sql = format!("{RED_SELECT} WHERE r.id = ? AND r.tenant_id = ?");
    one(c, &sql, [id.into(), tenant.0.into()]).await
}

/// A person's redemptions, newest first.
pub async fn redemptions_of(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    person: PersonId,
) -> Result<Vec<Redemption>, DbError> {
    let sql = format!("{RED_SELECT} WHERE r.person_id = ? AND r.tenant_id = ? ORDER BY r.id DESC");
    all(c, &sql, [person.0.into(), tenant.0.into()]).await
}

/// Redemptions of one item, newest first (for its administrators).
pub async fn redemptions_of_item(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    item: i64,
) -> Result<Vec<Redemption>, DbError> {
    let sql = format!("{RED_SELECT} WHERE r.item_id = ? AND r.tenant_id = ? ORDER BY r.id DESC");
    all(c, &sql, [item.into(), tenant.0.into()]).await
}

/// Marks a pending redemption fulfilled, or cancels it (points back, unit back in stock).
/// Only a pending redemption changes: anything else is `Conflict("not_pending")`.
pub async fn handle(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    r: &Redemption,
    to: Status,
    by: i64,
) -> Result<(), DbError> {
    let b = c.get_database_backend();
    let res = c
        .execute_raw(stmt(
            b,
            "UPDATE mall_redemptions SET status = ?, handled_by = ?, handled_at = ? WHERE id = ? AND tenant_id = ? AND status = 'pending'",
            [to.code().into(), by.into(), Utc::now().into(), r.id.into(), tenant.0.into()],
        ))
        .await?;
    if res.rows_affected() == 0 {
        return Err(DbError::Conflict("not_pending"));
    }
    if to == Status::Cancelled {
        c.execute_raw(stmt(
            b,
            "UPDATE mall_items SET stock = stock + 1 WHERE id = ?",
            [r.item_id.into()],
        ))
        .await?;
        let key = format!("mall-refund:{}", r.id);
        points::refund(
            c,
            tenant,
            PersonId(r.person_id),
            (r.price, &r.item_name),
            &key,
            by,
        )
        .await?;
    }
    Ok(())
}
