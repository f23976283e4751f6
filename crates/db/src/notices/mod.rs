//! Notices: publishing to the recipients worked out at that moment, read receipts, reminders
//! (at most one a day, claimed in the database so two nodes or two clicks cannot both send),
//! pinned notices for home pages.

pub mod entity;

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use redbranch_domain::authz::Role;
use redbranch_domain::org::OrgPath;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::DbError;
use crate::auth::UserId;
use crate::auth::entity::{role_grants, users};
use crate::org::entity::orgs;
use crate::org::in_subtree;
use crate::people::entity::people;
use crate::tenants::TenantId;
use entity::{notice_recipients, notice_targets, notices};

pub use entity::notice_recipients::Model as Recipient;
pub use entity::notices::Model as Notice;

/// Rows per multi-row INSERT: well under both backends' bound-parameter limits.
const CHUNK: usize = 500;

/// Someone who could receive a notice sent to some subtrees: a member there (their Party or
/// League org is in one), and the roles they hold there.
#[derive(Debug, Clone, Default)]
pub struct Candidate {
    pub member: bool,
    pub roles: Vec<Role>,
}

/// Every active account that belongs to or holds a role in one of `roots`' subtrees.
pub async fn candidates(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    roots: &[OrgPath],
) -> Result<HashMap<i64, Candidate>, DbError> {
    let mut out: HashMap<i64, Candidate> = HashMap::new();
    for root in roots {
        let ids = crate::people::subtree_ids(tenant, root);
        let members: Vec<i64> = users::Entity::find()
            .select_only()
            .column(users::Column::Id)
            .join(
                sea_orm::JoinType::InnerJoin,
                users::Entity::belongs_to(people::Entity)
                    .from(users::Column::PersonId)
                    .to(people::Column::Id)
                    .into(),
            )
            .filter(users::Column::TenantId.eq(tenant.0))
            .filter(users::Column::Disabled.eq(false))
            .filter(
                sea_orm::Condition::any()
                    .add(
                        Expr::col((people::Entity, people::Column::PartyOrgId))
                            .in_subquery(ids.clone()),
                    )
                    .add(Expr::col((people::Entity, people::Column::LeagueOrgId)).in_subquery(ids)),
            )
            .into_tuple()
            .all(c)
            .await?;
        for u in members {
            out.entry(u).or_default().member = true;
        }
        let holders: Vec<(i64, String)> = role_grants::Entity::find()
            .select_only()
            .column(role_grants::Column::UserId)
            .column(role_grants::Column::Role)
            .join(
                sea_orm::JoinType::InnerJoin,
                role_grants::Entity::belongs_to(orgs::Entity)
                    .from(role_grants::Column::OrgId)
                    .to(orgs::Column::Id)
                    .into(),
            )
            .filter(role_grants::Column::TenantId.eq(tenant.0))
            .filter(in_subtree(orgs::Column::Path, root))
            .into_tuple()
            .all(c)
            .await?;
        for (u, role) in holders {
            if let Some(r) = Role::from_code(&role) {
                let e = out.entry(u).or_default();
                if !e.roles.contains(&r) {
                    e.roles.push(r);
                }
            }
        }
    }
    Ok(out)
}

/// A notice to publish.
pub struct NewNotice {
    pub org_id: i64,
    pub title: String,
    pub body: String,
    pub roles: String,
    pub pinned: bool,
    pub on: NaiveDate,
    pub by: UserId,
}

/// Stores a notice with its target orgs and its recipients.
pub async fn publish(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    n: NewNotice,
    targets: &[i64],
    recipients: &[i64],
) -> Result<Notice, DbError> {
    let row = notices::ActiveModel {
        tenant_id: Set(tenant.0),
        org_id: Set(n.org_id),
        title: Set(n.title),
        body: Set(n.body),
        roles: Set(n.roles),
        pinned: Set(n.pinned),
        published_by: Set(n.by.0),
        published_on: Set(n.on),
        published_at: Set(Utc::now()),
        reminded_on: Set(None),
        auto_reminded: Set(false),
        ..Default::default()
    }
    .insert(c)
    .await?;
    notice_targets::Entity::insert_many(targets.iter().map(|o| notice_targets::ActiveModel {
        notice_id: Set(row.id),
        org_id: Set(*o),
        ..Default::default()
    }))
    .exec(c)
    .await?;
    for chunk in recipients.chunks(CHUNK) {
        notice_recipients::Entity::insert_many(chunk.iter().map(|u| {
            notice_recipients::ActiveModel {
                tenant_id: Set(tenant.0),
                notice_id: Set(row.id),
                user_id: Set(*u),
                read_at: Set(None),
                reminders: Set(0),
                ..Default::default()
            }
        }))
        .exec(c)
        .await?;
    }
    Ok(row)
}

