//! The daily deadline job: for everyone in the pipeline, what is due or overdue today (the
//! domain's `due_items`), stored for the home pages and boards, and announced once to whoever
//! must act — the branch's secretary and committee, the 组织员 and college for the higher
//! committee's deadlines, and the student for their own 思想汇报.
//!
//! Several nodes may serve one database: each tries to claim the day's run by inserting its
//! row, and only the node that inserted it runs the job.
//!
//! Outside the app (e-mail when `[smtp]` is configured, and the SMS/WeChat stand-in), each
//! person told gets one message a run listing what is new for them — only notifications not
//! stored before, so an overdue item is mailed once, not every day it stays overdue.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use chrono::NaiveDate;
use redbranch_db::pipeline::due::{self as dbdue, DueRow, NewNotification};
use redbranch_db::tenants::TenantId;
use redbranch_db::{Db, TransactionTrait};
use redbranch_domain::authz::Role;
use redbranch_domain::pipeline::DueKind;
use redbranch_i18n::{Locale, tr_args};
use serde_json::json;

use super::record::settings_of;
use crate::error::AppResult;
use crate::notices::send::{Address, Message, SmtpSettings, deliver, outbox};
use crate::state::AppState;

pub const JOB: &str = "pipeline_due";

/// How often each node looks whether today's run has happened.
const POLL: Duration = Duration::from_secs(600);

/// What one run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct DueRun {
    pub people: usize,
    pub items: usize,
    pub overdue: usize,
    pub notifications: usize,
    /// Messages sent outside the app (e-mail, and the SMS/WeChat log stand-in).
    pub sent: usize,
}

/// Runs the job for `tenant` on `today`: unless `force`, only if no node has run it today.
pub async fn run_due(
    db: &Db,
    smtp: Option<&SmtpSettings>,
    tenant: TenantId,
    today: NaiveDate,
    force: bool,
) -> AppResult<Option<DueRun>> {
    let c = &db.conn;
    let run = match dbdue::claim(c, tenant, JOB, today).await? {
        Some(id) => Some(id),
        None if force => None,
        None => return Ok(None),
    };
    let s = settings_of(c, tenant).await?;
    let people = dbdue::people_in_pipeline(c, tenant).await?;
    let holders = dbdue::holders(c, tenant).await?;
    let paths = dbdue::org_paths(c, tenant).await?;
    let accounts = dbdue::accounts(c, tenant).await?;
    let reports = dbdue::last_reports(c, tenant).await?;
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    // Who acts on a branch's deadlines, worked out once per branch and kind of deadline rather
    // than by scanning every role in the school for each of tens of thousands of deadlines.
    let mut actors: HashMap<(i64, bool), Vec<i64>> = HashMap::new();
    for p in &people {
        let last_report = reports.get(&p.person_id).copied();
        let org_name = p
            .org_id
            .and_then(|id| paths.get(&id))
            .map_or("", |(_, name)| name.as_str());
        for item in s.due_items(&p.history, today, last_report) {
            rows.push(DueRow {
                person_id: p.person_id,
                org_id: p.org_id,
                kind: item.kind.code(),
                due_on: item.due_on,
                overdue: item.overdue,
            });
            let higher = item.kind.by_higher_committee();
            let mut told = match p.org_id.and_then(|id| Some((id, &paths.get(&id)?.0))) {
                Some((id, branch)) => actors
                    .entry((id, higher))
                    .or_insert_with(|| {
                        holders
                            .iter()
                            .filter(|h| h.path.contains(branch))
                            .filter(|h| must_act(h.role, higher, h.path == *branch))
                            .map(|h| h.user_id)
                            .collect()
                    })
                    .clone(),
                None => Vec::new(),
            };
            if item.kind == DueKind::ThoughtReport
                && let Some(own) = accounts.get(&p.person_id)
            {
                told.push(*own);
            }
            told.sort_unstable();
            told.dedup();
            let state = if item.overdue { "late" } else { "near" };
            for user_id in told {
                notes.push(NewNotification {
                    user_id,
                    kind: format!("pipeline_ui.notice.{}_{state}", item.kind.code()),
                    args: json!({"name": p.name, "org": org_name, "date": item.due_on}),
                    link: Some(format!("/members/{}/pipeline", p.person_id)),
                    dedupe: format!(
                        "due:{}:{}:{}:{state}",
                        item.kind.code(),
                        p.person_id,
                        item.due_on
                    ),
                });
            }
        }
    }
    let txn = db.conn.begin().await?;
    dbdue::replace_due(&txn, tenant, today, &rows).await?;
    let before = dbdue::already_sent(&txn, tenant, &notes).await?;
    dbdue::notify(&txn, tenant, &notes).await?;
    if let Some(run) = run {
        dbdue::finish(&txn, run, rows.len()).await?;
    }
    txn.commit().await?;
    let fresh: Vec<&NewNotification> = notes
        .iter()
        .filter(|n| !before.contains(&(n.user_id, n.dedupe.clone())))
        .collect();
    let sent = send_out(db, smtp, &fresh).await;
    Ok(Some(DueRun {
        people: people.len(),
        items: rows.len(),
        overdue: rows.iter().filter(|r| r.overdue).count(),
        notifications: notes.len(),
        sent,
    }))
}

