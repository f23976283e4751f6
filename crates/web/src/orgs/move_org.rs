//! `POST /orgs/{id}/move`: moves an org, with everything under it, under another org (given by
//! its code, which is what a secretary has in front of them).

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use redbranch_db::org as dborg;
use redbranch_db::{DbError, TransactionTrait};
use redbranch_domain::authz::Permission;
use redbranch_domain::error::FieldError;
use redbranch_domain::org::OrgId;
use serde::Deserialize;
use serde_json::json;

use super::show_org::{OrgForms, render_org};
use super::{FormErrors, parse_id};
use crate::error::AppResult;
use crate::page::Ctx;
use crate::session::{SignedIn, redirect_with_flash};
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    target_code: String,
}

pub async fn move_org(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    Form(f): Form<MoveForm>,
) -> AppResult<Response> {
    let id = parse_id(&raw)?;
    let org = dborg::get(&st.db.conn, u.tenant, OrgId(id)).await?;
    u.grants.ensure(Permission::ManageOrgs, &org.org_path())?;
    let refuse = |e: FieldError| {
        let forms = OrgForms {
            target_code: f.target_code.clone(),
            errors: FormErrors::new(&ctx, "move", &e.into()),
            ..OrgForms::fresh(&org)
        };
        render_org(&st, &ctx, &u, &org, forms, StatusCode::UNPROCESSABLE_ENTITY)
    };
    let code = redbranch_domain::text::compact(&f.target_code);
    if code.is_empty() {
        return refuse(FieldError::new("field.target_org", "error.required")).await;
    }
    let Some(target) = dborg::by_code(&st.db.conn, u.tenant, &code).await? else {
        return refuse(
            FieldError::new("field.target_org", "error.org_code_unknown").with("code", &code),
        )
        .await;
    };
    // Moving reaches into two subtrees: the viewer must manage both.
    u.grants
        .ensure(Permission::ManageOrgs, &target.org_path())?;
    if target.id == org.id || org.org_path().contains(&target.org_path()) {
        return refuse(FieldError::new(
            "field.target_org",
            "error.org_move_into_itself",
        ))
        .await;
    }
    if org.parent_id == Some(target.id) {
        return Ok(redirect_with_flash(
            &format!("/orgs/{id}"),
            "ok",
            "orgs.flash_unchanged",
            st.settings.cookie_secure,
        ));
    }
    let txn = st.db.conn.begin().await?;
    let moved = match dborg::move_to(
        &txn,
        u.tenant,
        OrgId(id),
        target.org_id(),
        Some(u.user_id.0),
    )
    .await
    {
        Ok(m) => m,
        Err(DbError::Conflict(code @ ("org_bad_parent" | "org_move_into_itself"))) => {
            drop(txn);
            let key = if code == "org_bad_parent" {
                "error.org_bad_parent"
            } else {
                "error.org_move_into_itself"
            };
            return refuse(FieldError::new("field.target_org", key)).await;
        }
        Err(e) => return Err(e.into()),
    };
    let before = json!({"parent_id": org.parent_id, "path": org.path});
    let after = json!({"parent_id": moved.parent_id, "path": moved.path});
    let entry = crate::audit::entry(
        &u,
        "move",
        "org",
        id,
        Some(moved.org_path()),
        Some(before),
        Some(after),
    );
    redbranch_db::audit::append(&txn, u.tenant, entry).await?;
    txn.commit().await?;
    Ok(redirect_with_flash(
        &format!("/orgs/{id}"),
        "ok",
        "orgs.flash_moved",
        st.settings.cookie_secure,
    ))
}
