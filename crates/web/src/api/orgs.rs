//! `/api/v1/orgs…`: the visible roots of a tree, one org, its children, and creating a sub-org.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use redbranch_db::org::{self as dborg, Org};
use redbranch_domain::authz::{Forbidden, Permission};
use redbranch_domain::org::{OrgId, Tree};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::{AppError, AppResult};
use crate::orgs::{NewOrgInput, insert_org, parse_id, validate_new_org};
use crate::session::SignedIn;

use super::parse_json;
use crate::state::AppState;

/// An org as the API shows it (the `Org` schema of the OpenAPI document).
pub fn org_json(o: &Org) -> Value {
    json!({
        "id": o.id, "tree": o.tree, "kind": o.kind, "code": o.code, "name": o.name,
        "parent_id": o.parent_id, "depth": o.depth, "founded_on": o.founded_on, "status": o.status,
    })
}

#[derive(Debug, Deserialize)]
pub struct TreeQuery {
    tree: Option<String>,
}

pub async fn list_orgs(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Query(q): Query<TreeQuery>,
) -> AppResult<Json<Value>> {
    let tree = match q.tree.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(Tree::from_code(s).ok_or(AppError::BadRequest("unknown_tree"))?),
        None => None,
    };
    let scope = u.grants.scope(Permission::ViewOrg);
    if scope.is_empty() {
        return Err(AppError::Forbidden(Forbidden(Permission::ViewOrg)));
    }
    let mut out = Vec::new();
    for root in &scope.roots {
        let Some(id) = root.ids().last().copied() else {
            continue;
        };
        let org = match dborg::get(&st.db.conn, u.tenant, id).await {
            Ok(o) => o,
            Err(redbranch_db::DbError::NotFound) => continue,
            Err(e) => return Err(e.into()),
        };
        if tree.is_none_or(|t| t.code() == org.tree) {
            out.push(org_json(&org));
        }
    }
    Ok(Json(json!({"rows": out})))
}

pub async fn show_org(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Json<Value>> {
    let id = parse_id(&raw)?;
    let org = dborg::get(&st.db.conn, u.tenant, OrgId(id)).await?;
    u.grants.ensure(Permission::ViewOrg, &org.org_path())?;
    let committee: Vec<Value> = dborg::positions(&st.db.conn, u.tenant, org.org_id(), false)
        .await?
        .into_iter()
        .map(|p| json!({"title": p.title, "person_id": p.person_id, "person_name": p.person_name, "started_on": p.started_on}))
        .collect();
    let mut body = org_json(&org);
    body["committee"] = Value::Array(committee);
    Ok(Json(body))
}

pub async fn list_children(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Json<Value>> {
    let id = parse_id(&raw)?;
    let parent = dborg::get(&st.db.conn, u.tenant, OrgId(id)).await?;
    u.grants.ensure(Permission::ViewOrg, &parent.org_path())?;
    let rows: Vec<Value> = dborg::children(&st.db.conn, u.tenant, OrgId(id))
        .await?
        .iter()
        .map(org_json)
        .collect();
    Ok(Json(json!({"rows": rows})))
}

pub async fn create_org(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    body: Bytes,
) -> AppResult<(StatusCode, Json<Value>)> {
    let id = parse_id(&raw)?;
    let body: NewOrgInput = parse_json(&body)?;
    let parent = dborg::get(&st.db.conn, u.tenant, OrgId(id)).await?;
    u.grants
        .ensure(Permission::ManageOrgs, &parent.org_path())?;
    let new = validate_new_org(&body, &parent)?;
    let org = insert_org(&st, &u, new).await??;
    Ok((StatusCode::CREATED, Json(org_json(&org))))
}
