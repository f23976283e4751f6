//! The electronic dossier: documents (bytes in the database), remarks by 培养联系人 with their
//! review, and 思想汇报 with their answers. Every function takes the tenant and the person, so a
//! row of another school or another person is simply not found.

pub mod entity;

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use redbranch_domain::pipeline::Step;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use crate::DbError;
use crate::auth::UserId;
use crate::auth::entity::users;
use crate::people::PersonId;
use crate::pipeline::entity::pipeline_steps;
use crate::tenants::TenantId;
use entity::{documents, dossier_remarks, thought_reports};

pub use entity::dossier_remarks::Model as Remark;
pub use entity::thought_reports::Model as ThoughtReport;

/// A document without its bytes: what lists and the audit log show.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult, serde::Serialize)]
pub struct DocumentMeta {
    pub id: i64,
    pub person_id: i64,
    pub step: Option<String>,
    pub kind: String,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_by: i64,
    pub uploaded_at: chrono::DateTime<Utc>,
}

/// A document to store (already sniffed and within the size limit).
pub struct NewDocument {
    pub step: Option<Step>,
    pub kind: String,
    pub filename: String,
    pub content_type: &'static str,
    pub sha256: String,
    pub content: Vec<u8>,
    pub by: UserId,
}

pub async fn add_document(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    person: PersonId,
    d: NewDocument,
) -> Result<DocumentMeta, DbError> {
    let size = i64::try_from(d.content.len()).unwrap_or(i64::MAX);
    let row = documents::ActiveModel {
        tenant_id: Set(tenant.0),
        person_id: Set(person.0),
        step: Set(d.step.map(|s| s.code().to_string())),
        kind: Set(d.kind),
        filename: Set(d.filename),
        content_type: Set(d.content_type.to_string()),
        size_bytes: Set(size),
        sha256: Set(d.sha256),
        content: Set(d.content),
        uploaded_by: Set(d.by.0),
        uploaded_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(c)
    .await?;
    Ok(DocumentMeta {
        id: row.id,
        person_id: row.person_id,
        step: row.step,
        kind: row.kind,
        filename: row.filename,
        content_type: row.content_type,
        size_bytes: row.size_bytes,
        sha256: row.sha256,
        uploaded_by: row.uploaded_by,
        uploaded_at: row.uploaded_at,
    })
}

/// The person's documents, newest first, without their bytes.
pub async fn documents_of(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    person: PersonId,
) -> Result<Vec<DocumentMeta>, DbError> {
    use documents::Column as D;
    Ok(documents::Entity::find()
        .select_only()
        .columns([
            D::Id,
            D::PersonId,
            D::Step,
            D::Kind,
            D::Filename,
            D::ContentType,
            D::SizeBytes,
            D::Sha256,
            D::UploadedBy,
            D::UploadedAt,
        ])
        .filter(D::TenantId.eq(tenant.0))
        .filter(D::PersonId.eq(person.0))
        .order_by_desc(D::Id)
        .into_model::<DocumentMeta>()
        .all(c)
        .await?)
}

/// One document with its bytes; [`DbError::NotFound`] unless it belongs to `person`.
pub async fn document(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    person: PersonId,
    id: i64,
) -> Result<documents::Model, DbError> {
    documents::Entity::find_by_id(id)
        .filter(documents::Column::TenantId.eq(tenant.0))
        .filter(documents::Column::PersonId.eq(person.0))
        .one(c)
        .await?
        .ok_or(DbError::NotFound)
}

/// The person ids of the 培养联系人 recorded at step 5 (`details.cultivators`).
pub async fn cultivators_of(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    person: PersonId,
) -> Result<Vec<i64>, DbError> {
    let row = pipeline_steps::Entity::find()
        .filter(pipeline_steps::Column::TenantId.eq(tenant.0))
        .filter(pipeline_steps::Column::PersonId.eq(person.0))
        .filter(pipeline_steps::Column::Step.eq(Step::AssignCultivators.code()))
        .one(c)
        .await?;
    Ok(row
        .and_then(|r| serde_json::from_str::<serde_json::Value>(&r.details).ok())
        .and_then(|v| serde_json::from_value(v["cultivators"].clone()).ok())
        .unwrap_or_default())
}

/// Display names of users, for "written by" lines.
pub async fn user_names(
    c: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, String>, DbError> {
    let mut ids: Vec<i64> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = users::Entity::find()
        .filter(users::Column::Id.is_in(ids))
        .all(c)
        .await?;
    Ok(rows.into_iter().map(|u| (u.id, u.display_name)).collect())
}

/// A remark to write.
pub struct NewRemark {
    pub kind: &'static str,
    pub period: Option<String>,
    pub body: String,
    pub by: UserId,
}

pub async fn add_remark(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    person: PersonId,
    r: NewRemark,
) -> Result<Remark, DbError> {
    Ok(dossier_remarks::ActiveModel {
        tenant_id: Set(tenant.0),
        person_id: Set(person.0),
        kind: Set(r.kind.to_string()),
        period: Set(r.period),
        body: Set(r.body),
        written_by: Set(r.by.0),
        written_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(c)
    .await?)
}

/// The person's remarks, newest first.
pub async fn remarks_of(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    person: PersonId,
) -> Result<Vec<Remark>, DbError> {
    Ok(dossier_remarks::Entity::find()
        .filter(dossier_remarks::Column::TenantId.eq(tenant.0))
        .filter(dossier_remarks::Column::PersonId.eq(person.0))
        .order_by_desc(dossier_remarks::Column::Id)
        .all(c)
        .await?)
}

/// Records a review of a remark of `person` not yet reviewed. A remark already reviewed is a
/// [`DbError::Conflict`]: the review is the committee's word on the record and is not rewritten.
pub async fn review_remark(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    person: PersonId,
    id: i64,
    (verdict, comment): (&'static str, Option<String>),
    by: UserId,
) -> Result<(), DbError> {
    use dossier_remarks::Column as R;
    let res = dossier_remarks::Entity::update_many()
        .col_expr(R::Verdict, Expr::value(verdict))
        .col_expr(R::ReviewComment, Expr::value(comment))
        .col_expr(R::ReviewedBy, Expr::value(by.0))
        .col_expr(R::ReviewedAt, Expr::value(Utc::now()))
        .filter(R::Id.eq(id))
        .filter(R::TenantId.eq(tenant.0))
        .filter(R::PersonId.eq(person.0))
        .filter(R::Verdict.is_null())
        .exec(c)
        .await?;
    if res.rows_affected == 1 {
        return Ok(());
    }
    remark(c, tenant, person, id).await?;
    Err(DbError::Conflict("already_reviewed"))
}

/// One remark of `person`.
pub async fn remark(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    person: PersonId,
    id: i64,
) -> Result<Remark, DbError> {
    dossier_remarks::Entity::find_by_id(id)
        .filter(dossier_remarks::Column::TenantId.eq(tenant.0))
        .filter(dossier_remarks::Column::PersonId.eq(person.0))
        .one(c)
        .await?
        .ok_or(DbError::NotFound)
}

/// A 思想汇报 to store: text, a document, or both.
pub struct NewReport {
    pub quarter: String,
    pub body: Option<String>,
    pub document_id: Option<i64>,
    pub on: NaiveDate,
    pub by: UserId,
}

pub async fn add_report(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    person: PersonId,
    r: NewReport,
) -> Result<ThoughtReport, DbError> {
    Ok(thought_reports::ActiveModel {
        tenant_id: Set(tenant.0),
        person_id: Set(person.0),
        quarter: Set(r.quarter),
        body: Set(r.body),
        document_id: Set(r.document_id),
        submitted_by: Set(r.by.0),
        submitted_on: Set(r.on),
        submitted_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(c)
    .await?)
}

/// The person's 思想汇报, newest quarter first.
pub async fn reports_of(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    person: PersonId,
) -> Result<Vec<ThoughtReport>, DbError> {
    Ok(thought_reports::Entity::find()
        .filter(thought_reports::Column::TenantId.eq(tenant.0))
        .filter(thought_reports::Column::PersonId.eq(person.0))
        .order_by_desc(thought_reports::Column::Quarter)
        .order_by_desc(thought_reports::Column::Id)
        .all(c)
        .await?)
}

/// The latest quarter the person has reported on (`2025-Q3`), for the due job that finds
/// whose 思想汇报 is missing this quarter. Quarters sort as text.
pub async fn last_report_on(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    person: PersonId,
) -> Result<Option<String>, DbError> {
    Ok(thought_reports::Entity::find()
        .select_only()
        .column(thought_reports::Column::Quarter)
        .filter(thought_reports::Column::TenantId.eq(tenant.0))
        .filter(thought_reports::Column::PersonId.eq(person.0))
        .order_by_desc(thought_reports::Column::Quarter)
        .into_tuple::<String>()
        .one(c)
        .await?)
}

/// Answers a 思想汇报 of `person` not yet answered; an answered one is a [`DbError::Conflict`].
pub async fn answer_report(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    person: PersonId,
    id: i64,
    answer: String,
    by: UserId,
) -> Result<(), DbError> {
    use thought_reports::Column as T;
    let res = thought_reports::Entity::update_many()
        .col_expr(T::Answer, Expr::value(answer))
        .col_expr(T::AnsweredBy, Expr::value(by.0))
        .col_expr(T::AnsweredAt, Expr::value(Utc::now()))
        .filter(T::Id.eq(id))
        .filter(T::TenantId.eq(tenant.0))
        .filter(T::PersonId.eq(person.0))
        .filter(T::Answer.is_null())
        .exec(c)
        .await?;
    if res.rows_affected == 1 {
        return Ok(());
    }
    thought_reports::Entity::find_by_id(id)
        .filter(T::TenantId.eq(tenant.0))
        .filter(T::PersonId.eq(person.0))
        .one(c)
        .await?
        .ok_or(DbError::NotFound)?;
    Err(DbError::Conflict("already_answered"))
}
