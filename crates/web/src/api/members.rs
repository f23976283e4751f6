//! `GET /api/v1/members` (the scoped, filtered, paged list) and `GET /api/v1/members/{id}`.

use axum::Json;
use axum::extract::{Path, Query, State};
use redbranch_db::people::{self as dbpeople, PersonId};
use redbranch_domain::authz::{Forbidden, Permission};
use serde_json::{Value, json};

use crate::error::{AppError, AppResult};
use crate::members::MemberQuery;
use crate::session::SignedIn;
use crate::state::AppState;

const PER_PAGE: u64 = 50;
const MAX_PER_PAGE: u64 = 200;

pub async fn list_members(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Query(q): Query<MemberQuery>,
) -> AppResult<Json<Value>> {
    let scope = u.grants.scope(Permission::ViewMembers);
    if scope.is_empty() {
        return Err(AppError::Forbidden(Forbidden(Permission::ViewMembers)));
    }
    let filter = q.to_filter(&st, u.tenant, PER_PAGE, MAX_PER_PAGE).await?;
    let page = dbpeople::list(&st.db.conn, u.tenant, &scope, &filter).await?;
    Ok(Json(
        json!({"rows": page.rows, "total": page.total, "page": page.page, "per_page": page.per_page}),
    ))
}

pub async fn show_member(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Json<Value>> {
    // The same rule as the profile page: oneself, or ViewMembers on the person's org.
    let (p, orgs) = crate::members::viewable_person(&st, &u, &raw).await?;
    let memberships = dbpeople::memberships(&st.db.conn, u.tenant, PersonId(p.id)).await?;
    Ok(Json(json!({
        "id": p.id, "student_no": p.student_no, "name": p.name, "gender": p.gender, "ethnicity": p.ethnicity,
        "birth_date": p.birth_date, "id_card_masked": p.id_card_masked, "phone_masked": p.phone_masked(),
        "college": p.college, "major": p.major, "grade": p.grade, "class_name": p.class_name,
        "political_status": p.political_status,
        "league_joined_on": p.league_joined_on, "party_applied_on": p.party_applied_on, "activist_on": p.activist_on,
        "target_on": p.target_on, "party_joined_on": p.party_joined_on, "confirmed_on": p.confirmed_on,
        "party_org": orgs.party.as_ref().map(|o| json!({"id": o.id, "name": o.name})),
        "league_org": orgs.league.as_ref().map(|o| json!({"id": o.id, "name": o.name})),
        "memberships": memberships,
    })))
}
