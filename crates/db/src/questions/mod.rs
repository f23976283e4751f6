//! Question banks and their questions. Every function takes the tenant, so a bank of another
//! school is simply not found; who may see or change a bank is decided by the caller from the
//! bank's org path.

pub mod entity;

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use redbranch_domain::org::OrgPath;
use redbranch_domain::questions::{Question, QuestionKind};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::DbError;
use crate::auth::UserId;
use crate::batch;
use crate::tenants::TenantId;
use entity::{question_banks, questions};

pub use entity::question_banks::Model as Bank;

/// Rows per multi-row INSERT: 11 values each stays far below SQLite's and PostgreSQL's limits on
/// bound parameters.
const INSERT_CHUNK: usize = 400;

/// A bank to create.
pub struct NewBank {
    pub org_id: i64,
    pub org_path: OrgPath,
    pub name: String,
    pub description: String,
    pub by: UserId,
}

/// A stored question, its JSON columns read.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct QuestionRow {
    pub id: i64,
    pub bank_id: i64,
    pub question: Question,
}

impl TryFrom<questions::Model> for QuestionRow {
    type Error = DbError;
    fn try_from(m: questions::Model) -> Result<Self, DbError> {
        let corrupt = |what: &str| DbError::Corrupt(format!("question {}: {what}", m.id));
        let kind = QuestionKind::from_code(&m.kind).ok_or_else(|| corrupt("kind"))?;
        let options = serde_json::from_str(&m.options).map_err(|_| corrupt("options"))?;
        let answer = serde_json::from_str(&m.answer).map_err(|_| corrupt("answer"))?;
        Ok(Self {
            id: m.id,
            bank_id: m.bank_id,
            question: Question {
                kind,
                stem: m.stem,
                options,
                answer,
                explanation: m.explanation,
                topic: m.topic,
            },
        })
    }
}

pub async fn create_bank(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    b: NewBank,
) -> Result<Bank, DbError> {
    Ok(question_banks::ActiveModel {
        tenant_id: Set(tenant.0),
        org_id: Set(b.org_id),
        org_path: Set(b.org_path.as_str().to_string()),
        name: Set(b.name),
        description: Set(b.description),
        status: Set("draft".into()),
        created_by: Set(b.by.0),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(c)
    .await?)
}

pub async fn bank(c: &impl ConnectionTrait, tenant: TenantId, id: i64) -> Result<Bank, DbError> {
    question_banks::Entity::find_by_id(id)
        .filter(question_banks::Column::TenantId.eq(tenant.0))
        .one(c)
        .await?
        .ok_or(DbError::NotFound)
}

/// Every bank of the school, newest first (a school has tens, not thousands; the caller filters
/// by what the viewer may see).
pub async fn banks(c: &impl ConnectionTrait, tenant: TenantId) -> Result<Vec<Bank>, DbError> {
    Ok(question_banks::Entity::find()
        .filter(question_banks::Column::TenantId.eq(tenant.0))
        .order_by_desc(question_banks::Column::Id)
        .all(c)
        .await?)
}

#[derive(Debug, FromQueryResult)]
struct BankCount {
    bank_id: i64,
    n: i64,
}

/// Questions per bank of the school.
pub async fn counts(
    c: &impl ConnectionTrait,
    tenant: TenantId,
) -> Result<HashMap<i64, i64>, DbError> {
    let rows = questions::Entity::find()
        .select_only()
        .column(questions::Column::BankId)
        .column_as(questions::Column::Id.count(), "n")
        .filter(questions::Column::TenantId.eq(tenant.0))
        .group_by(questions::Column::BankId)
        .into_model::<BankCount>()
        .all(c)
        .await?;
    Ok(rows.into_iter().map(|r| (r.bank_id, r.n)).collect())
}

/// Marks a draft bank published; [`DbError::Conflict`] if it already is.
pub async fn publish_bank(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: i64,
    by: UserId,
) -> Result<(), DbError> {
    use question_banks::Column as B;
    let res = question_banks::Entity::update_many()
        .col_expr(B::Status, Expr::value("published"))
        .col_expr(B::PublishedAt, Expr::value(Utc::now()))
        .col_expr(B::PublishedBy, Expr::value(by.0))
        .filter(B::Id.eq(id))
        .filter(B::TenantId.eq(tenant.0))
        .filter(B::Status.eq("draft"))
        .exec(c)
        .await?;
    if res.rows_affected == 1 {
        return Ok(());
    }
    bank(c, tenant, id).await?;
    Err(DbError::Conflict("already_published"))
}

/// The dedupe keys of the bank's questions.
pub async fn existing_keys(
    c: &impl ConnectionTrait,
    bank_id: i64,
) -> Result<HashSet<String>, DbError> {
    let keys: Vec<String> = questions::Entity::find()
        .select_only()
        .column(questions::Column::DedupeKey)
        .filter(questions::Column::BankId.eq(bank_id))
        .into_tuple()
        .all(c)
        .await?;
    Ok(keys.into_iter().collect())
}

fn active(
    tenant: TenantId,
    bank_id: i64,
    q: &Question,
    now: DateTime<Utc>,
) -> questions::ActiveModel {
    questions::ActiveModel {
        tenant_id: Set(tenant.0),
        bank_id: Set(bank_id),
        kind: Set(q.kind.code().to_string()),
        stem: Set(q.stem.clone()),
        options: Set(serde_json::json!(q.options).to_string()),
        answer: Set(serde_json::json!(q.answer).to_string()),
        explanation: Set(q.explanation.clone()),
        topic: Set(q.topic.clone()),
        dedupe_key: Set(q.dedupe_key()),
        created_at: Set(now),
        ..Default::default()
    }
}

/// Adds one question; a question already in the bank is a [`DbError::Duplicate`].
pub async fn insert_question(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    bank_id: i64,
    q: &Question,
) -> Result<i64, DbError> {
    Ok(active(tenant, bank_id, q, Utc::now()).insert(c).await?.id)
}

/// Adds questions to a bank in multi-row INSERTs (on the caller's transaction: all or none). A
/// question already in the bank is a [`DbError::Duplicate`].
pub async fn insert_questions<'a>(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    bank_id: i64,
    qs: impl IntoIterator<Item = &'a Question>,
) -> Result<usize, DbError> {
    let now = Utc::now();
    let rows: Vec<questions::ActiveModel> = qs
        .into_iter()
        .map(|q| active(tenant, bank_id, q, now))
        .collect();
    let n = rows.len();
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<_> = rows.by_ref().take(INSERT_CHUNK).collect();
        questions::Entity::insert_many(chunk).exec(c).await?;
    }
    Ok(n)
}

