//! Links out to other platforms and study results imported from their exports.

pub mod entity {
    pub mod external_links {
        use sea_orm::entity::prelude::*;

        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
        #[sea_orm(table_name = "external_links")]
        pub struct Model {
            #[sea_orm(primary_key)]
            pub id: i64,
            #[serde(skip)]
            pub tenant_id: i64,
            pub name: String,
            pub url: String,
            pub description: String,
            pub position: i32,
            #[serde(skip)]
            pub created_by: i64,
            #[serde(skip)]
            pub created_at: DateTimeUtc,
        }

        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}

        impl ActiveModelBehavior for ActiveModel {}
    }

    pub mod external_results {
        use sea_orm::entity::prelude::*;

        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
        #[sea_orm(table_name = "external_results")]
        pub struct Model {
            #[sea_orm(primary_key)]
            pub id: i64,
            #[serde(skip)]
            pub tenant_id: i64,
            pub person_id: i64,
            /// A `domain::links::Source` code.
            pub source: String,
            pub period: String,
            pub score: Option<i64>,
            pub completed: Option<bool>,
            pub imported_by: i64,
            pub imported_at: DateTimeUtc,
        }

        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}

        impl ActiveModelBehavior for ActiveModel {}
    }
}

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::DbError;
use crate::auth::UserId;
use crate::people::PersonId;
use crate::tenants::TenantId;
use entity::{external_links, external_results};

pub use entity::external_links::Model as Link;
pub use entity::external_results::Model as ExternalResult;

/// The school's links, in order.
pub async fn links(c: &impl ConnectionTrait, tenant: TenantId) -> Result<Vec<Link>, DbError> {
    Ok(external_links::Entity::find()
        .filter(external_links::Column::TenantId.eq(tenant.0))
        .order_by_asc(external_links::Column::Position)
        .order_by_asc(external_links::Column::Id)
        .all(c)
        .await?)
}

/// Adds a link at the end.
pub async fn add_link(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    (name, url, description): (String, String, String),
    by: UserId,
) -> Result<Link, DbError> {
    let last: Option<i32> = external_links::Entity::find()
        .select_only()
        .column_as(external_links::Column::Position.max(), "max")
        .filter(external_links::Column::TenantId.eq(tenant.0))
        .into_tuple::<Option<i32>>()
        .one(c)
        .await?
        .flatten();
    Ok(external_links::ActiveModel {
        tenant_id: Set(tenant.0),
        name: Set(name),
        url: Set(url),
        description: Set(description),
        position: Set(last.unwrap_or(0) + 1),
        created_by: Set(by.0),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(c)
    .await?)
}

/// Removes a link; returns what it was.
pub async fn remove_link(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: i64,
) -> Result<Link, DbError> {
    let row = external_links::Entity::find_by_id(id)
        .filter(external_links::Column::TenantId.eq(tenant.0))
        .one(c)
        .await?
        .ok_or(DbError::NotFound)?;
    external_links::Entity::delete_by_id(id).exec(c).await?;
    Ok(row)
}

/// One imported result to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewResult {
    pub person: PersonId,
    pub score: Option<i64>,
    pub completed: Option<bool>,
}

/// Stores results of one source and period: a person's earlier result for the same source and
/// period is replaced (a corrected export is imported again), others are added.
pub async fn store_results(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    (source, period): (&str, &str),
    rows: &[NewResult],
    by: UserId,
) -> Result<(), DbError> {
    use external_results::Column as R;
    let people: Vec<i64> = rows.iter().map(|r| r.person.0).collect();
    for part in people.chunks(500) {
        external_results::Entity::delete_many()
            .filter(R::TenantId.eq(tenant.0))
            .filter(R::Source.eq(source))
            .filter(R::Period.eq(period))
            .filter(R::PersonId.is_in(part.iter().copied()))
            .exec(c)
            .await?;
    }
    let now = Utc::now();
    for part in rows.chunks(200) {
        let models = part.iter().map(|r| external_results::ActiveModel {
            tenant_id: Set(tenant.0),
            person_id: Set(r.person.0),
            source: Set(source.to_string()),
            period: Set(period.to_string()),
            score: Set(r.score),
            completed: Set(r.completed),
            imported_by: Set(by.0),
            imported_at: Set(now),
            ..Default::default()
        });
        external_results::Entity::insert_many(models)
            .exec(c)
            .await?;
    }
    Ok(())
}

/// A person's imported results, newest first.
pub async fn results_of(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    person: PersonId,
) -> Result<Vec<ExternalResult>, DbError> {
    Ok(external_results::Entity::find()
        .filter(external_results::Column::TenantId.eq(tenant.0))
        .filter(external_results::Column::PersonId.eq(person.0))
        .order_by_desc(external_results::Column::Id)
        .limit(200)
        .all(c)
        .await?)
}
