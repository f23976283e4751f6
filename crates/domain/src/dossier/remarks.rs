//! Remarks by 培养联系人, their review, and the quarter a 思想汇报 belongs to.
//!
//! 《中国共产党发展党员工作细则》 asks the 培养联系人 to follow the activist's thinking, study and
//! life and report on them; RULES §1 (stage 2) has 思想汇报 at least quarterly (a school rule,
//! `PipelineSettings::thought_report_months`). The remark kinds are those issue #3 names.

use std::fmt;

use chrono::{Datelike, NaiveDate};

use crate::error::FieldError;

/// Longest remark, report or answer kept, in characters; longer is refused, never cut.
pub const MAX_TEXT: usize = 5000;

/// What a 培养联系人's remark is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemarkKind {
    /// 思想表现
    Thinking,
    /// 学习生活表现
    StudyLife,
    /// 奖惩情况
    RewardsPenalties,
    /// 月度评语: carries the month it is about.
    Monthly,
}

impl RemarkKind {
    pub const ALL: [RemarkKind; 4] = [
        Self::Thinking,
        Self::StudyLife,
        Self::RewardsPenalties,
        Self::Monthly,
    ];

    /// Stable code (database value, API value, catalogue key suffix).
    pub fn code(self) -> &'static str {
        match self {
            Self::Thinking => "thinking",
            Self::StudyLife => "study_life",
            Self::RewardsPenalties => "rewards_penalties",
            Self::Monthly => "monthly",
        }
    }

    pub fn key(self) -> String {
        format!("dossier.remark_kind.{}", self.code())
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == s)
    }

    /// A monthly remark names its month; the others are about the time they are written.
    pub fn needs_period(self) -> bool {
        self == Self::Monthly
    }
}

/// A committee member's review of a remark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// 同意: the remark stands as written.
    Agree,
    /// 提出意见: the reviewer adds a comment (required).
    Comment,
}

impl Verdict {
    pub fn code(self) -> &'static str {
        match self {
            Self::Agree => "agree",
            Self::Comment => "comment",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        [Self::Agree, Self::Comment]
            .into_iter()
            .find(|v| v.code() == s)
    }
}

/// A calendar quarter, written `2025-Q3`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Quarter {
    pub year: i32,
    /// 1..=4.
    pub q: u32,
}

impl Quarter {
    /// `2025-Q3`, `2025Q3`, `2025-3` or `2025年第3季度`.
    pub fn parse(raw: &str) -> Option<Self> {
        let s: String = raw.trim().chars().filter(|c| !c.is_whitespace()).collect();
        let s = s
            .trim_end_matches("季度")
            .replace("年第", "-")
            .to_ascii_uppercase();
        let (y, q) = s
            .split_once("-Q")
            .or_else(|| s.split_once('Q'))
            .or_else(|| s.split_once('-'))?;
        let year: i32 = y.parse().ok().filter(|y| (1900..=2999).contains(y))?;
        let q: u32 = q.parse().ok().filter(|q| (1..=4).contains(q))?;
        Some(Self { year, q })
    }

    /// Its first day.
    pub fn start(self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year, self.q * 3 - 2, 1)
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-Q{}", self.year, self.q)
    }
}

/// The quarter `d` falls in.
pub fn quarter_of(d: NaiveDate) -> Quarter {
    Quarter {
        year: d.year(),
        q: (d.month() - 1) / 3 + 1,
    }
}

/// The quarter a 思想汇报 is for: well formed, and not one that has not begun (`today` is in
/// the current quarter, which may be reported on).
pub fn parse_quarter(
    field: &'static str,
    raw: &str,
    today: NaiveDate,
) -> Result<Quarter, FieldError> {
    let q = Quarter::parse(raw)
        .ok_or_else(|| FieldError::new(field, "dossier.error.quarter_format").with("value", raw))?;
    if q > quarter_of(today) {
        return Err(FieldError::new(field, "dossier.error.quarter_in_future")
            .with("current", quarter_of(today)));
    }
    Ok(q)
}

