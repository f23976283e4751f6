//! The grouped reads behind the compliance view: the months of a year in which each org held
//! each kind of meeting (for roll-ups), one row per held meeting (for one branch in detail; the
//! attendance counts are kept on the meeting), and each org's latest held meeting.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Statement, Value,
};

use super::entity::meetings;
use crate::DbError;
use crate::tenants::TenantId;

/// A held meeting as compliance sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldRow {
    pub org_id: i64,
    pub kind: String,
    pub held_on: NaiveDate,
    pub attended: i64,
    pub invited: i64,
}

/// Meetings held (minutes recorded) from `from` to `to` inclusive, of the orgs `org_ids`
/// (`None`: the whole school).
pub async fn held_between(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    org_ids: Option<&[i64]>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<HeldRow>, DbError> {
    use meetings::Column as M;
    let mut q = meetings::Entity::find()
        .select_only()
        .columns([M::OrgId, M::Kind, M::HeldOn, M::Attended, M::Invited])
        .filter(M::TenantId.eq(tenant.0))
        .filter(M::HeldOn.gte(from))
        .filter(M::HeldOn.lte(to))
        .filter(M::Status.eq("held"));
    if let Some(ids) = org_ids {
        q = q.filter(M::OrgId.is_in(ids.iter().copied()));
    }
    let rows: Vec<(i64, String, NaiveDate, i64, i64)> = q.into_tuple().all(c).await?;
    Ok(rows
        .into_iter()
        .map(|(org_id, kind, held_on, attended, invited)| HeldRow {
            org_id,
            kind,
            held_on,
            attended,
            invited,
        })
        .collect())
}

/// The months of one year in which an org held a kind of meeting (see
/// `redbranch_domain::meetings::compliance::months`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthsRow {
    pub org_id: i64,
    pub kind: String,
    /// Bit 0 = January: months with a meeting held.
    pub held: u16,
    /// Months with a meeting held with more than half of its invitees present.
    pub quorate: u16,
}

/// For meetings held (minutes recorded) in `year` up to `to`, of the orgs `org_ids` (`None`:
/// the whole school): per org and kind, the months in which one was held, and held quorate.
///
/// Grouped in the database so a school's roll-up reads a row per org and kind rather than a
/// row per meeting. The month is found by comparing `held_on` with the first days of the
/// months (bound as parameters), which both backends do alike; `SUM(DISTINCT bit)` of powers
/// of two is their bitwise OR. The quorum test is `domain::meetings::compliance::quorum_met`
/// (`invited > 0 AND attended * 2 > invited`). Reads only the covering index
/// `meetings_held_day` (m0014).
pub async fn held_months(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    org_ids: Option<&[i64]>,
    year: i32,
    to: NaiveDate,
) -> Result<Vec<MonthsRow>, DbError> {
    let (Some(first), Some(last)) = (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) else {
        return Ok(Vec::new());
    };
    let to = std::cmp::Ord::min(to, last);
    if to < first {
        return Ok(Vec::new());
    }
    let mut values: Vec<Value> = Vec::with_capacity(16 + org_ids.map_or(0, <[i64]>::len));
    let mut bit = String::from("CASE");
    for m in 2..=12u32 {
        bit.push_str(&format!(" WHEN held_on < ? THEN {}", 1u32 << (m - 2)));
        values.push(NaiveDate::from_ymd_opt(year, m, 1).unwrap_or(first).into());
    }
    bit.push_str(" ELSE 2048 END");
    values.extend([tenant.0.into(), first.into(), to.into()]);
    let mut only = String::new();
    if let Some(ids) = org_ids {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        only = format!(" AND org_id IN ({})", vec!["?"; ids.len()].join(","));
        values.extend(ids.iter().map(|i| Value::from(*i)));
    }
    let text = format!(
        "SELECT org_id, kind, SUM(DISTINCT bit) AS held, \
           SUM(DISTINCT CASE WHEN invited > 0 AND attended * 2 > invited THEN bit ELSE 0 END) AS quorate \
         FROM (SELECT org_id, kind, attended, invited, {bit} AS bit FROM meetings \
               WHERE tenant_id = ? AND status = 'held' AND held_on >= ? AND held_on <= ?{only}) m \
         GROUP BY org_id, kind"
    );
    let b = c.get_database_backend();
    let rows = c
        .query_all_raw(Statement::from_sql_and_values(
            b,
            crate::audit::sql(b, &text),
            values,
        ))
        .await?;
    rows.iter()
        .map(|r| {
            let mask = |col: &str| -> Result<u16, DbError> {
                let v: i64 = r.try_get("", col)?;
                u16::try_from(v).map_err(|_| DbError::Corrupt(format!("month mask {v}")))
            };
            Ok(MonthsRow {
                org_id: r.try_get("", "org_id")?,
                kind: r.try_get("", "kind")?,
                held: mask("held")?,
                quorate: mask("quorate")?,
            })
        })
        .collect()
}

/// The orgs that held a meeting from `from` to `to` inclusive, of `org_ids` (`None`: the whole
/// school). For the silent-branch count: a branch is not silent when it held something in the
/// last `silent_days`, and that window is a month of the index `meetings_held_day`, where each
/// org's latest meeting ([`last_held`]) reads every meeting it ever held.
pub async fn held_any_between(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    org_ids: Option<&[i64]>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<std::collections::HashSet<i64>, DbError> {
    use meetings::Column as M;
    if from > to {
        return Ok(std::collections::HashSet::new());
    }
    let mut q = meetings::Entity::find()
        .select_only()
        .column(M::OrgId)
        .distinct()
        .filter(M::TenantId.eq(tenant.0))
        .filter(M::Status.eq("held"))
        .filter(M::HeldOn.gte(from))
        .filter(M::HeldOn.lte(to));
    if let Some(ids) = org_ids {
        q = q.filter(M::OrgId.is_in(ids.iter().copied()));
    }
    let rows: Vec<i64> = q.into_tuple().all(c).await?;
    Ok(rows.into_iter().collect())
}

/// Each org's latest held meeting up to `to` (orgs that never held one are absent).
pub async fn last_held(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    org_ids: Option<&[i64]>,
    to: NaiveDate,
) -> Result<HashMap<i64, NaiveDate>, DbError> {
    use meetings::Column as M;
    let mut q = meetings::Entity::find()
        .select_only()
        .column(M::OrgId)
        .column_as(Expr::col(M::HeldOn).max(), "last")
        .filter(M::TenantId.eq(tenant.0))
        .filter(M::Status.eq("held"))
        .filter(M::HeldOn.lte(to));
    if let Some(ids) = org_ids {
        q = q.filter(M::OrgId.is_in(ids.iter().copied()));
    }
    let rows: Vec<(i64, Option<NaiveDate>)> = q.group_by(M::OrgId).into_tuple().all(c).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(o, d)| Some((o, d?)))
        .collect())
}
