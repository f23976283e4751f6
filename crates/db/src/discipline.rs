//! 党纪处分 records (table `discipline_records`, migration m0015): one row per decision on a
//! person. Every query takes the tenant, so a record of another school is simply not found.
//! Who may read or write them is decided in the web layer from the person's Party org.

pub mod entity {
    pub mod discipline_records {
        use sea_orm::entity::prelude::*;

        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
        #[sea_orm(table_name = "discipline_records")]
        pub struct Model {
            #[sea_orm(primary_key)]
            pub id: i64,
            pub tenant_id: i64,
            pub person_id: i64,
            /// A `domain::discipline::DisciplineKind` code.
            pub kind: String,
            pub decided_on: Date,
            /// 留党察看 only: 12 or 24.
            pub probation_months: Option<i32>,
            /// 留党察看 only: the day Party rights were restored.
            pub restored_on: Option<Date>,
            /// The Party organisation that decided.
            pub decided_by_org: Option<i64>,
            /// 处分决定文号.
            pub document_no: Option<String>,
            pub reason: String,
            pub recorded_by: Option<i64>,
            pub recorded_at: DateTimeUtc,
            /// 开除党籍 only: the political status it ended (given back if it is withdrawn).
            pub status_before: Option<String>,
            /// Set when the record was withdrawn (撤销); it then counts for no rule.
            pub withdrawn_at: Option<DateTimeUtc>,
            pub withdrawn_by: Option<i64>,
            pub withdrawn_reason: Option<String>,
        }

        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}

        impl ActiveModelBehavior for ActiveModel {}
    }
}

use chrono::Utc;
use redbranch_domain::discipline::{Discipline, DisciplineKind};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use crate::DbError;
use crate::auth::UserId;
use crate::people::PersonId;
use crate::tenants::TenantId;
use entity::discipline_records as records;

pub use entity::discipline_records::Model as DisciplineRow;

/// A record to write.
pub struct NewDiscipline {
    pub rule: Discipline,
    pub decided_by_org: Option<i64>,
    pub document_no: Option<String>,
    pub reason: String,
    pub by: UserId,
    /// 开除党籍 only: the status it ends.
    pub status_before: Option<String>,
}

/// The rule's view of a row; `None` for a withdrawn record (it decides nothing) and for a kind
/// this build does not know.
pub fn as_rule(r: &DisciplineRow) -> Option<Discipline> {
    if r.withdrawn_at.is_some() {
        return None;
    }
    Some(Discipline {
        kind: DisciplineKind::from_code(&r.kind)?,
        decided_on: r.decided_on,
        probation_months: r.probation_months.and_then(|m| u32::try_from(m).ok()),
        restored_on: r.restored_on,
    })
}

/// Every record of the given people, latest decision first.
pub async fn records_of_people(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    people: &[i64],
) -> Result<Vec<DisciplineRow>, DbError> {
    if people.is_empty() {
        return Ok(Vec::new());
    }
    Ok(records::Entity::find()
        .filter(records::Column::TenantId.eq(tenant.0))
        .filter(records::Column::PersonId.is_in(people.iter().copied()))
        .order_by_desc(records::Column::DecidedOn)
        .order_by_desc(records::Column::Id)
        .all(c)
        .await?)
}

/// Every record of one person, latest decision first.
pub async fn records_of(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    person: PersonId,
) -> Result<Vec<DisciplineRow>, DbError> {
    records_of_people(c, tenant, &[person.0]).await
}

/// Writes a record; the caller checked it and writes the audit entry in the same transaction.
pub async fn insert(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    person: PersonId,
    new: NewDiscipline,
) -> Result<DisciplineRow, DbError> {
    let months = new
        .rule
        .probation_months
        .map(|m| i32::try_from(m).unwrap_or(i32::MAX));
    Ok(records::ActiveModel {
        tenant_id: Set(tenant.0),
        person_id: Set(person.0),
        kind: Set(new.rule.kind.code().to_string()),
        decided_on: Set(new.rule.decided_on),
        probation_months: Set(months),
        restored_on: Set(new.rule.restored_on),
        decided_by_org: Set(new.decided_by_org),
        document_no: Set(new.document_no),
        reason: Set(new.reason),
        recorded_by: Set(Some(new.by.0)),
        recorded_at: Set(Utc::now()),
        status_before: Set(new.status_before),
        ..Default::default()
    }
    .insert(c)
    .await?)
}

