//! The writes of plans and tasks, each checked and done with its audit entry on the caller's
//! transaction; shared by the pages (form fields) and the JSON API (the same names).

use std::collections::HashMap;

use axum::extract::{Multipart, State};
use axum::response::Response;
use redbranch_db::ConnectionTrait;
use redbranch_db::TransactionTrait;
use redbranch_db::org as dborg;
use redbranch_db::pipeline::due::{self as dbdue, NewNotification};
use redbranch_db::tasks::{self as dbtasks, NewPlan, NewTask, Plan, Task, TaskResult};
use redbranch_domain::authz::Permission;
use redbranch_domain::error::{FieldError, FieldErrors};
use redbranch_domain::org::{OrgId, OrgPath};
use redbranch_domain::tasks::{
    TaskStatus, due_in_plan_year, parse_body, parse_due_on, parse_title, parse_year,
};
use serde::Deserialize;
use serde_json::{Value, json};

use super::files::{FormState, check_file, store_attachment};
use super::{TaskAccess, list_tasks::render_list};
use crate::dossier::{Upload, read_upload};
use crate::error::{AppError, AppResult};
use crate::page::Ctx;
use crate::session::{CurrentUser, SignedIn, redirect_with_flash};
use crate::state::AppState;

#[derive(Debug, Default, Clone, Deserialize)]
pub struct PlanInput {
    /// The org whose goals these are.
    #[serde(default)]
    pub org_id: Option<i64>,
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct TaskInput {
    /// The goal this task breaks down (none: a task of the branch's own).
    #[serde(default)]
    pub plan_id: Option<i64>,
    /// Assign to an org (a group, a branch)…
    #[serde(default)]
    pub assignee_org_id: Option<i64>,
    /// …or to a person, by 学号/工号.
    #[serde(default)]
    pub assignee_student_no: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub due_on: String,
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct ReturnInput {
    #[serde(default)]
    pub comment: String,
}

async fn audit(
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    (action, entity, id): (&str, &str, i64),
    org: &OrgPath,
    after: Value,
) -> AppResult<()> {
    let e = crate::audit::entry(u, action, entity, id, Some(org.clone()), None, Some(after));
    redbranch_db::audit::append(c, u.tenant, e).await?;
    Ok(())
}

/// Publishes an org's goals for a year (`ManagePlans` on that org).
pub async fn create_plan(
    st: &AppState,
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    input: &PlanInput,
) -> AppResult<Plan> {
    let org_id = input
        .org_id
        .ok_or_else(|| FieldError::new("field.plan_org", "error.required"))?;
    let org = dborg::get(c, u.tenant, OrgId(org_id))
        .await
        .map_err(|_| FieldError::new("field.plan_org", "tasks.error.unknown_org"))?;
    u.grants.ensure(Permission::ManagePlans, &org.org_path())?;
    let mut errs = FieldErrors::default();
    let year = errs.take(parse_year("field.plan_year", &input.year, st.clock.today()));
    let title = errs.take(parse_title("field.plan_title", &input.title));
    let body = errs.take(parse_body("field.plan_body", &input.body, false));
    errs.into_result()?;
    let (Some(year), Some(title), Some(body)) = (year, title, body) else {
        return Err(FieldErrors::default().into());
    };
    let row = dbtasks::add_plan(
        c,
        u.tenant,
        NewPlan {
            org_id,
            year,
            title,
            body,
            by: u.user_id,
        },
    )
    .await?;
    let after = json!({"plan_id": row.id, "org_id": org_id, "year": year, "title": row.title});
    audit(
        c,
        u,
        ("plan_create", "plan", row.id),
        &org.org_path(),
        after,
    )
    .await?;
    Ok(row)
}

/// Who a task goes to, once checked: the org it counts under and the assignee.
struct Assignee {
    org: dborg::Org,
    person: Option<(i64, String)>,
}

async fn assignee(
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    input: &TaskInput,
    errs: &mut FieldErrors,
) -> AppResult<Option<Assignee>> {
    let field = "field.task_assignee";
    let no = input.assignee_student_no.trim();
    match (input.assignee_org_id, no.is_empty()) {
        (Some(_), false) | (None, true) => {
            errs.push(FieldError::new(field, "tasks.error.one_assignee"));
            Ok(None)
        }
        (Some(id), true) => match dborg::get(c, u.tenant, OrgId(id)).await {
            Ok(org) => {
                u.grants.ensure(Permission::ManageTasks, &org.org_path())?;
                Ok(Some(Assignee { org, person: None }))
            }
            Err(_) => {
                errs.push(FieldError::new(field, "tasks.error.unknown_org"));
                Ok(None)
            }
        },
        (None, false) => {
            let person = redbranch_db::people::by_student_no(c, u.tenant, no).await?;
            let Some(p) = person else {
                errs.push(FieldError::new(field, "tasks.error.unknown_person").with("value", no));
                return Ok(None);
            };
            let Some(org_id) = p.party_org_id.or(p.league_org_id) else {
                errs.push(FieldError::new(field, "tasks.error.person_without_org"));
                return Ok(None);
            };
            let org = dborg::get(c, u.tenant, OrgId(org_id)).await?;
            u.grants.ensure(Permission::ManageTasks, &org.org_path())?;
            Ok(Some(Assignee {
                org,
                person: Some((p.id, p.name)),
            }))
        }
    }
}

/// Sets a task for a group or a member (`ManageTasks` on the org it goes to); tells the assignee.
pub async fn create_task(
    st: &AppState,
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    input: &TaskInput,
) -> AppResult<Task> {
    let mut errs = FieldErrors::default();
    let who = assignee(c, u, input, &mut errs).await?;
    let due = errs.take(parse_due_on(
        "field.task_due_on",
        &input.due_on,
        st.clock.today(),
    ));
    let title = errs.take(parse_title("field.task_title", &input.title));
    let body = errs.take(parse_body("field.task_body", &input.body, false));
    if let Some(plan_id) = input.plan_id {
        match dbtasks::plan(c, u.tenant, plan_id).await {
            Ok(plan) => {
                let plan_org = dborg::get(c, u.tenant, OrgId(plan.org_id)).await?;
                // A goal is broken down below the org that set it, never beside it.
                if let Some(w) = &who
                    && !plan_org.org_path().contains(&w.org.org_path())
                {
                    errs.push(FieldError::new(
                        "field.task_plan",
                        "tasks.error.plan_elsewhere",
                    ));
                }
                if let Some(d) = due {
                    errs.take(due_in_plan_year("field.task_due_on", d, plan.year));
                }
            }
            Err(_) => errs.push(FieldError::new(
                "field.task_plan",
                "tasks.error.unknown_plan",
            )),
        }
    }
    errs.into_result()?;
    let (Some(who), Some(due_on), Some(title), Some(body)) = (who, due, title, body) else {
        return Err(FieldErrors::default().into());
    };
    let row = dbtasks::add_task(
        c,
        u.tenant,
        NewTask {
            plan_id: input.plan_id,
            org_id: who.org.id,
            assignee_org_id: who.person.is_none().then_some(who.org.id),
            assignee_person_id: who.person.as_ref().map(|p| p.0),
            title,
            body,
            due_on,
            by: u.user_id,
        },
    )
    .await?;
    let after = json!({"task_id": row.id, "plan_id": row.plan_id, "org_id": row.org_id,
        "assignee_person_id": row.assignee_person_id, "title": row.title, "due_on": row.due_on});
    audit(
        c,
        u,
        ("task_create", "task", row.id),
        &who.org.org_path(),
        after,
    )
    .await?;
    let told = account_of(c, u, who.person.as_ref().map(|p| p.0)).await?;
    let args = json!({"title": row.title, "date": row.due_on});
    notify(
        c,
        u,
        &told,
        ("tasks.notice.assigned", args),
        (row.id, format!("task:{}", row.id)),
    )
    .await?;
    Ok(row)
}

/// The account of a person assignee, to notify (none for an org task or a person without one).
async fn account_of(
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    person: Option<i64>,
) -> AppResult<Vec<i64>> {
    Ok(match person {
        Some(pid) => redbranch_db::auth::user_by_person(c, u.tenant, pid)
            .await?
            .map(|a| vec![a.id])
            .unwrap_or_default(),
        None => Vec::new(),
    })
}

async fn notify(
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    users: &[i64],
    (kind, args): (&str, Value),
    (task_id, dedupe): (i64, String),
) -> AppResult<()> {
    let notes: Vec<NewNotification> = users
        .iter()
        .filter(|id| **id != u.user_id.0)
        .map(|id| NewNotification {
            user_id: *id,
            kind: kind.into(),
            args: args.clone(),
            link: Some(format!("/tasks/{task_id}")),
            dedupe: dedupe.clone(),
        })
        .collect();
    dbdue::notify(c, u.tenant, &notes).await?;
    Ok(())
}

/// A result (text and/or a file) from the assignee; the task counts as done.
pub async fn submit_result(
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    (task, path, access): (&Task, &OrgPath, TaskAccess),
    up: &Upload,
    max: usize,
) -> AppResult<TaskResult> {
    if !access.assignee {
        return Err(FieldError::new("field.task_assignee", "tasks.error.not_assignee").into());
    }
    let status = TaskStatus::from_code(&task.status).unwrap_or(TaskStatus::Open);
    if !status.awaits_result() {
        return Err(FieldError::new("field.result_body", "tasks.error.already_done").into());
    }
    let mut errs = FieldErrors::default();
    let file = check_file(up, "field.result_file", max, &mut errs);
    let body = errs.take(parse_body("field.result_body", up.field("body"), false));
    if up.file.is_none() && up.field("body").is_empty() {
        errs.push(FieldError::new(
            "field.result_body",
            "tasks.error.text_or_file",
        ));
    }
    errs.into_result()?;
    let row =
        dbtasks::add_result(c, u.tenant, task.id, body.unwrap_or_default(), u.user_id).await?;
    let stored = match file {
        Some(f) => Some(store_attachment(c, u, ("task_result", row.id), f).await?),
        None => None,
    };
    dbtasks::set_status(
        c,
        u.tenant,
        task.id,
        &[TaskStatus::Open, TaskStatus::Returned],
        TaskStatus::Submitted,
        None,
    )
    .await?;
    let after = json!({"task_id": task.id, "result_id": row.id, "body": row.body,
        "file": stored.as_ref().map(|a| json!({"id": a.id, "filename": a.filename, "sha256": a.sha256, "size_bytes": a.size_bytes}))});
    audit(c, u, ("task_result", "task", task.id), path, after).await?;
    let args = json!({"title": task.title, "name": u.display_name});
    notify(
        c,
        u,
        &[task.created_by],
        ("tasks.notice.submitted", args),
        (task.id, format!("task_result:{}", row.id)),
    )
    .await?;
    Ok(row)
}

/// Sends a result back with a comment (`ManageTasks` on the task's org); the task is open again.
pub async fn return_task(
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    (task, path, _): (&Task, &OrgPath, TaskAccess),
    input: &ReturnInput,
) -> AppResult<()> {
    u.grants.ensure(Permission::ManageTasks, path)?;
    let comment = parse_body("field.return_comment", &input.comment, true)?;
    dbtasks::set_status(
        c,
        u.tenant,
        task.id,
        &[TaskStatus::Submitted],
        TaskStatus::Returned,
        Some(comment.clone()),
    )
    .await?;
    let after = json!({"task_id": task.id, "status": "returned", "comment": comment});
    audit(c, u, ("task_return", "task", task.id), path, after).await?;
    let told = account_of(c, u, task.assignee_person_id).await?;
    let args = json!({"title": task.title});
    notify(
        c,
        u,
        &told,
        ("tasks.notice.returned", args),
        (
            task.id,
            format!("task_return:{}:{}", task.id, chrono::Utc::now().timestamp()),
        ),
    )
    .await
}

/// `POST /tasks` from the page's form: back to the task, or the list again with the messages.
pub async fn create_task_form(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    axum::Form(f): axum::Form<HashMap<String, String>>,
) -> AppResult<Response> {
    let get = |k: &str| f.get(k).map(|s| s.trim().to_string()).unwrap_or_default();
    let input = TaskInput {
        plan_id: get("plan_id").parse().ok(),
        assignee_org_id: get("assignee_org_id").parse().ok(),
        assignee_student_no: get("assignee_student_no"),
        title: get("title"),
        body: get("body"),
        due_on: get("due_on"),
    };
    let txn = st.db.conn.begin().await?;
    match create_task(&st, &txn, &u, &input).await {
        Ok(t) => {
            txn.commit().await?;
            Ok(redirect_with_flash(
                &format!("/tasks/{}", t.id),
                "ok",
                "tasks.flash.created",
                st.settings.cookie_secure,
            ))
        }
        Err(AppError::Invalid(errs)) => {
            let form = FormState::from_errors(&ctx, f, &errs);
            render_list(&st, &ctx, &u, form).await
        }
        Err(e) => Err(e),
    }
}

/// Reads a multipart form for a result, keeping at most the school's document limit.
pub async fn read_result(
    st: &AppState,
    u: &CurrentUser,
    form: Multipart,
) -> AppResult<(Upload, usize)> {
    let max = crate::dossier::max_document_bytes(st, u).await?;
    Ok((read_upload(form, max).await?, max))
}
