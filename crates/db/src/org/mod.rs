//! Org trees: create, read, rename, move (with history), subtrees by materialised path, positions.

pub mod entity;

use chrono::{NaiveDate, Utc};
use redbranch_domain::org::{OrgId, OrgKind, OrgPath, OrgStatus, PositionTitle, Tree};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, Statement,
};

use crate::DbError;
use crate::tenants::TenantId;
use entity::{org_events, orgs, positions};

pub use orgs::Model as Org;

impl Org {
    pub fn org_id(&self) -> OrgId {
        OrgId(self.id)
    }
    pub fn org_path(&self) -> OrgPath {
        OrgPath::from_stored(self.path.clone())
    }
    pub fn org_kind(&self) -> Option<OrgKind> {
        OrgKind::from_code(&self.kind)
    }
}

/// What it takes to create an org.
#[derive(Debug, Clone)]
pub struct NewOrg {
    pub kind: OrgKind,
    pub code: String,
    pub name: String,
    pub parent: Option<OrgId>,
    pub founded_on: Option<NaiveDate>,
    pub sort_order: i32,
}

/// Filters a query to one subtree: `path >= low AND path < high` (see [`OrgPath::subtree_range`]).
pub fn in_subtree<C: ColumnTrait>(col: C, root: &OrgPath) -> sea_orm::Condition {
    let (lo, hi) = root.subtree_range();
    sea_orm::Condition::all().add(col.gte(lo)).add(col.lt(hi))
}

pub async fn get(c: &impl ConnectionTrait, tenant: TenantId, id: OrgId) -> Result<Org, DbError> {
    orgs::Entity::find_by_id(id.0)
        .filter(orgs::Column::TenantId.eq(tenant.0))
        .one(c)
        .await?
        .ok_or(DbError::NotFound)
}

/// The orgs with these ids (one query; unknown ids are left out).
pub async fn by_ids(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    ids: &[i64],
) -> Result<Vec<Org>, DbError> {
    Ok(orgs::Entity::find()
        .filter(orgs::Column::TenantId.eq(tenant.0))
        .filter(orgs::Column::Id.is_in(ids.iter().copied()))
        .all(c)
        .await?)
}

pub async fn by_code(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    code: &str,
) -> Result<Option<Org>, DbError> {
    Ok(orgs::Entity::find()
        .filter(orgs::Column::TenantId.eq(tenant.0))
        .filter(orgs::Column::Code.eq(code))
        .one(c)
        .await?)
}

/// Active orgs of one tree with a given name (roster files name branches, not codes).
pub async fn by_name(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    tree: Tree,
    name: &str,
) -> Result<Vec<Org>, DbError> {
    Ok(orgs::Entity::find()
        .filter(orgs::Column::TenantId.eq(tenant.0))
        .filter(orgs::Column::Tree.eq(tree.code()))
        .filter(orgs::Column::Name.eq(name))
        .all(c)
        .await?)
}

pub async fn roots(c: &impl ConnectionTrait, tenant: TenantId) -> Result<Vec<Org>, DbError> {
    Ok(orgs::Entity::find()
        .filter(orgs::Column::TenantId.eq(tenant.0))
        .filter(orgs::Column::ParentId.is_null())
        .order_by_asc(orgs::Column::Tree)
        .order_by_asc(orgs::Column::SortOrder)
        .all(c)
        .await?)
}

pub async fn children(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    parent: OrgId,
) -> Result<Vec<Org>, DbError> {
    Ok(orgs::Entity::find()
        .filter(orgs::Column::TenantId.eq(tenant.0))
        .filter(orgs::Column::ParentId.eq(parent.0))
        .order_by_asc(orgs::Column::SortOrder)
        .order_by_asc(orgs::Column::Code)
        .all(c)
        .await?)
}

/// The org and its children (in [`children`]' order), in one query: for pages that show an
/// org with a line per sub-org. [`DbError::NotFound`] if the org is not of this school.
pub async fn with_children(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: OrgId,
) -> Result<(Org, Vec<Org>), DbError> {
    let rows = orgs::Entity::find()
        .filter(orgs::Column::TenantId.eq(tenant.0))
        .filter(
            sea_orm::Condition::any()
                .add(orgs::Column::Id.eq(id.0))
                .add(orgs::Column::ParentId.eq(id.0)),
        )
        .order_by_asc(orgs::Column::SortOrder)
        .order_by_asc(orgs::Column::Code)
        .all(c)
        .await?;
    let (me, children): (Vec<Org>, Vec<Org>) = rows.into_iter().partition(|o| o.id == id.0);
    let org = me.into_iter().next().ok_or(DbError::NotFound)?;
    Ok((org, children))
}

