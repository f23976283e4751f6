//! `POST /orgs/{id}/rename`: renames an org; the old name stays in its history.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use redbranch_db::TransactionTrait;
use redbranch_db::org as dborg;
use redbranch_domain::authz::Permission;
use redbranch_domain::org::OrgId;
use serde::Deserialize;
use serde_json::json;

use super::create_org::parse_name;
use super::show_org::{OrgForms, render_org};
use super::{FormErrors, parse_id};
use crate::error::AppResult;
use crate::page::Ctx;
use crate::session::{SignedIn, redirect_with_flash};
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct RenameForm {
    #[serde(default)]
    name: String,
}

pub async fn rename_org(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    Form(f): Form<RenameForm>,
) -> AppResult<Response> {
    let id = parse_id(&raw)?;
    let org = dborg::get(&st.db.conn, u.tenant, OrgId(id)).await?;
    u.grants.ensure(Permission::ManageOrgs, &org.org_path())?;
    let name = match parse_name(&f.name) {
        Ok(n) => n,
        Err(e) => {
            let forms = OrgForms {
                new_name: f.name,
                errors: FormErrors::new(&ctx, "rename", &e.into()),
                ..OrgForms::fresh(&org)
            };
            return render_org(&st, &ctx, &u, &org, forms, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    if name == org.name {
        return Ok(redirect_with_flash(
            &format!("/orgs/{id}"),
            "ok",
            "orgs.flash_unchanged",
            st.settings.cookie_secure,
        ));
    }
    let txn = st.db.conn.begin().await?;
    let renamed = dborg::rename(&txn, u.tenant, OrgId(id), &name, Some(u.user_id.0)).await?;
    let entry = crate::audit::entry(
        &u,
        "update",
        "org",
        id,
        Some(renamed.org_path()),
        Some(json!({"name": org.name})),
        Some(json!({"name": renamed.name})),
    );
    redbranch_db::audit::append(&txn, u.tenant, entry).await?;
    txn.commit().await?;
    Ok(redirect_with_flash(
        &format!("/orgs/{id}"),
        "ok",
        "orgs.flash_renamed",
        st.settings.cookie_secure,
    ))
}
