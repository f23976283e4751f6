//! `GET /meetings/compliance?org=ID&year=YYYY`: required meetings against those held, for a
//! branch (each requirement month by month), or rolled up for each org under a college or the
//! school, each row drilling down; and the branches that have gone silent.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use redbranch_domain::meetings::MeetingKind;
use redbranch_domain::meetings::compliance::year_of;
use serde::Deserialize;

use super::compliance::{ComplianceView, compute_with, root_for};
use crate::error::AppResult;
use crate::fmt::date_opt;
use crate::page::{Ctx, Page, render};
use crate::session::SignedIn;
use crate::state::AppState;

/// How many silent branches the page lists (the count says how many there are).
const SILENT_SHOWN: usize = 50;

#[derive(Debug, Default, Deserialize)]
pub struct ComplianceQuery {
    pub org: Option<i64>,
    pub year: Option<i32>,
}

#[derive(Template)]
#[template(path = "meetings/compliance.html")]
struct CompliancePage {
    page: Page,
    v: ComplianceView,
    /// (code, name) for the kinds in the branch detail.
    kind_names: Vec<(&'static str, String)>,
    silent: Vec<(i64, String, String)>,
}

impl CompliancePage {
    fn kind_name(&self, code: &str) -> String {
        self.kind_names
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, n)| n.clone())
            .unwrap_or_default()
    }

    /// The catalogue's word for `{prefix}.{code}`.
    fn label(&self, prefix: &str, code: &str) -> String {
        self.page.t(&format!("{prefix}.{code}")).to_string()
    }

    fn pct(&self, p: &Option<u32>) -> String {
        p.map_or_else(|| "—".into(), |p| format!("{p}%"))
    }
}

pub async fn show_compliance(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Query(q): Query<ComplianceQuery>,
) -> AppResult<Response> {
    let root = root_for(&st, &u, q.org).await?;
    let year = q.year.unwrap_or_else(|| year_of(st.clock.today()));
    let (v, silent) = compute_with(&st, &u, &root, year, true).await?;
    let silent = silent
        .into_iter()
        .take(SILENT_SHOWN)
        .map(|(id, name, last)| (id, name, date_opt(last)))
        .collect();
    // Up one level only while the caller may see it.
    let parent = root.parent_id.filter(|p| {
        root.org_path().ids().iter().any(|id| id.0 == *p)
            && u.grants.allows(
                redbranch_domain::authz::Permission::ManageMeetings,
                &redbranch_domain::org::OrgPath::from_stored(
                    root.path
                        .trim_end_matches(&format!("{}/", root.id))
                        .to_string(),
                ),
            )
    });
    let mut page = ctx.page_titled(ctx.ta(
        "meetings.compliance_title",
        &[("org", v.org_name.clone()), ("year", year.to_string())],
    ));
    page.back = parent.map(|p| format!("/meetings/compliance?org={p}&year={year}"));
    render(&CompliancePage {
        page,
        kind_names: MeetingKind::ALL
            .into_iter()
            .map(|k| (k.code(), ctx.t(&k.key()).to_string()))
            .collect(),
        v,
        silent,
    })
}
