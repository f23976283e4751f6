//! Plans, tasks, their results and the files attached to results or notices. Every function takes
//! the tenant, so a row of another school is simply not found; subtree lists filter by the
//! materialised path of the org a task counts under.

pub mod entity;

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use redbranch_domain::org::OrgPath;
use redbranch_domain::tasks::TaskStatus;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::DbError;
use crate::auth::UserId;
use crate::org::entity::orgs;
use crate::org::in_subtree;
use crate::tenants::TenantId;
use entity::{attachments, plans, task_results, tasks, user_email};

pub use entity::attachments::Model as Attachment;
pub use entity::plans::Model as Plan;
pub use entity::task_results::Model as TaskResult;
pub use entity::tasks::Model as Task;

/// A plan to publish.
pub struct NewPlan {
    pub org_id: i64,
    pub year: i32,
    pub title: String,
    pub body: String,
    pub by: UserId,
}

pub async fn add_plan(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    p: NewPlan,
) -> Result<Plan, DbError> {
    Ok(plans::ActiveModel {
        tenant_id: Set(tenant.0),
        org_id: Set(p.org_id),
        year: Set(p.year),
        title: Set(p.title),
        body: Set(p.body),
        created_by: Set(p.by.0),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(c)
    .await?)
}

pub async fn plan(c: &impl ConnectionTrait, tenant: TenantId, id: i64) -> Result<Plan, DbError> {
    plans::Entity::find_by_id(id)
        .filter(plans::Column::TenantId.eq(tenant.0))
        .one(c)
        .await?
        .ok_or(DbError::NotFound)
}

/// The school's plans of one year, with the path of the org that published each (the caller
/// keeps those on its own branch of the tree). Plans are few: a handful per org and year.
pub async fn plans_of_year(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    year: i32,
) -> Result<Vec<(Plan, OrgPath)>, DbError> {
    let rows = plans::Entity::find()
        .filter(plans::Column::TenantId.eq(tenant.0))
        .filter(plans::Column::Year.eq(year))
        .order_by_asc(plans::Column::Id)
        .all(c)
        .await?;
    let paths = org_paths(c, tenant, rows.iter().map(|p| p.org_id)).await?;
    Ok(rows
        .into_iter()
        .filter_map(|p| {
            let path = paths.get(&p.org_id)?.clone();
            Some((p, path))
        })
        .collect())
}

/// The paths of some orgs.
pub async fn org_paths(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, OrgPath>, DbError> {
    let mut ids: Vec<i64> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    let rows: Vec<(i64, String)> = orgs::Entity::find()
        .select_only()
        .column(orgs::Column::Id)
        .column(orgs::Column::Path)
        .filter(orgs::Column::TenantId.eq(tenant.0))
        .filter(orgs::Column::Id.is_in(ids))
        .into_tuple()
        .all(c)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, p)| (id, OrgPath::from_stored(p)))
        .collect())
}

/// A task to set.
pub struct NewTask {
    pub plan_id: Option<i64>,
    pub org_id: i64,
    pub assignee_org_id: Option<i64>,
    pub assignee_person_id: Option<i64>,
    pub title: String,
    pub body: String,
    pub due_on: NaiveDate,
    pub by: UserId,
}

