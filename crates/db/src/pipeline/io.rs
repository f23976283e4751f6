//! Reads for the pipeline's documents, exports, imports and bulk actions: the steps of many
//! people at once, and people found by name (an imported file names 培养联系人 and 入党介绍人).

use std::collections::HashMap;

use redbranch_domain::pipeline::Step;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::RecordedStep;
use super::entity::pipeline_steps;
use crate::DbError;
use crate::people::Person;
use crate::people::entity::people;
use crate::tenants::TenantId;

/// Rows per `IN (…)` list: SQLite allows at most 32,766 bound variables in one statement.
const CHUNK: usize = 1000;

/// Every step recorded for each of `ids`, in pipeline order; people without steps are absent.
pub async fn steps_of_many(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<(Step, RecordedStep)>>, DbError> {
    let mut out: HashMap<i64, Vec<(Step, RecordedStep)>> = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        let rows = pipeline_steps::Entity::find()
            .filter(pipeline_steps::Column::TenantId.eq(tenant.0))
            .filter(pipeline_steps::Column::PersonId.is_in(chunk.iter().copied()))
            .all(c)
            .await?;
        for r in rows {
            if let Some(step) = Step::from_code(&r.step) {
                out.entry(r.person_id).or_default().push((step, r));
            }
        }
    }
    for steps in out.values_mut() {
        steps.sort_by_key(|(s, _)| *s);
    }
    Ok(out)
}

/// The people of the school with exactly one of `names` as their name, by name.
pub async fn by_names(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    names: &[String],
) -> Result<HashMap<String, Vec<Person>>, DbError> {
    let mut out: HashMap<String, Vec<Person>> = HashMap::new();
    for chunk in names.chunks(CHUNK) {
        for p in people::Entity::find()
            .filter(people::Column::TenantId.eq(tenant.0))
            .filter(people::Column::Name.is_in(chunk.iter().cloned()))
            .all(c)
            .await?
        {
            out.entry(p.name.clone()).or_default().push(p);
        }
    }
    Ok(out)
}
