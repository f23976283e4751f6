//! Heartbeats of a lesson page: the server's half of honest study time.
//!
//! `assets/study.js` sends one every `heartbeat_secs` while the page is visible (and, for audio
//! and video, playing), with the seconds it counted and the visibility. The rule
//! (`domain::courses::credit_heartbeat`) decides what it earns from the server's own clock; the
//! day's record is updated in the same transaction, and the lesson is marked complete on the
//! beat that reaches its threshold.

use redbranch_db::TransactionTrait;
use redbranch_db::courses::{self as dbcourses, BeatOutcome, PUBLISHED};
use redbranch_db::people::PersonId;
use redbranch_domain::courses::{
    Beat, LessonKind, credit_heartbeat, is_complete, required_seconds,
};
use serde::{Deserialize, Serialize};

use super::{open_course, settings};
use crate::error::{AppError, AppResult};
use crate::session::CurrentUser;
use crate::state::AppState;

#[derive(Debug, Default, Clone, Deserialize)]
pub struct HeartbeatInput {
    /// `document.visibilityState === 'visible'`.
    #[serde(default)]
    pub visible: bool,
    /// Seconds the page counted as visible (and playing) since its last heartbeat.
    #[serde(default)]
    pub seconds: u32,
    /// Where the audio or video is, in seconds (to resume there next time).
    #[serde(default)]
    pub position: Option<f64>,
}

/// What a heartbeat earned and where the lesson stands.
#[derive(Debug, Clone, Serialize)]
pub struct HeartbeatAnswer {
    pub credited_seconds: u32,
    /// The beat started a new stretch (first of the day, or after a gap) and earned nothing.
    pub restarted: bool,
    pub total_seconds: i64,
    pub required_seconds: Option<u32>,
    pub completed: bool,
    /// When to send the next one.
    pub interval_secs: u32,
}

/// Credits one heartbeat of `u` on the lesson `lesson_id`.
pub async fn heartbeat(
    st: &AppState,
    u: &CurrentUser,
    lesson_id: i64,
    input: &HeartbeatInput,
) -> AppResult<HeartbeatAnswer> {
    let Some(person) = u.person_id.map(PersonId) else {
        return Err(AppError::BadRequest("heartbeat_no_person"));
    };
    let lesson = dbcourses::lesson_anywhere(&st.db.conn, lesson_id).await?;
    let (course, _) = open_course(st, Some(u), lesson.course_id).await?;
    // Only a published course counts: an author previewing a draft earns nothing.
    if course.status != PUBLISHED || course.tenant_id != u.tenant.0 {
        return Err(AppError::BadRequest("heartbeat_not_published"));
    }
    let kind = LessonKind::from_code(&lesson.kind)
        .filter(|k| k.is_timed())
        .ok_or(AppError::BadRequest("heartbeat_untimed"))?;
    let s = settings(st, u.tenant).await?;
    let now = st.clock.now();
    let day = st.clock.today();
    let duration = lesson.duration_secs.and_then(|d| u32::try_from(d).ok());
    let position = input
        .position
        .filter(|p| p.is_finite() && *p >= 0.0)
        .map(|p| p.min(f64::from(u32::MAX / 2)) as u32);

    let txn = st.db.conn.begin().await?;
    let key = (u.tenant, person, lesson.id, day);
    let prev = dbcourses::beat_row(&txn, u.tenant, person, lesson.id, day).await?;
    let beat = Beat {
        visible: input.visible,
        claimed_secs: input.seconds,
    };
    let credit = credit_heartbeat(beat, prev.as_ref().and_then(|p| p.last_beat_at), now, &s)
        .map_err(|r| AppError::BadRequest(r.code()))?;
    let before = dbcourses::progress(&txn, u.tenant, person, &[lesson.id])
        .await?
        .remove(&lesson.id)
        .unwrap_or_default();
    let outcome =
        dbcourses::record_beat(&txn, key, prev.as_ref(), (credit.seconds, position), now).await?;
    let (credited, row) = match outcome {
        BeatOutcome::Recorded(row) => (credit.seconds, Some(row)),
        BeatOutcome::Raced => (0, None),
    };
    let total = before.seconds + i64::from(credited);
    let done_now =
        !before.completed && is_complete(kind, duration, u64::try_from(total).unwrap_or(0), &s);
    if let (true, Some(row)) = (done_now, &row) {
        dbcourses::mark_complete(&txn, row.id, now).await?;
        let key = format!("lesson:{}:person:{}", lesson.id, person.0);
        crate::points::earn(&txn, u, kind.activity(), &key, now).await?;
    }
    txn.commit().await?;
    Ok(HeartbeatAnswer {
        credited_seconds: credited,
        restarted: credit.restarted,
        total_seconds: total,
        required_seconds: required_seconds(kind, duration, &s),
        completed: before.completed || done_now,
        interval_secs: s.heartbeat_secs,
    })
}