/// One page of a bank's questions in the order they were added, and the total.
pub async fn page(
    c: &impl ConnectionTrait,
    bank_id: i64,
    offset: u64,
    limit: u64,
) -> Result<(Vec<QuestionRow>, u64), DbError> {
    let q = questions::Entity::find().filter(questions::Column::BankId.eq(bank_id));
    let total = q.clone().count(c).await?;
    let rows = q
        .order_by_asc(questions::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(c)
        .await?;
    let rows = rows
        .into_iter()
        .map(QuestionRow::try_from)
        .collect::<Result<_, _>>()?;
    Ok((rows, total))
}

/// Every question of a bank, for export.
pub async fn all_of(c: &impl ConnectionTrait, bank_id: i64) -> Result<Vec<QuestionRow>, DbError> {
    questions::Entity::find()
        .filter(questions::Column::BankId.eq(bank_id))
        .order_by_asc(questions::Column::Id)
        .all(c)
        .await?
        .into_iter()
        .map(QuestionRow::try_from)
        .collect()
}

/// The questions with these ids (any order; missing ids are simply absent).
pub async fn by_ids(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    ids: &[i64],
) -> Result<HashMap<i64, QuestionRow>, DbError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let b = c.get_database_backend();
    let (which, values) = batch::any_i64(b, "id", &ids);
    questions::Entity::find()
        .from_raw_sql(crate::audit::stmt(
            b,
            &format!("SELECT * FROM questions WHERE tenant_id = ? AND {which}"),
            std::iter::once(tenant.0.into()).chain(values),
        ))
        .all(c)
        .await?
        .into_iter()
        .map(|m| QuestionRow::try_from(m).map(|r| (r.id, r)))
        .collect()
}

/// Ids of the questions of `banks`, of `kind` and `topic` when given: the pool to draw from.
pub async fn pool(
    c: &impl ConnectionTrait,
    banks: &[i64],
    kind: Option<QuestionKind>,
    topic: Option<&str>,
) -> Result<Vec<i64>, DbError> {
    if banks.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = questions::Entity::find()
        .select_only()
        .column(questions::Column::Id)
        .filter(questions::Column::BankId.is_in(banks.to_vec()));
    if let Some(k) = kind {
        q = q.filter(questions::Column::Kind.eq(k.code()));
    }
    if let Some(t) = topic {
        q = q.filter(questions::Column::Topic.eq(t));
    }
    Ok(q.into_tuple().all(c).await?)
}

#[derive(Debug, FromQueryResult)]
struct TopicCount {
    topic: Option<String>,
    n: i64,
}

/// The topics of a bank with their question counts, most questions first.
pub async fn topics(c: &impl ConnectionTrait, bank_id: i64) -> Result<Vec<(String, i64)>, DbError> {
    let mut rows: Vec<(String, i64)> = questions::Entity::find()
        .select_only()
        .column(questions::Column::Topic)
        .column_as(questions::Column::Id.count(), "n")
        .filter(questions::Column::BankId.eq(bank_id))
        .filter(questions::Column::Topic.is_not_null())
        .group_by(questions::Column::Topic)
        .into_model::<TopicCount>()
        .all(c)
        .await?
        .into_iter()
        .filter_map(|r| r.topic.map(|t| (t, r.n)))
        .collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Ok(rows)
}
