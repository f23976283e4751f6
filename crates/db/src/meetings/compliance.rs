//! The grouped reads behind the compliance view: one row per held meeting in a period (the
//! attendance counts are kept on the meeting), and each org's latest held meeting.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

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