pub async fn notice(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: i64,
) -> Result<Notice, DbError> {
    notices::Entity::find_by_id(id)
        .filter(notices::Column::TenantId.eq(tenant.0))
        .one(c)
        .await?
        .ok_or(DbError::NotFound)
}

/// The orgs a notice went to.
pub async fn targets_of(c: &impl ConnectionTrait, notice_id: i64) -> Result<Vec<i64>, DbError> {
    Ok(notice_targets::Entity::find()
        .select_only()
        .column(notice_targets::Column::OrgId)
        .filter(notice_targets::Column::NoticeId.eq(notice_id))
        .order_by_asc(notice_targets::Column::Id)
        .into_tuple()
        .all(c)
        .await?)
}

/// The user's receipt row for a notice, if they are a recipient.
pub async fn recipient(
    c: &impl ConnectionTrait,
    notice_id: i64,
    user: UserId,
) -> Result<Option<Recipient>, DbError> {
    Ok(notice_recipients::Entity::find()
        .filter(notice_recipients::Column::NoticeId.eq(notice_id))
        .filter(notice_recipients::Column::UserId.eq(user.0))
        .one(c)
        .await?)
}

/// Records that the user has read the notice; true the first time only.
pub async fn mark_read(
    c: &impl ConnectionTrait,
    notice_id: i64,
    user: UserId,
) -> Result<bool, DbError> {
    let res = notice_recipients::Entity::update_many()
        .col_expr(notice_recipients::Column::ReadAt, Expr::value(Utc::now()))
        .filter(notice_recipients::Column::NoticeId.eq(notice_id))
        .filter(notice_recipients::Column::UserId.eq(user.0))
        .filter(notice_recipients::Column::ReadAt.is_null())
        .exec(c)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Notices sent to the user, newest first, with when they read each (none: unread).
pub async fn inbox(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    user: UserId,
    limit: u64,
) -> Result<Vec<(Notice, Option<chrono::DateTime<Utc>>)>, DbError> {
    let mine = notice_recipients::Entity::find()
        .filter(notice_recipients::Column::UserId.eq(user.0))
        .order_by_desc(notice_recipients::Column::NoticeId)
        .limit(limit)
        .all(c)
        .await?;
    let read: HashMap<i64, Option<chrono::DateTime<Utc>>> =
        mine.iter().map(|r| (r.notice_id, r.read_at)).collect();
    let rows = notices::Entity::find()
        .filter(notices::Column::TenantId.eq(tenant.0))
        .filter(notices::Column::Id.is_in(read.keys().copied()))
        .order_by_desc(notices::Column::Pinned)
        .order_by_desc(notices::Column::Id)
        .all(c)
        .await?;
    Ok(rows
        .into_iter()
        .map(|n| {
            let r = read.get(&n.id).copied().flatten();
            (n, r)
        })
        .collect())
}

/// Notices published by orgs in one of `roots`' subtrees, newest first.
pub async fn published_in(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    roots: &[OrgPath],
    limit: u64,
) -> Result<Vec<Notice>, DbError> {
    if roots.is_empty() {
        return Ok(Vec::new());
    }
    let mut any = sea_orm::Condition::any();
    for r in roots {
        any = any.add(in_subtree(orgs::Column::Path, r));
    }
    Ok(notices::Entity::find()
        .join(
            sea_orm::JoinType::InnerJoin,
            notices::Entity::belongs_to(orgs::Entity)
                .from(notices::Column::OrgId)
                .to(orgs::Column::Id)
                .into(),
        )
        .filter(notices::Column::TenantId.eq(tenant.0))
        .filter(any)
        .order_by_desc(notices::Column::Id)
        .limit(limit)
        .all(c)
        .await?)
}

/// (read, total) recipients per notice.
pub async fn counts(
    c: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<HashMap<i64, (u64, u64)>, DbError> {
    let rows: Vec<(i64, i64, i64)> = notice_recipients::Entity::find()
        .select_only()
        .column(notice_recipients::Column::NoticeId)
        .column_as(Expr::col(notice_recipients::Column::ReadAt).count(), "read")
        .column_as(Expr::col(notice_recipients::Column::Id).count(), "total")
        .filter(notice_recipients::Column::NoticeId.is_in(ids.iter().copied()))
        .group_by(notice_recipients::Column::NoticeId)
        .into_tuple()
        .all(c)
        .await?;
    let n = |v: i64| u64::try_from(v).unwrap_or(0);
    Ok(rows
        .into_iter()
        .map(|(id, r, t)| (id, (n(r), n(t))))
        .collect())
}

/// One line of a notice's receipts.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Receipt {
    pub user_id: i64,
    pub name: String,
    pub read_at: Option<chrono::DateTime<Utc>>,
    pub reminders: i32,
}

/// Who has and has not read the notice: unread first, then by name.
pub async fn receipts(c: &impl ConnectionTrait, notice_id: i64) -> Result<Vec<Receipt>, DbError> {
    let rows = notice_recipients::Entity::find()
        .filter(notice_recipients::Column::NoticeId.eq(notice_id))
        .all(c)
        .await?;
    let names: HashMap<i64, String> = users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .column(users::Column::DisplayName)
        .filter(users::Column::Id.is_in(rows.iter().map(|r| r.user_id)))
        .into_tuple::<(i64, String)>()
        .all(c)
        .await?
        .into_iter()
        .collect();
    let mut out: Vec<Receipt> = rows
        .into_iter()
        .map(|r| Receipt {
            user_id: r.user_id,
            name: names.get(&r.user_id).cloned().unwrap_or_default(),
            read_at: r.read_at,
            reminders: r.reminders,
        })
        .collect();
    out.sort_by(|a, b| (a.read_at.is_some(), &a.name).cmp(&(b.read_at.is_some(), &b.name)));
    Ok(out)
}

/// Claims today's reminder of a notice: true for the one caller that moved `reminded_on` to
/// `today` (a second click, or a second node, gets false).
pub async fn claim_reminder(
    c: &impl ConnectionTrait,
    notice_id: i64,
    today: NaiveDate,
    auto: bool,
) -> Result<bool, DbError> {
    let mut q = notices::Entity::update_many()
        .col_expr(notices::Column::RemindedOn, Expr::value(today))
        .filter(notices::Column::Id.eq(notice_id))
        .filter(
            sea_orm::Condition::any()
                .add(notices::Column::RemindedOn.is_null())
                .add(notices::Column::RemindedOn.lt(today)),
        );
    if auto {
        q = q
            .col_expr(notices::Column::AutoReminded, Expr::value(true))
            .filter(notices::Column::AutoReminded.eq(false));
    }
    Ok(q.exec(c).await?.rows_affected == 1)
}

/// The recipients who have not read the notice; their reminder count goes up by one.
pub async fn remind_unread(c: &impl ConnectionTrait, notice_id: i64) -> Result<Vec<i64>, DbError> {
    let who: Vec<i64> = notice_recipients::Entity::find()
        .select_only()
        .column(notice_recipients::Column::UserId)
        .filter(notice_recipients::Column::NoticeId.eq(notice_id))
        .filter(notice_recipients::Column::ReadAt.is_null())
        .into_tuple()
        .all(c)
        .await?;
    notice_recipients::Entity::update_many()
        .col_expr(
            notice_recipients::Column::Reminders,
            Expr::col(notice_recipients::Column::Reminders).add(1),
        )
        .filter(notice_recipients::Column::NoticeId.eq(notice_id))
        .filter(notice_recipients::Column::ReadAt.is_null())
        .exec(c)
        .await?;
    Ok(who)
}

/// Pinned notices sent to the user, newest first.
pub async fn pinned_for(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    user: UserId,
    limit: u64,
) -> Result<Vec<(Notice, bool)>, DbError> {
    let mine: HashMap<i64, bool> = notice_recipients::Entity::find()
        .filter(notice_recipients::Column::UserId.eq(user.0))
        .all(c)
        .await?
        .into_iter()
        .map(|r| (r.notice_id, r.read_at.is_some()))
        .collect();
    let rows = notices::Entity::find()
        .filter(notices::Column::TenantId.eq(tenant.0))
        .filter(notices::Column::Pinned.eq(true))
        .filter(notices::Column::Id.is_in(mine.keys().copied()))
        .order_by_desc(notices::Column::Id)
        .limit(limit)
        .all(c)
        .await?;
    Ok(rows
        .into_iter()
        .map(|n| {
            let read = mine.get(&n.id).copied().unwrap_or(false);
            (n, read)
        })
        .collect())
}

/// The school's notices the daily job has not reminded about yet.
pub async fn not_auto_reminded(
    c: &impl ConnectionTrait,
    tenant: TenantId,
) -> Result<Vec<Notice>, DbError> {
    Ok(notices::Entity::find()
        .filter(notices::Column::TenantId.eq(tenant.0))
        .filter(notices::Column::AutoReminded.eq(false))
        .all(c)
        .await?)
}

/// Marks read the user's in-app notifications that point at `link` (the notice and its
/// reminders), once the notice itself has been opened.
pub async fn clear_notifications(
    c: &impl ConnectionTrait,
    user: UserId,
    link: &str,
) -> Result<(), DbError> {
    use crate::pipeline::entity::notifications;
    notifications::Entity::update_many()
        .col_expr(notifications::Column::ReadAt, Expr::value(Utc::now()))
        .filter(notifications::Column::UserId.eq(user.0))
        .filter(notifications::Column::Link.eq(link))
        .filter(notifications::Column::ReadAt.is_null())
        .exec(c)
        .await?;
    Ok(())
}
