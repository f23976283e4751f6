//! `GET /notices`: the notices sent to me (unread first to the eye: a badge), and for the
//! publishing tier the notices published in their subtree with how many have read each.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use redbranch_db::notices as dbnotices;
use redbranch_domain::authz::Permission;

use crate::error::AppResult;
use crate::page::{Ctx, Page, render};
use crate::session::{CurrentUser, SignedIn};
use crate::state::AppState;

/// Most notices listed per section.
const SHOWN: u64 = 100;

/// One notice in a list.
#[derive(Debug, Clone, serde::Serialize)]
pub struct NoticeLine {
    pub id: i64,
    pub title: String,
    pub published_on: String,
    pub pinned: bool,
    /// For the inbox: whether I have read it.
    pub read: bool,
    /// For the published list: how many have read, of how many.
    pub read_count: u64,
    pub total: u64,
}

/// (inbox, published) for the viewer.
pub async fn lines(
    st: &AppState,
    u: &CurrentUser,
) -> AppResult<(Vec<NoticeLine>, Vec<NoticeLine>)> {
    let c = &st.db.conn;
    let inbox = dbnotices::inbox(c, u.tenant, u.user_id, SHOWN)
        .await?
        .into_iter()
        .map(|(n, read_at)| NoticeLine {
            id: n.id,
            title: n.title,
            published_on: n.published_on.format("%Y-%m-%d").to_string(),
            pinned: n.pinned,
            read: read_at.is_some(),
            read_count: 0,
            total: 0,
        })
        .collect();
    let roots = u.grants.scope(Permission::PublishNotices).roots;
    let published = dbnotices::published_in(c, u.tenant, &roots, SHOWN).await?;
    let ids: Vec<i64> = published.iter().map(|n| n.id).collect();
    let counts = dbnotices::counts(c, &ids).await?;
    let published = published
        .into_iter()
        .map(|n| {
            let (read, total) = counts.get(&n.id).copied().unwrap_or((0, 0));
            NoticeLine {
                id: n.id,
                title: n.title,
                published_on: n.published_on.format("%Y-%m-%d").to_string(),
                pinned: n.pinned,
                read: false,
                read_count: read,
                total,
            }
        })
        .collect();
    Ok((inbox, published))
}

#[derive(Template)]
#[template(path = "notices/index.html")]
struct NoticesPage {
    page: Page,
    inbox: Vec<NoticeLine>,
    published: Vec<NoticeLine>,
    may_publish: bool,
}

pub async fn list_notices(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
) -> AppResult<Response> {
    let (inbox, published) = lines(&st, &u).await?;
    render(&NoticesPage {
        page: ctx.page("notices.title"),
        inbox,
        published,
        may_publish: u.grants.anywhere(Permission::PublishNotices),
    })
}
