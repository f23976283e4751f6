//! The rules on plans and tasks, each with its source.

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use crate::error::FieldError;

/// Longest title of a plan or a task, in characters.
pub const MAX_TITLE: usize = 100;
/// Longest body of a plan, a task or a result, in characters.
pub const MAX_BODY: usize = 5000;

/// A school's numbers for tasks (its settings JSON under `"tasks"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TaskSettings {
    /// Days before the due date from which an open task shows the warning (预警).
    pub warn_days: i64,
}

impl Default for TaskSettings {
    /// Three days: local practice (a week's notice reads as "not urgent" to students).
    fn default() -> Self {
        Self { warn_days: 3 }
    }
}

/// How a task stands against its due date, shown in words and colour (DESIGN: never colour alone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DueState {
    Done,
    Open,
    /// Due within the warning days (预警).
    DueSoon,
    /// Past its due date without a result (逾期).
    Overdue,
}

impl DueState {
    pub fn code(self) -> &'static str {
        match self {
            Self::Done => "done",
            Self::Open => "open",
            Self::DueSoon => "due_soon",
            Self::Overdue => "overdue",
        }
    }
    pub fn key(self) -> String {
        format!("tasks.due_state.{}", self.code())
    }
}

/// Overdue tasks warn (issue #4 part 4). A due date is the last day on which a result is in time,
/// so a task is overdue from the day after it; it is due soon (预警) from `warn_days` before it.
pub fn due_state(due_on: NaiveDate, today: NaiveDate, done: bool, s: TaskSettings) -> DueState {
    if done {
        DueState::Done
    } else if today > due_on {
        DueState::Overdue
    } else if (due_on - today).num_days() <= s.warn_days {
        DueState::DueSoon
    } else {
        DueState::Open
    }
}

/// Completion as a whole percentage, rounded down so that 100 % means every task is done
/// (199 of 200 is 99 %, not 100 %). `None` when there is nothing to count ("no tasks", not 0 %).
pub fn percent(done: u64, total: u64) -> Option<u64> {
    (total > 0).then(|| done.min(total) * 100 / total)
}

/// A plan's year: four digits, from the year before `today` (a plan filed late) up to the year
/// after (plans are drawn up in the winter before). 《中国共产党支部工作条例（试行）》(2018)
/// 第九条: the branch carries out the decisions of the higher Party organisation — a yearly plan.
pub fn parse_year(field: &'static str, raw: &str, today: NaiveDate) -> Result<i32, FieldError> {
    let t = raw.trim();
    let y: i32 = t
        .parse()
        .ok()
        .filter(|_| t.len() == 4)
        .ok_or_else(|| FieldError::new(field, "tasks.error.year_format").with("value", t))?;
    let (lo, hi) = (today.year() - 1, today.year() + 1);
    if !(lo..=hi).contains(&y) {
        return Err(FieldError::new(field, "tasks.error.year_range")
            .with("from", lo)
            .with("to", hi));
    }
    Ok(y)
}

/// A task's due date: a real date (the styles secretaries type), and not already past when the
/// task is set — a task born overdue could never be done in time.
pub fn parse_due_on(
    field: &'static str,
    raw: &str,
    today: NaiveDate,
) -> Result<NaiveDate, FieldError> {
    let t = raw.trim();
    if t.is_empty() {
        return Err(FieldError::new(field, "error.required"));
    }
    let d = crate::dates::parse_date(t)
        .ok_or_else(|| FieldError::new(field, "tasks.error.date_format").with("value", t))?;
    if d < today {
        return Err(FieldError::new(field, "tasks.error.due_in_past").with("today", today));
    }
    Ok(d)
}

/// A task that breaks down a goal of a year's plan is due within that year: work for the 2026
/// plan finished in 2027 counts for neither year's figures.
pub fn due_in_plan_year(
    field: &'static str,
    due_on: NaiveDate,
    year: i32,
) -> Result<(), FieldError> {
    if due_on.year() == year {
        Ok(())
    } else {
        Err(FieldError::new(field, "tasks.error.outside_plan_year").with("year", year))
    }
}

/// A title: trimmed, required, at most [`MAX_TITLE`] characters.
pub fn parse_title(field: &'static str, raw: &str) -> Result<String, FieldError> {
    bounded(field, raw, MAX_TITLE, true)
}

