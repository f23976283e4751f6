//! The member list: search, filters, sorting and pagination, always inside the viewer's scope.

use redbranch_domain::authz::Scope;
use redbranch_domain::org::OrgPath;
use redbranch_domain::people::PoliticalStatus;
use sea_orm::sea_query::{Expr, ExprTrait, QueryStatementBuilder};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, Order,
    QueryFilter, QueryOrder, QuerySelect,
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
pub(crate) fn subtree_ids(tenant: TenantId, root: &OrgPath) -> sea_orm::sea_query::SelectStatement {
    let (lo, hi) = root.subtree_range();
    sea_orm::sea_query::Query::select()
        .column(orgs::Column::Id)
        .from(orgs::Entity)
        .and_where(Expr::col(orgs::Column::TenantId).eq(tenant.0))
        .and_where(Expr::col(orgs::Column::Path).gte(lo))
        .and_where(Expr::col(orgs::Column::Path).lt(hi))
        .to_owned()
}

/// How a page of the list is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plan {
    /// Gather the scope's people through the `people_party_org` / `people_league_org` indexes,
    /// then sort them. Cheap while the scope is small; a sort of the whole scope when it is not.
    ByOrg,
    /// Walk the school's people along the index that matches the sort order and keep those in
    /// scope, stopping after one page. Cheap when the scope is a sizeable share of the school.
    InOrder,
}

/// Above this many people in scope a page is read [`Plan::InOrder`]. At 100 k members the two
/// plans cost the same at about 2,000 (docs/BENCHMARKS.md); 40 k in scope took 36 ms by
/// sorting and under 1 ms in order.
const IN_ORDER_FROM: u64 = 2_000;

/// The people column holding a person's org, as the condition should read it.
///
/// For [`Plan::InOrder`] the column is written `+people.party_org_id`: the unary plus leaves the
/// value alone but stops either planner from choosing the org indexes, so it walks the
/// sort-order index instead. SQLite keeps no statistics to decide that itself, and PostgreSQL
/// cannot know how many orgs the subtree array holds.
fn org_column(column: people::Column, plan: Plan) -> Expr {
    let name = match column {
        people::Column::PartyOrgId => "party_org_id",
        _ => "league_org_id",
    };
    if plan == Plan::InOrder {
        Expr::cust(format!("+\"people\".\"{name}\""))
    } else {
        Expr::col((people::Entity, column))
    }
}

/// `column` is one of the orgs in the subtree under `root`.
///
/// [`Plan::ByOrg`] on PostgreSQL is `= ANY(ARRAY(subquery))`: the array is computed once and
/// probed through the people org indexes, combined by a BitmapOr, where `IN (subquery)` made it
/// scan every person against two hashed subplans (6 requests/s at 100 k members). But each
/// re-check of an ANY is a walk along the array, so when the scan visits most of the school
/// ([`Plan::InOrder`]) the hashed `IN (subquery)` is the right form: a whole-school count took
/// 937 ms with arrays and 57 ms with it. SQLite serves `IN (subquery)` either way.
fn in_subtree(
    column: people::Column,
    tenant: TenantId,
    root: &OrgPath,
    plan: Plan,
    backend: DbBackend,
) -> Expr {
    let col = org_column(column, plan);
    let ids = subtree_ids(tenant, root);
    if backend == DbBackend::Postgres && plan == Plan::ByOrg {
        Expr::cust_with_exprs(
            "$1 = ANY(ARRAY $2)",
            [
                col,
                Expr::SubQuery(None, Box::new(ids.into_sub_query_statement())),
            ],
        )
    } else {
        col.in_subquery(ids)
    }
}

/// People whose current Party or League org lies in one of `roots`.
///
/// Written as `party_org_id IN (…) OR league_org_id IN (…)` rather than as a range on the
/// joined orgs' paths: the IN form is answered from the `people_party_org` and
/// `people_league_org` indexes, while the join form made every count visit every person.
///
/// The org subqueries carry the tenant, so no separate `people.tenant_id` test is needed — and
/// none is wanted for [`Plan::ByOrg`]: SQLite would walk that index over the whole school.
fn within(tenant: TenantId, roots: &[OrgPath], plan: Plan, backend: DbBackend) -> Condition {
    let mut any = Condition::any();
    for r in roots {
        any = any
            .add(in_subtree(
                people::Column::PartyOrgId,
                tenant,
                r,
                plan,
                backend,
            ))
            .add(in_subtree(
                people::Column::LeagueOrgId,
                tenant,
                r,
                plan,
                backend,
            ));
    }
    any
}

