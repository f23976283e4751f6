//! Elections: the election with its sealed key, candidates, the roll (who may vote, and whether
//! they have had a ballot signed), the anonymous ballots and the objections raised during 公示.
//!
//! Nothing here links a ballot to a voter: `election_ballots` has no voter column, no time and
//! no sequence (ADR 0007). Functions take the tenant where a row carries it; the tables under an
//! election are reached only through an election already checked to be the tenant's.

pub mod entity;

use chrono::{NaiveDate, Utc};
use redbranch_domain::authz::Scope;
use redbranch_domain::elections::Status;
use redbranch_domain::org::Tree;
use redbranch_domain::people::PoliticalStatus;
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use crate::DbError;
use crate::org::entity::orgs;
use crate::people::entity::people;
use crate::tenants::TenantId;
use entity::{election_ballots, election_candidates, election_objections, election_voters};

pub use entity::election_ballots::Model as Ballot;
pub use entity::election_candidates::Model as Candidate;
pub use entity::election_objections::Model as Objection;
use entity::elections;
pub use entity::elections::Model as Election;

/// An election to create, with its key already made and sealed.
pub struct NewElection {
    pub org_id: i64,
    pub tree: Tree,
    pub title: String,
    pub seats: i32,
    pub quorum: &'static str,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    pub publicity_days: i32,
    pub key_n: String,
    pub key_e: String,
    pub key_sealed: Vec<u8>,
    /// (person id, name) in ballot order.
    pub candidates: Vec<(i64, String)>,
    pub voters: Vec<i64>,
    pub by: i64,
}

/// A person of a branch: id, name, political status code.
pub type BranchMember = (i64, String, String);

/// The people whose current org in `tree` is `org`, by 学号. For the Party tree only those with
/// a place in the Party (预备党员 and 正式党员); callers narrow further where the rules say so.
pub async fn branch_members(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    org: i64,
    tree: Tree,
) -> Result<Vec<BranchMember>, DbError> {
    use people::Column as P;
    let mut q = people::Entity::find()
        .select_only()
        .columns([P::Id, P::Name, P::PoliticalStatus])
        .filter(P::TenantId.eq(tenant.0));
    q = match tree {
        Tree::Party => q
            .filter(P::PartyOrgId.eq(org))
            .filter(P::PoliticalStatus.is_in([
                PoliticalStatus::ProbationaryMember.code(),
                PoliticalStatus::PartyMember.code(),
            ])),
        Tree::League => q.filter(P::LeagueOrgId.eq(org)),
    };
    Ok(q.order_by_asc(P::StudentNo)
        .into_tuple::<BranchMember>()
        .all(c)
        .await?)
}

/// Orgs inside `scope`, as a subquery of their ids.
pub(crate) fn orgs_in(tenant: TenantId, scope: &Scope) -> sea_orm::sea_query::SelectStatement {
    let mut any = Condition::any();
    for r in &scope.roots {
        let (lo, hi) = r.subtree_range();
        any = any.add(
            Condition::all()
                .add(Expr::col(orgs::Column::Path).gte(lo))
                .add(Expr::col(orgs::Column::Path).lt(hi)),
        );
    }
    if scope.roots.is_empty() {
        any = any.add(Expr::val(1).eq(0));
    }
    Query::select()
        .column(orgs::Column::Id)
        .from(orgs::Entity)
        .and_where(Expr::col(orgs::Column::TenantId).eq(tenant.0))
        .cond_where(any)
        .to_owned()
}