pub async fn add_task(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    t: NewTask,
) -> Result<Task, DbError> {
    let now = Utc::now();
    Ok(tasks::ActiveModel {
        tenant_id: Set(tenant.0),
        plan_id: Set(t.plan_id),
        org_id: Set(t.org_id),
        assignee_org_id: Set(t.assignee_org_id),
        assignee_person_id: Set(t.assignee_person_id),
        title: Set(t.title),
        body: Set(t.body),
        due_on: Set(t.due_on),
        status: Set(TaskStatus::Open.code().into()),
        return_comment: Set(None),
        created_by: Set(t.by.0),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(c)
    .await?)
}

pub async fn task(c: &impl ConnectionTrait, tenant: TenantId, id: i64) -> Result<Task, DbError> {
    tasks::Entity::find_by_id(id)
        .filter(tasks::Column::TenantId.eq(tenant.0))
        .one(c)
        .await?
        .ok_or(DbError::NotFound)
}

/// What a task list may be narrowed to.
#[derive(Debug, Clone, Default)]
pub struct TaskFilter {
    pub plan_id: Option<i64>,
    /// Tasks due in this year.
    pub year: Option<i32>,
}

fn filtered(tenant: TenantId, f: &TaskFilter) -> sea_orm::Select<tasks::Entity> {
    let mut q = tasks::Entity::find().filter(tasks::Column::TenantId.eq(tenant.0));
    if let Some(p) = f.plan_id {
        q = q.filter(tasks::Column::PlanId.eq(p));
    }
    if let Some(y) = f.year {
        let from = NaiveDate::from_ymd_opt(y, 1, 1);
        let to = NaiveDate::from_ymd_opt(y + 1, 1, 1);
        if let (Some(from), Some(to)) = (from, to) {
            q = q
                .filter(tasks::Column::DueOn.gte(from))
                .filter(tasks::Column::DueOn.lt(to));
        }
    }
    q
}

/// Tasks counted under an org of `root`'s subtree, soonest due first, with that org's path.
pub async fn tasks_in(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    root: &OrgPath,
    f: &TaskFilter,
    limit: u64,
) -> Result<Vec<(Task, OrgPath)>, DbError> {
    let rows = filtered(tenant, f)
        .join(sea_orm::JoinType::InnerJoin, to_org())
        .filter(in_subtree(orgs::Column::Path, root))
        .order_by_asc(tasks::Column::DueOn)
        .order_by_asc(tasks::Column::Id)
        .limit(limit)
        .all(c)
        .await?;
    let paths = org_paths(c, tenant, rows.iter().map(|t| t.org_id)).await?;
    Ok(rows
        .into_iter()
        .filter_map(|t| {
            let p = paths.get(&t.org_id)?.clone();
            Some((t, p))
        })
        .collect())
}

/// The join from a task to the org it counts under.
fn to_org() -> sea_orm::RelationDef {
    tasks::Entity::belongs_to(orgs::Entity)
        .from(tasks::Column::OrgId)
        .to(orgs::Column::Id)
        .into()
}

/// Tasks assigned to a person or to one of some orgs, soonest due first.
pub async fn tasks_assigned(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    person: Option<i64>,
    org_ids: &[i64],
    f: &TaskFilter,
) -> Result<Vec<Task>, DbError> {
    let mut who = sea_orm::Condition::any();
    if let Some(p) = person {
        who = who.add(tasks::Column::AssigneePersonId.eq(p));
    }
    if !org_ids.is_empty() {
        who = who.add(tasks::Column::AssigneeOrgId.is_in(org_ids.iter().copied()));
    }
    if person.is_none() && org_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(filtered(tenant, f)
        .filter(who)
        .order_by_asc(tasks::Column::DueOn)
        .order_by_asc(tasks::Column::Id)
        .all(c)
        .await?)
}

/// Status and due date of every task counted under `root`'s subtree, with the path of the org
/// each counts under: what the progress roll-up adds up (three short columns per task).
pub async fn progress_rows(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    root: &OrgPath,
    f: &TaskFilter,
) -> Result<Vec<(String, String, NaiveDate)>, DbError> {
    Ok(filtered(tenant, f)
        .select_only()
        .column_as(Expr::col((orgs::Entity, orgs::Column::Path)), "path")
        .column(tasks::Column::Status)
        .column(tasks::Column::DueOn)
        .join(sea_orm::JoinType::InnerJoin, to_org())
        .filter(in_subtree(orgs::Column::Path, root))
        .into_tuple()
        .all(c)
        .await?)
}

/// Sets a task's status (and the comment of a return). `from` guards against two people acting
/// on the same task at once: a task no longer in one of those states is a [`DbError::Conflict`].
pub async fn set_status(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: i64,
    from: &[TaskStatus],
    to: TaskStatus,
    comment: Option<String>,
) -> Result<(), DbError> {
    let res = tasks::Entity::update_many()
        .col_expr(tasks::Column::Status, Expr::value(to.code()))
        .col_expr(tasks::Column::ReturnComment, Expr::value(comment))
        .col_expr(tasks::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(tasks::Column::Id.eq(id))
        .filter(tasks::Column::TenantId.eq(tenant.0))
        .filter(tasks::Column::Status.is_in(from.iter().map(|s| s.code())))
        .exec(c)
        .await?;
    if res.rows_affected == 1 {
        Ok(())
    } else {
        Err(DbError::Conflict("task_state_changed"))
    }
}

pub async fn add_result(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    task_id: i64,
    body: String,
    by: UserId,
) -> Result<TaskResult, DbError> {
    Ok(task_results::ActiveModel {
        tenant_id: Set(tenant.0),
        task_id: Set(task_id),
        body: Set(body),
        submitted_by: Set(by.0),
        submitted_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(c)
    .await?)
}

/// A task's results, newest first.
pub async fn results_of(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    task_id: i64,
) -> Result<Vec<TaskResult>, DbError> {
    Ok(task_results::Entity::find()
        .filter(task_results::Column::TenantId.eq(tenant.0))
        .filter(task_results::Column::TaskId.eq(task_id))
        .order_by_desc(task_results::Column::Id)
        .all(c)
        .await?)
}

/// A file to attach (already sniffed and within the size limit).
pub struct NewAttachment {
    pub owner: &'static str,
    pub owner_id: i64,
    pub filename: String,
    pub content_type: &'static str,
    pub sha256: String,
    pub content: Vec<u8>,
    pub by: UserId,
}

pub async fn add_attachment(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    a: NewAttachment,
) -> Result<Attachment, DbError> {
    Ok(attachments::ActiveModel {
        tenant_id: Set(tenant.0),
        owner: Set(a.owner.into()),
        owner_id: Set(a.owner_id),
        filename: Set(a.filename),
        content_type: Set(a.content_type.into()),
        size_bytes: Set(i64::try_from(a.content.len()).unwrap_or(i64::MAX)),
        sha256: Set(a.sha256),
        content: Set(a.content),
        uploaded_by: Set(a.by.0),
        uploaded_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(c)
    .await?)
}

/// The files of some owners (without their bytes), by owner id.
pub async fn attachments_of(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    owner: &str,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<(i64, String, i64)>>, DbError> {
    let rows: Vec<(i64, i64, String, i64)> = attachments::Entity::find()
        .select_only()
        .column(attachments::Column::OwnerId)
        .column(attachments::Column::Id)
        .column(attachments::Column::Filename)
        .column(attachments::Column::SizeBytes)
        .filter(attachments::Column::TenantId.eq(tenant.0))
        .filter(attachments::Column::Owner.eq(owner))
        .filter(attachments::Column::OwnerId.is_in(ids.iter().copied()))
        .order_by_asc(attachments::Column::Id)
        .into_tuple()
        .all(c)
        .await?;
    let mut out: HashMap<i64, Vec<(i64, String, i64)>> = HashMap::new();
    for (owner_id, id, name, size) in rows {
        out.entry(owner_id).or_default().push((id, name, size));
    }
    Ok(out)
}

/// One file with its bytes; [`DbError::NotFound`] unless it belongs to one of `owner_ids`.
pub async fn attachment(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    (owner, owner_ids): (&str, &[i64]),
    id: i64,
) -> Result<Attachment, DbError> {
    attachments::Entity::find_by_id(id)
        .filter(attachments::Column::TenantId.eq(tenant.0))
        .filter(attachments::Column::Owner.eq(owner))
        .filter(attachments::Column::OwnerId.is_in(owner_ids.iter().copied()))
        .one(c)
        .await?
        .ok_or(DbError::NotFound)
}

/// The e-mail address of an account, if one was given.
pub async fn email_of(c: &impl ConnectionTrait, user: UserId) -> Result<Option<String>, DbError> {
    Ok(user_email::Entity::find_by_id(user.0)
        .one(c)
        .await?
        .and_then(|u| u.email))
}

/// The e-mail addresses of some accounts (those without one are left out).
pub async fn emails_of(
    c: &impl ConnectionTrait,
    users: &[i64],
) -> Result<HashMap<i64, String>, DbError> {
    let rows = user_email::Entity::find()
        .filter(user_email::Column::Id.is_in(users.iter().copied()))
        .filter(user_email::Column::Email.is_not_null())
        .all(c)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|u| Some((u.id, u.email?)))
        .collect())
}

/// Sets or clears an account's e-mail address.
pub async fn set_email(
    c: &impl ConnectionTrait,
    user: UserId,
    email: Option<String>,
) -> Result<(), DbError> {
    user_email::Entity::update_many()
        .col_expr(user_email::Column::Email, Expr::value(email))
        .filter(user_email::Column::Id.eq(user.0))
        .exec(c)
        .await?;
    Ok(())
}
