//! Quiz attempts and the wrong-answer book (错题本), shared by quizzes and exams. An attempt is
//! finished by a guarded UPDATE (`finished_at IS NULL`), so a replayed or concurrent submission
//! finds nothing to finish and is refused, on every node.

pub mod entity;

use chrono::{DateTime, Utc};
use redbranch_domain::quiz::{QuizMode, Served};
use std::collections::{BTreeMap, HashSet};

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::{Deserialize, Serialize};

use crate::DbError;
use crate::auth::UserId;
use crate::batch::{self, Rows, Ty};
use crate::points::stmt;
use crate::tenants::TenantId;
use entity::{quiz_attempts, wrong_answers};

pub use entity::quiz_attempts::Model as QuizAttempt;

/// One answer as stored with its attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Given {
    pub question_id: i64,
    /// As sent, in the shown option order.
    pub given: Vec<String>,
    pub correct: bool,
}

/// The served questions of an attempt.
pub fn items(a: &QuizAttempt) -> Result<Vec<Served>, DbError> {
    serde_json::from_str(&a.items).map_err(|_| DbError::Corrupt(format!("quiz {} items", a.id)))
}

/// The answers recorded so far.
pub fn answers(a: &QuizAttempt) -> Result<Vec<Given>, DbError> {
    serde_json::from_str(&a.answers).map_err(|_| DbError::Corrupt(format!("quiz {} answers", a.id)))
}

pub struct NewAttempt {
    pub user: UserId,
    pub mode: QuizMode,
    pub slot: Option<String>,
    pub bank_id: Option<i64>,
    pub topic: Option<String>,
    pub items: Vec<Served>,
    pub now: DateTime<Utc>,
}

/// Starts an attempt. A second attempt in the same slot (today's daily quiz) is a
/// [`DbError::Duplicate`].
pub async fn start(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    a: NewAttempt,
) -> Result<QuizAttempt, DbError> {
    let total = i64::try_from(a.items.len()).unwrap_or(i64::MAX);
    Ok(quiz_attempts::ActiveModel {
        tenant_id: Set(tenant.0),
        user_id: Set(a.user.0),
        mode: Set(a.mode.code().to_string()),
        slot: Set(a.slot),
        bank_id: Set(a.bank_id),
        topic: Set(a.topic),
        items: Set(serde_json::json!(a.items).to_string()),
        answers: Set("[]".into()),
        correct: Set(0),
        total: Set(total),
        started_at: Set(a.now),
        ..Default::default()
    }
    .insert(c)
    .await?)
}

/// The user's attempt in `slot`, if any.
pub async fn in_slot(
    c: &impl ConnectionTrait,
    user: UserId,
    slot: &str,
) -> Result<Option<QuizAttempt>, DbError> {
    Ok(quiz_attempts::Entity::find()
        .filter(quiz_attempts::Column::UserId.eq(user.0))
        .filter(quiz_attempts::Column::Slot.eq(slot))
        .one(c)
        .await?)
}

/// One attempt of the user; [`DbError::NotFound`] for anybody else's.
pub async fn attempt(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    user: UserId,
    id: i64,
) -> Result<QuizAttempt, DbError> {
    quiz_attempts::Entity::find_by_id(id)
        .filter(quiz_attempts::Column::TenantId.eq(tenant.0))
        .filter(quiz_attempts::Column::UserId.eq(user.0))
        .one(c)
        .await?
        .ok_or(DbError::NotFound)
}

/// The attempts with these ids, whoever's (the caller checks whose each is).
pub async fn attempts(c: &impl ConnectionTrait, ids: &[i64]) -> Result<Vec<QuizAttempt>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let b = c.get_database_backend();
    let (which, values) = batch::any_i64(b, "id", ids);
    Ok(quiz_attempts::Entity::find()
        .from_raw_sql(stmt(
            b,
            &format!("SELECT * FROM quiz_attempts WHERE {which}"),
            values,
        ))
        .all(c)
        .await?)
}

/// Records the answers of an unfinished attempt; `finish` closes it. The UPDATE only touches an
/// attempt still open with exactly `answered_before` answers, so a replay or a concurrent
/// submission is a [`DbError::Conflict`] (`already_submitted`).
pub async fn record(
    c: &impl ConnectionTrait,
    a: &QuizAttempt,
    given: &[Given],
    correct: i64,
    finish: Option<DateTime<Utc>>,
) -> Result<(), DbError> {
    use quiz_attempts::Column as Q;
    let mut upd = quiz_attempts::Entity::update_many()
        .col_expr(
            Q::Answers,
            Expr::value(serde_json::json!(given).to_string()),
        )
        .col_expr(Q::Correct, Expr::value(correct))
        .filter(Q::Id.eq(a.id))
        .filter(Q::FinishedAt.is_null())
        .filter(Q::Answers.eq(a.answers.clone()));
    if let Some(at) = finish {
        upd = upd.col_expr(Q::FinishedAt, Expr::value(at));
    }
    let res = upd.exec(c).await?;
    if res.rows_affected == 1 {
        Ok(())
    } else {
        Err(DbError::Conflict("already_submitted"))
    }
}

/// The user's latest attempts, newest first.
pub async fn recent(
    c: &impl ConnectionTrait,
    user: UserId,
    limit: u64,
) -> Result<Vec<QuizAttempt>, DbError> {
    Ok(quiz_attempts::Entity::find()
        .filter(quiz_attempts::Column::UserId.eq(user.0))
        .order_by_desc(quiz_attempts::Column::Id)
        .limit(limit)
        .all(c)
        .await?)
}

