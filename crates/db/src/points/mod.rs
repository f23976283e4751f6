//! The points ledger: [`award`] (the interface other slices call inside their own transaction),
//! spending and refunds for the mall, adjustments, history, and the running aggregates behind
//! ranks and leaderboards (see `docs/adr/0010-points-ledger.md`).
//!
//! Every write first upserts the person's `points_totals` row: on PostgreSQL that row lock
//! serialises one person's awards (so caps read a settled `points_daily`), on SQLite the single
//! writer does. Nothing here is a cache that could drift: aggregates change only in the same
//! transaction as the ledger row they summarise.

mod award;
mod boards;
mod rank;

use chrono::{DateTime, NaiveDate, Utc};
use redbranch_domain::points::{self as rules, RuleTable};
use sea_orm::{ConnectionTrait, FromQueryResult, Value};
use serde::Serialize;

use crate::DbError;
pub(crate) use crate::audit::stmt;
use crate::people::PersonId;
use crate::tenants::TenantId;

pub use award::{Earning, award, award_many};
pub use boards::{OrgBoardRow, PersonBoardRow, org_board, people_in_period, top_in_subtree};
pub use rank::{rank_in_school, verify_ranks};

/// What an award granted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Award {
    pub ledger_id: i64,
    /// Points actually granted after caps (possibly 0).
    pub points: i64,
    /// What the rule pays per event before caps.
    pub requested: i64,
    /// `points.reason.<code>`: rule, activity_cap, daily_max, not_first.
    pub reason: String,
    pub rule_version: String,
    /// The idempotency key had been used: nothing was paid this time.
    pub replayed: bool,
}

/// One ledger row as the person's history shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromQueryResult)]
pub struct Entry {
    pub id: i64,
    pub kind: String,
    pub activity: String,
    pub requested: i64,
    pub points: i64,
    pub reason: String,
    pub rule_version: Option<String>,
    pub day: NaiveDate,
    pub at: DateTime<Utc>,
}

/// A person's running totals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Lifetime points earned (levels, badges, ranks).
    pub earned: i64,
    pub spent: i64,
}

impl Totals {
    pub fn balance(&self) -> i64 {
        self.earned - self.spent
    }
}

/// Begins a transaction that will write: `BEGIN IMMEDIATE` on SQLite, so it waits (busy
/// timeout) for the single writer up front instead of failing with "database is locked" when it
/// reads first and another writer commits before its first write; a plain `BEGIN` on
/// PostgreSQL, where row locks do that job. Points, mall and lessons writes use it.
pub async fn begin_write(
    c: &sea_orm::DatabaseConnection,
) -> Result<sea_orm::DatabaseTransaction, DbError> {
    use sea_orm::{SqliteTransactionMode, TransactionOptions, TransactionTrait};
    Ok(c.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await?)
}

/// One row of `sql` as `T`; [`DbError::NotFound`] if there is none.
pub(crate) async fn one<T: FromQueryResult>(
    c: &impl ConnectionTrait,
    sql: &str,
    values: impl IntoIterator<Item = Value>,
) -> Result<T, DbError> {
    let b = c.get_database_backend();
    let row = c
        .query_one_raw(stmt(b, sql, values))
        .await?
        .ok_or(DbError::NotFound)?;
    Ok(T::from_query_result(&row, "")?)
}

/// Every row of `sql` as `T`.
pub(crate) async fn all<T: FromQueryResult>(
    c: &impl ConnectionTrait,
    sql: &str,
    values: impl IntoIterator<Item = Value>,
) -> Result<Vec<T>, DbError> {
    let b = c.get_database_backend();
    let rows = c.query_all_raw(stmt(b, sql, values)).await?;
    rows.iter()
        .map(|r| Ok(T::from_query_result(r, "")?))
        .collect()
}

/// Locks the person's totals row until the transaction ends, creating it at zero (with their
/// org paths) the first time ([`award::lock_people`] of one). [`DbError::NotFound`]
/// if the person is not of this school.
///
/// True when the row was created here: the caller must then count the person in the rank
/// histogram ([`rank::settle`]) whatever else it does.
async fn lock_person(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    person: PersonId,
    at: DateTime<Utc>,
) -> Result<bool, DbError> {
    let (found, entered) = award::lock_people(c, tenant, &[person.0], at).await?;
    if !found.contains(&person.0) {
        return Err(DbError::NotFound);
    }
    Ok(entered.contains(&person.0))
}

