//! Branch life (三会一课, 主题党日/团日): the kinds of meeting, who may hold them, attendance,
//! leave, the dynamic check-in code's time windows, and compliance against the regulations.
//!
//! Plain values and rules only; the web layer decides who may act from the caller's grants.

pub mod checkin;
pub mod compliance;
mod kinds;

pub use kinds::{Attendance, LeaveStatus, MeetingKind, check_holder};

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::error::FieldError;

/// Longest title, place or link kept, in characters.
pub const MAX_LINE: usize = 200;
/// Longest agenda, minutes (as stored HTML) or resolutions, in characters.
pub const MAX_BODY: usize = 50_000;
/// Longest reason (leave request, attendance correction), in characters.
pub const MAX_REASON: usize = 500;

/// How often a branch should hold a 党课 (or 团课): RULES §3 — no national branch frequency,
/// so the school chooses; quarterly is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LectureFrequency {
    Monthly,
    Quarterly,
    HalfYearly,
    Yearly,
    /// Not checked.
    None,
}

/// A school's numbers for meetings (its settings JSON under `"meetings"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MeetingsSettings {
    /// 党课 per branch (RULES §3: configurable).
    pub party_lecture: LectureFrequency,
    /// 团课 per League branch (三会两制一课's 一课; frequency a school rule).
    pub league_lecture: LectureFrequency,
    /// A branch that has held nothing for this many days is flagged "silent".
    pub silent_days: u32,
    /// Minutes after the start at which a check-in counts as late.
    pub late_after_minutes: u32,
    /// Largest photo or attachment, in bytes (the server's upload limit caps it).
    pub max_file_bytes: usize,
}

impl Default for MeetingsSettings {
    fn default() -> Self {
        Self {
            party_lecture: LectureFrequency::Quarterly,
            league_lecture: LectureFrequency::Quarterly,
            silent_days: 30,
            late_after_minutes: 5,
            max_file_bytes: 10 * 1024 * 1024,
        }
    }
}

/// A required line of text (title, place): trimmed, not empty, at most [`MAX_LINE`].
pub fn parse_line(field: &'static str, raw: &str) -> Result<String, FieldError> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(FieldError::new(field, "error.required"));
    }
    optional_line(field, s).map(|s| s.unwrap_or_default())
}

/// An optional line of text: `None` when empty.
pub fn optional_line(field: &'static str, raw: &str) -> Result<Option<String>, FieldError> {
    let s = raw.trim();
    if s.chars().count() > MAX_LINE {
        return Err(FieldError::new(field, "error.too_long").with("max", MAX_LINE));
    }
    Ok((!s.is_empty()).then(|| s.to_string()))
}

/// An online link for members who are away (interns, exchange students): http(s) only, so a
/// `javascript:` link can never be offered to click.
pub fn parse_link(field: &'static str, raw: &str) -> Result<Option<String>, FieldError> {
    let s = optional_line(field, raw)?;
    match s {
        Some(l) if !(l.starts_with("https://") || l.starts_with("http://")) => {
            Err(FieldError::new(field, "meetings.error.link"))
        }
        other => Ok(other),
    }
}

/// A reason (for leave, for a correction): required, at most [`MAX_REASON`] characters.
pub fn parse_reason(field: &'static str, raw: &str) -> Result<String, FieldError> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(FieldError::new(field, "error.required"));
    }
    if s.chars().count() > MAX_REASON {
        return Err(FieldError::new(field, "error.too_long").with("max", MAX_REASON));
    }
    Ok(s.to_string())
}

/// A meeting's start and end: the end after the start, and no longer than a day (a typo in
/// the date rather than a real meeting).
pub fn check_times(starts_at: DateTime<Utc>, ends_at: DateTime<Utc>) -> Result<(), FieldError> {
    if ends_at <= starts_at {
        return Err(FieldError::new(
            "field.meeting_ends_at",
            "meetings.error.ends_before_start",
        ));
    }
    if ends_at - starts_at > chrono::Duration::hours(24) {
        return Err(FieldError::new(
            "field.meeting_ends_at",
            "meetings.error.too_long",
        ));
    }
    Ok(())
}

/// Leave is asked for before the meeting (请假须事先请假, the branches' attendance rule; the
/// 《中国共产党支部工作条例（试行）》第十九条 asks branches to keep 组织生活 strict). Once the
/// meeting has begun, absence is recorded by the organiser with a reason instead.
pub fn may_request_leave(starts_at: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), FieldError> {
    if now >= starts_at {
        return Err(FieldError::new(
            "field.leave_reason",
            "meetings.error.leave_too_late",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 5, h, m, 0)
            .single()
            .unwrap_or_default()
    }

    #[test]
    fn leave_may_be_asked_until_the_minute_before_the_start() {
        assert!(may_request_leave(at(10, 0), at(9, 59)).is_ok());
        assert!(may_request_leave(at(10, 0), at(10, 0)).is_err());
        assert!(may_request_leave(at(10, 0), at(12, 0)).is_err());
    }

    #[test]
    fn a_meeting_ends_after_it_starts_and_within_a_day() {
        assert!(check_times(at(10, 0), at(10, 0)).is_err());
        assert!(check_times(at(10, 0), at(11, 30)).is_ok());
        assert!(check_times(at(0, 0), at(0, 0) + chrono::Duration::hours(24)).is_ok());
        assert!(check_times(at(0, 0), at(0, 1) + chrono::Duration::hours(24)).is_err());
    }

    #[test]
    fn only_web_links_are_kept() {
        assert_eq!(parse_link("f", " ").ok(), Some(None));
        assert!(parse_link("f", "javascript:alert(1)").is_err());
        assert!(parse_link("f", "https://meeting.tencent.com/dm/abc").is_ok());
    }

    #[test]
    fn lines_and_reasons_are_bounded() {
        assert!(parse_line("f", "").is_err());
        assert!(parse_line("f", &"一".repeat(MAX_LINE)).is_ok());
        assert!(parse_line("f", &"一".repeat(MAX_LINE + 1)).is_err());
        assert!(parse_reason("f", "  ").is_err());
        assert!(parse_reason("f", &"病".repeat(MAX_REASON + 1)).is_err());
    }

    #[test]
    fn settings_default_to_thirty_silent_days_and_a_quarterly_lecture() {
        let s = MeetingsSettings::default();
        assert_eq!(s.silent_days, 30);
        assert_eq!(s.party_lecture, LectureFrequency::Quarterly);
    }
}
