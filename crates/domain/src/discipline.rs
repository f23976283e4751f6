//! 党纪处分: the five kinds of Party discipline (党章 第三十九条: 警告、严重警告、撤销党内职务、
//! 留党察看、开除党籍) as recorded on a person, and the one question the pipeline asks of them:
//! is someone under 留党察看 with their rights not restored on a given day? A member under it has
//! no right to vote, elect or be elected (党章 第四十条) and may not introduce anyone to the
//! Party (《中国共产党发展党员工作细则》第十四条).
//!
//! Counting: 留党察看 lasts one or two years (党章 第四十条: "留党察看最长不超过两年"). As the
//! pipeline's periods do (see [`months_after`]), the period runs from the decision to the same
//! day one or two years later inclusive (clamped to the month's end); the next day it is over.
//! When the restoration of rights is recorded, that day ends it instead (期满后恢复党员权利 is a
//! decision of its own, and may come after the period).

use chrono::NaiveDate;

use crate::error::{FieldError, FieldErrors};
use crate::pipeline::months_after;

/// The lengths 留党察看 may have, in months (党章 第四十条: one year or two).
pub const PROBATION_MONTHS: [u32; 2] = [12, 24];

/// One kind of Party discipline (党章 第三十九条).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DisciplineKind {
    /// 警告
    Warning,
    /// 严重警告
    SeriousWarning,
    /// 撤销党内职务
    RemovalFromPost,
    /// 留党察看
    Probation,
    /// 开除党籍
    Expulsion,
}

impl DisciplineKind {
    pub const ALL: [DisciplineKind; 5] = [
        Self::Warning,
        Self::SeriousWarning,
        Self::RemovalFromPost,
        Self::Probation,
        Self::Expulsion,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Warning => "warning",
            Self::SeriousWarning => "serious_warning",
            Self::RemovalFromPost => "removal_from_post",
            Self::Probation => "probation",
            Self::Expulsion => "expulsion",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == s)
    }

    /// Catalogue key of its name, `discipline.kind.<code>`.
    pub fn key(self) -> &'static str {
        match self {
            Self::Warning => "discipline.kind.warning",
            Self::SeriousWarning => "discipline.kind.serious_warning",
            Self::RemovalFromPost => "discipline.kind.removal_from_post",
            Self::Probation => "discipline.kind.probation",
            Self::Expulsion => "discipline.kind.expulsion",
        }
    }
}

/// What a discipline record says, as the rules read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Discipline {
    pub kind: DisciplineKind,
    pub decided_on: NaiveDate,
    /// 留党察看 only: 12 or 24.
    pub probation_months: Option<u32>,
    /// 留党察看 only: the day Party rights were restored, once they are.
    pub restored_on: Option<NaiveDate>,
}

impl Discipline {
    /// The last day of the 留党察看 period (the same day one or two years on); `None` for the
    /// other kinds.
    pub fn period_ends(&self) -> Option<NaiveDate> {
        match (self.kind, self.probation_months) {
            (DisciplineKind::Probation, Some(m)) => Some(months_after(self.decided_on, m)),
            _ => None,
        }
    }

    /// Whether, on `on`, this record holds the person under 留党察看 with rights not restored:
    /// from the decision up to the day before rights were restored, or (none recorded) to the
    /// period's last day inclusive.
    pub fn under_probation_on(&self, on: NaiveDate) -> bool {
        if self.kind != DisciplineKind::Probation || on < self.decided_on {
            return false;
        }
        match (self.restored_on, self.period_ends()) {
            (Some(restored), _) => on < restored,
            (None, Some(end)) => on <= end,
            // A 留党察看 without its length cannot be recorded (see `check`); if one is read,
            // holding the person under it is the safe side of 第十四条.
            (None, None) => true,
        }
    }

    /// Checks a record before it is written: 留党察看 needs a period of one or two years and may
    /// carry a restoration no earlier than the period's last day; the other kinds carry
    /// neither. Dates after `today` are refused by the caller, which names its own field.
    pub fn check(&self) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::default();
        if self.kind == DisciplineKind::Probation {
            match self.probation_months {
                Some(m) if PROBATION_MONTHS.contains(&m) => {}
                _ => errs.push(FieldError::new(
                    "field.probation_months",
                    "discipline.probation_months",
                )),
            }
            let early = match (self.restored_on, self.period_ends()) {
                (Some(restored), Some(end)) if restored < end => Some((restored, end)),
                _ => None,
            };
            if let Some((restored, end)) = early {
                errs.push(
                    FieldError::new("field.restored_on", "discipline.restored_too_early")
                        .with("end", end)
                        .with("restored", restored),
                );
            }
        } else {
            if self.probation_months.is_some() {
                errs.push(FieldError::new(
                    "field.probation_months",
                    "discipline.only_for_probation",
                ));
            }
            if self.restored_on.is_some() {
                errs.push(FieldError::new(
                    "field.restored_on",
                    "discipline.only_for_probation",
                ));
            }
        }
        errs.into_result()
    }
}

