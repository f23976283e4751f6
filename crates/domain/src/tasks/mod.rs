//! Annual plans and tasks (issue #4 part 4): a superior org publishes its goals for a year, a
//! branch breaks them into tasks for its groups and members with due dates, assignees submit
//! results, and completion rolls up the org tree as percentages.
//!
//! Plain values and the rules on them; who may do what is decided in the web layer from the
//! orgs involved.

mod progress;
mod rules;

pub use progress::{Progress, TaskPoint, roll_up};

pub use rules::{
    DueState, MAX_BODY, MAX_TITLE, TaskSettings, due_in_plan_year, due_state, parse_body,
    parse_due_on, parse_title, parse_year, percent,
};

/// Where a task stands. A returned result sends the task back to the assignee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    /// Waiting for a result.
    Open,
    /// A result is in and counts as done.
    Submitted,
    /// The branch sent the result back with a comment; waiting for a new one.
    Returned,
}

impl TaskStatus {
    pub const ALL: [TaskStatus; 3] = [Self::Open, Self::Submitted, Self::Returned];

    pub fn code(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Submitted => "submitted",
            Self::Returned => "returned",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == s)
    }

    /// Catalogue key of the status's name.
    pub fn key(self) -> String {
        format!("tasks.status.{}", self.code())
    }

    /// Whether the task counts as completed in progress figures.
    pub fn is_done(self) -> bool {
        self == Self::Submitted
    }

    /// Whether the assignee may submit a result now.
    pub fn awaits_result(self) -> bool {
        !self.is_done()
    }
}
