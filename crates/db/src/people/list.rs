//! The member list: search, filters, sorting and pagination, always inside the viewer's scope.

use redbranch_domain::authz::Scope;
use redbranch_domain::org::OrgPath;
use redbranch_domain::people::PoliticalStatus;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, IntoCondition};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult, JoinType, Order,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::entity::people;
use crate::DbError;
use crate::org::entity::orgs;
use crate::tenants::TenantId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
    #[default]
    StudentNo,
    Name,
    Grade,
    Status,
}

/// What the list is narrowed to. `page` is 1-based; out-of-range pages come back empty.
#[derive(Debug, Clone, Default)]
pub struct MemberFilter {
    /// Name (substring), 学号 (prefix) or pinyin initials (prefix).
    pub q: Option<String>,
    pub org: Option<OrgPath>,
    pub status: Option<PoliticalStatus>,
    pub grade: Option<String>,
    pub class_name: Option<String>,
    pub sort: SortKey,
    pub desc: bool,
    pub page: u64,
    pub per_page: u64,
}

/// One row of the list, with the names of the person's current orgs.
#[derive(Debug, Clone, FromQueryResult, serde::Serialize)]
pub struct MemberRow {
    pub id: i64,
    pub student_no: String,
    pub name: String,
    pub gender: Option<String>,
    pub political_status: String,
    pub college: Option<String>,
    pub grade: Option<String>,
    pub class_name: Option<String>,
    pub party_org_name: Option<String>,
    pub league_org_name: Option<String>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct MemberPage {
    pub rows: Vec<MemberRow>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

impl MemberPage {
    pub fn pages(&self) -> u64 {
        self.total.div_ceil(Ord::max(self.per_page, 1))
    }
}

/// The ids of the orgs in one subtree, as a subquery the people indexes can be probed with.
fn subtree_ids(tenant: TenantId, root: &OrgPath) -> sea_orm::sea_query::SelectStatement {
    let (lo, hi) = root.subtree_range();
    sea_orm::sea_query::Query::select()
        .column(orgs::Column::Id)
        .from(orgs::Entity)
        .and_where(Expr::col(orgs::Column::TenantId).eq(tenant.0))
        .and_where(Expr::col(orgs::Column::Path).gte(lo))
        .and_where(Expr::col(orgs::Column::Path).lt(hi))
        .to_owned()
}

/// People whose current Party or League org lies in one of `roots`.
///
/// Written as `party_org_id IN (…) OR league_org_id IN (…)` rather than as a range on the
/// joined orgs' paths: the IN form is answered from the `people_party_org` and
/// `people_league_org` indexes, while the join form made every count visit every person.
///
/// The org subqueries carry the tenant, so no separate `people.tenant_id` test is needed — and
/// none is wanted: SQLite would walk that index over the whole school instead.
fn within(tenant: TenantId, roots: &[OrgPath]) -> Condition {
    let mut any = Condition::any();
    for r in roots {
        any = any
            .add(
                Expr::col((people::Entity, people::Column::PartyOrgId))
                    .in_subquery(subtree_ids(tenant, r)),
            )
            .add(
                Expr::col((people::Entity, people::Column::LeagueOrgId))
                    .in_subquery(subtree_ids(tenant, r)),
            );
    }
    any
}

/// What a scope may see: people in its subtrees, and — for the school tier, whose scope includes
/// a whole tree — people in no branch at all (群众 from a roster, staff), who would otherwise be
/// visible to nobody.
fn visible(tenant: TenantId, scope: &Scope) -> Condition {
    let mut any = within(tenant, &scope.roots);
    if scope.roots.iter().any(|r| r.depth() == 1) {
        any = any.add(
            Condition::all()
                .add(Expr::col((people::Entity, people::Column::TenantId)).eq(tenant.0))
                .add(Expr::col((people::Entity, people::Column::PartyOrgId)).is_null())
                .add(Expr::col((people::Entity, people::Column::LeagueOrgId)).is_null()),
        );
    }
    any
}

fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// The list query for `scope` and `filter`, sorted, without paging.
fn query(tenant: TenantId, scope: &Scope, f: &MemberFilter) -> sea_orm::Select<people::Entity> {
    let party = people::Entity::belongs_to(orgs::Entity)
        .from(people::Column::PartyOrgId)
        .to(orgs::Column::Id)
        .into();
    let league = people::Entity::belongs_to(orgs::Entity)
        .from(people::Column::LeagueOrgId)
        .to(orgs::Column::Id)
        .into();
    let mut q = people::Entity::find()
        .select_only()
        .columns([
            people::Column::Id,
            people::Column::StudentNo,
            people::Column::Name,
            people::Column::Gender,
            people::Column::PoliticalStatus,
            people::Column::College,
            people::Column::Grade,
            people::Column::ClassName,
        ])
        .expr_as(
            Expr::col((Alias::new("po"), orgs::Column::Name)),
            "party_org_name",
        )
        .expr_as(
            Expr::col((Alias::new("lo"), orgs::Column::Name)),
            "league_org_name",
        )
        .join_as(JoinType::LeftJoin, party, Alias::new("po"))
        .join_as(JoinType::LeftJoin, league, Alias::new("lo"))
        // A filter org inside the scope is all the condition needed; otherwise both apply.
        .filter(match &f.org {
            Some(org) if scope.covers(org) => within(tenant, std::slice::from_ref(org)),
            Some(org) => Condition::all()
                .add(visible(tenant, scope))
                .add(within(tenant, std::slice::from_ref(org))),
            None => visible(tenant, scope),
        });
    if let Some(s) = f.status {
        q = q.filter(people::Column::PoliticalStatus.eq(s.code()));
    }
    if let Some(g) = f.grade.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(people::Column::Grade.eq(g));
    }
    if let Some(cl) = f.class_name.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(people::Column::ClassName.eq(cl));
    }
    if let Some(text) =
        f.q.as_deref()
            .map(redbranch_domain::text::normalise)
            .filter(|s| !s.is_empty())
    {
        let like = escape_like(&text);
        let mut any = Condition::any()
            .add(
                Expr::col((people::Entity, people::Column::Name))
                    .like(sea_orm::sea_query::LikeExpr::new(format!("%{like}%")).escape('\\')),
            )
            .add(
                Expr::col((people::Entity, people::Column::StudentNo)).like(
                    sea_orm::sea_query::LikeExpr::new(format!("{}%", like.to_ascii_uppercase()))
                        .escape('\\'),
                ),
            );
        if text.chars().all(|ch| ch.is_ascii_alphabetic()) {
            let initials = format!("{}%", like.to_ascii_lowercase());
            any = any.add(
                Expr::col((people::Entity, people::Column::NameInitials))
                    .like(sea_orm::sea_query::LikeExpr::new(initials).escape('\\')),
            );
        }
        q = q.filter(any.into_condition());
    }
    let order = if f.desc { Order::Desc } else { Order::Asc };
    q = match f.sort {
        SortKey::StudentNo => q.order_by(people::Column::StudentNo, order),
        // Chinese readers expect names in pinyin order (李, 王, 张), not by code point.
        SortKey::Name => q
            .order_by(people::Column::NameInitials, order.clone())
            .order_by(people::Column::Name, order)
            .order_by_asc(people::Column::StudentNo),
        SortKey::Grade => q
            .order_by(people::Column::Grade, order)
            .order_by_asc(people::Column::StudentNo),
        SortKey::Status => q
            .order_by(people::Column::PoliticalStatus, order)
            .order_by_asc(people::Column::StudentNo),
    };
    q
}