/// The org and all its descendants, in tree order (parents before children).
pub async fn subtree(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    root: &OrgPath,
    max_depth: Option<i32>,
) -> Result<Vec<Org>, DbError> {
    let mut q = orgs::Entity::find()
        .filter(orgs::Column::TenantId.eq(tenant.0))
        .filter(in_subtree(orgs::Column::Path, root));
    if let Some(d) = max_depth {
        q = q.filter(orgs::Column::Depth.lte(d));
    }
    Ok(q.order_by_asc(orgs::Column::Path).all(c).await?)
}

/// Number of orgs in a subtree (the root included).
pub async fn subtree_count(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    root: &OrgPath,
) -> Result<u64, DbError> {
    Ok(orgs::Entity::find()
        .filter(orgs::Column::TenantId.eq(tenant.0))
        .filter(in_subtree(orgs::Column::Path, root))
        .count(c)
        .await?)
}

/// The ancestors of an org, root first, the org itself excluded.
pub async fn ancestors(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    org: &Org,
) -> Result<Vec<Org>, DbError> {
    let ids: Vec<i64> = org
        .org_path()
        .ids()
        .into_iter()
        .map(|i| i.0)
        .filter(|i| *i != org.id)
        .collect();
    Ok(orgs::Entity::find()
        .filter(orgs::Column::TenantId.eq(tenant.0))
        .filter(orgs::Column::Id.is_in(ids))
        .order_by_asc(orgs::Column::Depth)
        .all(c)
        .await?)
}

