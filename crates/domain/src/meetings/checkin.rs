//! The dynamic check-in code's time rules (see docs/adr/0006-meeting-check-in-codes.md).
//!
//! The code shown on the organiser's screen is a keyed hash of the meeting and the current
//! 30-second window; it is computed and checked by whichever node serves the request, so no
//! node keeps state. A code is accepted during its own window and the next one: a member who
//! scans at the end of a window still gets in, while a screenshot forwarded to someone who is
//! not there is dead within a minute at most.

use chrono::{DateTime, Duration, Utc};

use super::Attendance;

/// Length of one code window, in seconds.
pub const WINDOW_SECS: i64 = 30;

/// Check-in opens this long before the start, so members arriving early can scan.
pub const OPENS_BEFORE_MINUTES: i64 = 30;

/// The window a moment falls in.
pub fn window_of(at: DateTime<Utc>) -> i64 {
    at.timestamp().div_euclid(WINDOW_SECS)
}

/// The windows whose codes are accepted at `now`: the current one and the one before.
pub fn accepted_windows(now: DateTime<Utc>) -> [i64; 2] {
    let w = window_of(now);
    [w, w - 1]
}

/// Seconds until the current code is replaced (for the organiser's screen).
pub fn seconds_left(now: DateTime<Utc>) -> i64 {
    WINDOW_SECS - now.timestamp().rem_euclid(WINDOW_SECS)
}

/// Why a check-in is refused on time grounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closed {
    /// More than [`OPENS_BEFORE_MINUTES`] before the start.
    NotYet,
    /// After the end.
    Over,
}

impl Closed {
    pub fn code(self) -> &'static str {
        match self {
            Self::NotYet => "checkin_not_open",
            Self::Over => "checkin_closed",
        }
    }
}

/// Check-in is open from [`OPENS_BEFORE_MINUTES`] before the start until the end.
pub fn is_open(
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), Closed> {
    if now < starts_at - Duration::minutes(OPENS_BEFORE_MINUTES) {
        Err(Closed::NotYet)
    } else if now > ends_at {
        Err(Closed::Over)
    } else {
        Ok(())
    }
}

/// On time or late: late once `late_after_minutes` have passed since the start (a school rule;
/// the default is 5 minutes).
pub fn arrival(
    starts_at: DateTime<Utc>,
    now: DateTime<Utc>,
    late_after_minutes: u32,
) -> Attendance {
    if now > starts_at + Duration::minutes(i64::from(late_after_minutes)) {
        Attendance::Late
    } else {
        Attendance::Present
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 5, h, m, s)
            .single()
            .unwrap_or_default()
    }

    #[test]
    fn a_window_lasts_thirty_seconds_and_the_previous_one_is_still_accepted() {
        assert_eq!(window_of(at(10, 0, 0)), window_of(at(10, 0, 29)));
        assert_eq!(window_of(at(10, 0, 30)), window_of(at(10, 0, 29)) + 1);
        let shown = window_of(at(10, 0, 29));
        assert!(accepted_windows(at(10, 0, 30)).contains(&shown));
        assert!(accepted_windows(at(10, 0, 59)).contains(&shown));
        assert!(!accepted_windows(at(10, 1, 0)).contains(&shown));
        assert_eq!(seconds_left(at(10, 0, 0)), 30);
        assert_eq!(seconds_left(at(10, 0, 29)), 1);
    }

    #[test]
    fn check_in_opens_half_an_hour_before_and_closes_at_the_end() {
        let (s, e) = (at(10, 0, 0), at(11, 0, 0));
        assert_eq!(is_open(s, e, at(9, 29, 59)), Err(Closed::NotYet));
        assert_eq!(is_open(s, e, at(9, 30, 0)), Ok(()));
        assert_eq!(is_open(s, e, at(11, 0, 0)), Ok(()));
        assert_eq!(is_open(s, e, at(11, 0, 1)), Err(Closed::Over));
    }

    #[test]
    fn late_is_after_the_grace_minutes() {
        let s = at(10, 0, 0);
        assert_eq!(arrival(s, at(9, 50, 0), 5), Attendance::Present);
        assert_eq!(arrival(s, at(10, 5, 0), 5), Attendance::Present);
        assert_eq!(arrival(s, at(10, 5, 1), 5), Attendance::Late);
        assert_eq!(arrival(s, at(10, 0, 1), 0), Attendance::Late);
    }
}