/// Books the wrong ones among `given` in the 错题本, counting each question again if it is
/// already there.
pub async fn add_wrong(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    user: UserId,
    given: &[Given],
    at: DateTime<Utc>,
) -> Result<(), DbError> {
    add_wrong_many(c, &[(tenant, user, given, at)]).await
}

/// [`add_wrong`] for several hand-ins: one upsert for all of their wrong answers (a hand-in is
/// the busiest write). A question wrong twice for one person in the list counts twice and
/// keeps the later answer.
pub async fn add_wrong_many(
    c: &impl ConnectionTrait,
    handed_in: &[(TenantId, UserId, &[Given], DateTime<Utc>)],
) -> Result<(), DbError> {
    // (user, question) → (tenant, times, last answer, when), in order, so PostgreSQL's upsert
    // never meets one row twice.
    type Booked = (i64, i64, String, DateTime<Utc>);
    let mut rows: BTreeMap<(i64, i64), Booked> = BTreeMap::new();
    for (tenant, user, given, at) in handed_in {
        let mut seen = HashSet::new();
        for g in given
            .iter()
            .filter(|g| !g.correct && seen.insert(g.question_id))
        {
            let r = rows
                .entry((user.0, g.question_id))
                .or_insert_with(|| (tenant.0, 0, String::new(), *at));
            r.1 += 1;
            r.2 = g.given.join("、");
            r.3 = *at;
        }
    }
    if rows.is_empty() {
        return Ok(());
    }
    let b = c.get_database_backend();
    let mut v = Rows::new(&[Ty::I64, Ty::I64, Ty::I64, Ty::I64, Ty::Text, Ty::Ts]);
    for ((user, question), (tenant, times, answer, at)) in rows {
        v.push([
            tenant.into(),
            user.into(),
            question.into(),
            times.into(),
            answer.into(),
            at.into(),
        ]);
    }
    let sql = format!(
        "INSERT INTO wrong_answers (tenant_id, user_id, question_id, times, last_answer, last_wrong_at) {} \
         ON CONFLICT (user_id, question_id) DO UPDATE SET times = wrong_answers.times + excluded.times, \
           last_answer = excluded.last_answer, last_wrong_at = excluded.last_wrong_at",
        v.source(b)
    );
    c.execute_raw(stmt(b, &sql, v.values(b)?)).await?;
    Ok(())
}

/// A round to close in [`finish_many`].
pub struct Finish<'a> {
    pub attempt: &'a QuizAttempt,
    pub given: &'a [Given],
    pub correct: i64,
    pub at: DateTime<Utc>,
}

/// Closes several rounds in one statement, each as [`record`] would with `finish`: true for
/// those closed here, false for a round already closed (by a replay, a concurrent hand-in on
/// another node, or an earlier entry of the same list).
pub async fn finish_many(
    c: &impl ConnectionTrait,
    rounds: &[Finish<'_>],
) -> Result<Vec<bool>, DbError> {
    let mut first = HashSet::new();
    let eligible: Vec<&Finish> = rounds
        .iter()
        .filter(|f| first.insert(f.attempt.id))
        .collect();
    if eligible.is_empty() {
        return Ok(Vec::new());
    }
    let b = c.get_database_backend();
    let mut v = Rows::new(&[Ty::I64, Ty::Text, Ty::I64, Ty::Ts, Ty::Text]);
    for r in &eligible {
        v.push([
            r.attempt.id.into(),
            serde_json::json!(r.given).to_string().into(),
            r.correct.into(),
            r.at.into(),
            r.attempt.answers.clone().into(),
        ]);
    }
    // A join on a list of rows: a CASE per column would compare every row with every round,
    // which a group of hundreds makes quadratic.
    let sql = format!(
        "WITH v (id, answers, correct, finished_at, answers_before) AS ({}) \
         UPDATE quiz_attempts SET answers = v.answers, correct = v.correct, finished_at = v.finished_at \
         FROM v WHERE quiz_attempts.id = v.id AND quiz_attempts.finished_at IS NULL \
           AND quiz_attempts.answers = v.answers_before RETURNING quiz_attempts.id",
        v.source(b)
    );
    let closed: HashSet<i64> = c
        .query_all_raw(stmt(b, &sql, v.values(b)?))
        .await?
        .iter()
        .map(|r| r.try_get::<i64>("", "id"))
        .collect::<Result<_, _>>()?;
    let mut answered = HashSet::new();
    Ok(rounds
        .iter()
        .map(|f| closed.contains(&f.attempt.id) && answered.insert(f.attempt.id))
        .collect())
}

/// The user's wrong-answer book, most recent first: (question id, times, last answer, when).
pub async fn wrong_book(
    c: &impl ConnectionTrait,
    user: UserId,
    limit: u64,
) -> Result<Vec<wrong_answers::Model>, DbError> {
    Ok(wrong_answers::Entity::find()
        .filter(wrong_answers::Column::UserId.eq(user.0))
        .order_by_desc(wrong_answers::Column::LastWrongAt)
        .limit(limit)
        .all(c)
        .await?)
}

/// Takes a question out of the user's book (they have mastered it).
pub async fn remove_wrong(
    c: &impl ConnectionTrait,
    user: UserId,
    question_id: i64,
) -> Result<(), DbError> {
    wrong_answers::Entity::delete_many()
        .filter(wrong_answers::Column::UserId.eq(user.0))
        .filter(wrong_answers::Column::QuestionId.eq(question_id))
        .exec(c)
        .await?;
    Ok(())
}
