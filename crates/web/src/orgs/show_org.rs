//! `GET /orgs/{id}`: an org's page — where it sits, its committee, sub-orgs, members and history,
//! and (for those who manage it) the forms that change it.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use redbranch_db::org::{self as dborg, Org};
use redbranch_db::people::{self as dbpeople, MemberFilter};
use redbranch_domain::authz::{Permission, Scope};
use redbranch_domain::org::{OrgId, OrgKind, PositionTitle};

use super::{FormErrors, OrgNode, parse_id};
use crate::error::AppResult;
use crate::page::{Ctx, Page, render};
use crate::session::{CurrentUser, SignedIn};
use crate::state::AppState;

/// Direct members listed on the page; the full list is on `/members?org=…`.
const MEMBERS_SHOWN: u64 = 100;

/// What the management forms hold: empty on a plain visit, what was typed after a refusal.
#[derive(Debug, Clone, Default)]
pub struct OrgForms {
    pub kind: String,
    pub code: String,
    pub name: String,
    pub founded_on: String,
    pub new_name: String,
    pub target_code: String,
    pub student_no: String,
    pub title: String,
    pub started_on: String,
    pub errors: FormErrors,
}

impl OrgForms {
    pub fn fresh(org: &Org) -> Self {
        Self {
            new_name: org.name.clone(),
            started_on: crate::fmt::beijing(chrono::Utc::now(), "%Y-%m-%d"),
            ..Self::default()
        }
    }
}

pub struct PositionRow {
    pub title: String,
    pub person_id: i64,
    pub person_name: String,
    pub since: String,
}

pub struct MemberLink {
    pub id: i64,
    pub name: String,
    pub student_no: String,
}

pub struct HistoryRow {
    pub when: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "orgs/show.html")]