pub async fn create(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    n: NewElection,
) -> Result<Election, DbError> {
    let e = elections::ActiveModel {
        tenant_id: Set(tenant.0),
        org_id: Set(n.org_id),
        tree: Set(n.tree.code().into()),
        title: Set(n.title),
        seats: Set(n.seats),
        quorum: Set(n.quorum.into()),
        opens_on: Set(n.opens_on),
        closes_on: Set(n.closes_on),
        publicity_days: Set(n.publicity_days),
        status: Set(Status::Draft.code().into()),
        key_n: Set(n.key_n),
        key_e: Set(n.key_e),
        key_sealed: Set(n.key_sealed),
        created_by: Set(n.by),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(c)
    .await?;
    let cands: Vec<_> = n
        .candidates
        .into_iter()
        .zip(0..)
        .map(
            |((person, name), position)| election_candidates::ActiveModel {
                election_id: Set(e.id),
                position: Set(position),
                person_id: Set(person),
                name: Set(name),
            },
        )
        .collect();
    if !cands.is_empty() {
        election_candidates::Entity::insert_many(cands)
            .exec_without_returning(c)
            .await?;
    }
    let voters: Vec<_> = n
        .voters
        .into_iter()
        .map(|p| election_voters::ActiveModel {
            election_id: Set(e.id),
            person_id: Set(p),
            issued: Set(false),
        })
        .collect();
    for chunk in voters.chunks(1000) {
        election_voters::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(c)
            .await?;
    }
    Ok(e)
}

pub async fn get(c: &impl ConnectionTrait, tenant: TenantId, id: i64) -> Result<Election, DbError> {
    elections::Entity::find_by_id(id)
        .filter(elections::Column::TenantId.eq(tenant.0))
        .one(c)
        .await?
        .ok_or(DbError::NotFound)
}

/// Elections of orgs inside `scope`, and those on whose roll `person` is; newest first.
pub async fn list(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    scope: &Scope,
    person: Option<i64>,
) -> Result<Vec<Election>, DbError> {
    use elections::Column as E;
    let mut any = Condition::any().add(E::OrgId.in_subquery(orgs_in(tenant, scope)));
    if let Some(p) = person {
        any = any.add(
            E::Id.in_subquery(
                Query::select()
                    .column(election_voters::Column::ElectionId)
                    .from(election_voters::Entity)
                    .and_where(Expr::col(election_voters::Column::PersonId).eq(p))
                    .to_owned(),
            ),
        );
    }
    Ok(elections::Entity::find()
        .filter(E::TenantId.eq(tenant.0))
        .filter(any)
        .order_by_desc(E::Id)
        .limit(200)
        .all(c)
        .await?)
}

pub async fn candidates(c: &impl ConnectionTrait, id: i64) -> Result<Vec<Candidate>, DbError> {
    Ok(election_candidates::Entity::find()
        .filter(election_candidates::Column::ElectionId.eq(id))
        .order_by_asc(election_candidates::Column::Position)
        .all(c)
        .await?)
}

/// Is `person` on the roll, and have they had a ballot signed?
pub async fn voter(
    c: &impl ConnectionTrait,
    id: i64,
    person: i64,
) -> Result<Option<bool>, DbError> {
    Ok(election_voters::Entity::find_by_id((id, person))
        .one(c)
        .await?
        .map(|v| v.issued))
}

/// Eligible voters, ballots signed, ballots cast.
pub async fn counts(c: &impl ConnectionTrait, id: i64) -> Result<(u64, u64, u64), DbError> {
    use election_voters::Column as V;
    let eligible = election_voters::Entity::find()
        .filter(V::ElectionId.eq(id))
        .count(c)
        .await?;
    let issued = election_voters::Entity::find()
        .filter(V::ElectionId.eq(id))
        .filter(V::Issued.eq(true))
        .count(c)
        .await?;
    let cast = election_ballots::Entity::find()
        .filter(election_ballots::Column::ElectionId.eq(id))
        .count(c)
        .await?;
    Ok((eligible, issued, cast))
}

/// Records that `person` has had their one ballot signed; a second time is a conflict, so one
/// person gets one signature even when two requests race.
pub async fn mark_issued(c: &impl ConnectionTrait, id: i64, person: i64) -> Result<(), DbError> {
    use election_voters::Column as V;
    let res = election_voters::Entity::update_many()
        .col_expr(V::Issued, Expr::value(true))
        .filter(V::ElectionId.eq(id))
        .filter(V::PersonId.eq(person))
        .filter(V::Issued.eq(false))
        .exec(c)
        .await?;
    if res.rows_affected == 1 {
        Ok(())
    } else {
        Err(DbError::Conflict("already_issued"))
    }
}

/// Moves the election from `from` to `to`; from any other status it is a conflict.
pub async fn set_status(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: i64,
    from: Status,
    to: Status,
) -> Result<(), DbError> {
    use elections::Column as E;
    let res = elections::Entity::update_many()
        .col_expr(E::Status, Expr::value(to.code()))
        .filter(E::Id.eq(id))
        .filter(E::TenantId.eq(tenant.0))
        .filter(E::Status.eq(from.code()))
        .exec(c)
        .await?;
    if res.rows_affected == 1 {
        Ok(())
    } else {
        Err(DbError::Conflict("wrong_status"))
    }
}

/// Stores an anonymous ballot. A token already used is [`DbError::Duplicate`].
pub async fn cast(
    c: &impl ConnectionTrait,
    id: i64,
    token: &str,
    signature: &str,
    choices: &str,
) -> Result<(), DbError> {
    election_ballots::Entity::insert(election_ballots::ActiveModel {
        election_id: Set(id),
        token: Set(token.into()),
        signature: Set(signature.into()),
        choices: Set(choices.into()),
    })
    .exec_without_returning(c)
    .await?;
    Ok(())
}

/// Every ballot, in token order (which is random, so it says nothing about who voted when).
pub async fn ballots(c: &impl ConnectionTrait, id: i64) -> Result<Vec<Ballot>, DbError> {
    Ok(election_ballots::Entity::find()
        .filter(election_ballots::Column::ElectionId.eq(id))
        .order_by_asc(election_ballots::Column::Token)
        .all(c)
        .await?)
}

pub async fn ballot(
    c: &impl ConnectionTrait,
    id: i64,
    token: &str,
) -> Result<Option<Ballot>, DbError> {
    Ok(
        election_ballots::Entity::find_by_id((id, token.to_string()))
            .one(c)
            .await?,
    )
}

/// Stores the count of a closed election and starts its 公示.
pub async fn record_tally(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: i64,
    result: String,
    (on, until): (NaiveDate, NaiveDate),
) -> Result<(), DbError> {
    use elections::Column as E;
    let res = elections::Entity::update_many()
        .col_expr(E::Status, Expr::value(Status::Tallied.code()))
        .col_expr(E::Result, Expr::value(result))
        .col_expr(E::TalliedOn, Expr::value(on))
        .col_expr(E::PublicityUntil, Expr::value(until))
        .filter(E::Id.eq(id))
        .filter(E::TenantId.eq(tenant.0))
        .filter(E::Status.eq(Status::Closed.code()))
        .exec(c)
        .await?;
    if res.rows_affected == 1 {
        Ok(())
    } else {
        Err(DbError::Conflict("wrong_status"))
    }
}

pub async fn add_objection(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: i64,
    body: String,
    by: i64,
) -> Result<Objection, DbError> {
    Ok(election_objections::ActiveModel {
        tenant_id: Set(tenant.0),
        election_id: Set(id),
        body: Set(body),
        created_by: Set(by),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(c)
    .await?)
}

pub async fn objections(c: &impl ConnectionTrait, id: i64) -> Result<Vec<Objection>, DbError> {
    Ok(election_objections::Entity::find()
        .filter(election_objections::Column::ElectionId.eq(id))
        .order_by_asc(election_objections::Column::Id)
        .all(c)
        .await?)
}

/// Orgs that hold members (branches) inside `scope`, in tree order: where an election or an
/// appraisal may be held by the caller.
pub async fn branches_in(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    scope: &Scope,
) -> Result<Vec<crate::org::Org>, DbError> {
    use redbranch_domain::org::OrgKind;
    let kinds: Vec<&str> = [
        OrgKind::PartyBranch,
        OrgKind::PartyGeneralBranch,
        OrgKind::LeagueBranch,
        OrgKind::LeagueGeneralBranch,
    ]
    .iter()
    .map(|k| k.code())
    .collect();
    Ok(orgs::Entity::find()
        .filter(orgs::Column::Id.in_subquery(orgs_in(tenant, scope)))
        .filter(orgs::Column::Kind.is_in(kinds))
        .order_by_asc(orgs::Column::Path)
        .limit(500)
        .all(c)
        .await?)
}

/// An election by id alone, for the anonymous ballot box: a voter casting a ballot is not
/// signed in, so there is no school to narrow by; the signature decides whether it counts.
pub async fn get_for_ballot_box(c: &impl ConnectionTrait, id: i64) -> Result<Election, DbError> {
    elections::Entity::find_by_id(id)
        .one(c)
        .await?
        .ok_or(DbError::NotFound)
}
