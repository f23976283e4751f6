//! The pipeline board: how many people of each status are in each branch of a subtree, and
//! how many deadlines are near or overdue there; and, for one branch, the people themselves.

use redbranch_domain::org::OrgPath;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::due::IN_PIPELINE;
use super::entity::{pipeline_due, pipeline_steps};
use crate::DbError;
use crate::org::entity::orgs;
use crate::people::entity::people;
use crate::tenants::TenantId;

/// People of one status in one branch (by the branch's path).
#[derive(Debug, Clone, FromQueryResult)]
pub struct StatusCount {
    pub path: String,
    pub political_status: String,
    pub n: i64,
}

/// Counts of people in the pipeline per branch and status, over `root`'s subtree.
pub async fn status_counts(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    root: &OrgPath,
) -> Result<Vec<StatusCount>, DbError> {
    let path = Expr::col((orgs::Entity, orgs::Column::Path));
    // The subtree's org ids first, then their people through `people_scope`: a college's few
    // hundred, not the school's whole pipeline filtered by path afterwards.
    Ok(people::Entity::find()
        .select_only()
        .column_as(path.clone(), "path")
        .column(people::Column::PoliticalStatus)
        .column_as(Expr::col((people::Entity, people::Column::Id)).count(), "n")
        .join(
            sea_orm::JoinType::InnerJoin,
            people::Entity::belongs_to(orgs::Entity)
                .from(people::Column::PartyOrgId)
                .to(orgs::Column::Id)
                .into(),
        )
        .filter(people::Column::TenantId.eq(tenant.0))
        .filter(people::Column::PoliticalStatus.is_in(IN_PIPELINE.iter().map(|s| s.code())))
        .filter(
            Expr::col((people::Entity, people::Column::PartyOrgId))
                .in_subquery(crate::people::subtree_ids(tenant, root)),
        )
        .group_by(path)
        .group_by(people::Column::PoliticalStatus)
        .into_model::<StatusCount>()
        .all(c)
        .await?)
}

/// Deadlines per branch over `root`'s subtree, split into overdue and near.
#[derive(Debug, Clone, FromQueryResult)]
pub struct DueCount {
    pub path: String,
    pub overdue: bool,
    pub n: i64,
}

pub async fn due_counts(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    root: &OrgPath,
) -> Result<Vec<DueCount>, DbError> {
    let path = Expr::col((orgs::Entity, orgs::Column::Path));
    Ok(super::due::within(tenant, root)
        .select_only()
        .column_as(path.clone(), "path")
        .column(pipeline_due::Column::Overdue)
        .column_as(
            Expr::col((pipeline_due::Entity, pipeline_due::Column::Id)).count(),
            "n",
        )
        .group_by(path)
        .group_by(pipeline_due::Column::Overdue)
        .into_model::<DueCount>()
        .all(c)
        .await?)
}

/// Someone of one branch in the pipeline, with their furthest step.
#[derive(Debug, Clone, FromQueryResult, serde::Serialize)]
pub struct BoardPerson {
    pub id: i64,
    pub student_no: String,
    pub name: String,
    pub political_status: String,
}

/// The people of one branch in the pipeline, by 学号.
pub async fn people_of_branch(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    branch: i64,
) -> Result<Vec<BoardPerson>, DbError> {
    Ok(people::Entity::find()
        .select_only()
        .column(people::Column::Id)
        .column(people::Column::StudentNo)
        .column(people::Column::Name)
        .column(people::Column::PoliticalStatus)
        .filter(people::Column::TenantId.eq(tenant.0))
        .filter(people::Column::PartyOrgId.eq(branch))
        .filter(people::Column::PoliticalStatus.is_in(IN_PIPELINE.iter().map(|s| s.code())))
        .order_by_asc(people::Column::StudentNo)
        .into_model::<BoardPerson>()
        .all(c)
        .await?)
}

/// The step codes recorded for each of `people` (to find each one's furthest step).
pub async fn steps_of_people(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    people: &[i64],
) -> Result<Vec<(i64, String)>, DbError> {
    Ok(pipeline_steps::Entity::find()
        .select_only()
        .column(pipeline_steps::Column::PersonId)
        .column(pipeline_steps::Column::Step)
        .filter(pipeline_steps::Column::TenantId.eq(tenant.0))
        .filter(pipeline_steps::Column::PersonId.is_in(people.iter().copied()))
        .into_tuple()
        .all(c)
        .await?)
}
