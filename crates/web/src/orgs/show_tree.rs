//! `GET /orgs`: the Party tree and the League tree as far as the viewer may see them, and
//! `GET /orgs/{id}/children`, the fragment htmx loads when a node is opened.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use redbranch_db::org as dborg;
use redbranch_domain::authz::Permission;
use redbranch_domain::org::{OrgId, Tree};

use super::{OrgNode, parse_id, wants_fragment};
use crate::error::{AppError, AppResult};
use crate::page::{Ctx, Page, render};
use crate::session::SignedIn;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "orgs/tree.html")]
struct TreePage {
    page: Page,
    party: Vec<OrgNode>,
    league: Vec<OrgNode>,
}

#[derive(Template)]
#[template(path = "orgs/_children.html")]
struct ChildrenFragment {
    page: Page,
    nodes: Vec<OrgNode>,
}

pub async fn show_tree(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
) -> AppResult<Response> {
    // The tops of the subtrees the viewer may see; a member sees their own branch only.
    let scope = u.grants.scope(Permission::ViewOrg);
    if scope.is_empty() {
        return Err(AppError::Forbidden(redbranch_domain::authz::Forbidden(
            Permission::ViewOrg,
        )));
    }
    let (mut party, mut league) = (Vec::new(), Vec::new());
    for root in &scope.roots {
        let Some(id) = root.ids().last().copied() else {
            continue;
        };
        let org = match dborg::get(&st.db.conn, u.tenant, id).await {
            Ok(o) => o,
            // A grant on an org of another school, or one removed meanwhile: nothing to show.
            Err(redbranch_db::DbError::NotFound) => continue,
            Err(e) => return Err(e.into()),
        };
        let node = OrgNode::of(&ctx, &org);
        match org.org_kind().map(|k| k.tree()) {
            Some(Tree::League) => league.push(node),
            _ => party.push(node),
        }
    }
    render(&TreePage {
        page: ctx.page("orgs.tree_title"),
        party,
        league,
    })
}

pub async fn list_children(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    headers: HeaderMap,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let id = parse_id(&raw)?;
    let parent = dborg::get(&st.db.conn, u.tenant, OrgId(id)).await?;
    u.grants.ensure(Permission::ViewOrg, &parent.org_path())?;
    if !wants_fragment(&headers) {
        // Without htmx the org's own page lists its children.
        return Ok(Redirect::to(&format!("/orgs/{id}")).into_response());
    }
    let nodes = dborg::children(&st.db.conn, u.tenant, OrgId(id))
        .await?
        .iter()
        .map(|o| OrgNode::of(&ctx, o))
        .collect();
    let mut res = render(&ChildrenFragment {
        page: ctx.page("orgs.tree_title"),
        nodes,
    })?;
    res.headers_mut().insert(
        axum::http::header::VARY,
        axum::http::HeaderValue::from_static("HX-Request"),
    );
    Ok(res)
}
