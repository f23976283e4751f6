//! Exams, their attempts and the credits (学分) they award. Like quizzes, an attempt is handed
//! in by a guarded UPDATE (`submitted_at IS NULL`), and a credit is unique per person and exam,
//! so replays and races change nothing.

pub mod entity;

use chrono::{DateTime, NaiveDate, Utc};
use redbranch_domain::exams::ExamSpec;
use redbranch_domain::org::OrgPath;
use redbranch_domain::quiz::Served;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};

use crate::DbError;
use crate::auth::UserId;
use crate::people::PersonId;
use crate::quiz::Given;
use crate::tenants::TenantId;
use entity::{credits, exam_attempts, exams};

pub use entity::credits::Model as Credit;
pub use entity::exam_attempts::Model as ExamAttempt;
pub use entity::exams::Model as Exam;

pub struct NewExam {
    pub org_id: i64,
    pub org_path: OrgPath,
    pub bank_id: i64,
    pub title: String,
    pub spec: ExamSpec,
    pub minutes: i64,
    pub max_attempts: i64,
    pub pass_percent: i64,
    pub credit_tenths: i64,
    pub shuffle: bool,
    pub by: UserId,
}

pub fn spec(e: &Exam) -> Result<ExamSpec, DbError> {
    serde_json::from_str(&e.spec).map_err(|_| DbError::Corrupt(format!("exam {} spec", e.id)))
}

pub fn items(a: &ExamAttempt) -> Result<Vec<Served>, DbError> {
    serde_json::from_str(&a.items).map_err(|_| DbError::Corrupt(format!("attempt {} items", a.id)))
}

pub fn answers(a: &ExamAttempt) -> Result<Vec<Given>, DbError> {
    serde_json::from_str(&a.answers)
        .map_err(|_| DbError::Corrupt(format!("attempt {} answers", a.id)))
}

