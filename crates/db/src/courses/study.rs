//! Study records: credited seconds per (person, lesson, day), the server time of the last
//! accepted heartbeat, and when the lesson was completed.
//!
//! Two heartbeats racing (two tabs, two nodes) cannot both be credited against the same previous
//! one: the update only applies if `seconds` still holds what was read, so the loser changes
//! nothing and is told so.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::ExprTrait;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use super::entity::study_records;
use crate::DbError;
use crate::people::PersonId;
use crate::tenants::TenantId;

pub use study_records::Model as StudyRecord;

/// The record of one person, lesson and day, if they studied it that day.
pub async fn beat_row(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    person: PersonId,
    lesson: i64,
    day: NaiveDate,
) -> Result<Option<StudyRecord>, DbError> {
    use study_records::Column as S;
    Ok(study_records::Entity::find()
        .filter(S::TenantId.eq(tenant.0))
        .filter(S::PersonId.eq(person.0))
        .filter(S::LessonId.eq(lesson))
        .filter(S::Day.eq(day))
        .one(c)
        .await?)
}

/// What became of an accepted heartbeat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BeatOutcome {
    Recorded(StudyRecord),
    /// Another heartbeat of the same person and lesson was recorded first; this one earned nothing.
    Raced,
}

/// Adds `seconds` to the day's record (creating it), stamps the heartbeat time and the media
/// position, provided the record is still as `prev` was read.
pub async fn record_beat(
    c: &impl ConnectionTrait,
    (tenant, person, lesson, day): (TenantId, PersonId, i64, NaiveDate),
    prev: Option<&StudyRecord>,
    (seconds, position): (u32, Option<u32>),
    now: DateTime<Utc>,
) -> Result<BeatOutcome, DbError> {
    use study_records::Column as S;
    let position = position.map(|p| i32::try_from(p).unwrap_or(i32::MAX));
    let Some(prev) = prev else {
        let inserted = study_records::ActiveModel {
            tenant_id: Set(tenant.0),
            person_id: Set(person.0),
            lesson_id: Set(lesson),
            day: Set(day),
            seconds: Set(i64::from(seconds)),
            position_secs: Set(position),
            last_beat_at: Set(Some(now)),
            ..Default::default()
        }
        .insert(c)
        .await;
        return match inserted {
            Ok(row) => Ok(BeatOutcome::Recorded(row)),
            Err(e) => match DbError::from(e) {
                DbError::Duplicate(_) => Ok(BeatOutcome::Raced),
                other => Err(other),
            },
        };
    };
    let res = study_records::Entity::update_many()
        .col_expr(S::Seconds, Expr::col(S::Seconds).add(i64::from(seconds)))
        .col_expr(S::LastBeatAt, Expr::value(now))
        .col_expr(
            S::PositionSecs,
            Expr::value(position.or(prev.position_secs)),
        )
        .filter(S::Id.eq(prev.id))
        .filter(S::Seconds.eq(prev.seconds))
        .exec(c)
        .await?;
    if res.rows_affected != 1 {
        return Ok(BeatOutcome::Raced);
    }
    let row = study_records::Entity::find_by_id(prev.id)
        .one(c)
        .await?
        .ok_or(DbError::NotFound)?;
    Ok(BeatOutcome::Recorded(row))
}

/// Marks the record as the one on which its lesson was completed.
pub async fn mark_complete(
    c: &impl ConnectionTrait,
    id: i64,
    at: DateTime<Utc>,
) -> Result<(), DbError> {
    study_records::Entity::update_many()
        .col_expr(study_records::Column::CompletedAt, Expr::value(at))
        .filter(study_records::Column::Id.eq(id))
        .filter(study_records::Column::CompletedAt.is_null())
        .exec(c)
        .await?;
    Ok(())
}

/// A person's progress on one lesson, over all days.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Progress {
    pub seconds: i64,
    pub completed: bool,
    /// Where the video or audio was when last seen playing.
    pub position_secs: Option<i32>,
}

/// Progress per lesson for one person.
pub async fn progress(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    person: PersonId,
    lessons: &[i64],
) -> Result<HashMap<i64, Progress>, DbError> {
    use study_records::Column as S;
    let rows = study_records::Entity::find()
        .filter(S::TenantId.eq(tenant.0))
        .filter(S::PersonId.eq(person.0))
        .filter(S::LessonId.is_in(lessons.iter().copied()))
        .order_by_asc(S::Day)
        .all(c)
        .await?;
    let mut out: HashMap<i64, Progress> = HashMap::new();
    for r in rows {
        let p = out.entry(r.lesson_id).or_default();
        p.seconds += r.seconds;
        p.completed |= r.completed_at.is_some();
        if r.position_secs.is_some() {
            p.position_secs = r.position_secs;
        }
    }
    Ok(out)
}

/// A person's study records, newest day first (at most 500).
pub async fn records_of(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    person: PersonId,
) -> Result<Vec<StudyRecord>, DbError> {
    use study_records::Column as S;
    Ok(study_records::Entity::find()
        .filter(S::TenantId.eq(tenant.0))
        .filter(S::PersonId.eq(person.0))
        .order_by_desc(S::Day)
        .order_by_desc(S::Id)
        .limit(500)
        .all(c)
        .await?)
}
