//! `POST /orgs/{id}/positions`: appoints someone (by 学号) to a committee post from a date; whoever
//! held that post before leaves it that day.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use redbranch_db::TransactionTrait;
use redbranch_db::org as dborg;
use redbranch_db::people as dbpeople;
use redbranch_domain::authz::Permission;
use redbranch_domain::error::{FieldError, FieldErrors};
use redbranch_domain::org::{OrgId, OrgPath, PositionTitle, Tree};
use redbranch_domain::people::StudentNo;
use serde::Deserialize;
use serde_json::json;

use super::show_org::{OrgForms, render_org};
use super::{FormErrors, parse_id};
use crate::error::AppResult;
use crate::page::Ctx;
use crate::session::{SignedIn, redirect_with_flash};
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct AppointForm {
    #[serde(default)]
    student_no: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    started_on: String,
}

pub async fn appoint_position(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    Form(f): Form<AppointForm>,
) -> AppResult<Response> {
    let id = parse_id(&raw)?;
    let org = dborg::get(&st.db.conn, u.tenant, OrgId(id)).await?;
    u.grants.ensure(Permission::ManageOrgs, &org.org_path())?;
    let tree = org.org_kind().map_or(Tree::Party, |k| k.tree());

    let mut errs = FieldErrors::default();
    let student_no = errs.take(StudentNo::parse(&f.student_no));
    let title = match PositionTitle::from_code(f.title.trim()) {
        Some(t) if t.fits(tree) => Some(t),
        Some(_) => {
            errs.push(FieldError::new(
                "field.position_title",
                "error.position_not_in_tree",
            ));
            None
        }
        None => {
            errs.push(FieldError::new("field.position_title", "error.required"));
            None
        }
    };
    let started_on = match redbranch_domain::dates::parse_date(&f.started_on) {
        Some(d) => Some(d),
        None if f.started_on.trim().is_empty() => {
            errs.push(FieldError::new("field.started_on", "error.required"));
            None
        }
        None => {
            errs.push(
                FieldError::new("field.started_on", "error.date_format")
                    .with("value", f.started_on.trim()),
            );
            None
        }
    };
    let person = match &student_no {
        Some(no) => match dbpeople::by_student_no(&st.db.conn, u.tenant, no.as_str()).await? {
            Some(p) => Some(p),
            None => {
                errs.push(
                    // Same answer as "not in this org": whether a 学号 exists elsewhere in the
                    // school is not this user's business.
                    FieldError::new("field.student_no", "error.person_not_in_org")
                        .with("student_no", no),
                );
                None
            }
        },
        None => None,
    };
    // A committee is elected from the org's own members (《中国共产党支部工作条例（试行）》第十六条;
    // 团章第二十八条 likewise): the person must belong to this org or one below it.
    if let Some(p) = &person {
        let their_org = match tree {
            Tree::Party => p.party_org_id,
            Tree::League => p.league_org_id,
        };
        let inside = match their_org {
            Some(oid) => dborg::get(&st.db.conn, u.tenant, OrgId(oid))
                .await
                .map(|o| org.org_path().contains(&o.org_path()))
                .unwrap_or(false),
            None => false,
        };
        if !inside {
            errs.push(
                FieldError::new("field.student_no", "error.person_not_in_org")
                    .with("student_no", &p.student_no),
            );
        }
    }
    let ready = match (person, title, started_on) {
        (Some(p), Some(t), Some(d)) if errs.is_empty() => Some((p, t, d)),
        _ => None,
    };
    let Some((person, title, on)) = ready else {
        let forms = OrgForms {
            student_no: f.student_no,
            title: f.title,
            started_on: f.started_on,
            errors: FormErrors::new(&ctx, "appoint", &errs),
            ..OrgForms::fresh(&org)
        };
        return render_org(&st, &ctx, &u, &org, forms, StatusCode::UNPROCESSABLE_ENTITY).await;
    };

    let txn = st.db.conn.begin().await?;
    dborg::appoint(&txn, u.tenant, org.org_id(), person.id, title, on).await?;
    let after = json!({"person_id": person.id, "student_no": person.student_no, "title": title.code(), "started_on": on});
    let path: OrgPath = org.org_path();
    let entry = crate::audit::entry(&u, "appoint", "position", id, Some(path), None, Some(after));
    redbranch_db::audit::append(&txn, u.tenant, entry).await?;
    txn.commit().await?;
    Ok(redirect_with_flash(
        &format!("/orgs/{id}"),
        "ok",
        "orgs.flash_appointed",
        st.settings.cookie_secure,
    ))
}
