//! The weekly lesson (青年大学习 style) on the web side: members watch and answer; League
//! administrators (`PublishLessons`) publish to the orgs of their subtree and read participation
//! rolled up the League tree; a branch's overseers (`ViewMembers`) see who has not completed,
//! remind them, and export the provincial table.

mod manage;
mod take;
mod video;

pub use manage::{
    PublishInput, export_xlsx, parse_questions, participation, pending, publish_lesson, remind,
    show_participation, submit_publish, submit_remind,
};
pub use take::{AnswerInput, complete_lesson, show_lesson, show_lessons, submit_answers};
pub use video::{ensure_may_watch, max_video_bytes, store_video};

use redbranch_db::org::{self as dborg, Org};
use redbranch_domain::authz::{Forbidden, Permission};
use redbranch_domain::org::OrgId;

use crate::error::{AppError, AppResult};
use crate::session::CurrentUser;
use crate::state::AppState;

/// The org asked for (or the caller's first League root for `p`), checked against `p`.
pub async fn org_for(
    st: &AppState,
    u: &CurrentUser,
    id: Option<i64>,
    p: Permission,
) -> AppResult<Org> {
    let id = match id {
        Some(id) => id,
        None => {
            let scope = u.grants.scope(p);
            let mut found = None;
            for r in &scope.roots {
                let Some(last) = r.ids().last().copied() else {
                    continue;
                };
                let o = dborg::get(&st.db.conn, u.tenant, last).await?;
                if o.tree == "league" {
                    found = Some(o.id);
                    break;
                }
            }
            found.ok_or(AppError::Forbidden(Forbidden(p)))?
        }
    };
    let org = dborg::get(&st.db.conn, u.tenant, OrgId(id)).await?;
    u.grants.ensure(p, &org.org_path())?;
    Ok(org)
}

/// Where the lesson's video plays from: the uploaded file, else the URL.
pub fn video_src(l: &redbranch_db::lessons::LessonRow) -> String {
    match l.media_id {
        Some(m) => format!("/media/{m}"),
        None => l.video_url.clone(),
    }
}

pub fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/lessons", get(show_lessons).post(submit_publish))
        .route("/lessons/{id}", get(show_lesson).post(submit_answers))
        .route("/lessons/{id}/participation", get(show_participation))
        .route("/lessons/{id}/remind", post(submit_remind))
        .route("/lessons/{id}/participation.xlsx", get(export_xlsx))
}