/// A body: trimmed, at most [`MAX_BODY`] characters; required only where `required`.
pub fn parse_body(field: &'static str, raw: &str, required: bool) -> Result<String, FieldError> {
    bounded(field, raw, MAX_BODY, required)
}

fn bounded(
    field: &'static str,
    raw: &str,
    max: usize,
    required: bool,
) -> Result<String, FieldError> {
    let t = raw.trim();
    if t.is_empty() && required {
        return Err(FieldError::new(field, "error.required"));
    }
    if t.chars().count() > max {
        return Err(FieldError::new(field, "error.too_long").with("max", max));
    }
    Ok(t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap_or_default()
    }

    #[test]
    fn a_task_is_overdue_from_the_day_after_its_due_date() {
        let s = TaskSettings::default();
        let due = d("2026-03-10");
        assert_eq!(due_state(due, d("2026-03-09"), false, s), DueState::DueSoon);
        assert_eq!(due_state(due, d("2026-03-10"), false, s), DueState::DueSoon);
        assert_eq!(due_state(due, d("2026-03-11"), false, s), DueState::Overdue);
        assert_eq!(due_state(due, d("2026-03-11"), true, s), DueState::Done);
    }

    #[test]
    fn the_warning_starts_exactly_warn_days_before() {
        let s = TaskSettings { warn_days: 3 };
        let due = d("2026-03-10");
        assert_eq!(due_state(due, d("2026-03-06"), false, s), DueState::Open);
        assert_eq!(due_state(due, d("2026-03-07"), false, s), DueState::DueSoon);
    }

    #[test]
    fn percentages_round_down_and_nothing_to_count_is_not_zero() {
        assert_eq!(percent(0, 0), None);
        assert_eq!(percent(0, 3), Some(0));
        assert_eq!(percent(1, 3), Some(33));
        assert_eq!(percent(2, 3), Some(66));
        assert_eq!(percent(199, 200), Some(99));
        assert_eq!(percent(3, 3), Some(100));
        assert_eq!(percent(4, 3), Some(100));
    }

    #[test]
    fn a_plan_year_is_last_this_or_next_year() {
        let today = d("2026-01-15");
        assert_eq!(parse_year("f", "2025", today), Ok(2025));
        assert_eq!(parse_year("f", " 2027 ", today), Ok(2027));
        assert!(parse_year("f", "2024", today).is_err());
        assert!(parse_year("f", "2028", today).is_err());
        assert!(parse_year("f", "26", today).is_err());
        assert!(parse_year("f", "二〇二六", today).is_err());
    }

    #[test]
    fn a_due_date_may_be_today_but_not_yesterday() {
        let today = d("2026-03-10");
        assert_eq!(parse_due_on("f", "2026-03-10", today), Ok(today));
        assert_eq!(
            parse_due_on("f", "2026年3月11日", today),
            Ok(d("2026-03-11"))
        );
        let e = parse_due_on("f", "2026-03-09", today).err().map(|e| e.code);
        assert_eq!(e, Some("tasks.error.due_in_past"));
        let e = parse_due_on("f", "2026-02-30", today).err().map(|e| e.code);
        assert_eq!(e, Some("tasks.error.date_format"));
        let e = parse_due_on("f", "", today).err().map(|e| e.code);
        assert_eq!(e, Some("error.required"));
    }

    #[test]
    fn a_task_of_a_plan_is_due_by_the_last_day_of_its_year() {
        assert!(due_in_plan_year("f", d("2026-12-31"), 2026).is_ok());
        assert!(due_in_plan_year("f", d("2027-01-01"), 2026).is_err());
        assert!(due_in_plan_year("f", d("2026-01-01"), 2026).is_ok());
    }

    #[test]
    fn titles_are_required_and_bounded() {
        assert_eq!(parse_title("f", "  学习 "), Ok("学习".into()));
        assert!(parse_title("f", " ").is_err());
        assert!(parse_title("f", &"字".repeat(MAX_TITLE)).is_ok());
        assert!(parse_title("f", &"字".repeat(MAX_TITLE + 1)).is_err());
        assert_eq!(parse_body("f", "", false), Ok(String::new()));
        assert!(parse_body("f", "", true).is_err());
    }
}