/// One record of one person (a record of someone else, or of another school, is not found).
pub async fn get(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    person: PersonId,
    id: i64,
) -> Result<DisciplineRow, DbError> {
    records::Entity::find_by_id(id)
        .filter(records::Column::TenantId.eq(tenant.0))
        .filter(records::Column::PersonId.eq(person.0))
        .one(c)
        .await?
        .ok_or(DbError::NotFound)
}

/// Records the restoration of Party rights on a 留党察看 that has none yet. Restored once: a
/// second restoration is a [`DbError::Conflict`] (`already_restored`), even in a race.
pub async fn restore(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: i64,
    on: chrono::NaiveDate,
) -> Result<(), DbError> {
    use sea_orm::sea_query::Expr;
    let done = records::Entity::update_many()
        .col_expr(records::Column::RestoredOn, Expr::value(on))
        .filter(records::Column::Id.eq(id))
        .filter(records::Column::TenantId.eq(tenant.0))
        .filter(records::Column::RestoredOn.is_null())
        .exec(c)
        .await?;
    if done.rows_affected == 0 {
        return Err(DbError::Conflict("already_restored"));
    }
    Ok(())
}

/// Withdraws (撤销) a record not yet withdrawn, with the reason. Once: a second withdrawal is a
/// [`DbError::Conflict`] (`already_withdrawn`), even in a race.
pub async fn withdraw(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: i64,
    by: UserId,
    reason: &str,
) -> Result<(), DbError> {
    use sea_orm::sea_query::Expr;
    let done = records::Entity::update_many()
        .col_expr(records::Column::WithdrawnAt, Expr::value(Utc::now()))
        .col_expr(records::Column::WithdrawnBy, Expr::value(by.0))
        .col_expr(records::Column::WithdrawnReason, Expr::value(reason))
        .filter(records::Column::Id.eq(id))
        .filter(records::Column::TenantId.eq(tenant.0))
        .filter(records::Column::WithdrawnAt.is_null())
        .exec(c)
        .await?;
    if done.rows_affected == 0 {
        return Err(DbError::Conflict("already_withdrawn"));
    }
    Ok(())
}

/// Gives back the status an expulsion ended, if the person is still 群众 (nothing else changed
/// it since): true when it was given back.
pub async fn restore_membership(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    person: PersonId,
    status: &str,
) -> Result<bool, DbError> {
    use crate::people::entity::people;
    use redbranch_domain::people::PoliticalStatus;
    use sea_orm::sea_query::Expr;
    let res = people::Entity::update_many()
        .col_expr(people::Column::PoliticalStatus, Expr::value(status))
        .col_expr(people::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(people::Column::Id.eq(person.0))
        .filter(people::Column::TenantId.eq(tenant.0))
        .filter(people::Column::PoliticalStatus.eq(PoliticalStatus::Masses.code()))
        .exec(c)
        .await?;
    Ok(res.rows_affected == 1)
}

/// 开除党籍 ends Party membership (党章 第三十九条): a 正式党员 or 预备党员 becomes 群众, in the
/// transaction that records the decision. True when the status changed (someone already out of
/// the Party keeps theirs).
pub async fn end_membership(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    person: PersonId,
) -> Result<bool, DbError> {
    use crate::people::entity::people;
    use redbranch_domain::people::PoliticalStatus;
    use sea_orm::sea_query::Expr;
    let res = people::Entity::update_many()
        .col_expr(
            people::Column::PoliticalStatus,
            Expr::value(PoliticalStatus::Masses.code()),
        )
        .col_expr(people::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(people::Column::Id.eq(person.0))
        .filter(people::Column::TenantId.eq(tenant.0))
        .filter(people::Column::PoliticalStatus.is_in([
            PoliticalStatus::PartyMember.code(),
            PoliticalStatus::ProbationaryMember.code(),
        ]))
        .exec(c)
        .await?;
    Ok(res.rows_affected == 1)
}
