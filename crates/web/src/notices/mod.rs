//! Notices and documents (通知、文件) on the web side (issue #4 part 5): publishing to chosen
//! subtrees or roles, read receipts, reminders to those who have not read, pinned notices on
//! the home page, delivery in-app and through the [`send`] channels.
//!
//! Who is who: `PublishNotices` on an org publishes from it to orgs of its subtree, and sees the
//! receipts of notices published there; a recipient reads (the first opening is the receipt).
//! Everyone else is refused.

pub mod email;
pub mod list_notices;
pub mod publish;
pub mod remind;
pub mod send;
mod show_notice;

pub use email::{save_email, show_email};
pub use list_notices::{NoticeLine, list_notices};
pub use publish::{NoticeInput, new_notice, publish_form, publish_notice};
pub use remind::{remind, remind_form};
pub use show_notice::{NoticeView, download_notice_file, load_notice, show_notice};

use redbranch_db::notices::{self as dbnotices, Notice, Recipient};
use redbranch_db::org as dborg;
use redbranch_domain::authz::{Forbidden, Permission};
use redbranch_domain::notices::NoticeSettings;
use redbranch_domain::org::{OrgId, OrgPath};

use crate::error::{AppError, AppResult};
use crate::orgs::parse_id;
use crate::session::CurrentUser;
use crate::state::AppState;

/// What the caller is to a notice.
#[derive(Debug, Clone)]
pub struct NoticeAccess {
    /// Their receipt, if the notice was sent to them.
    pub recipient: Option<Recipient>,
    /// `PublishNotices` on the publishing org: sees receipts, reminds.
    pub publisher: bool,
}

/// The notice of `raw`, the publishing org's path, and what `u` is to it; anyone else is refused.
pub async fn notice_for(
    st: &AppState,
    u: &CurrentUser,
    raw: &str,
) -> AppResult<(Notice, OrgPath, NoticeAccess)> {
    let id = parse_id(raw)?;
    let n = dbnotices::notice(&st.db.conn, u.tenant, id).await?;
    let path = dborg::get(&st.db.conn, u.tenant, OrgId(n.org_id))
        .await?
        .org_path();
    let access = NoticeAccess {
        recipient: dbnotices::recipient(&st.db.conn, n.id, u.user_id).await?,
        publisher: u.grants.allows(Permission::PublishNotices, &path),
    };
    if access.recipient.is_none() && !access.publisher {
        return Err(AppError::Forbidden(Forbidden(Permission::PublishNotices)));
    }
    Ok((n, path, access))
}

/// The school's notice settings: the defaults, with what the school set under `"notices"`.
pub async fn settings(st: &AppState, u: &CurrentUser) -> AppResult<NoticeSettings> {
    crate::settings::school_section(&st.db.conn, u.tenant, "notices").await
}

/// A pinned notice on the home page.
pub struct PinnedLine {
    pub id: i64,
    pub title: String,
    pub date: String,
    pub read: bool,
}

/// The pinned notices sent to the viewer, newest first, for the home page.
pub async fn pinned_lines(st: &AppState, u: &CurrentUser) -> AppResult<Vec<PinnedLine>> {
    let s = settings(st, u).await?;
    Ok(
        dbnotices::pinned_for(&st.db.conn, u.tenant, u.user_id, s.max_pinned)
            .await?
            .into_iter()
            .map(|(n, read)| PinnedLine {
                id: n.id,
                title: n.title,
                date: n.published_on.format("%Y-%m-%d").to_string(),
                read,
            })
            .collect(),
    )
}

/// The notice pages and their form posts (merged into the main router).
pub fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/notices", get(list_notices).post(publish_form))
        .route("/notices/new", get(new_notice))
        .route("/notices/{id}", get(show_notice))
        .route("/notices/{id}/remind", post(remind_form))
        .route("/notices/{id}/files/{file}", get(download_notice_file))
        .route("/me/email", get(show_email).post(save_email))
}