/// Every person visible in `scope` that matches `filter`, in list order, in one query (exports).
pub async fn list_all(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    scope: &Scope,
    f: &MemberFilter,
) -> Result<Vec<MemberRow>, DbError> {
    if scope.is_empty() {
        return Ok(Vec::new());
    }
    Ok(query(tenant, scope, f)
        .into_model::<MemberRow>()
        .all(c)
        .await?)
}

/// Lists people visible in `scope` that match `filter`. An empty scope sees nobody.
pub async fn list(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    scope: &Scope,
    f: &MemberFilter,
) -> Result<MemberPage, DbError> {
    let per_page = f.per_page.clamp(1, 200);
    let page = Ord::max(f.page, 1);
    if scope.is_empty() {
        return Ok(MemberPage {
            rows: Vec::new(),
            total: 0,
            page,
            per_page,
        });
    }
    let q = query(tenant, scope, f);
    let total = q.clone().count(c).await?;
    let rows = q
        .offset(Some((page - 1).saturating_mul(per_page)))
        .limit(Some(per_page))
        .into_model::<MemberRow>()
        .all(c)
        .await?;
    Ok(MemberPage {
        rows,
        total,
        page,
        per_page,
    })
}

/// How many people of each political status are in scope (the home page's summary).
pub async fn count_by_status(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    scope: &Scope,
) -> Result<Vec<(String, u64)>, DbError> {
    if scope.is_empty() {
        return Ok(Vec::new());
    }
    let party = people::Entity::belongs_to(orgs::Entity)
        .from(people::Column::PartyOrgId)
        .to(orgs::Column::Id)
        .into();
    let league = people::Entity::belongs_to(orgs::Entity)
        .from(people::Column::LeagueOrgId)
        .to(orgs::Column::Id)
        .into();
    let rows: Vec<(String, i64)> = people::Entity::find()
        .select_only()
        .column(people::Column::PoliticalStatus)
        .column_as(Expr::col((people::Entity, people::Column::Id)).count(), "n")
        .join_as(JoinType::LeftJoin, party, Alias::new("po"))
        .join_as(JoinType::LeftJoin, league, Alias::new("lo"))
        .filter(visible(tenant, scope))
        .group_by(people::Column::PoliticalStatus)
        .into_tuple()
        .all(c)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(s, n)| (s, u64::try_from(n).unwrap_or(0)))
        .collect())
}
