//! The school's histogram of lifetime points (`points_rank`: how many people have each `earned`
//! value), kept in the same transaction as every change of `points_totals.earned`, so a
//! person's rank is a sum over the distinct point values above theirs instead of a count of
//! every person ahead (docs/BENCHMARKS.md: a range count over 1 M people).
//!
//! Three writes move people in it: a person's first totals row (they enter), an award and an
//! adjustment (from the old value to the new). [`verify_ranks`] compares it with a recount.

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

use super::stmt;
use crate::DbError;
use crate::people::PersonId;
use crate::tenants::TenantId;

/// Adds `delta` people at `earned` (an upsert: the first person at a value creates its row).
async fn bump(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    earned: i64,
    delta: i64,
) -> Result<(), DbError> {
    let b = c.get_database_backend();
    c.execute_raw(stmt(
        b,
        "INSERT INTO points_rank (tenant_id, earned, people) VALUES (?, ?, ?) \
         ON CONFLICT (tenant_id, earned) DO UPDATE SET people = points_rank.people + excluded.people",
        [tenant.0.into(), earned.into(), delta.into()],
    ))
    .await?;
    Ok(())
}

/// Puts a change of one person's lifetime points from `old` to `new` into the histogram;
/// `entered` when this transaction created their totals row (they were not counted yet, and
/// `old` is 0). Awards call it last, so on PostgreSQL the rows everyone at the same points
/// shares stay locked only for the commit; the two rows of a move are updated in ascending
/// order of value, so two transactions moving people between the same two values in opposite
/// directions lock them in the same order and cannot deadlock.
pub(super) async fn settle(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    entered: bool,
    (old, new): (i64, i64),
) -> Result<(), DbError> {
    if entered {
        return bump(c, tenant, new, 1).await;
    }
    if old == new {
        return Ok(());
    }
    if old < new {
        bump(c, tenant, old, -1).await?;
        bump(c, tenant, new, 1).await
    } else {
        bump(c, tenant, new, 1).await?;
        bump(c, tenant, old, -1).await
    }
}

/// Adds `points` (positive or negative) to the person's lifetime points; the new total, or
/// `None` when `guard_balance` refused a change that would take the balance below zero (then
/// nothing was written). The caller then moves them in the histogram ([`settle`]).
pub(super) async fn add_earned(
    c: &impl ConnectionTrait,
    person: PersonId,
    points: i64,
    guard_balance: bool,
    at: DateTime<Utc>,
) -> Result<Option<i64>, DbError> {
    let b = c.get_database_backend();
    let guard = if guard_balance {
        " AND earned - spent + ? >= 0"
    } else {
        ""
    };
    let mut values = vec![points.into(), at.into(), person.0.into()];
    if guard_balance {
        values.push(points.into());
    }
    let row = c
        .query_one_raw(stmt(
            b,
            &format!(
                "UPDATE points_totals SET earned = earned + ?, updated_at = ? WHERE person_id = ?{guard} RETURNING earned"
            ),
            values,
        ))
        .await?;
    match row {
        Some(r) => Ok(Some(r.try_get("", "earned")?)),
        None => Ok(None),
    }
}

/// The person's rank in the school by lifetime points (1 = most; ties share a rank; someone
/// without points yet comes after everyone who has some) and the number of people with a totals
/// row: one statement over the histogram, as many rows as distinct point values.
pub async fn rank_in_school(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    person: PersonId,
) -> Result<(i64, i64), DbError> {
    let b = c.get_database_backend();
    let row = c
        .query_one_raw(stmt(
            b,
            "SELECT CAST(COALESCE(SUM(CASE WHEN r.earned > COALESCE( \
                 (SELECT t.earned FROM points_totals t WHERE t.person_id = ? AND t.tenant_id = ?), 0) \
               THEN r.people ELSE 0 END), 0) AS BIGINT) AS ahead, \
               CAST(COALESCE(SUM(r.people), 0) AS BIGINT) AS everyone \
             FROM points_rank r WHERE r.tenant_id = ?",
            [person.0.into(), tenant.0.into(), tenant.0.into()],
        ))
        .await?
        .ok_or(DbError::NotFound)?;
    let ahead: i64 = row.try_get("", "ahead")?;
    let everyone: i64 = row.try_get("", "everyone")?;
    Ok((ahead + 1, everyone))
}

/// How many point values of the school have a histogram count different from a recount of
/// `points_totals` (0 when they agree; a value with no people may keep a row at 0).
pub async fn verify_ranks(c: &impl ConnectionTrait, tenant: TenantId) -> Result<i64, DbError> {
    let b = c.get_database_backend();
    let row = c
        .query_one_raw(stmt(
            b,
            "SELECT COUNT(*) AS wrong FROM ( \
               SELECT r.earned FROM points_rank r LEFT JOIN ( \
                 SELECT earned, COUNT(*) AS n FROM points_totals WHERE tenant_id = ? GROUP BY earned \
               ) t ON t.earned = r.earned \
               WHERE r.tenant_id = ? AND r.people <> COALESCE(t.n, 0) \
               UNION ALL \
               SELECT t.earned FROM points_totals t LEFT JOIN points_rank r \
                 ON r.tenant_id = t.tenant_id AND r.earned = t.earned \
               WHERE t.tenant_id = ? AND r.earned IS NULL \
             ) x",
            [tenant.0.into(), tenant.0.into(), tenant.0.into()],
        ))
        .await?
        .ok_or(DbError::NotFound)?;
    Ok(row.try_get("", "wrong")?)
}