struct OrgPage {
    page: Page,
    id: i64,
    node: OrgNode,
    breadcrumb: Vec<(i64, String)>,
    founded_on: String,
    status_label: String,
    committee: Vec<PositionRow>,
    children: Vec<OrgNode>,
    can_view_members: bool,
    /// The label of the 推优入党 page of a League or Party branch (`/orgs/{id}/recommendations`).
    recommendations_link: Option<&'static str>,
    members: Vec<MemberLink>,
    member_total: u64,
    history: Vec<HistoryRow>,
    can_manage: bool,
    child_kinds: Vec<(&'static str, String)>,
    titles: Vec<(&'static str, String)>,
    forms: OrgForms,
}

pub async fn show_org(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let id = parse_id(&raw)?;
    let org = dborg::get(&st.db.conn, u.tenant, OrgId(id)).await?;
    u.grants.ensure(Permission::ViewOrg, &org.org_path())?;
    let forms = OrgForms::fresh(&org);
    render_org(&st, &ctx, &u, &org, forms, StatusCode::OK).await
}

/// Renders the page of an org the caller has already checked the viewer may see.
pub(super) async fn render_org(
    st: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    org: &Org,
    forms: OrgForms,
    status: StatusCode,
) -> AppResult<Response> {
    let c = &st.db.conn;
    let path = org.org_path();
    // Ancestors outside the viewer's subtrees stay out of the breadcrumb (and unlinked).
    let visible_ancestors: Vec<Org> = dborg::ancestors(c, u.tenant, org)
        .await?
        .into_iter()
        .filter(|a| u.grants.allows(Permission::ViewOrg, &a.org_path()))
        .collect();
    let back = match visible_ancestors.last() {
        Some(p) if Some(p.id) == org.parent_id => format!("/orgs/{}", p.id),
        _ => "/orgs".to_string(),
    };
    let breadcrumb = visible_ancestors
        .into_iter()
        .map(|a| (a.id, a.name))
        .collect();
    let can_view_members = u.grants.allows(Permission::ViewMembers, &path);
    let committee = dborg::positions(c, u.tenant, org.org_id(), false)
        .await?
        .into_iter()
        .map(|p| PositionRow {
            title: PositionTitle::from_code(&p.title)
                .map_or_else(|| p.title.clone(), |t| ctx.t(t.label_key()).to_string()),
            person_id: p.person_id,
            person_name: p.person_name,
            since: p.started_on.format("%Y-%m-%d").to_string(),
        })
        .collect();
    let children = dborg::children(c, u.tenant, org.org_id())
        .await?
        .iter()
        .map(|o| OrgNode::of(ctx, o))
        .collect();
    // The head count of the subtree is part of what ViewOrg shows (see `Permission::ViewOrg`),
    // so it is counted over this org's subtree whatever the viewer's member scope.
    let count_scope = Scope {
        roots: vec![path.clone()],
    };
    let member_total = dbpeople::list(
        c,
        u.tenant,
        &count_scope,
        &MemberFilter {
            page: 1,
            per_page: 1,
            ..MemberFilter::default()
        },
    )
    .await?
    .total;
    let members = match (can_view_members, org.org_kind()) {
        (true, Some(kind)) => {
            dbpeople::in_org(c, u.tenant, org.org_id(), kind.tree(), MEMBERS_SHOWN)
                .await?
                .into_iter()
                .map(|p| MemberLink {
                    id: p.id,
                    name: p.name,
                    student_no: p.student_no,
                })
                .collect()
        }
        _ => Vec::new(),
    };
    let history = history_rows(st, ctx, u, org).await?;
    let can_manage = u.grants.allows(Permission::ManageOrgs, &path);
    let kind = org.org_kind();
    let child_kinds = OrgKind::ALL
        .into_iter()
        .filter(|k| kind.is_some_and(|p| k.may_sit_under(p)))
        .map(|k| (k.code(), ctx.t(k.label_key()).to_string()))
        .collect();
    let titles = PositionTitle::ALL
        .into_iter()
        .filter(|t| kind.is_some_and(|k| t.fits(k.tree())))
        .map(|t| (t.code(), ctx.t(t.label_key()).to_string()))
        .collect();
    let mut page = ctx.page_titled(org.name.clone());
    page.back = Some(back);
    let mut res = render(&OrgPage {
        page,
        id: org.id,
        node: OrgNode::of(ctx, org),
        breadcrumb,
        founded_on: crate::fmt::date_opt(org.founded_on),
        status_label: ctx
            .t(if org.status == "active" {
                "orgs.status_active"
            } else {
                "orgs.status_dissolved"
            })
            .to_string(),
        committee,
        children,
        can_view_members,
        recommendations_link: match org.org_kind() {
            _ if !can_view_members => None,
            Some(OrgKind::LeagueBranch) => Some("league_ui.link_meeting"),
            Some(OrgKind::PartyBranch) => Some("league_ui.link_decide"),
            _ => None,
        },
        members,
        member_total,
        history,
        can_manage,
        child_kinds,
        titles,
        forms,
    })?;
    *res.status_mut() = status;
    Ok(res)
}

async fn history_rows(
    st: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    org: &Org,
) -> AppResult<Vec<HistoryRow>> {
    let events = dborg::history(&st.db.conn, u.tenant, org.org_id()).await?;
    let mut rows = Vec::with_capacity(events.len());
    for e in events {
        let before = e.before_value.clone().unwrap_or_default();
        let after = e.after_value.clone().unwrap_or_default();
        let text = match e.kind.as_str() {
            "created" => ctx.ta("orgs.event_created", &[("name", after)]),
            "renamed" => ctx.ta(
                "orgs.event_renamed",
                &[("before", before), ("after", after)],
            ),
            // Moves record parent ids; show the names they have now.
            "moved" => ctx.ta(
                "orgs.event_moved",
                &[
                    ("before", org_name(st, u, &before).await?),
                    ("after", org_name(st, u, &after).await?),
                ],
            ),
            "dissolved" => ctx.t("orgs.event_dissolved").to_string(),
            other => other.to_string(),
        };
        rows.push(HistoryRow {
            when: crate::fmt::beijing(e.happened_at, "%Y-%m-%d %H:%M"),
            text,
        });
    }
    Ok(rows)
}

async fn org_name(st: &AppState, u: &CurrentUser, id: &str) -> AppResult<String> {
    let Some(id) = id.parse::<i64>().ok() else {
        return Ok("—".into());
    };
    match dborg::get(&st.db.conn, u.tenant, OrgId(id)).await {
        Ok(o) => Ok(o.name),
        Err(redbranch_db::DbError::NotFound) => Ok("—".into()),
        Err(e) => Err(e.into()),
    }
}
