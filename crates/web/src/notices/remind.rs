//! Reminders to those who have not read a notice: the publisher's action (at most once a day,
//! 《关于解决形式主义突出问题为基层减负的通知》, see `domain::notices::may_remind`), and a daily job
//! that reminds once, some days after publication. The job is claimed through `job_runs` like
//! the pipeline's deadline job, so one node of several runs it.

use axum::extract::{Path, State};
use axum::response::Response;
use chrono::NaiveDate;
use redbranch_db::notices::{self as dbnotices, Notice};
use redbranch_db::pipeline::due::{self as dbdue, NewNotification};
use redbranch_db::tenants::TenantId;
use redbranch_db::{ConnectionTrait, TransactionTrait};
use redbranch_domain::authz::Permission;
use redbranch_domain::notices::{NoticeSettings, RemindRefusal, auto_remind_due, may_remind};
use redbranch_domain::org::OrgPath;
use redbranch_i18n::{Locale, tr_args};
use serde_json::json;

use super::notice_for;
use super::send::{Address, Message, deliver, outbox};
use crate::error::{AppError, AppResult};
use crate::session::{CurrentUser, SignedIn, redirect_with_flash};
use crate::state::AppState;

pub const JOB: &str = "notice_remind";

/// Sends `n` on every configured channel to `users` (in the background: a slow mail server
/// must not hold the request; the in-app notification is already stored either way).
pub async fn send_out(st: &AppState, n: &Notice, users: &[i64], subject_key: &'static str) {
    let emails = redbranch_db::tasks::emails_of(&st.db.conn, users)
        .await
        .unwrap_or_default();
    let to: Vec<Address> = users
        .iter()
        .map(|id| Address {
            user_id: *id,
            name: String::new(),
            email: emails.get(id).cloned(),
        })
        .collect();
    // Messages outside the app go out in Chinese, the school's language.
    let m = Message {
        subject: tr_args(Locale::ZhCn, subject_key, &[("title", n.title.clone())]),
        body: n.body.clone(),
        link: format!("/notices/{}", n.id),
    };
    let smtp = st.settings.smtp.clone();
    tokio::spawn(async move {
        let senders = outbox(smtp.as_ref());
        let sent = deliver(&senders, &to, &m).await;
        tracing::info!(link = %m.link, recipients = to.len(), sent, "notice delivered");
    });
}

/// In-app reminders to everyone who has not read `n`, once today's reminder has been claimed;
/// returns who was reminded.
async fn remind_now(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    n: &Notice,
    today: NaiveDate,
) -> AppResult<Vec<i64>> {
    let who = dbnotices::remind_unread(c, n.id).await?;
    let notes: Vec<NewNotification> = who
        .iter()
        .map(|id| NewNotification {
            user_id: *id,
            kind: "notices.notification.remind".into(),
            args: json!({"title": n.title}),
            link: Some(format!("/notices/{}", n.id)),
            dedupe: format!("notice:{}:remind:{today}", n.id),
        })
        .collect();
    dbdue::notify(c, tenant, &notes).await?;
    Ok(who)
}

/// The publisher's reminder (`PublishNotices` on the publishing org): refused when everyone has
/// read or a reminder already went out today. Returns how many were reminded.
pub async fn remind(
    st: &AppState,
    u: &CurrentUser,
    (n, path): (&Notice, &OrgPath),
) -> AppResult<usize> {
    u.grants.ensure(Permission::PublishNotices, path)?;
    let today = st.clock.today();
    let (read, total) = dbnotices::counts(&st.db.conn, &[n.id])
        .await?
        .get(&n.id)
        .copied()
        .unwrap_or((0, 0));
    match may_remind(total - read.min(total), n.reminded_on, today) {
        Err(RemindRefusal::NobodyLeft) => return Err(AppError::Conflict("everyone_read")),
        Err(RemindRefusal::AlreadyToday) => return Err(AppError::Conflict("reminded_today")),
        Ok(()) => {}
    }
    let txn = st.db.conn.begin().await?;
    // Claimed in the database: of two clicks (or two nodes) only one sends.
    if !dbnotices::claim_reminder(&txn, n.id, today, false).await? {
        return Err(AppError::Conflict("reminded_today"));
    }
    let who = remind_now(&txn, u.tenant, n, today).await?;
    let after = json!({"notice_id": n.id, "reminded": who.len(), "on": today});
    let e = crate::audit::entry(
        u,
        "notice_remind",
        "notice",
        n.id,
        Some(path.clone()),
        None,
        Some(after),
    );
    redbranch_db::audit::append(&txn, u.tenant, e).await?;
    txn.commit().await?;
    send_out(st, n, &who, "notices.mail.remind").await;
    Ok(who.len())
}

/// `POST /notices/{id}/remind` from the notice page.
pub async fn remind_form(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let (n, path, _) = notice_for(&st, &u, &raw).await?;
    let to = format!("/notices/{}", n.id);
    let secure = st.settings.cookie_secure;
    match remind(&st, &u, (&n, &path)).await {
        Ok(_) => Ok(redirect_with_flash(
            &to,
            "ok",
            "notices.flash.reminded",
            secure,
        )),
        Err(AppError::Conflict(code)) => Ok(redirect_with_flash(
            &to,
            "error",
            &format!("error.{code}"),
            secure,
        )),
        Err(e) => Err(e),
    }
}

/// What one run of the daily job did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct RemindRun {
    pub notices: usize,
    pub reminded: usize,
}

/// Runs the job for `tenant` on `today`: unless `force`, only if no node has run it today.
pub async fn run_reminders(
    st: &AppState,
    tenant: TenantId,
    today: NaiveDate,
    force: bool,
) -> AppResult<Option<RemindRun>> {
    let c = &st.db.conn;
    let run = match dbdue::claim(c, tenant, JOB, today).await? {
        Some(id) => Some(id),
        None if force => None,
        None => return Ok(None),
    };
    let s: NoticeSettings = crate::settings::school_section(c, tenant, "notices").await?;
    let mut out = RemindRun::default();
    for n in dbnotices::not_auto_reminded(c, tenant).await? {
        if !auto_remind_due(n.published_on, today, n.auto_reminded, s) {
            continue;
        }
        let txn = st.db.conn.begin().await?;
        if !dbnotices::claim_reminder(&txn, n.id, today, true).await? {
            continue;
        }
        let who = remind_now(&txn, tenant, &n, today).await?;
        txn.commit().await?;
        out.notices += 1;
        out.reminded += who.len();
        send_out(st, &n, &who, "notices.mail.remind").await;
    }
    if let Some(run) = run {
        dbdue::finish(c, run, out.reminded).await?;
    }
    Ok(Some(out))
}

/// Runs the job once a day on whichever node gets there first.
pub fn spawn_daily(st: AppState) {
    crate::pipeline::due::spawn_school_job(
        st,
        "notice reminders",
        |st, tenant, today| async move { run_reminders(&st, tenant, today, false).await },
    );
}