/// The school's published rule tables, oldest first.
pub async fn rule_tables(
    c: &impl ConnectionTrait,
    tenant: TenantId,
) -> Result<Vec<RuleTable>, DbError> {
    let b = c.get_database_backend();
    let rows = c
        .query_all_raw(stmt(
            b,
            "SELECT body FROM points_rule_sets WHERE tenant_id = ? ORDER BY effective_from, id",
            [tenant.0.into()],
        ))
        .await?;
    rows.iter()
        .map(|r| {
            let body: String = r.try_get("", "body")?;
            serde_json::from_str(&body)
                .map_err(|e| DbError::Corrupt(format!("points rule table: {e}")))
        })
        .collect()
}

/// Publishes a rule table version (already checked). A version name used before is a
/// [`DbError::Duplicate`].
pub async fn add_rule_table(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    t: &RuleTable,
    by: Option<i64>,
) -> Result<(), DbError> {
    let b = c.get_database_backend();
    let body = serde_json::to_string(t).map_err(|e| DbError::Corrupt(e.to_string()))?;
    c.execute_raw(stmt(
        b,
        "INSERT INTO points_rule_sets (tenant_id, version, effective_from, body, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        [tenant.0.into(), t.version.clone().into(), t.effective_from.into(), body.into(), by.into(), Utc::now().into()],
    ))
    .await?;
    Ok(())
}

/// A new ledger row.
struct Row<'a> {
    kind: &'a str,
    activity: &'a str,
    requested: i64,
    points: i64,
    reason: &'a str,
    rule_version: Option<&'a str>,
    at: DateTime<Utc>,
    key: &'a str,
    by: Option<i64>,
}

async fn insert_row(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    person: PersonId,
    r: Row<'_>,
) -> Result<i64, DbError> {
    let b = c.get_database_backend();
    let row = c
        .query_one_raw(stmt(
            b,
            "INSERT INTO points_ledger (tenant_id, person_id, kind, activity, requested, points, reason, rule_version, day, at, idem_key, by_user) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            [
                tenant.0.into(),
                person.0.into(),
                r.kind.into(),
                r.activity.into(),
                r.requested.into(),
                r.points.into(),
                r.reason.into(),
                r.rule_version.map(str::to_string).into(),
                rules::school_day(r.at).into(),
                r.at.into(),
                r.key.into(),
                r.by.into(),
            ],
        ))
        .await?
        .ok_or(DbError::Corrupt("ledger insert returned nothing".into()))?;
    Ok(row.try_get("", "id")?)
}

/// An administrator's adjustment (positive or negative) with a written reason, outside the
/// caps. Taking away more than the person's balance is `Conflict("insufficient_points")`.
pub async fn adjust(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    person: PersonId,
    (delta, reason): (i64, &str),
    key: &str,
    by: i64,
) -> Result<i64, DbError> {
    let at = Utc::now();
    // Rare writes: a new person is counted at 0 at once, the move comes after.
    let entered = lock_person(c, tenant, person, at).await?;
    rank::settle(c, tenant, entered, (0, 0)).await?;
    if !award::existing(c, tenant, &[key]).await?.is_empty() {
        return Err(DbError::Conflict("replayed"));
    }
    let new = rank::add_earned(c, person, delta, true, at)
        .await?
        .ok_or(DbError::Conflict("insufficient_points"))?;
    rank::settle(c, tenant, false, (new - delta, new)).await?;
    let row = Row {
        kind: "adjust",
        activity: "adjust",
        requested: delta,
        points: delta,
        reason,
        rule_version: None,
        at,
        key,
        by: Some(by),
    };
    insert_row(c, tenant, person, row).await
}

