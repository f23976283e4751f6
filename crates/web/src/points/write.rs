//! Writes on points by administrators and integrations, each checked against the person's org
//! and done on the caller's transaction: an award by another system (`ManagePoints`; the rule
//! table decides how much), an adjustment with a written reason (audited), a new version of the
//! school's rule table (school level; audited).

use redbranch_db::ConnectionTrait;
use redbranch_db::people::PersonId;
use redbranch_db::points::{self as dbpoints, Award};
use redbranch_domain::authz::Permission;
use redbranch_domain::error::FieldError;
use redbranch_domain::org::OrgPath;
use redbranch_domain::points::RuleTable;
use serde::Deserialize;
use serde_json::json;

use super::person_orgs;
use crate::error::{AppError, AppResult};
use crate::session::CurrentUser;
use crate::state::AppState;

#[derive(Debug, Default, Clone, Deserialize)]
pub struct AwardInput {
    pub person_id: i64,
    #[serde(default)]
    pub activity: String,
    #[serde(default)]
    pub idempotency_key: String,
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct AdjustInput {
    pub person_id: i64,
    pub points: i64,
    #[serde(default)]
    pub reason: String,
    /// Makes a retried request harmless; one is made up if absent.
    #[serde(default)]
    pub idempotency_key: String,
}

/// The path of the person's org for the audit log, and the check of `ManagePoints` on it. Read
/// on the caller's connection: a second pooled connection per request could exhaust the pool
/// under a burst of awards, each holding its transaction while waiting for another.
async fn ensure_manage(
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    person: i64,
) -> AppResult<Option<OrgPath>> {
    let orgs = person_orgs(c, u, person).await?;
    orgs.ensure(&u.grants, Permission::ManagePoints)?;
    Ok(orgs
        .league
        .as_ref()
        .or(orgs.party.as_ref())
        .map(|o| o.org_path()))
}

/// An award through the API (another system reporting an activity). Replays return the first
/// award with `replayed: true`.
pub async fn award_points(
    st: &AppState,
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    input: &AwardInput,
) -> AppResult<Award> {
    ensure_manage(c, u, input.person_id).await?;
    let key = input.idempotency_key.trim();
    if key.is_empty() || key.len() > 200 {
        return Err(FieldError::new("field.idempotency_key", "error.required").into());
    }
    let activity = input.activity.trim();
    dbpoints::award(
        c,
        u.tenant,
        PersonId(input.person_id),
        activity,
        key,
        st.clock.now(),
    )
    .await
    .map_err(|e| match e {
        redbranch_db::DbError::Conflict("unknown_activity") => {
            FieldError::new("field.activity", "points.error.unknown_activity").into()
        }
        e => AppError::from(e),
    })
}

/// An adjustment outside the caps, with its reason, audited as `points_adjust`.
pub async fn adjust_points(
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    input: &AdjustInput,
) -> AppResult<i64> {
    let org = ensure_manage(c, u, input.person_id).await?;
    let reason = input.reason.trim();
    if reason.is_empty() || reason.chars().count() > 200 {
        return Err(FieldError::new("field.adjust_reason", "error.required").into());
    }
    if input.points == 0 || input.points.abs() > 100_000 {
        return Err(FieldError::new("field.adjust_points", "points.error.adjust_range").into());
    }
    let key = match input.idempotency_key.trim() {
        "" => format!("adjust:{}:{:016x}", input.person_id, rand::random::<u64>()),
        k => format!("adjust:{k}"),
    };
    let id = dbpoints::adjust(
        c,
        u.tenant,
        PersonId(input.person_id),
        (input.points, reason),
        &key,
        u.user_id.0,
    )
    .await?;
    let after = json!({"ledger_id": id, "points": input.points, "reason": reason});
    let e = crate::audit::entry(
        u,
        "points_adjust",
        "person",
        input.person_id,
        org,
        None,
        Some(after),
    );
    redbranch_db::audit::append(c, u.tenant, e).await?;
    Ok(id)
}

/// Publishes a new version of the school's rule table (school level only), audited as
/// `points_rules`. It applies from its `effective_from` day; earlier days keep their version.
pub async fn publish_rules(
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    table: &RuleTable,
) -> AppResult<()> {
    let roots = redbranch_db::org::roots(c, u.tenant).await?;
    let root = roots
        .iter()
        .map(|r| r.org_path())
        .find(|p| u.grants.allows(Permission::ManagePoints, p))
        .ok_or(redbranch_domain::authz::Forbidden(Permission::ManagePoints))?;
    u.grants.ensure(Permission::ManagePoints, &root)?;
    if let Err(code) = table.check() {
        return Err(FieldError::new("field.rule_table", code).into());
    }
    dbpoints::add_rule_table(c, u.tenant, table, Some(u.user_id.0)).await?;
    let after = serde_json::to_value(table).unwrap_or_default();
    let e = crate::audit::entry(
        u,
        "points_rules",
        "settings",
        &table.version,
        Some(root),
        None,
        Some(after),
    );
    redbranch_db::audit::append(c, u.tenant, e).await?;
    Ok(())
}
