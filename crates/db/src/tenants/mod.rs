//! Tenants: each school is one tenant; every other row carries its `tenant_id`.

pub mod entity;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

pub use entity::Model as Tenant;

use crate::DbError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub struct TenantId(pub i64);

pub async fn by_code(c: &impl ConnectionTrait, code: &str) -> Result<Option<Tenant>, DbError> {
    Ok(entity::Entity::find()
        .filter(entity::Column::Code.eq(code))
        .one(c)
        .await?)
}

pub async fn get(c: &impl ConnectionTrait, id: TenantId) -> Result<Tenant, DbError> {
    entity::Entity::find_by_id(id.0)
        .one(c)
        .await?
        .ok_or(DbError::NotFound)
}

pub async fn list(c: &impl ConnectionTrait) -> Result<Vec<Tenant>, DbError> {
    Ok(entity::Entity::find()
        .order_by_asc(entity::Column::Id)
        .all(c)
        .await?)
}

/// Creates a school and the head of its audit chain.
pub async fn create(c: &impl ConnectionTrait, code: &str, name: &str) -> Result<Tenant, DbError> {
    let t = entity::ActiveModel {
        code: Set(code.to_string()),
        name: Set(name.to_string()),
        settings: Set("{}".into()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(c)
    .await?;
    crate::audit::init_chain(c, TenantId(t.id)).await?;
    Ok(t)
}

pub async fn update_settings(
    c: &impl ConnectionTrait,
    id: TenantId,
    name: &str,
    settings_json: &str,
) -> Result<(), DbError> {
    entity::ActiveModel {
        id: Set(id.0),
        name: Set(name.to_string()),
        settings: Set(settings_json.to_string()),
        ..Default::default()
    }
    .update(c)
    .await?;
    Ok(())
}