/// What a scope may see: people in its subtrees, and — for the school tier, whose scope includes
/// a whole tree — people in no branch at all (群众 from a roster, staff), who would otherwise be
/// visible to nobody.
fn visible(tenant: TenantId, scope: &Scope, plan: Plan, backend: DbBackend) -> Condition {
    let mut any = within(tenant, &scope.roots, plan, backend);
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

/// Whether the list covers a whole Party or League tree (the school tier, unfiltered by org).
fn whole_tree(scope: &Scope, f: &MemberFilter) -> bool {
    match &f.org {
        Some(org) if scope.covers(org) => org.depth() <= 1,
        _ => scope.roots.iter().any(|r| r.depth() <= 1),
    }
}

/// Who matches `filter` within `scope`: the list's WHERE clause, shared by the count and the
/// page.
fn matching(
    tenant: TenantId,
    scope: &Scope,
    f: &MemberFilter,
    plan: Plan,
    backend: DbBackend,
) -> Condition {
    // A filter org inside the scope is all the condition needed; otherwise both apply.
    let mut cond = Condition::all().add(match &f.org {
        Some(org) if scope.covers(org) => within(tenant, std::slice::from_ref(org), plan, backend),
        Some(org) => Condition::all()
            .add(visible(tenant, scope, plan, backend))
            .add(within(tenant, std::slice::from_ref(org), plan, backend)),
        None => visible(tenant, scope, plan, backend),
    });
    if plan == Plan::InOrder {
        // Pins the walk to this school's stretch of the sort-order index.
        cond = cond.add(Expr::col((people::Entity, people::Column::TenantId)).eq(tenant.0));
    }
    if let Some(s) = f.status {
        cond = cond.add(people::Column::PoliticalStatus.eq(s.code()));
    }
    if let Some(g) = f.grade.as_deref().filter(|s| !s.is_empty()) {
        cond = cond.add(people::Column::Grade.eq(g));
    }
    if let Some(cl) = f.class_name.as_deref().filter(|s| !s.is_empty()) {
        cond = cond.add(people::Column::ClassName.eq(cl));
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
        cond = cond.add(any);
    }
    cond
}

/// How many people match: the condition alone, without the list's joins and sort, which made
/// a count through the paginator forty times slower.
async fn count(c: &impl ConnectionTrait, cond: Condition) -> Result<u64, DbError> {
    let n: Option<i64> = people::Entity::find()
        .select_only()
        .column_as(Expr::col((people::Entity, people::Column::Id)).count(), "n")
        .filter(cond)
        .into_tuple()
        .one(c)
        .await?;
    Ok(n.and_then(|n| u64::try_from(n).ok()).unwrap_or(0))
}

/// The name of the org a person's `column` points at.
fn org_name(column: people::Column) -> Expr {
    Expr::SubQuery(
        None,
        Box::new(
            sea_orm::sea_query::Query::select()
                .column((orgs::Entity, orgs::Column::Name))
                .from(orgs::Entity)
                .and_where(
                    Expr::col((orgs::Entity, orgs::Column::Id)).equals((people::Entity, column)),
                )
                .to_owned()
                .into_sub_query_statement(),
        ),
    )
}

/// The list query for `scope` and `filter`, sorted, without paging.
fn query(
    tenant: TenantId,
    scope: &Scope,
    f: &MemberFilter,
    plan: Plan,
    backend: DbBackend,
) -> sea_orm::Select<people::Entity> {
    let q = people::Entity::find()
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
        // Org names as scalar subqueries rather than joins: both databases evaluate them for
        // the page's rows only, after the sort and limit, where a join ran for every match.
        .expr_as(org_name(people::Column::PartyOrgId), "party_org_name")
        .expr_as(org_name(people::Column::LeagueOrgId), "league_org_name")
        .filter(matching(tenant, scope, f, plan, backend));
    let order = if f.desc { Order::Desc } else { Order::Asc };
    match f.sort {
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
    }
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
    Ok(
        query(tenant, scope, f, Plan::ByOrg, c.get_database_backend())
            .into_model::<MemberRow>()
            .all(c)
            .await?,
    )
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
    let backend = c.get_database_backend();
    // A count over a whole tree visits most of the school, which a scan does faster than the
    // org indexes (177 ms → 42 ms on SQLite at 100 k).
    let count_plan = if whole_tree(scope, f) {
        Plan::InOrder
    } else {
        Plan::ByOrg
    };
    let total = count(c, matching(tenant, scope, f, count_plan, backend)).await?;
    // Every sort key has an index in list order (migration m0002), so a large scope can always
    // be walked in order.
    let plan = if total > IN_ORDER_FROM {
        Plan::InOrder
    } else {
        Plan::ByOrg
    };
    let rows = query(tenant, scope, f, plan, backend)
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
    let rows: Vec<(String, i64)> = people::Entity::find()
        .select_only()
        .column(people::Column::PoliticalStatus)
        .column_as(Expr::col((people::Entity, people::Column::Id)).count(), "n")
        .filter(visible(
            tenant,
            scope,
            Plan::ByOrg,
            c.get_database_backend(),
        ))
        .group_by(people::Column::PoliticalStatus)
        .into_tuple()
        .all(c)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(s, n)| (s, u64::try_from(n).unwrap_or(0)))
        .collect())
}
