//! Import jobs: an uploaded file waits here between preview and commit, so any node can finish
//! what another started, and progress is readable from any node.

use chrono::Utc;
use sea_orm::entity::prelude::*;
use sea_orm::{ActiveModelTrait, Set};

use crate::DbError;
use crate::tenants::TenantId;

pub mod roster;

pub mod entity {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "import_jobs")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub tenant_id: i64,
        pub user_id: i64,
        pub kind: String,
        pub file_name: String,
        pub content: Vec<u8>,
        /// `previewed`, `running`, `done`, `failed`.
        pub status: String,
        pub total_rows: i32,
        pub done_rows: i32,
        /// JSON: the row-level report of the preview or the counts of the commit.
        pub report: Option<String>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use entity::Model as ImportJob;

/// An uploaded file and its preview report.
pub struct NewJob<'a> {
    pub user_id: i64,
    pub kind: &'a str,
    pub file_name: &'a str,
    pub content: Vec<u8>,
    pub total_rows: i32,
    pub report: String,
}

pub async fn create(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    j: NewJob<'_>,
) -> Result<ImportJob, DbError> {
    let now = Utc::now();
    Ok(entity::ActiveModel {
        tenant_id: Set(tenant.0),
        user_id: Set(j.user_id),
        kind: Set(j.kind.into()),
        file_name: Set(j.file_name.into()),
        content: Set(j.content),
        status: Set("previewed".into()),
        total_rows: Set(j.total_rows),
        done_rows: Set(0),
        report: Set(Some(j.report)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(c)
    .await?)
}

/// A job of this tenant started by this user (nobody else's uploads are readable).
pub async fn get(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    user_id: i64,
    id: i64,
) -> Result<ImportJob, DbError> {
    entity::Entity::find_by_id(id)
        .filter(entity::Column::TenantId.eq(tenant.0))
        .filter(entity::Column::UserId.eq(user_id))
        .one(c)
        .await?
        .ok_or(DbError::NotFound)
}

pub async fn set_progress(
    c: &impl ConnectionTrait,
    id: i64,
    status: &str,
    done_rows: i32,
    report: Option<String>,
) -> Result<(), DbError> {
    let mut am = entity::ActiveModel {
        id: Set(id),
        status: Set(status.into()),
        done_rows: Set(done_rows),
        updated_at: Set(Utc::now()),
        ..Default::default()
    };
    if let Some(r) = report {
        am.report = Set(Some(r));
    }
    am.update(c).await?;
    Ok(())
}
