//! Honest study time: a lesson page sends a heartbeat every `heartbeat_secs` while it is visible,
//! and the server credits the time between two heartbeats — never more than the interval, never
//! more than really elapsed, never for a hidden page.
//!
//! Why: RULES.md §6 — central rules against 指尖上的形式主义 (2019, 2023, 2024) forbid screenshot
//! proof and forced score quotas, and 学习强国 (the reference) counts only 有效阅读/有效视听
//! time. So time is measured by the server's clock between beats of a visible page, not claimed.

use chrono::{DateTime, Utc};

use super::{CourseSettings, LessonKind};

/// What a lesson page reports with each heartbeat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Beat {
    /// `document.visibilityState === 'visible'` when the beat was sent.
    pub visible: bool,
    /// Seconds the page counted as visible (and, for media, playing) since its last beat.
    pub claimed_secs: u32,
}

/// A heartbeat the server will not take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum HeartbeatRefusal {
    /// The page says it is hidden: a tab left open in the background earns nothing.
    #[error("hidden")]
    Hidden,
    /// Sooner than the interval allows (a script beating in a loop).
    #[error("too soon")]
    TooSoon,
    /// More seconds claimed than passed since the last heartbeat.
    #[error("overclaimed")]
    Overclaimed,
}

impl HeartbeatRefusal {
    pub fn code(self) -> &'static str {
        match self {
            Self::Hidden => "heartbeat_hidden",
            Self::TooSoon => "heartbeat_too_soon",
            Self::Overclaimed => "heartbeat_overclaimed",
        }
    }
}

/// What an accepted heartbeat earns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Credit {
    pub seconds: u32,
    /// The beat starts a new stretch (the first of the day, or after a gap: the page was hidden,
    /// closed or offline); it earns nothing but times the next one.
    pub restarted: bool,
}

/// Credits one heartbeat of a visible page, given the server time of the previous accepted one
/// (on the same lesson and day) and now.
///
/// - hidden: refused; nothing is written, so hidden time can never be claimed later either;
/// - first beat, or more than `interval + slack` since the last: 0 s, the clock starts again;
/// - sooner than `interval − slack`: refused;
/// - claiming more than elapsed (plus one second of rounding): refused;
/// - otherwise: the claim, capped at `interval + slack`.
pub fn credit_heartbeat(
    beat: Beat,
    last: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    s: &CourseSettings,
) -> Result<Credit, HeartbeatRefusal> {
    if !beat.visible {
        return Err(HeartbeatRefusal::Hidden);
    }
    let restart = Credit {
        seconds: 0,
        restarted: true,
    };
    let Some(last) = last else {
        return Ok(restart);
    };
    let elapsed_ms = (now - last).num_milliseconds();
    let min_ms = i64::from(s.heartbeat_secs.saturating_sub(s.slack_secs)) * 1000;
    let max_ms = i64::from(s.heartbeat_secs + s.slack_secs) * 1000;
    if elapsed_ms < min_ms {
        return Err(HeartbeatRefusal::TooSoon);
    }
    if elapsed_ms > max_ms {
        return Ok(restart);
    }
    if i64::from(beat.claimed_secs) * 1000 > elapsed_ms + 1000 {
        return Err(HeartbeatRefusal::Overclaimed);
    }
    Ok(Credit {
        seconds: beat.claimed_secs.min(s.heartbeat_secs + s.slack_secs),
        restarted: false,
    })
}

/// Seconds of credited time that complete a timed lesson; `None` for an untimed one.
///
/// An article: the school's `article_seconds` (default 60 s — RULES.md §6, 学习强国 counts an
/// article once read for a minimum time; the number is a school setting). Audio and video:
/// `media_complete_percent` (default 90 %) of the length the author gave, rounded up; without a
/// length, the article's time.
pub fn required_seconds(
    kind: LessonKind,
    duration_secs: Option<u32>,
    s: &CourseSettings,
) -> Option<u32> {
    match kind {
        LessonKind::Article => Some(s.article_seconds),
        LessonKind::Audio | LessonKind::Video => Some(match duration_secs {
            Some(d) if d > 0 => {
                let need = u64::from(d) * u64::from(s.media_complete_percent.min(100));
                u32::try_from(need.div_ceil(100)).unwrap_or(u32::MAX).max(1)
            }
            _ => s.article_seconds,
        }),
        LessonKind::Image | LessonKind::Document => None,
    }
}