/// Whether any of a person's records holds them under 留党察看 on `on` (细则 第十四条: such a
/// member may not be an 入党介绍人).
pub fn under_probation_on(records: &[Discipline], on: NaiveDate) -> bool {
    records.iter().any(|r| r.under_probation_on(on))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    fn probation(on: NaiveDate, months: u32, restored_on: Option<NaiveDate>) -> Discipline {
        Discipline {
            kind: DisciplineKind::Probation,
            decided_on: on,
            probation_months: Some(months),
            restored_on,
        }
    }

    #[test]
    fn one_year_of_probation_ends_on_the_anniversary_inclusive() {
        let r = probation(d(2024, 3, 1), 12, None);
        assert!(
            !r.under_probation_on(d(2024, 2, 29)),
            "the day before the decision"
        );
        assert!(
            r.under_probation_on(d(2024, 3, 1)),
            "the day of the decision"
        );
        assert!(
            r.under_probation_on(d(2025, 3, 1)),
            "the anniversary is still inside"
        );
        assert!(
            !r.under_probation_on(d(2025, 3, 2)),
            "the day after it is over"
        );
    }

    #[test]
    fn two_years_from_a_leap_day_end_on_the_last_day_of_february() {
        let r = probation(d(2024, 2, 29), 24, None);
        assert_eq!(r.period_ends(), Some(d(2026, 2, 28)));
        assert!(r.under_probation_on(d(2026, 2, 28)));
        assert!(!r.under_probation_on(d(2026, 3, 1)));
        assert!(r.under_probation_on(d(2025, 2, 28)), "one year is not two");
    }

    #[test]
    fn recorded_restoration_ends_it_on_that_day() {
        let r = probation(d(2024, 3, 1), 12, Some(d(2025, 3, 10)));
        assert!(
            r.under_probation_on(d(2025, 3, 9)),
            "the day before restoration"
        );
        assert!(!r.under_probation_on(d(2025, 3, 10)), "restored that day");
        assert!(!r.under_probation_on(d(2025, 3, 11)));
    }

    #[test]
    fn other_kinds_never_hold_anyone_under_probation() {
        for kind in [
            DisciplineKind::Warning,
            DisciplineKind::SeriousWarning,
            DisciplineKind::RemovalFromPost,
            DisciplineKind::Expulsion,
        ] {
            let r = Discipline {
                kind,
                decided_on: d(2024, 3, 1),
                probation_months: None,
                restored_on: None,
            };
            assert!(!r.under_probation_on(d(2024, 3, 1)), "{kind:?}");
            assert!(r.check().is_ok());
        }
        let records = [
            Discipline {
                kind: DisciplineKind::Warning,
                decided_on: d(2023, 1, 1),
                probation_months: None,
                restored_on: None,
            },
            probation(d(2024, 3, 1), 12, None),
        ];
        assert!(under_probation_on(&records, d(2024, 6, 1)));
        assert!(!under_probation_on(&records, d(2025, 6, 1)));
    }

    #[test]
    fn a_record_is_checked_for_its_period_and_restoration() {
        let e = |r: Discipline| r.check().err().map(|e| e.0[0].code);
        assert_eq!(
            e(probation(d(2024, 3, 1), 18, None)),
            Some("discipline.probation_months"),
            "党章 第四十条: one year or two"
        );
        let mut no_length = probation(d(2024, 3, 1), 12, None);
        no_length.probation_months = None;
        assert_eq!(e(no_length), Some("discipline.probation_months"));
        assert_eq!(
            e(probation(d(2024, 3, 1), 12, Some(d(2025, 2, 28)))),
            Some("discipline.restored_too_early"),
            "the day before the period's last day"
        );
        assert!(
            probation(d(2024, 3, 1), 12, Some(d(2025, 3, 1)))
                .check()
                .is_ok()
        );
        let warning = Discipline {
            kind: DisciplineKind::Warning,
            decided_on: d(2024, 3, 1),
            probation_months: Some(12),
            restored_on: None,
        };
        assert_eq!(e(warning), Some("discipline.only_for_probation"));
    }

    #[test]
    fn kinds_round_trip_through_their_codes() {
        for k in DisciplineKind::ALL {
            assert_eq!(DisciplineKind::from_code(k.code()), Some(k));
        }
        assert_eq!(DisciplineKind::from_code("demerit"), None);
    }
}
