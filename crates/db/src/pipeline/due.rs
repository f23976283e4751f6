//! The daily deadline job's storage: who is in the pipeline with which steps, the day's claim,
//! the deadlines it found (replaced whole each run), and the notifications it sends.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use redbranch_domain::authz::Role;
use redbranch_domain::org::OrgPath;
use redbranch_domain::people::PoliticalStatus;
use redbranch_domain::pipeline::{History, Step};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use super::entity::{job_runs, notifications, pipeline_due, pipeline_steps};
use crate::DbError;
use crate::auth::entity::{role_grants, users};
use crate::org::entity::orgs;
use crate::people::entity::people;
use crate::tenants::TenantId;

/// Rows per multi-row INSERT: well under both backends' bound-parameter limits.
const CHUNK: usize = 500;

/// The statuses of people still on their way through the pipeline.
pub const IN_PIPELINE: [PoliticalStatus; 4] = [
    PoliticalStatus::PartyApplicant,
    PoliticalStatus::PartyActivist,
    PoliticalStatus::DevelopmentTarget,
    PoliticalStatus::ProbationaryMember,
];

fn pipeline_codes() -> Vec<&'static str> {
    IN_PIPELINE.iter().map(|s| s.code()).collect()
}

/// Someone in the pipeline, with their Party branch and their steps so far.
pub struct InPipeline {
    pub person_id: i64,
    pub name: String,
    pub org_id: Option<i64>,
    pub history: History,
}

/// Everyone of the school in the pipeline, with their steps (two queries, whatever the size).
pub async fn people_in_pipeline(
    c: &impl ConnectionTrait,
    tenant: TenantId,
) -> Result<Vec<InPipeline>, DbError> {
    let who: Vec<(i64, String, Option<i64>)> = people::Entity::find()
        .select_only()
        .column(people::Column::Id)
        .column(people::Column::Name)
        .column(people::Column::PartyOrgId)
        .filter(people::Column::TenantId.eq(tenant.0))
        .filter(people::Column::PoliticalStatus.is_in(pipeline_codes()))
        .into_tuple()
        .all(c)
        .await?;
    let steps: Vec<(i64, String, NaiveDate)> = pipeline_steps::Entity::find()
        .select_only()
        .column(pipeline_steps::Column::PersonId)
        .column(pipeline_steps::Column::Step)
        .column(pipeline_steps::Column::HappenedOn)
        .filter(pipeline_steps::Column::TenantId.eq(tenant.0))
        .into_tuple()
        .all(c)
        .await?;
    let mut histories: HashMap<i64, History> = HashMap::new();
    for (person, code, on) in steps {
        if let Some(step) = Step::from_code(&code) {
            histories.entry(person).or_default().0.insert(step, on);
        }
    }
    Ok(who
        .into_iter()
        .map(|(person_id, name, org_id)| InPipeline {
            person_id,
            name,
            org_id,
            history: histories.remove(&person_id).unwrap_or_default(),
        })
        .collect())
}

/// The day of each person's latest 思想汇报 (one grouped query for the whole school).
pub async fn last_reports(
    c: &impl ConnectionTrait,
    tenant: TenantId,
) -> Result<HashMap<i64, NaiveDate>, DbError> {
    use crate::dossier::entity::thought_reports;
    let rows: Vec<(i64, Option<NaiveDate>)> = thought_reports::Entity::find()
        .select_only()
        .column(thought_reports::Column::PersonId)
        .column_as(
            Expr::col(thought_reports::Column::SubmittedOn).max(),
            "last",
        )
        .filter(thought_reports::Column::TenantId.eq(tenant.0))
        .group_by(thought_reports::Column::PersonId)
        .into_tuple()
        .all(c)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(p, d)| Some((p, d?)))
        .collect())
}

