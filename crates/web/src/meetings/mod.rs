//! Meetings on the web side (三会一课, 主题党日/团日): planning with a notice to invitees, the
//! dynamic QR check-in, leave, attendance corrections, minutes, files, the printed 会议记录,
//! and the compliance views. The actions are shared by the pages and the JSON API.
//!
//! Who is who: whoever holds `ManageMeetings` on the meeting's org (branch committee and up)
//! runs it; an invitee sees it, checks in, asks for leave; `ViewMembers` on the org reads it.

mod checkin;
pub mod compliance;
mod compliance_page;
mod export;
mod files;
mod forms;
pub mod minutes;
mod pages;
mod write;

pub use checkin::{CheckinOutcome, check_in, code_for};
pub use export::export_record;
pub use files::{download_file, max_file_bytes, store_file};
pub use write::{
    CorrectionInput, LeaveDecision, MeetingInput, MinutesInput, correct_attendance, create_meeting,
    decide_leave, record_minutes, request_leave,
};

use redbranch_db::meetings::{self as dbm, Attendee, Meeting};
use redbranch_db::org::Org;
use redbranch_domain::authz::{Forbidden, Permission};
use redbranch_domain::meetings::MeetingsSettings;

use crate::error::{AppError, AppResult};
use crate::orgs::parse_id;
use crate::session::CurrentUser;
use crate::state::AppState;

/// What the caller is to a meeting.
#[derive(Debug, Clone, Default)]
pub struct Access {
    /// `ManageMeetings` on the meeting's org.
    pub manage: bool,
    /// The caller's own invitation, if invited.
    pub invitation: Option<Attendee>,
    /// `ViewMembers` on the meeting's org.
    pub viewer: bool,
}

impl Access {
    pub fn may_read(&self) -> bool {
        self.manage || self.viewer || self.invitation.is_some()
    }

    pub fn ensure_manage(&self) -> AppResult<()> {
        if self.manage {
            Ok(())
        } else {
            Err(AppError::Forbidden(Forbidden(Permission::ManageMeetings)))
        }
    }

    pub fn is_invited(&self) -> bool {
        self.invitation.is_some()
    }
}

/// A meeting, its org, and what the caller is to it.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub meeting: Meeting,
    pub org: Org,
    pub access: Access,
}

/// The meeting of `raw` (an id from the path) for `u`; someone who may not read it at all is
/// refused here, before anything else is read.
pub async fn meeting_for(st: &AppState, u: &CurrentUser, raw: &str) -> AppResult<Loaded> {
    let id = parse_id(raw)?;
    let (meeting, org, invitation) = dbm::with_org(&st.db.conn, u.tenant, id, u.person_id).await?;
    let path = org.org_path();
    let access = Access {
        manage: u.grants.allows(Permission::ManageMeetings, &path),
        invitation,
        viewer: u.grants.allows(Permission::ViewMembers, &path),
    };
    if !access.may_read() {
        return Err(AppError::Forbidden(Forbidden(Permission::ViewMembers)));
    }
    Ok(Loaded {
        meeting,
        org,
        access,
    })
}

/// The school's meeting settings: the defaults, with what the school set under `"meetings"`.
pub async fn settings(
    c: &impl redbranch_db::ConnectionTrait,
    tenant: redbranch_db::tenants::TenantId,
) -> AppResult<MeetingsSettings> {
    crate::settings::school_section(c, tenant, "meetings").await
}

/// The same, from the school's settings read with the caller's session (no second read).
pub fn settings_of(u: &CurrentUser) -> AppResult<MeetingsSettings> {
    crate::settings::user_section(u, "meetings")
}

/// The meetings' pages and their form posts (merged into the main router).
pub fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route(
            "/meetings",
            get(pages::list_meetings).post(forms::create_meeting_form),
        )
        .route("/meetings/new", get(pages::new_meeting))
        .route(
            "/meetings/compliance",
            get(compliance_page::show_compliance),
        )
        .route("/meetings/{id}", get(pages::show_meeting))
        .route("/meetings/{id}/checkin", get(checkin::show_checkin))
        .route("/meetings/{id}/checkin/qr", get(checkin::qr_fragment))
        .route("/checkin/{id}/{code}", get(checkin::scan))
        .route("/meetings/{id}/leave", post(forms::request_leave_form))
        .route(
            "/meetings/{id}/leave/{person}",
            post(forms::decide_leave_form),
        )
        .route(
            "/meetings/{id}/attendance/{person}",
            post(forms::correct_form),
        )
        .route("/meetings/{id}/minutes", post(forms::minutes_form))
        .route("/meetings/{id}/files", post(forms::upload_form))
        .route("/meetings/{id}/files/{file}", get(download_file))
        .route("/meetings/{id}/record.docx", get(export_record))
}
