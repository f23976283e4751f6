//! Progress up the tree: the tasks counted under each org of a subtree, added up for each child
//! of the org being looked at by the materialised path (a task counts for every org above it).

use chrono::NaiveDate;

use super::{TaskSettings, TaskStatus, due_state, percent};
use crate::org::OrgPath;
use crate::tasks::DueState;

/// Completion of the tasks under one org.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Progress {
    pub total: u64,
    pub done: u64,
    pub overdue: u64,
    pub due_soon: u64,
    /// Whole per cent, rounded down; `None` with no tasks.
    pub percent: Option<u64>,
}

impl Progress {
    fn add(&mut self, state: DueState) {
        self.total += 1;
        match state {
            DueState::Done => self.done += 1,
            DueState::Overdue => self.overdue += 1,
            DueState::DueSoon => self.due_soon += 1,
            DueState::Open => {}
        }
        self.percent = percent(self.done, self.total);
    }
}

/// One task as the roll-up sees it: the path of the org it counts under, its status, its due date.
pub struct TaskPoint<'a> {
    pub path: &'a OrgPath,
    pub status: TaskStatus,
    pub due_on: NaiveDate,
}

/// The total over all `tasks`, and one figure per org of `orgs` (each covering its own subtree),
/// in the order of `orgs`.
pub fn roll_up(
    orgs: &[OrgPath],
    tasks: &[TaskPoint<'_>],
    today: NaiveDate,
    s: TaskSettings,
) -> (Progress, Vec<Progress>) {
    let mut total = Progress::default();
    let mut per = vec![Progress::default(); orgs.len()];
    for t in tasks {
        let state = due_state(t.due_on, today, t.status.is_done(), s);
        total.add(state);
        for (o, p) in orgs.iter().zip(per.iter_mut()) {
            if o.contains(t.path) {
                p.add(state);
            }
        }
    }
    (total, per)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::OrgId;

    #[test]
    fn a_task_of_a_group_counts_for_its_branch_and_college() {
        let college = OrgPath::root(OrgId(1)).child(OrgId(2));
        let branch = college.child(OrgId(3));
        let group = branch.child(OrgId(4));
        let other = college.child(OrgId(30));
        let today: NaiveDate = "2026-03-10".parse().unwrap_or_default();
        let due: NaiveDate = "2026-03-01".parse().unwrap_or_default();
        let tasks = [
            TaskPoint {
                path: &group,
                status: TaskStatus::Submitted,
                due_on: due,
            },
            TaskPoint {
                path: &branch,
                status: TaskStatus::Open,
                due_on: due,
            },
            TaskPoint {
                path: &branch,
                status: TaskStatus::Returned,
                due_on: today,
            },
        ];
        let (all, per) = roll_up(
            &[branch.clone(), other],
            &tasks,
            today,
            TaskSettings::default(),
        );
        assert_eq!(
            (all.total, all.done, all.overdue, all.due_soon),
            (3, 1, 1, 1)
        );
        assert_eq!(all.percent, Some(33));
        assert_eq!(per[0].total, 3);
        assert_eq!(per[1].percent, None);
    }
}