/// Claims `job` for `day`: true for the one caller that inserted the day's row.
pub async fn claim(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    job: &str,
    day: NaiveDate,
) -> Result<Option<i64>, DbError> {
    let row = job_runs::ActiveModel {
        tenant_id: Set(tenant.0),
        job: Set(job.into()),
        run_on: Set(day),
        started_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(c)
    .await;
    match row.map_err(DbError::from) {
        Ok(r) => Ok(Some(r.id)),
        Err(DbError::Duplicate(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

pub async fn finish(c: &impl ConnectionTrait, run: i64, items: usize) -> Result<(), DbError> {
    job_runs::Entity::update_many()
        .col_expr(job_runs::Column::FinishedAt, Expr::value(Utc::now()))
        .col_expr(
            job_runs::Column::Items,
            Expr::value(i64::try_from(items).unwrap_or(i64::MAX)),
        )
        .filter(job_runs::Column::Id.eq(run))
        .exec(c)
        .await?;
    Ok(())
}

/// One deadline found by the job.
#[derive(Debug, Clone)]
pub struct DueRow {
    pub person_id: i64,
    pub org_id: Option<i64>,
    pub kind: &'static str,
    pub due_on: NaiveDate,
    pub overdue: bool,
}

/// Replaces the school's deadlines with `rows` (run inside the job's transaction).
pub async fn replace_due(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    day: NaiveDate,
    rows: &[DueRow],
) -> Result<(), DbError> {
    pipeline_due::Entity::delete_many()
        .filter(pipeline_due::Column::TenantId.eq(tenant.0))
        .exec(c)
        .await?;
    for chunk in rows.chunks(CHUNK) {
        pipeline_due::Entity::insert_many(chunk.iter().map(|r| pipeline_due::ActiveModel {
            tenant_id: Set(tenant.0),
            person_id: Set(r.person_id),
            org_id: Set(r.org_id),
            kind: Set(r.kind.into()),
            due_on: Set(r.due_on),
            overdue: Set(r.overdue),
            computed_on: Set(day),
            ..Default::default()
        }))
        .exec(c)
        .await?;
    }
    // The board's per-org counts, from the rows just written (docs/BENCHMARKS.md, issue #3).
    let b = c.get_database_backend();
    for sql in [
        "DELETE FROM pipeline_due_orgs WHERE tenant_id = ?",
        "INSERT INTO pipeline_due_orgs (tenant_id, org_id, near, overdue) \
         SELECT tenant_id, org_id, SUM(CASE WHEN overdue THEN 0 ELSE 1 END), SUM(CASE WHEN overdue THEN 1 ELSE 0 END) \
         FROM pipeline_due WHERE tenant_id = ? AND org_id IS NOT NULL GROUP BY tenant_id, org_id",
    ] {
        c.execute_raw(crate::audit::stmt(b, sql, [tenant.0.into()]))
            .await?;
    }
    Ok(())
}

/// A role held on an org, as the job reads it to decide who is told.
pub struct Holder {
    pub user_id: i64,
    pub role: Role,
    pub path: OrgPath,
}

/// Every role held in the school, with the org's path.
pub async fn holders(c: &impl ConnectionTrait, tenant: TenantId) -> Result<Vec<Holder>, DbError> {
    let rows: Vec<(i64, String, String)> = role_grants::Entity::find()
        .select_only()
        .column(role_grants::Column::UserId)
        .column(role_grants::Column::Role)
        .column_as(Expr::col((orgs::Entity, orgs::Column::Path)), "path")
        .join(
            sea_orm::JoinType::InnerJoin,
            role_grants::Entity::belongs_to(orgs::Entity)
                .from(role_grants::Column::OrgId)
                .to(orgs::Column::Id)
                .into(),
        )
        .filter(role_grants::Column::TenantId.eq(tenant.0))
        .into_tuple()
        .all(c)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(user_id, role, path)| {
            Some(Holder {
                user_id,
                role: Role::from_code(&role)?,
                path: OrgPath::from_stored(path),
            })
        })
        .collect())
}

/// The path and name of every org of the school.
pub async fn org_paths(
    c: &impl ConnectionTrait,
    tenant: TenantId,
) -> Result<HashMap<i64, (OrgPath, String)>, DbError> {
    let rows: Vec<(i64, String, String)> = orgs::Entity::find()
        .select_only()
        .column(orgs::Column::Id)
        .column(orgs::Column::Path)
        .column(orgs::Column::Name)
        .filter(orgs::Column::TenantId.eq(tenant.0))
        .into_tuple()
        .all(c)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, p, name)| (id, (OrgPath::from_stored(p), name)))
        .collect())
}

/// The account of each person who has one.
pub async fn accounts(
    c: &impl ConnectionTrait,
    tenant: TenantId,
) -> Result<HashMap<i64, i64>, DbError> {
    let rows: Vec<(i64, Option<i64>)> = users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .column(users::Column::PersonId)
        .filter(users::Column::TenantId.eq(tenant.0))
        .filter(users::Column::PersonId.is_not_null())
        .into_tuple()
        .all(c)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(u, p)| Some((p?, u)))
        .collect())
}

/// A message for one user; `dedupe` makes a second send of the same thing a no-op.
#[derive(Debug, Clone)]
pub struct NewNotification {
    pub user_id: i64,
    pub kind: String,
    pub args: serde_json::Value,
    pub link: Option<String>,
    pub dedupe: String,
}

