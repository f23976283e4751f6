//! The pipeline board: how many people of each status are in each branch of a subtree, and
//! how many deadlines are near or overdue there; and, for one branch, the people themselves.

use redbranch_domain::org::OrgPath;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::due::IN_PIPELINE;
use super::entity::pipeline_steps;
use crate::DbError;
use crate::people::entity::people;
use crate::tenants::TenantId;

/// One org of a subtree on the board: its people in the pipeline per status (in
/// `IN_PIPELINE` order) and its deadlines, near and overdue. Only orgs that have any.
#[derive(Debug, Clone, FromQueryResult)]
pub struct OrgCounts {
    pub path: String,
    pub s0: i64,
    pub s1: i64,
    pub s2: i64,
    pub s3: i64,
    pub near: i64,
    pub overdue: i64,
}

impl OrgCounts {
    pub fn by_status(&self) -> [i64; 4] {
        [self.s0, self.s1, self.s2, self.s3]
    }
}

/// The counts of every org in `root`'s subtree, in one statement: people from the per-org
/// status counts the database keeps (`org_status_people`, kept by triggers on `people`,
/// migration m0020), deadlines from the daily job's per-org counts (`pipeline_due_orgs`, one
/// row per org, written with the deadlines), each probed with the subtree's org ids and summed
/// per org. The subtree's orgs are read once (`sub`), and give each row its path. A college
/// board costs one round trip and a few rows per branch, however many people it has.
///
/// The org ids go in as `IN (subquery)` on SQLite and as `= ANY(ARRAY(subquery))` on
/// PostgreSQL, which then probes the indexes with the array rather than scanning the school
/// against a hashed subplan (as the member list, docs/adr/0004-member-list-plans.md).
pub async fn org_counts(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    root: &OrgPath,
) -> Result<Vec<OrgCounts>, DbError> {
    let b = c.get_database_backend();
    let org_in = match b {
        DbBackend::Postgres => "org_id = ANY(ARRAY(SELECT id FROM sub))",
        _ => "org_id IN (SELECT id FROM sub)",
    };
    // The status codes are the constants of `IN_PIPELINE`, not input.
    let codes: Vec<&str> = IN_PIPELINE.iter().map(|s| s.code()).collect();
    let per_status: Vec<String> = codes
        .iter()
        .enumerate()
        .map(|(i, code)| format!("CASE WHEN status = '{code}' THEN headcount ELSE 0 END AS s{i}"))
        .collect();
    let listed = codes
        .iter()
        .map(|code| format!("'{code}'"))
        .collect::<Vec<_>>()
        .join(", ");
    let sum = |col: &str| format!("CAST(SUM({col}) AS BIGINT) AS {col}");
    let sql = format!(
        "WITH sub AS (SELECT id, path FROM orgs WHERE tenant_id = ? AND path >= ? AND path < ?) \
         SELECT sub.path AS path, x.s0, x.s1, x.s2, x.s3, x.near, x.overdue FROM ( \
           SELECT org_id, {sums} FROM ( \
             SELECT org_id, {statuses}, 0 AS near, 0 AS overdue FROM org_status_people \
             WHERE tenant_id = ? AND status IN ({listed}) AND headcount <> 0 AND {org_in} \
             UNION ALL \
             SELECT org_id, 0, 0, 0, 0, near, overdue FROM pipeline_due_orgs \
             WHERE tenant_id = ? AND {org_in} \
           ) u GROUP BY org_id \
         ) x JOIN sub ON sub.id = x.org_id",
        sums = ["s0", "s1", "s2", "s3", "near", "overdue"]
            .map(sum)
            .join(", "),
        statuses = per_status.join(", "),
    );
    let (lo, hi) = root.subtree_range();
    let t = tenant.0;
    let values: [sea_orm::Value; 5] = [t.into(), lo.into(), hi.into(), t.into(), t.into()];
    let rows = c.query_all_raw(crate::audit::stmt(b, &sql, values)).await?;
    rows.iter()
        .map(|r| Ok(OrgCounts::from_query_result(r, "")?))
        .collect()
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
