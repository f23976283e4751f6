//! Meetings in the JSON API: plan, read, check in with the rotating code, leave, attendance
//! corrections, minutes, files, the printed record, and compliance. The checks are those of the
//! pages (`crate::meetings`); everything else is refused before anything is read.

use axum::body::Bytes;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use redbranch_db::TransactionTrait;
use redbranch_db::meetings as dbm;
use redbranch_domain::authz::Permission;
use redbranch_domain::meetings::checkin::seconds_left;
use redbranch_domain::meetings::compliance::year_of;
use serde::Deserialize;
use serde_json::{Value, json};

use super::parse_json;
use crate::error::AppResult;
use crate::meetings::{
    self, CorrectionInput, LeaveDecision, MeetingInput, MinutesInput, meeting_for,
};
use crate::orgs::parse_id;
use crate::session::{CurrentUser, SignedIn};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/meetings", get(list_meetings).post(create_meeting))
        .route("/meetings/compliance", get(compliance))
        .route("/meetings/{id}", get(show_meeting))
        .route("/meetings/{id}/checkin", post(check_in))
        .route("/meetings/{id}/checkin-code", get(checkin_code))
        .route("/meetings/{id}/leave", post(request_leave))
        .route("/meetings/{id}/leave/{person}", post(decide_leave))
        .route("/meetings/{id}/attendance/{person}", post(correct))
        .route("/meetings/{id}/minutes", post(minutes))
        .route("/meetings/{id}/files", post(upload))
        .route("/meetings/{id}/files/{file}", get(meetings::download_file))
        .route("/meetings/{id}/record.docx", get(meetings::export_record))
}

type Created = (StatusCode, Json<Value>);

async fn list_meetings(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
) -> AppResult<Json<Value>> {
    let mut ids = Vec::new();
    for p in [Permission::ManageMeetings, Permission::ViewMembers] {
        for root in u.grants.scope(p).roots {
            ids.extend(
                redbranch_db::org::subtree(&st.db.conn, u.tenant, &root, None)
                    .await?
                    .iter()
                    .map(|o| o.id),
            );
        }
    }
    ids.sort_unstable();
    ids.dedup();
    let rows = dbm::list(&st.db.conn, u.tenant, &ids, u.person_id, 100).await?;
    Ok(Json(json!({ "rows": rows })))
}

async fn create_meeting(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    body: Bytes,
) -> AppResult<Created> {
    let input: MeetingInput = parse_json(&body)?;
    let txn = st.db.conn.begin().await?;
    let m = meetings::create_meeting(&txn, &u, &input).await?;
    txn.commit().await?;
    Ok((StatusCode::CREATED, Json(json!(m))))
}

/// The meeting with its invitees (for those who run or oversee it) and files.
async fn detail(st: &AppState, u: &CurrentUser, raw: &str) -> AppResult<Value> {
    let l = meeting_for(st, u, raw).await?;
    let attendees = if l.access.manage || l.access.viewer {
        dbm::attendees(&st.db.conn, u.tenant, l.meeting.id).await?
    } else {
        Vec::new()
    };
    let files = dbm::files_of(&st.db.conn, u.tenant, l.meeting.id).await?;
    let mine = l.access.invitation.as_ref().map(|i| {
        json!({"status": i.status, "checked_in_at": i.checked_in_at, "leave_status": i.leave_status})
    });
    Ok(
        json!({"meeting": l.meeting, "org_name": l.org.name, "mine": mine,
        "attendees": attendees, "files": files}),
    )
}

async fn show_meeting(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Json<Value>> {
    Ok(Json(detail(&st, &u, &raw).await?))
}

#[derive(Debug, Default, Deserialize)]
struct CodeInput {
    #[serde(default)]
    code: String,
}

async fn check_in(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    body: Bytes,
) -> AppResult<Json<Value>> {
    let l = meeting_for(&st, &u, &raw).await?;
    let input: CodeInput = parse_json(&body)?;
    let out = meetings::check_in(&st, &u, &l, &input.code).await?;
    Ok(Json(json!(out)))
}

/// The current code, for a screen other than the web page (a projector app).
async fn checkin_code(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Json<Value>> {
    let l = meeting_for(&st, &u, &raw).await?;
    l.access.ensure_manage()?;
    let now = st.clock.now();
    let code = meetings::code_for(&st, l.meeting.id, now);
    Ok(Json(
        json!({"code": code, "path": format!("/checkin/{}/{code}", l.meeting.id),
        "seconds_left": seconds_left(now)}),
    ))
}

#[derive(Debug, Default, Deserialize)]
struct ReasonInput {
    #[serde(default)]
    reason: String,
}

async fn request_leave(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    body: Bytes,
) -> AppResult<Json<Value>> {
    let l = meeting_for(&st, &u, &raw).await?;
    let input: ReasonInput = parse_json(&body)?;
    let txn = st.db.conn.begin().await?;
    meetings::request_leave(&st, &txn, &u, &l, &input.reason).await?;
    txn.commit().await?;
    Ok(Json(detail(&st, &u, &raw).await?))
}

async fn decide_leave(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path((raw, raw_person)): Path<(String, String)>,
    body: Bytes,
) -> AppResult<Json<Value>> {
    let l = meeting_for(&st, &u, &raw).await?;
    let person = parse_id(&raw_person)?;
    let input: LeaveDecision = parse_json(&body)?;
    let txn = st.db.conn.begin().await?;
    meetings::decide_leave(&txn, &u, &l, person, &input).await?;
    txn.commit().await?;
    Ok(Json(detail(&st, &u, &raw).await?))
}

async fn correct(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path((raw, raw_person)): Path<(String, String)>,
    body: Bytes,
) -> AppResult<Json<Value>> {
    let l = meeting_for(&st, &u, &raw).await?;
    let person = parse_id(&raw_person)?;
    let input: CorrectionInput = parse_json(&body)?;
    let txn = st.db.conn.begin().await?;
    meetings::correct_attendance(&st, &txn, &u, &l, person, &input).await?;
    txn.commit().await?;
    Ok(Json(detail(&st, &u, &raw).await?))
}

async fn minutes(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    body: Bytes,
) -> AppResult<Json<Value>> {
    let l = meeting_for(&st, &u, &raw).await?;
    let input: MinutesInput = parse_json(&body)?;
    let txn = st.db.conn.begin().await?;
    meetings::record_minutes(&st, &txn, &u, &l, &input).await?;
    txn.commit().await?;
    Ok(Json(detail(&st, &u, &raw).await?))
}

/// Multipart: `file` (PDF, JPEG/PNG, docx, decided from the bytes).
async fn upload(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    form: Multipart,
) -> AppResult<Created> {
    let l = meeting_for(&st, &u, &raw).await?;
    l.access.ensure_manage()?;
    let max = meetings::max_file_bytes(&st, &u).await?;
    let up = crate::dossier::read_upload(form, max).await?;
    let txn = st.db.conn.begin().await?;
    let meta = meetings::store_file(&txn, &u, &l, &up, max).await?;
    txn.commit().await?;
    Ok((StatusCode::CREATED, Json(json!(meta))))
}

#[derive(Debug, Default, Deserialize)]
struct ComplianceQuery {
    org: Option<i64>,
    year: Option<i32>,
}

async fn compliance(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Query(q): Query<ComplianceQuery>,
) -> AppResult<Json<Value>> {
    let root = meetings::compliance::root_for(&st, &u, q.org).await?;
    let year = q.year.unwrap_or_else(|| year_of(st.clock.today()));
    let v = meetings::compliance::compute(&st, &u, &root, year).await?;
    Ok(Json(json!(v)))
}