/// Which of `items` were stored before (same user and dedupe key): [`notify`] skips them, and
/// so does any delivery outside the app.
pub async fn already_sent(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    items: &[NewNotification],
) -> Result<std::collections::HashSet<(i64, String)>, DbError> {
    let mut out = std::collections::HashSet::new();
    for chunk in items.chunks(CHUNK) {
        let rows: Vec<(i64, String)> = notifications::Entity::find()
            .select_only()
            .column(notifications::Column::UserId)
            .column(notifications::Column::Dedupe)
            .filter(notifications::Column::TenantId.eq(tenant.0))
            // Both columns of the unique index, so it serves the lookup.
            .filter(notifications::Column::UserId.is_in(chunk.iter().map(|n| n.user_id)))
            .filter(notifications::Column::Dedupe.is_in(chunk.iter().map(|n| n.dedupe.clone())))
            .into_tuple()
            .all(c)
            .await?;
        out.extend(rows);
    }
    Ok(out)
}

/// Stores notifications, skipping those already sent (same user and dedupe key).
pub async fn notify(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    items: &[NewNotification],
) -> Result<(), DbError> {
    let now = Utc::now();
    for chunk in items.chunks(CHUNK) {
        notifications::Entity::insert_many(chunk.iter().map(|n| notifications::ActiveModel {
            tenant_id: Set(tenant.0),
            user_id: Set(n.user_id),
            kind: Set(n.kind.clone()),
            args: Set(n.args.to_string()),
            link: Set(n.link.clone()),
            dedupe: Set(n.dedupe.clone()),
            created_at: Set(now),
            ..Default::default()
        }))
        .on_conflict_do_nothing_on([notifications::Column::UserId, notifications::Column::Dedupe])
        .exec(c)
        .await?;
    }
    Ok(())
}

/// The school's deadlines of people whose branch is in `root`'s subtree, joined to the branch.
pub(super) fn within(tenant: TenantId, root: &OrgPath) -> sea_orm::Select<pipeline_due::Entity> {
    pipeline_due::Entity::find()
        .join(
            sea_orm::JoinType::InnerJoin,
            pipeline_due::Entity::belongs_to(orgs::Entity)
                .from(pipeline_due::Column::OrgId)
                .to(orgs::Column::Id)
                .into(),
        )
        .filter(pipeline_due::Column::TenantId.eq(tenant.0))
        .filter(
            Expr::col((pipeline_due::Entity, pipeline_due::Column::OrgId))
                .in_subquery(crate::people::subtree_ids(tenant, root)),
        )
}

/// One deadline as a home page or board lists it.
#[derive(Debug, Clone, FromQueryResult, serde::Serialize)]
pub struct DueView {
    pub person_id: i64,
    pub name: String,
    pub org_name: Option<String>,
    pub kind: String,
    pub due_on: NaiveDate,
    pub overdue: bool,
}

/// The deadlines of people whose branch is in `root`'s subtree, overdue first, then soonest.
pub async fn due_in(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    root: &OrgPath,
    limit: u64,
) -> Result<Vec<DueView>, DbError> {
    Ok(within(tenant, root)
        .select_only()
        .column(pipeline_due::Column::PersonId)
        .column_as(Expr::col((people::Entity, people::Column::Name)), "name")
        .column_as(Expr::col((orgs::Entity, orgs::Column::Name)), "org_name")
        .column(pipeline_due::Column::Kind)
        .column(pipeline_due::Column::DueOn)
        .column(pipeline_due::Column::Overdue)
        .join(
            sea_orm::JoinType::InnerJoin,
            pipeline_due::Entity::belongs_to(people::Entity)
                .from(pipeline_due::Column::PersonId)
                .to(people::Column::Id)
                .into(),
        )
        .order_by_desc(pipeline_due::Column::Overdue)
        .order_by_asc(pipeline_due::Column::DueOn)
        .order_by_asc(pipeline_due::Column::Id)
        .limit(limit)
        .into_model::<DueView>()
        .all(c)
        .await?)
}

/// Unread notifications of a user, newest first.
pub async fn unread(
    c: &impl ConnectionTrait,
    user_id: i64,
    limit: u64,
) -> Result<Vec<notifications::Model>, DbError> {
    Ok(notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(user_id))
        .filter(notifications::Column::ReadAt.is_null())
        .order_by_desc(notifications::Column::Id)
        .limit(limit)
        .all(c)
        .await?)
}

/// Marks one of the user's notifications read (another user's id changes nothing).
pub async fn mark_read(c: &impl ConnectionTrait, user_id: i64, id: i64) -> Result<(), DbError> {
    notifications::Entity::update_many()
        .col_expr(notifications::Column::ReadAt, Expr::value(Utc::now()))
        .filter(notifications::Column::Id.eq(id))
        .filter(notifications::Column::UserId.eq(user_id))
        .exec(c)
        .await?;
    Ok(())
}
