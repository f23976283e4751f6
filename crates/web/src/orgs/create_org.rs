//! `POST /orgs/{id}/children`: creates a sub-org (a 党支部 under a 党总支, a 团支部 under a 团委…).
//! The validation and the insert are shared with `POST /api/v1/orgs/{id}/children`.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use redbranch_db::org::{self as dborg, NewOrg, Org};
use redbranch_db::{DbError, TransactionTrait};
use redbranch_domain::authz::Permission;
use redbranch_domain::error::{FieldError, FieldErrors};
use redbranch_domain::org::{OrgId, OrgKind, check_placement};
use serde::Deserialize;
use serde_json::json;

use super::show_org::{OrgForms, render_org};
use super::{FormErrors, parse_id};
use crate::error::AppResult;
use crate::page::Ctx;
use crate::session::{CurrentUser, SignedIn, redirect_with_flash};
use crate::state::AppState;

/// The longest org name: 《党政机关公文格式》 titles aside, real names stay well below this.
const NAME_MAX: usize = 60;

#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewOrgInput {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub founded_on: Option<String>,
}

/// An org name: trimmed, required, at most [`NAME_MAX`] characters.
pub(super) fn parse_name(raw: &str) -> Result<String, FieldError> {
    let name = redbranch_domain::text::normalise(raw);
    if name.is_empty() {
        return Err(FieldError::new("field.org_name", "error.required"));
    }
    if name.chars().count() > NAME_MAX || name.chars().any(char::is_control) {
        return Err(
            FieldError::new("field.org_name", "error.org_name_too_long").with("max", NAME_MAX)
        );
    }
    Ok(name)
}

fn parse_code(raw: &str) -> Result<String, FieldError> {
    let code = redbranch_domain::text::compact(raw);
    if code.is_empty() {
        return Err(FieldError::new("field.org_code", "error.required"));
    }
    if code.len() > 30
        || !code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(FieldError::new("field.org_code", "error.org_code_format"));
    }
    Ok(code)
}

/// Checks a new sub-org of `parent` and turns it into the insert.
pub fn validate_new_org(f: &NewOrgInput, parent: &Org) -> Result<NewOrg, FieldErrors> {
    let mut errs = FieldErrors::default();
    let kind = match OrgKind::from_code(f.kind.trim()) {
        Some(k) => errs.take(
            check_placement(k, parent.org_kind())
                .map(|()| k)
                .map_err(|e| FieldError {
                    field: "field.org_kind",
                    ..e
                }),
        ),
        None => {
            errs.push(FieldError::new("field.org_kind", "error.required"));
            None
        }
    };
    let code = errs.take(parse_code(&f.code));
    let name = errs.take(parse_name(&f.name));
    let raw_date = f.founded_on.as_deref().map(str::trim).unwrap_or("");
    let founded_on = if raw_date.is_empty() {
        None
    } else {
        let d = redbranch_domain::dates::parse_date(raw_date);
        if d.is_none() {
            errs.push(
                FieldError::new("field.founded_on", "error.date_format").with("value", raw_date),
            );
        }
        d
    };
    match (kind, code, name) {
        (Some(kind), Some(code), Some(name)) if errs.is_empty() => Ok(NewOrg {
            kind,
            code,
            name,
            parent: Some(parent.org_id()),
            founded_on,
            sort_order: 0,
        }),
        _ => Err(errs),
    }
}

/// Inserts the org and its audit entry in one transaction. A taken code comes back as a field
/// error, not as a failure.
pub async fn insert_org(
    st: &AppState,
    u: &CurrentUser,
    new: NewOrg,
) -> AppResult<Result<Org, FieldErrors>> {
    let duplicate = || FieldErrors::from(FieldError::new("field.org_code", "error.duplicate"));
    if dborg::by_code(&st.db.conn, u.tenant, &new.code)
        .await?
        .is_some()
    {
        return Ok(Err(duplicate()));
    }
    let txn = st.db.conn.begin().await?;
    let org = match dborg::create(&txn, u.tenant, new, Some(u.user_id.0)).await {
        Ok(o) => o,
        // Someone took the code between the check and the insert.
        Err(DbError::Duplicate(_)) => return Ok(Err(duplicate())),
        Err(DbError::Conflict("org_bad_parent")) => {
            return Ok(Err(FieldError::new(
                "field.org_kind",
                "error.org_bad_parent",
            )
            .into()));
        }
        Err(e) => return Err(e.into()),
    };
    let after = json!({"kind": org.kind, "code": org.code, "name": org.name, "parent_id": org.parent_id, "founded_on": org.founded_on});
    let entry = crate::audit::entry(
        u,
        "create",
        "org",
        org.id,
        Some(org.org_path()),
        None,
        Some(after),
    );
    redbranch_db::audit::append(&txn, u.tenant, entry).await?;
    txn.commit().await?;
    Ok(Ok(org))
}

pub async fn create_org(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    Form(f): Form<NewOrgInput>,
) -> AppResult<Response> {
    let id = parse_id(&raw)?;
    let parent = dborg::get(&st.db.conn, u.tenant, OrgId(id)).await?;
    u.grants
        .ensure(Permission::ManageOrgs, &parent.org_path())?;
    let result = match validate_new_org(&f, &parent) {
        Ok(new) => insert_org(&st, &u, new).await?,
        Err(e) => Err(e),
    };
    match result {
        Ok(org) => Ok(redirect_with_flash(
            &format!("/orgs/{}", org.id),
            "ok",
            "orgs.flash_created",
            st.settings.cookie_secure,
        )),
        Err(errors) => {
            let forms = OrgForms {
                kind: f.kind,
                code: f.code,
                name: f.name,
                founded_on: f.founded_on.unwrap_or_default(),
                errors: FormErrors::new(&ctx, "create", &errors),
                ..OrgForms::fresh(&parent)
            };
            render_org(
                &st,
                &ctx,
                &u,
                &parent,
                forms,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}
