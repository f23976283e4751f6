//! The home page: what the signed-in person sees first, by role.

use askama::Template;
use axum::extract::Path;
use axum::extract::State;
use axum::response::Response;
use redbranch_db::pipeline::due as dbdue;
use redbranch_domain::authz::Permission;
use redbranch_domain::org::OrgPath;
use redbranch_domain::people::PoliticalStatus;

use crate::error::AppResult;
use crate::page::{Ctx, Page, render};
use crate::session::{CurrentUser, SignedIn, redirect_with_flash};
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
    /// Unread notifications: (id, text, link).
    notices: Vec<(i64, String, Option<String>)>,
    /// Pipeline deadlines in the viewer's scope, overdue first (empty if they record none).
    due: Vec<DueLine>,
    /// Pinned notices sent to the viewer.
    pinned: Vec<crate::notices::PinnedLine>,
}

/// One pipeline deadline on the home page.
pub struct DueLine {
    pub person_id: i64,
    pub text: String,
    pub overdue: bool,
}

/// How many deadlines the home page lists; the board has the rest.
const DUE_SHOWN: u64 = 20;

async fn due_lines(st: &AppState, ctx: &Ctx, u: &CurrentUser) -> AppResult<Vec<DueLine>> {
    let mut roots = u.grants.scope(Permission::RecordPipeline).roots;
    roots.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    // A subtree already inside another listed root would list its people twice.
    let mut kept: Vec<OrgPath> = Vec::new();
    for r in roots {
        if !kept.iter().any(|k| k.contains(&r)) {
            kept.push(r);
        }
    }
    let mut rows = Vec::new();
    for root in &kept {
        rows.extend(dbdue::due_in(&st.db.conn, u.tenant, root, DUE_SHOWN).await?);
    }
    rows.sort_by_key(|r| (!r.overdue, r.due_on));
    rows.truncate(usize::try_from(DUE_SHOWN).unwrap_or(usize::MAX));
    Ok(rows
        .into_iter()
        .map(|r| DueLine {
            person_id: r.person_id,
            text: ctx.ta(
                &format!("pipeline_ui.due_line.{}", r.kind),
                &[
                    ("name", r.name.clone()),
                    ("date", r.due_on.format("%Y-%m-%d").to_string()),
                    ("org", r.org_name.clone().unwrap_or_default()),
                ],
            ),
            overdue: r.overdue,
        })
        .collect())
}

/// A stored notification's placeholders (a JSON object) as catalogue arguments.
pub(crate) fn notification_args(args: &serde_json::Value) -> Vec<(String, String)> {
    args.as_object()
        .map(|o| {
            o.iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.as_str().map_or_else(|| v.to_string(), str::to_string),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The text of a stored notification: its catalogue key with its stored placeholders.
fn notice_text(ctx: &Ctx, kind: &str, args: &str) -> String {
    let args = notification_args(&serde_json::from_str(args).unwrap_or_default());
    let borrowed: Vec<(&str, String)> = args.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    ctx.ta(kind, &borrowed)
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
    let notices = dbdue::unread(&st.db.conn, u.user_id.0, 10)
        .await?
        .into_iter()
        .map(|n| (n.id, notice_text(&ctx, &n.kind, &n.args), n.link))
        .collect();
    let due = due_lines(&st, &ctx, &u).await?;
    render(&HomePage {
        page: ctx.page("nav.home"),
        display_name: u.display_name.clone(),
        role_key: u.grants.top_role().label_key(),
        scope_names: names.join("、"),
        show_stats: !scope.is_empty(),
        counts,
        total,
        person_id: u.person_id,
        notices,
        due,
        pinned: crate::notices::pinned_lines(&st, &u).await?,
    })
}

/// `POST /notifications/{id}/read`: marks one of the viewer's notifications read.
pub async fn read_notification(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let id = crate::orgs::parse_id(&raw)?;
    dbdue::mark_read(&st.db.conn, u.user_id.0, id).await?;
    Ok(redirect_with_flash(
        "/",
        "ok",
        "pipeline_ui.flash_read",
        st.settings.cookie_secure,
    ))
}