/// Sends each user one message listing their new notifications, on every channel of the
/// outbox (after the commit: the in-app notifications are stored whatever the mail server
/// does). Returns how many messages went out.
async fn send_out(db: &Db, smtp: Option<&SmtpSettings>, fresh: &[&NewNotification]) -> usize {
    let mut by_user: BTreeMap<i64, Vec<&NewNotification>> = BTreeMap::new();
    for n in fresh {
        by_user.entry(n.user_id).or_default().push(n);
    }
    if by_user.is_empty() {
        return 0;
    }
    let users: Vec<i64> = by_user.keys().copied().collect();
    let emails = match redbranch_db::tasks::emails_of(&db.conn, &users).await {
        Ok(e) => e,
        Err(e) => {
            tracing::warn!(error = %e, "deadline job: cannot read e-mail addresses");
            HashMap::new()
        }
    };
    let senders = outbox(smtp);
    let mut sent = 0;
    for (user_id, items) in by_user {
        let to = [Address {
            user_id,
            name: String::new(),
            email: emails.get(&user_id).cloned(),
        }];
        sent += deliver(&senders, &to, &mail_of(&items)).await;
    }
    sent
}

/// One user's message: each new item on its own line with its link. Messages outside the app
/// go out in Chinese, the school's language.
fn mail_of(items: &[&NewNotification]) -> Message {
    let lines: Vec<String> = items
        .iter()
        .map(|n| {
            let args = crate::home::notification_args(&n.args);
            let args: Vec<(&str, &str)> =
                args.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let text = tr_args(Locale::ZhCn, &n.kind, &args);
            match &n.link {
                Some(l) => format!("{text}\n{l}"),
                None => text,
            }
        })
        .collect();
    Message {
        subject: tr_args(
            Locale::ZhCn,
            "pipeline_ui.mail.subject",
            &[("count", items.len().to_string())],
        ),
        body: lines.join("\n\n"),
        link: "/".into(),
    }
}

/// Whether a role must act on a deadline for a person of a branch it covers: the branch's own
/// secretary and committee (`at_branch`) act on the branch's deadlines; the 组织员 and the
/// college act on the higher committee's (`higher`). School-wide roles see counts, not every
/// message.
fn must_act(role: Role, higher: bool, at_branch: bool) -> bool {
    match role {
        Role::BranchSecretary | Role::BranchCommittee => at_branch && !higher,
        Role::Organiser | Role::CollegeAdmin => higher,
        Role::Member | Role::SchoolAdmin | Role::SystemAdmin => false,
    }
}

/// Runs the job once a day on whichever node gets there first; each node checks every ten
/// minutes (and at start) whether today's run has happened.
pub fn spawn_daily(st: AppState) {
    spawn_school_job(st, "due job", |st, tenant, today| async move {
        run_due(&st.db, st.settings.smtp.as_ref(), tenant, today, false).await
    });
}

/// Every ten minutes (and at start), for each school, calls `run` with today's date; `run`
/// claims the day's run itself (`job_runs`), so on every node but one it does nothing. `what`
/// names the job in the log.
pub fn spawn_school_job<F, Fut, R>(st: AppState, what: &'static str, run: F)
where
    F: Fn(AppState, TenantId, NaiveDate) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = AppResult<Option<R>>> + Send,
    R: std::fmt::Debug,
{
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(POLL);
        loop {
            tick.tick().await;
            let tenants = match redbranch_db::tenants::list(&st.db.conn).await {
                Ok(t) => t,
                Err(e) => {
                    tracing::warn!(error = %e, job = what, "cannot list schools");
                    continue;
                }
            };
            for t in tenants {
                let today = st.clock.today();
                match run(st.clone(), TenantId(t.id), today).await {
                    Ok(Some(r)) => tracing::info!(school = %t.code, job = what, ?r, "job ran"),
                    Ok(None) => {}
                    Err(e) => {
                        tracing::warn!(school = %t.code, job = what, error = ?e, "job failed")
                    }
                }
            }
        }
    });
}