pub async fn create(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    e: NewExam,
) -> Result<Exam, DbError> {
    Ok(exams::ActiveModel {
        tenant_id: Set(tenant.0),
        org_id: Set(e.org_id),
        org_path: Set(e.org_path.as_str().to_string()),
        bank_id: Set(e.bank_id),
        title: Set(e.title),
        spec: Set(serde_json::json!(e.spec).to_string()),
        minutes: Set(e.minutes),
        max_attempts: Set(e.max_attempts),
        pass_percent: Set(e.pass_percent),
        credit_tenths: Set(e.credit_tenths),
        shuffle: Set(e.shuffle),
        status: Set("draft".into()),
        created_by: Set(e.by.0),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(c)
    .await?)
}

pub async fn get(c: &impl ConnectionTrait, tenant: TenantId, id: i64) -> Result<Exam, DbError> {
    exams::Entity::find_by_id(id)
        .filter(exams::Column::TenantId.eq(tenant.0))
        .one(c)
        .await?
        .ok_or(DbError::NotFound)
}

/// Every exam of the school, newest first; the caller filters by what the viewer may see.
pub async fn all(c: &impl ConnectionTrait, tenant: TenantId) -> Result<Vec<Exam>, DbError> {
    Ok(exams::Entity::find()
        .filter(exams::Column::TenantId.eq(tenant.0))
        .order_by_desc(exams::Column::Id)
        .all(c)
        .await?)
}

pub async fn publish(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: i64,
    by: UserId,
) -> Result<(), DbError> {
    use exams::Column as E;
    let res = exams::Entity::update_many()
        .col_expr(E::Status, Expr::value("published"))
        .col_expr(E::PublishedAt, Expr::value(Utc::now()))
        .col_expr(E::PublishedBy, Expr::value(by.0))
        .filter(E::Id.eq(id))
        .filter(E::TenantId.eq(tenant.0))
        .filter(E::Status.eq("draft"))
        .exec(c)
        .await?;
    if res.rows_affected == 1 {
        return Ok(());
    }
    get(c, tenant, id).await?;
    Err(DbError::Conflict("already_published"))
}

/// The user's attempts at an exam, first first.
pub async fn attempts_of(
    c: &impl ConnectionTrait,
    exam_id: i64,
    user: UserId,
) -> Result<Vec<ExamAttempt>, DbError> {
    Ok(exam_attempts::Entity::find()
        .filter(exam_attempts::Column::ExamId.eq(exam_id))
        .filter(exam_attempts::Column::UserId.eq(user.0))
        .order_by_asc(exam_attempts::Column::AttemptNo)
        .all(c)
        .await?)
}

pub struct NewExamAttempt {
    pub exam_id: i64,
    pub user: UserId,
    pub person: Option<PersonId>,
    pub attempt_no: i64,
    pub items: Vec<Served>,
    pub total: i64,
    pub started_at: DateTime<Utc>,
    pub deadline_at: DateTime<Utc>,
}

/// Starts attempt number `attempt_no`; two starts racing for the same number collide on the
/// unique key ([`DbError::Duplicate`]).
pub async fn start(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    a: NewExamAttempt,
) -> Result<ExamAttempt, DbError> {
    Ok(exam_attempts::ActiveModel {
        tenant_id: Set(tenant.0),
        exam_id: Set(a.exam_id),
        user_id: Set(a.user.0),
        person_id: Set(a.person.map(|p| p.0)),
        attempt_no: Set(a.attempt_no),
        items: Set(serde_json::json!(a.items).to_string()),
        answers: Set("[]".into()),
        started_at: Set(a.started_at),
        deadline_at: Set(a.deadline_at),
        total: Set(a.total),
        ..Default::default()
    }
    .insert(c)
    .await?)
}

/// One attempt of the user; [`DbError::NotFound`] for anybody else's.
pub async fn attempt(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    user: UserId,
    id: i64,
) -> Result<ExamAttempt, DbError> {
    exam_attempts::Entity::find_by_id(id)
        .filter(exam_attempts::Column::TenantId.eq(tenant.0))
        .filter(exam_attempts::Column::UserId.eq(user.0))
        .one(c)
        .await?
        .ok_or(DbError::NotFound)
}

/// Hands an open attempt in with its marks; a second hand-in is `already_submitted`.
pub async fn submit(
    c: &impl ConnectionTrait,
    id: i64,
    given: &[Given],
    (score, passed): (i64, bool),
    at: DateTime<Utc>,
) -> Result<(), DbError> {
    use exam_attempts::Column as A;
    let res = exam_attempts::Entity::update_many()
        .col_expr(
            A::Answers,
            Expr::value(serde_json::json!(given).to_string()),
        )
        .col_expr(A::Score, Expr::value(score))
        .col_expr(A::Passed, Expr::value(passed))
        .col_expr(A::SubmittedAt, Expr::value(at))
        .filter(A::Id.eq(id))
        .filter(A::SubmittedAt.is_null())
        .exec(c)
        .await?;
    if res.rows_affected == 1 {
        Ok(())
    } else {
        Err(DbError::Conflict("already_submitted"))
    }
}

/// Every handed-in attempt at an exam, for its results page.
pub async fn results(c: &impl ConnectionTrait, exam_id: i64) -> Result<Vec<ExamAttempt>, DbError> {
    Ok(exam_attempts::Entity::find()
        .filter(exam_attempts::Column::ExamId.eq(exam_id))
        .filter(exam_attempts::Column::SubmittedAt.is_not_null())
        .order_by_asc(exam_attempts::Column::Id)
        .all(c)
        .await?)
}

/// Attempts started at an exam (to refuse changing it afterwards).
pub async fn started_count(c: &impl ConnectionTrait, exam_id: i64) -> Result<u64, DbError> {
    Ok(exam_attempts::Entity::find()
        .filter(exam_attempts::Column::ExamId.eq(exam_id))
        .count(c)
        .await?)
}

pub struct NewCredit {
    pub person: PersonId,
    pub source: &'static str,
    pub source_ref: i64,
    pub attempt_id: Option<i64>,
    pub title: String,
    pub tenths: i64,
    pub earned_on: NaiveDate,
}

/// Records a credit once per person and source; `false` when it was already there.
pub async fn award(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    n: NewCredit,
) -> Result<bool, DbError> {
    use credits::Column as C;
    let res = credits::Entity::insert(credits::ActiveModel {
        tenant_id: Set(tenant.0),
        person_id: Set(n.person.0),
        source: Set(n.source.to_string()),
        source_ref: Set(n.source_ref),
        attempt_id: Set(n.attempt_id),
        title: Set(n.title),
        tenths: Set(n.tenths),
        earned_on: Set(n.earned_on),
        created_at: Set(Utc::now()),
        ..Default::default()
    })
    .on_conflict_do_nothing_on([C::PersonId, C::Source, C::SourceRef])
    .exec(c)
    .await?;
    Ok(!matches!(res, sea_orm::TryInsertResult::Conflicted))
}

/// A person's credits, newest first.
pub async fn credits_of(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    person: PersonId,
) -> Result<Vec<Credit>, DbError> {
    Ok(credits::Entity::find()
        .filter(credits::Column::TenantId.eq(tenant.0))
        .filter(credits::Column::PersonId.eq(person.0))
        .order_by_desc(credits::Column::EarnedOn)
        .order_by_desc(credits::Column::Id)
        .all(c)
        .await?)
}
