//! `GET /notices/{id}`: a notice and its documents. For a recipient the first opening is the
//! read receipt; for the publishing tier the page lists who has and has not read, and offers the
//! reminder. The same view is the API's.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use redbranch_db::notices::{self as dbnotices, Notice, Receipt};
use redbranch_db::org as dborg;
use redbranch_db::tasks as dbtasks;
use redbranch_domain::org::OrgId;

use super::{NoticeAccess, notice_for};
use crate::error::AppResult;
use crate::orgs::parse_id;
use crate::page::{Ctx, Page, render};
use crate::session::{CurrentUser, SignedIn};
use crate::state::AppState;
use crate::tasks::files::file_response;

/// A notice as its page and the API show it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct NoticeView {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub org: String,
    pub published_on: String,
    pub pinned: bool,
    /// Role codes it went to; empty: everyone in the target orgs.
    pub roles: Vec<&'static str>,
    pub targets: Vec<String>,
    /// (file id, filename, size in KB).
    pub files: Vec<(i64, String, i64)>,
    /// For the publishing tier: (read, total) and every receipt, unread first.
    pub read: Option<u64>,
    pub total: Option<u64>,
    pub receipts: Vec<Receipt>,
    pub reminded_today: bool,
}

/// Loads the view; a recipient's first opening records the receipt.
pub async fn load_notice(
    st: &AppState,
    u: &CurrentUser,
    (n, access): (Notice, &NoticeAccess),
) -> AppResult<NoticeView> {
    let c = &st.db.conn;
    if access
        .recipient
        .as_ref()
        .is_some_and(|r| r.read_at.is_none())
    {
        // The receipt row is the record of reading; it is not also audited (a notice to 3,000
        // students would queue 3,000 appends on the school's audit chain).
        dbnotices::mark_read(c, n.id, u.user_id).await?;
        dbnotices::clear_notifications(c, u.user_id, &format!("/notices/{}", n.id)).await?;
    }
    let org = dborg::get(c, u.tenant, OrgId(n.org_id)).await?.name;
    let target_ids = dbnotices::targets_of(c, n.id).await?;
    let targets = dborg::by_ids(c, u.tenant, &target_ids)
        .await?
        .into_iter()
        .map(|o| o.name)
        .collect();
    let files = dbtasks::attachments_of(c, u.tenant, "notice", &[n.id])
        .await?
        .remove(&n.id)
        .unwrap_or_default()
        .into_iter()
        .map(|(i, name, s)| (i, name, (s + 1023) / 1024))
        .collect();
    let (read, total, receipts) = if access.publisher {
        let r = dbnotices::receipts(c, n.id).await?;
        let read = r.iter().filter(|x| x.read_at.is_some()).count() as u64;
        (Some(read), Some(r.len() as u64), r)
    } else {
        (None, None, Vec::new())
    };
    Ok(NoticeView {
        id: n.id,
        title: n.title,
        body: n.body,
        org,
        published_on: n.published_on.format("%Y-%m-%d").to_string(),
        pinned: n.pinned,
        roles: redbranch_domain::notices::Audience::from_stored(&n.roles)
            .roles
            .into_iter()
            .map(|r| r.code())
            .collect(),
        targets,
        files,
        read,
        total,
        receipts,
        reminded_today: n.reminded_on.is_some_and(|d| d >= st.clock.today()),
    })
}

#[derive(Template)]
#[template(path = "notices/show.html")]
struct NoticePage {
    page: Page,
    n: NoticeView,
}

impl NoticePage {
    /// When a receipt was read, in Beijing time ("" if not read).
    fn read_at(&self, r: &Receipt) -> String {
        r.read_at
            .map(|t| crate::fmt::beijing(t, "%m-%d %H:%M"))
            .unwrap_or_default()
    }

    /// How many have not read.
    fn unread(&self) -> u64 {
        let total = self.n.total.unwrap_or_default();
        total.saturating_sub(self.n.read.unwrap_or_default())
    }
}

pub async fn show_notice(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let (n, _, access) = notice_for(&st, &u, &raw).await?;
    let v = load_notice(&st, &u, (n, &access)).await?;
    let mut page = ctx.page_titled(v.title.clone());
    page.back = Some("/notices".into());
    render(&NoticePage { page, n: v })
}

/// `GET /notices/{id}/files/{file}` (and under `/api/v1`): a document of the notice, to whoever
/// may read it.
pub async fn download_notice_file(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path((raw, raw_file)): Path<(String, String)>,
) -> AppResult<Response> {
    let (n, _, _) = notice_for(&st, &u, &raw).await?;
    let file = parse_id(&raw_file)?;
    let a = dbtasks::attachment(&st.db.conn, u.tenant, ("notice", &[n.id]), file).await?;
    Ok(file_response(a))
}
