//! 民主评议: campaigns, each member's self-assessment, decided grade and a bare "has rated"
//! flag, and per-member tallies of the grades others gave them.
//!
//! There is no (rater, ratee, grade) row anywhere: [`submit_mutual`] adds one to the tallies of
//! each member rated and sets the rater's flag, in one transaction, and keeps nothing else.

pub mod entity;

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use redbranch_domain::appraisal::{Grade, Phase};
use redbranch_domain::authz::Scope;
use redbranch_domain::org::Tree;
use sea_orm::sea_query::{Condition, Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::DbError;
use crate::tenants::TenantId;
use entity::{appraisal_members, appraisal_tallies, appraisals};

pub use entity::appraisal_members::Model as Participant;
pub use entity::appraisals::Model as Appraisal;

/// Creates a campaign for `members` of `org`, with every tally at zero.
pub async fn create(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    (org, tree, year): (i64, Tree, i32),
    members: &[i64],
    by: i64,
) -> Result<Appraisal, DbError> {
    let a = appraisals::ActiveModel {
        tenant_id: Set(tenant.0),
        org_id: Set(org),
        tree: Set(tree.code().into()),
        year: Set(year),
        phase: Set(Phase::SelfAssessment.code().into()),
        created_by: Set(by),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(c)
    .await?;
    let rows: Vec<_> = members
        .iter()
        .map(|p| appraisal_members::ActiveModel {
            appraisal_id: Set(a.id),
            person_id: Set(*p),
            self_text: Set(None),
            self_grade: Set(None),
            rated: Set(false),
            final_grade: Set(None),
        })
        .collect();
    for chunk in rows.chunks(1000) {
        appraisal_members::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(c)
            .await?;
    }
    let tallies: Vec<_> = members
        .iter()
        .flat_map(|p| {
            Grade::ALL.map(|g| appraisal_tallies::ActiveModel {
                appraisal_id: Set(a.id),
                person_id: Set(*p),
                grade: Set(g.code().into()),
                votes: Set(0),
            })
        })
        .collect();
    for chunk in tallies.chunks(1000) {
        appraisal_tallies::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(c)
            .await?;
    }
    Ok(a)
}

pub async fn get(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: i64,
) -> Result<Appraisal, DbError> {
    appraisals::Entity::find_by_id(id)
        .filter(appraisals::Column::TenantId.eq(tenant.0))
        .one(c)
        .await?
        .ok_or(DbError::NotFound)
}

/// Campaigns of orgs inside `scope`, and those `person` takes part in; newest first.
pub async fn list(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    scope: &Scope,
    person: Option<i64>,
) -> Result<Vec<Appraisal>, DbError> {
    use appraisals::Column as A;
    let mut any =
        Condition::any().add(A::OrgId.in_subquery(crate::elections::orgs_in(tenant, scope)));
    if let Some(p) = person {
        any = any.add(
            A::Id.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(appraisal_members::Column::AppraisalId)
                    .from(appraisal_members::Entity)
                    .and_where(Expr::col(appraisal_members::Column::PersonId).eq(p))
                    .to_owned(),
            ),
        );
    }
    Ok(appraisals::Entity::find()
        .filter(A::TenantId.eq(tenant.0))
        .filter(any)
        .order_by_desc(A::Id)
        .limit(200)
        .all(c)
        .await?)
}

pub async fn participants(c: &impl ConnectionTrait, id: i64) -> Result<Vec<Participant>, DbError> {
    Ok(appraisal_members::Entity::find()
        .filter(appraisal_members::Column::AppraisalId.eq(id))
        .order_by_asc(appraisal_members::Column::PersonId)
        .all(c)
        .await?)
}

/// Votes per member and grade code.
pub async fn tallies(
    c: &impl ConnectionTrait,
    id: i64,
) -> Result<HashMap<(i64, String), i32>, DbError> {
    let rows = appraisal_tallies::Entity::find()
        .filter(appraisal_tallies::Column::AppraisalId.eq(id))
        .all(c)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| ((r.person_id, r.grade), r.votes))
        .collect())
}

/// Moves the campaign from `from` to `to`; from any other phase it is a conflict.
pub async fn set_phase(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: i64,
    (from, to): (Phase, Phase),
    published_on: Option<NaiveDate>,
) -> Result<(), DbError> {
    use appraisals::Column as A;
    let res = appraisals::Entity::update_many()
        .col_expr(A::Phase, Expr::value(to.code()))
        .col_expr(A::PublishedOn, Expr::value(published_on))
        .filter(A::Id.eq(id))
        .filter(A::TenantId.eq(tenant.0))
        .filter(A::Phase.eq(from.code()))
        .exec(c)
        .await?;
    if res.rows_affected == 1 {
        Ok(())
    } else {
        Err(DbError::Conflict("wrong_phase"))
    }
}

pub async fn save_self(
    c: &impl ConnectionTrait,
    id: i64,
    person: i64,
    text: String,
    grade: Grade,
) -> Result<(), DbError> {
    use appraisal_members::Column as M;
    let res = appraisal_members::Entity::update_many()
        .col_expr(M::SelfText, Expr::value(text))
        .col_expr(M::SelfGrade, Expr::value(grade.code()))
        .filter(M::AppraisalId.eq(id))
        .filter(M::PersonId.eq(person))
        .exec(c)
        .await?;
    if res.rows_affected == 1 {
        Ok(())
    } else {
        Err(DbError::NotFound)
    }
}

/// Hands in `rater`'s mutual assessment: flips their flag (once only) and adds one to each
/// rated member's tally. Call inside a transaction: either all of it is written or none.
pub async fn submit_mutual(
    c: &impl ConnectionTrait,
    id: i64,
    rater: i64,
    grades: &[(i64, Grade)],
) -> Result<(), DbError> {
    use appraisal_members::Column as M;
    use appraisal_tallies::Column as T;
    let res = appraisal_members::Entity::update_many()
        .col_expr(M::Rated, Expr::value(true))
        .filter(M::AppraisalId.eq(id))
        .filter(M::PersonId.eq(rater))
        .filter(M::Rated.eq(false))
        .exec(c)
        .await?;
    if res.rows_affected != 1 {
        return Err(DbError::Conflict("already_rated"));
    }
    for (ratee, grade) in grades {
        let res = appraisal_tallies::Entity::update_many()
            .col_expr(T::Votes, Expr::col(T::Votes).add(1))
            .filter(T::AppraisalId.eq(id))
            .filter(T::PersonId.eq(*ratee))
            .filter(T::Grade.eq(grade.code()))
            .exec(c)
            .await?;
        if res.rows_affected != 1 {
            return Err(DbError::NotFound);
        }
    }
    Ok(())
}

/// Sets the decided grade of each member listed.
pub async fn decide(
    c: &impl ConnectionTrait,
    id: i64,
    grades: &[(i64, Grade)],
) -> Result<(), DbError> {
    use appraisal_members::Column as M;
    for (person, grade) in grades {
        let res = appraisal_members::Entity::update_many()
            .col_expr(M::FinalGrade, Expr::value(grade.code()))
            .filter(M::AppraisalId.eq(id))
            .filter(M::PersonId.eq(*person))
            .exec(c)
            .await?;
        if res.rows_affected != 1 {
            return Err(DbError::NotFound);
        }
    }
    Ok(())
}
