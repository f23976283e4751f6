//! The home page: what the signed-in person sees first, by role.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use redbranch_domain::authz::Permission;
use redbranch_domain::people::PoliticalStatus;

use crate::error::AppResult;
use crate::page::{Ctx, Page, render};
use crate::session::SignedIn;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    page: Page,
    display_name: String,
    role_key: &'static str,
    scope_names: String,
    show_stats: bool,
    counts: Vec<(String, u64)>,
    total: u64,
    person_id: Option<i64>,
}

pub async fn show_home(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
) -> AppResult<Response> {
    let scope = u.grants.scope(Permission::ViewMembers);
    let counts_raw = redbranch_db::people::count_by_status(&st.db.conn, u.tenant, &scope).await?;
    let mut counts = Vec::new();
    let mut total = 0;
    for s in PoliticalStatus::ALL {
        let n = counts_raw
            .iter()
            .find(|(c, _)| c == s.code())
            .map_or(0, |(_, n)| *n);
        total += n;
        counts.push((ctx.t(s.label_key()).to_string(), n));
    }
    let grants = redbranch_db::auth::grant_views(&st.db.conn, u.user_id).await?;
    let mut names: Vec<String> = grants.into_iter().map(|g| g.org_name).collect();
    names.dedup();
    render(&HomePage {
        page: ctx.page("nav.home"),
        display_name: u.display_name.clone(),
        role_key: u.grants.top_role().label_key(),
        scope_names: names.join("、"),
        show_stats: !scope.is_empty(),
        counts,
        total,
        person_id: u.person_id,
    })
}