/// The month a monthly remark is about, as `2025-09`: not a month that has not begun.
pub fn parse_month(field: &'static str, raw: &str, today: NaiveDate) -> Result<String, FieldError> {
    let (y, m) = crate::dates::parse_year_month(raw)
        .ok_or_else(|| FieldError::new(field, "dossier.error.month_format").with("value", raw))?;
    if (y, m) > (today.year(), today.month()) {
        return Err(FieldError::new(field, "error.date_in_future").with("today", today));
    }
    Ok(format!("{y:04}-{m:02}"))
}

/// Free text (a remark, a report, an answer): trimmed, not empty, at most [`MAX_TEXT`] characters.
pub fn parse_text(field: &'static str, raw: &str) -> Result<String, FieldError> {
    let t = raw.trim();
    if t.is_empty() {
        return Err(FieldError::new(field, "error.required"));
    }
    if t.chars().count() > MAX_TEXT {
        return Err(FieldError::new(field, "error.too_long").with("max", MAX_TEXT));
    }
    Ok(t.to_string())
}

#[cfg(test)]
mod tests {

    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn quarters_are_read_in_the_usual_spellings() {
        let q3 = Quarter { year: 2025, q: 3 };
        for s in [
            "2025-Q3",
            "2025q3",
            "2025-3",
            "2025年第3季度",
            " 2025 - Q3 ",
        ] {
            assert_eq!(Quarter::parse(s), Some(q3), "{s}");
        }
        for s in ["2025-Q5", "2025-Q0", "25-Q1", "Q3", ""] {
            assert_eq!(Quarter::parse(s), None, "{s}");
        }
        assert_eq!(q3.to_string(), "2025-Q3");
        assert_eq!(q3.start(), Some(d("2025-07-01")));
    }

    #[test]
    fn a_report_may_be_for_the_current_quarter_but_not_the_next() {
        let f = "field.quarter";
        // The boundary: 2025-Q3 begins on 1 July.
        assert!(
            parse_quarter(f, "2025-Q3", d("2025-06-30")).is_err(),
            "the day before"
        );
        assert!(
            parse_quarter(f, "2025-Q3", d("2025-07-01")).is_ok(),
            "the day"
        );
        assert!(
            parse_quarter(f, "2025-Q3", d("2025-07-02")).is_ok(),
            "the day after"
        );
        assert!(
            parse_quarter(f, "2024-Q4", d("2025-07-01")).is_ok(),
            "a late report"
        );
        let e = parse_quarter(f, "2025-Q9", d("2025-07-01")).unwrap_err();
        assert_eq!(e.code, "dossier.error.quarter_format");
    }

    #[test]
    fn a_monthly_remark_may_not_be_about_a_month_not_yet_begun() {
        let f = "field.period";
        assert!(
            parse_month(f, "2025-10", d("2025-09-30")).is_err(),
            "the day before"
        );
        assert_eq!(
            parse_month(f, "2025-10", d("2025-10-01")).unwrap(),
            "2025-10"
        );
        assert_eq!(
            parse_month(f, "2025年9月", d("2025-10-02")).unwrap(),
            "2025-09"
        );
        assert_eq!(
            parse_month(f, "2025-13", d("2025-10-02")).unwrap_err().code,
            "dossier.error.month_format"
        );
    }

    #[test]
    fn text_is_trimmed_required_and_bounded() {
        assert_eq!(parse_text("field.body", "  好  ").unwrap(), "好");
        assert_eq!(
            parse_text("field.body", " \n").unwrap_err().code,
            "error.required"
        );
        let long = "字".repeat(MAX_TEXT + 1);
        assert_eq!(
            parse_text("field.body", &long).unwrap_err().code,
            "error.too_long"
        );
        assert!(parse_text("field.body", &"字".repeat(MAX_TEXT)).is_ok());
    }

    #[test]
    fn codes_round_trip() {
        for k in RemarkKind::ALL {
            assert_eq!(RemarkKind::from_code(k.code()), Some(k));
        }
        assert!(RemarkKind::Monthly.needs_period());
        assert!(!RemarkKind::Thinking.needs_period());
        assert_eq!(Verdict::from_code("agree"), Some(Verdict::Agree));
        assert_eq!(Verdict::from_code("x"), None);
    }
}