/// Whether `credited` seconds complete the lesson.
pub fn is_complete(
    kind: LessonKind,
    duration_secs: Option<u32>,
    credited: u64,
    s: &CourseSettings,
) -> bool {
    required_seconds(kind, duration_secs, s).is_some_and(|need| credited >= u64::from(need))
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000 + secs, 0).unwrap_or_default()
    }
    fn visible(claimed: u32) -> Beat {
        Beat {
            visible: true,
            claimed_secs: claimed,
        }
    }
    const S: CourseSettings = CourseSettings {
        heartbeat_secs: 15,
        slack_secs: 5,
        article_seconds: 60,
        media_complete_percent: 90,
        max_media_bytes: 1,
    };

    #[test]
    fn a_hidden_page_earns_nothing() {
        let hidden = Beat {
            visible: false,
            claimed_secs: 15,
        };
        assert_eq!(
            credit_heartbeat(hidden, Some(at(0)), at(15), &S),
            Err(HeartbeatRefusal::Hidden)
        );
    }

    #[test]
    fn the_first_beat_starts_the_clock() {
        let c = credit_heartbeat(visible(15), None, at(0), &S).unwrap();
        assert_eq!(
            c,
            Credit {
                seconds: 0,
                restarted: true
            }
        );
    }

    #[test]
    fn a_beat_on_time_earns_its_interval() {
        let c = credit_heartbeat(visible(15), Some(at(0)), at(15), &S).unwrap();
        assert_eq!(c.seconds, 15);
    }

    #[test]
    fn the_interval_boundaries() {
        // 10 s is interval − slack: the earliest accepted; 9.999 s is too soon.
        assert_eq!(
            credit_heartbeat(visible(10), Some(at(0)), at(10), &S)
                .unwrap()
                .seconds,
            10
        );
        let early = at(10) - Duration::milliseconds(1);
        assert_eq!(
            credit_heartbeat(visible(9), Some(at(0)), early, &S),
            Err(HeartbeatRefusal::TooSoon)
        );
        // 20 s is interval + slack: the latest credited; beyond it the page was away.
        assert_eq!(
            credit_heartbeat(visible(20), Some(at(0)), at(20), &S)
                .unwrap()
                .seconds,
            20
        );
        let late = credit_heartbeat(visible(21), Some(at(0)), at(21), &S).unwrap();
        assert_eq!(
            late,
            Credit {
                seconds: 0,
                restarted: true
            }
        );
    }

    #[test]
    fn claiming_more_than_elapsed_is_refused() {
        assert_eq!(
            credit_heartbeat(visible(18), Some(at(0)), at(16), &S),
            Err(HeartbeatRefusal::Overclaimed)
        );
        // One second of rounding is tolerated.
        assert_eq!(
            credit_heartbeat(visible(17), Some(at(0)), at(16), &S)
                .unwrap()
                .seconds,
            17
        );
    }

    #[test]
    fn a_page_that_counted_less_visible_time_earns_less() {
        let c = credit_heartbeat(visible(4), Some(at(0)), at(15), &S).unwrap();
        assert_eq!(c.seconds, 4);
    }

    #[test]
    fn completion_thresholds() {
        assert_eq!(required_seconds(LessonKind::Article, None, &S), Some(60));
        assert!(is_complete(LessonKind::Article, None, 60, &S));
        assert!(!is_complete(LessonKind::Article, None, 59, &S));
        // 90 % of 301 s is 270.9: 271 s are needed.
        assert_eq!(
            required_seconds(LessonKind::Video, Some(301), &S),
            Some(271)
        );
        assert!(!is_complete(LessonKind::Video, Some(301), 270, &S));
        assert!(is_complete(LessonKind::Video, Some(301), 271, &S));
        assert_eq!(required_seconds(LessonKind::Audio, None, &S), Some(60));
        assert_eq!(required_seconds(LessonKind::Image, None, &S), None);
        assert!(!is_complete(LessonKind::Document, None, 1000, &S));
    }
}