/// Creates an org under its parent, checking the kind fits (see [`redbranch_domain::org::check_placement`]).
pub async fn create(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    new: NewOrg,
    by_user: Option<i64>,
) -> Result<Org, DbError> {
    let parent = match new.parent {
        Some(p) => Some(get(c, tenant, p).await?),
        None => None,
    };
    let parent_kind = parent.as_ref().and_then(Org::org_kind);
    if parent.is_some() && parent_kind.is_none() {
        return Err(DbError::Corrupt("parent org has an unknown kind".into()));
    }
    redbranch_domain::org::check_placement(new.kind, parent_kind)
        .map_err(|_| DbError::Conflict("org_bad_parent"))?;
    let now = Utc::now();
    let row = orgs::ActiveModel {
        tenant_id: Set(tenant.0),
        tree: Set(new.kind.tree().code().into()),
        kind: Set(new.kind.code().into()),
        code: Set(new.code),
        name: Set(new.name.clone()),
        parent_id: Set(new.parent.map(|p| p.0)),
        path: Set(String::new()),
        depth: Set(parent.as_ref().map_or(1, |p| p.depth + 1)),
        founded_on: Set(new.founded_on),
        status: Set(OrgStatus::Active.code().into()),
        sort_order: Set(new.sort_order),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(c)
    .await?;
    let path = match &parent {
        Some(p) => p.org_path().child(OrgId(row.id)),
        None => OrgPath::root(OrgId(row.id)),
    };
    let mut am: orgs::ActiveModel = row.into();
    am.path = Set(path.as_str().to_string());
    let row = am.update(c).await?;
    record_event(
        c,
        tenant,
        OrgId(row.id),
        "created",
        None,
        Some(&new.name),
        by_user,
    )
    .await?;
    Ok(row)
}

async fn record_event(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    org: OrgId,
    kind: &str,
    before: Option<&str>,
    after: Option<&str>,
    by_user: Option<i64>,
) -> Result<(), DbError> {
    org_events::ActiveModel {
        tenant_id: Set(tenant.0),
        org_id: Set(org.0),
        kind: Set(kind.into()),
        before_value: Set(before.map(str::to_string)),
        after_value: Set(after.map(str::to_string)),
        happened_at: Set(Utc::now()),
        by_user_id: Set(by_user),
        ..Default::default()
    }
    .insert(c)
    .await?;
    Ok(())
}

/// Renames an org; the old name stays in its history.
pub async fn rename(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: OrgId,
    name: &str,
    by_user: Option<i64>,
) -> Result<Org, DbError> {
    let org = get(c, tenant, id).await?;
    if org.name == name {
        return Ok(org);
    }
    let before = org.name.clone();
    let mut am: orgs::ActiveModel = org.into();
    am.name = Set(name.to_string());
    am.updated_at = Set(Utc::now());
    let org = am.update(c).await?;
    record_event(c, tenant, id, "renamed", Some(&before), Some(name), by_user).await?;
    Ok(org)
}

/// Moves an org (with its whole subtree) under a new parent. Paths of the subtree are rewritten
/// in one statement; the move is recorded in the org's history.
pub async fn move_to(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: OrgId,
    new_parent: OrgId,
    by_user: Option<i64>,
) -> Result<Org, DbError> {
    let org = get(c, tenant, id).await?;
    let parent = get(c, tenant, new_parent).await?;
    let old_path = org.org_path();
    if old_path.contains(&parent.org_path()) {
        return Err(DbError::Conflict("org_move_into_itself"));
    }
    let kind = org
        .org_kind()
        .ok_or_else(|| DbError::Corrupt("unknown org kind".into()))?;
    redbranch_domain::org::check_placement(kind, parent.org_kind())
        .map_err(|_| DbError::Conflict("org_bad_parent"))?;
    let new_path = parent.org_path().child(id);
    let depth_delta = parent.depth + 1 - org.depth;
    let (lo, hi) = old_path.subtree_range();
    let backend = c.get_database_backend();
    let sql = match backend {
        sea_orm::DbBackend::Postgres => {
            "UPDATE orgs SET path = $1 || substr(path, $2), depth = depth + $3 WHERE tenant_id = $4 AND path >= $5 AND path < $6"
        }
        _ => {
            "UPDATE orgs SET path = ? || substr(path, ?), depth = depth + ? WHERE tenant_id = ? AND path >= ? AND path < ?"
        }
    };
    let start = i32::try_from(old_path.as_str().chars().count() + 1)
        .map_err(|_| DbError::Corrupt("path too long".into()))?;
    c.execute_raw(Statement::from_sql_and_values(
        backend,
        sql,
        [
            new_path.as_str().into(),
            start.into(),
            depth_delta.into(),
            tenant.0.into(),
            lo.into(),
            hi.into(),
        ],
    ))
    .await?;
    orgs::Entity::update_many()
        .col_expr(orgs::Column::ParentId, Expr::value(new_parent.0))
        .col_expr(orgs::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(orgs::Column::Id.eq(id.0))
        .exec(c)
        .await?;
    record_event(
        c,
        tenant,
        id,
        "moved",
        Some(&org.parent_id.map(|p| p.to_string()).unwrap_or_default()),
        Some(&new_parent.0.to_string()),
        by_user,
    )
    .await?;
    get(c, tenant, id).await
}

pub async fn history(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: OrgId,
) -> Result<Vec<org_events::Model>, DbError> {
    Ok(org_events::Entity::find()
        .filter(org_events::Column::TenantId.eq(tenant.0))
        .filter(org_events::Column::OrgId.eq(id.0))
        .order_by_asc(org_events::Column::HappenedAt)
        .order_by_asc(org_events::Column::Id)
        .all(c)
        .await?)
}

/// A committee post with its holder's name.
#[derive(Debug, Clone, FromQueryResult, serde::Serialize)]
pub struct PositionView {
    pub id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub title: String,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
}

/// Current (and, with `include_past`, former) holders of committee posts.
pub async fn positions(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    org: OrgId,
    include_past: bool,
) -> Result<Vec<PositionView>, DbError> {
    use crate::people::entity::people;
    let mut q = positions::Entity::find()
        .select_only()
        .column(positions::Column::Id)
        .column(positions::Column::PersonId)
        .column_as(people::Column::Name, "person_name")
        .column(positions::Column::Title)
        .column(positions::Column::StartedOn)
        .column(positions::Column::EndedOn)
        .join(
            sea_orm::JoinType::InnerJoin,
            positions::Entity::belongs_to(people::Entity)
                .from(positions::Column::PersonId)
                .to(people::Column::Id)
                .into(),
        )
        .filter(positions::Column::TenantId.eq(tenant.0))
        .filter(positions::Column::OrgId.eq(org.0));
    if !include_past {
        q = q.filter(positions::Column::EndedOn.is_null());
    }
    Ok(q.order_by_asc(positions::Column::StartedOn)
        .into_model::<PositionView>()
        .all(c)
        .await?)
}

/// Appoints someone to a committee post, ending whoever held that post before.
pub async fn appoint(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    org: OrgId,
    person_id: i64,
    title: PositionTitle,
    on: NaiveDate,
) -> Result<(), DbError> {
    positions::Entity::update_many()
        .col_expr(positions::Column::EndedOn, Expr::value(on))
        .filter(positions::Column::TenantId.eq(tenant.0))
        .filter(positions::Column::OrgId.eq(org.0))
        .filter(positions::Column::Title.eq(title.code()))
        .filter(positions::Column::EndedOn.is_null())
        .exec(c)
        .await?;
    positions::ActiveModel {
        tenant_id: Set(tenant.0),
        org_id: Set(org.0),
        person_id: Set(person_id),
        title: Set(title.code().into()),
        started_on: Set(on),
        ended_on: Set(None),
        ..Default::default()
    }
    .insert(c)
    .await?;
    Ok(())
}
