//! Annual plans and tasks on the web side (issue #4 part 4): who may do what, the writes shared
//! by the pages and the JSON API, and the routes.
//!
//! Who is who: `ManagePlans` on an org publishes its yearly goals; `ManageTasks` on an org sets
//! tasks for the groups and members below it, returns results and sees progress; a task's
//! assignee — the person, or for a task of an org whoever holds `ManageTasks` on that org —
//! submits results. Everyone else is refused before anything is read.

pub mod files;
mod list_tasks;
pub mod plans;
mod progress;
pub mod show_task;
pub mod write;

pub use files::{FormState, download_file, store_attachment};
pub use list_tasks::{TaskLine, list_tasks, task_lines};
pub use plans::{create_plan_form, list_plans, show_plan, visible_plans};
pub use progress::{ProgressView, load_progress, show_progress};
pub use show_task::{return_task_form, show_task, submit_result_form};
pub use write::{
    PlanInput, ReturnInput, TaskInput, create_plan, create_task, return_task, submit_result,
};

use redbranch_db::org as dborg;
use redbranch_db::tasks::{self as dbtasks, Task};
use redbranch_domain::authz::{Forbidden, Permission};
use redbranch_domain::org::{OrgId, OrgPath};
use redbranch_domain::tasks::TaskSettings;

use crate::error::{AppError, AppResult};
use crate::orgs::parse_id;
use crate::session::CurrentUser;
use crate::state::AppState;

/// What the caller is to a task.
#[derive(Debug, Clone, Copy, Default)]
pub struct TaskAccess {
    /// The person it is assigned to, or `ManageTasks` on the org it is assigned to.
    pub assignee: bool,
    /// `ManageTasks` on the org the task counts under (the branch that set it, and above).
    pub manager: bool,
}

/// The task of `raw` (an id from the path), the path of the org it counts under and what `u`
/// is to it; someone who is neither assignee nor manager is refused here.
pub async fn task_for(
    st: &AppState,
    u: &CurrentUser,
    raw: &str,
) -> AppResult<(Task, OrgPath, TaskAccess)> {
    let id = parse_id(raw)?;
    let task = dbtasks::task(&st.db.conn, u.tenant, id).await?;
    let path = dborg::get(&st.db.conn, u.tenant, OrgId(task.org_id))
        .await?
        .org_path();
    let assignee = match (task.assignee_person_id, task.assignee_org_id) {
        (Some(p), _) => u.person_id == Some(p),
        (None, Some(o)) => {
            let org = dborg::get(&st.db.conn, u.tenant, OrgId(o)).await?;
            u.grants.allows(Permission::ManageTasks, &org.org_path())
        }
        (None, None) => false,
    };
    let access = TaskAccess {
        assignee,
        manager: u.grants.allows(Permission::ManageTasks, &path),
    };
    if !(access.assignee || access.manager) {
        return Err(AppError::Forbidden(Forbidden(Permission::ManageTasks)));
    }
    Ok((task, path, access))
}

/// The school's task settings: the defaults, with what the school set under `"tasks"`.
pub async fn settings(st: &AppState, u: &CurrentUser) -> AppResult<TaskSettings> {
    crate::settings::school_section(&st.db.conn, u.tenant, "tasks").await
}

/// The plans and tasks pages and their form posts (merged into the main router).
pub fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/tasks", get(list_tasks).post(write::create_task_form))
        .route("/tasks/progress", get(show_progress))
        .route("/tasks/{id}", get(show_task))
        .route("/tasks/{id}/results", post(submit_result_form))
        .route("/tasks/{id}/return", post(return_task_form))
        .route("/tasks/{id}/files/{file}", get(download_file))
        .route("/plans", get(list_plans).post(create_plan_form))
        .route("/plans/{id}", get(show_plan))
}