/// Takes `amount` points for a purchase, never below zero: one conditional UPDATE, so two
/// concurrent spends cannot both pass the check. `Conflict("insufficient_points")` otherwise.
pub async fn spend(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    person: PersonId,
    (amount, what): (i64, &str),
    key: &str,
) -> Result<i64, DbError> {
    let at = Utc::now();
    let entered = lock_person(c, tenant, person, at).await?;
    rank::settle(c, tenant, entered, (0, 0)).await?;
    let b = c.get_database_backend();
    let res = c
        .execute_raw(stmt(
            b,
            "UPDATE points_totals SET spent = spent + ?, updated_at = ? WHERE person_id = ? AND earned - spent >= ?",
            [amount.into(), at.into(), person.0.into(), amount.into()],
        ))
        .await?;
    if res.rows_affected() == 0 {
        return Err(DbError::Conflict("insufficient_points"));
    }
    let row = Row {
        kind: "spend",
        activity: "mall",
        requested: -amount,
        points: -amount,
        reason: what,
        rule_version: None,
        at,
        key,
        by: None,
    };
    insert_row(c, tenant, person, row).await
}

/// Gives back points spent on a redemption that was cancelled.
pub async fn refund(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    person: PersonId,
    (amount, what): (i64, &str),
    key: &str,
    by: i64,
) -> Result<i64, DbError> {
    let at = Utc::now();
    let entered = lock_person(c, tenant, person, at).await?;
    rank::settle(c, tenant, entered, (0, 0)).await?;
    let b = c.get_database_backend();
    c.execute_raw(stmt(
        b,
        "UPDATE points_totals SET spent = spent - ?, updated_at = ? WHERE person_id = ?",
        [amount.into(), at.into(), person.0.into()],
    ))
    .await?;
    let row = Row {
        kind: "refund",
        activity: "mall",
        requested: amount,
        points: amount,
        reason: what,
        rule_version: None,
        at,
        key,
        by: Some(by),
    };
    insert_row(c, tenant, person, row).await
}

/// The person's totals (zero before their first points).
pub async fn totals(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    person: PersonId,
) -> Result<Totals, DbError> {
    let b = c.get_database_backend();
    let row = c
        .query_one_raw(stmt(
            b,
            "SELECT earned, spent FROM points_totals WHERE person_id = ? AND tenant_id = ?",
            [person.0.into(), tenant.0.into()],
        ))
        .await?;
    Ok(match row {
        Some(r) => Totals {
            earned: r.try_get("", "earned")?,
            spent: r.try_get("", "spent")?,
        },
        None => Totals::default(),
    })
}

/// The person's ledger, newest first, `limit` rows before ledger id `before` (if given).
pub async fn history(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    person: PersonId,
    before: Option<i64>,
    limit: u64,
) -> Result<Vec<Entry>, DbError> {
    let b = c.get_database_backend();
    let rows = c
        .query_all_raw(stmt(
            b,
            &format!(
                "SELECT id, kind, activity, requested, points, reason, rule_version, day, at FROM points_ledger \
                 WHERE person_id = ? AND tenant_id = ? AND id < ? ORDER BY id DESC LIMIT {limit}"
            ),
            [person.0.into(), tenant.0.into(), before.unwrap_or(i64::MAX).into()],
        ))
        .await?;
    rows.iter()
        .map(|r| Ok(Entry::from_query_result(r, "")?))
        .collect()
}

/// Checks the aggregates against the ledger for a school: people whose `points_totals` differ
/// from the sum of their ledger rows (the benchmark's "no lost or doubled points").
pub async fn verify(c: &impl ConnectionTrait, tenant: TenantId) -> Result<(i64, i64), DbError> {
    let b = c.get_database_backend();
    let row = c
        .query_one_raw(stmt(
            b,
            "SELECT COUNT(*) AS people, COALESCE(SUM(CASE WHEN t.earned - t.spent <> l.net THEN 1 ELSE 0 END), 0) AS wrong \
             FROM points_totals t JOIN (SELECT person_id, SUM(points) AS net FROM points_ledger WHERE tenant_id = ? GROUP BY person_id) l \
             ON l.person_id = t.person_id",
            [tenant.0.into()],
        ))
        .await?
        .ok_or(DbError::NotFound)?;
    Ok((row.try_get("", "people")?, row.try_get("", "wrong")?))
}
