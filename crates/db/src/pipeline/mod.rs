//! The 发展党员 pipeline's record: the steps recorded for each person, and what each milestone
//! changes on the person (political status and its date).

pub mod board;
pub mod due;
pub mod entity;
pub mod io;

use chrono::{NaiveDate, Utc};
use redbranch_domain::pipeline::{DateField, History, Milestone, Step};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::DbError;
use crate::auth::UserId;
use crate::people::PersonId;
use crate::people::entity::people;
use crate::tenants::TenantId;
use entity::pipeline_steps;

pub use entity::pipeline_steps::Model as RecordedStep;

/// Every step recorded for one person, in pipeline order.
pub async fn steps_of(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    person: PersonId,
) -> Result<Vec<(Step, RecordedStep)>, DbError> {
    let rows = pipeline_steps::Entity::find()
        .filter(pipeline_steps::Column::TenantId.eq(tenant.0))
        .filter(pipeline_steps::Column::PersonId.eq(person.0))
        .all(c)
        .await?;
    let mut steps: Vec<(Step, RecordedStep)> = rows
        .into_iter()
        .filter_map(|r| Some((Step::from_code(&r.step)?, r)))
        .collect();
    steps.sort_by_key(|(s, _)| *s);
    Ok(steps)
}

/// The dates of the steps recorded, as the domain's rules read them.
pub fn history(steps: &[(Step, RecordedStep)]) -> History {
    History(steps.iter().map(|(s, r)| (*s, r.happened_on)).collect())
}

/// One step to write.
pub struct NewStep {
    pub step: Step,
    pub on: NaiveDate,
    pub details: serde_json::Value,
    pub override_reason: Option<String>,
    pub by: UserId,
}

/// Writes a step and its milestone, if any. A step already recorded for the person is a
/// [`DbError::Duplicate`]. The caller runs this in the transaction that also writes the audit
/// entry.
pub async fn record(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    person: PersonId,
    new: NewStep,
    milestone: Option<Milestone>,
) -> Result<RecordedStep, DbError> {
    let row = pipeline_steps::ActiveModel {
        tenant_id: Set(tenant.0),
        person_id: Set(person.0),
        step: Set(new.step.code().into()),
        happened_on: Set(new.on),
        details: Set(new.details.to_string()),
        override_reason: Set(new.override_reason),
        recorded_by: Set(Some(new.by.0)),
        recorded_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(c)
    .await?;
    if let Some(m) = milestone {
        let column = match m.field {
            DateField::PartyApplied => people::Column::PartyAppliedOn,
            DateField::Activist => people::Column::ActivistOn,
            DateField::Target => people::Column::TargetOn,
            DateField::PartyJoined => people::Column::PartyJoinedOn,
            DateField::Confirmed => people::Column::ConfirmedOn,
        };
        people::Entity::update_many()
            .col_expr(
                people::Column::PoliticalStatus,
                Expr::value(m.status.code()),
            )
            .col_expr(column, Expr::value(m.date))
            .col_expr(people::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(people::Column::Id.eq(person.0))
            .filter(people::Column::TenantId.eq(tenant.0))
            .exec(c)
            .await?;
    }
    Ok(row)
}
