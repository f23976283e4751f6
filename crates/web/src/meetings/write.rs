//! The meeting's writes — plan it (with a notice to each invitee), ask for and decide leave,
//! correct attendance, record the minutes — each checked and written with its audit entry on
//! the caller's transaction. Shared by the pages (form fields) and the JSON API (same names).

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};
use redbranch_db::ConnectionTrait;
use redbranch_db::meetings::{self as dbm, Meeting, Minutes, NewMeeting};
use redbranch_db::pipeline::due::{NewNotification, notify};
use redbranch_domain::authz::Permission;
use redbranch_domain::error::{FieldError, FieldErrors};
use redbranch_domain::meetings::{
    Attendance, MAX_BODY, MeetingKind, check_holder, check_times, may_request_leave, optional_line,
    parse_line, parse_link, parse_reason,
};
use redbranch_domain::org::OrgId;
use serde::Deserialize;
use serde_json::{Value, json};

use super::Loaded;
use super::minutes::clean_minutes;
use crate::error::{AppError, AppResult};
use crate::session::CurrentUser;
use crate::state::AppState;

#[derive(Debug, Default, Clone, Deserialize)]
pub struct MeetingInput {
    #[serde(default)]
    pub org_id: i64,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub title: String,
    /// `YYYY-MM-DD`, Beijing time.
    #[serde(default)]
    pub date: String,
    /// `HH:MM`.
    #[serde(default)]
    pub start: String,
    #[serde(default)]
    pub end: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub online_link: String,
    #[serde(default)]
    pub agenda: String,
    /// Person ids; none given: every member of the org.
    pub invitees: Option<Vec<i64>>,
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct CorrectionInput {
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct LeaveDecision {
    /// `approve` or `reject`.
    #[serde(default)]
    pub decision: String,
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct MinutesInput {
    #[serde(default)]
    pub minutes: String,
    #[serde(default)]
    pub resolutions: String,
    #[serde(default)]
    pub host: String,
    #[serde(default)]
    pub recorder: String,
}

pub(super) async fn audit(
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    l: &Loaded,
    action: &str,
    before: Option<Value>,
    after: Value,
) -> AppResult<()> {
    let e = crate::audit::entry(
        u,
        action,
        "meeting",
        l.meeting.id,
        Some(l.org.org_path()),
        before,
        Some(after),
    );
    redbranch_db::audit::append(c, u.tenant, e).await?;
    Ok(())
}

fn beijing() -> Option<FixedOffset> {
    FixedOffset::east_opt(8 * 3600)
}

/// A Beijing date and time of day as UTC.
fn at(field: &'static str, day: Option<NaiveDate>, raw: &str) -> Result<DateTime<Utc>, FieldError> {
    let t = NaiveTime::parse_from_str(raw.trim(), "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(raw.trim(), "%H:%M:%S"))
        .map_err(|_| FieldError::new(field, "meetings.error.time"))?;
    let day = day.ok_or_else(|| FieldError::new(field, "meetings.error.time"))?;
    beijing()
        .and_then(|tz| tz.from_local_datetime(&day.and_time(t)).single())
        .map(|d| d.with_timezone(&Utc))
        .ok_or_else(|| FieldError::new(field, "meetings.error.time"))
}

/// Plans a meeting on `input.org_id` and sends its notice to every invitee with an account.
pub async fn create_meeting(
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    input: &MeetingInput,
) -> AppResult<Meeting> {
    let org = redbranch_db::org::get(c, u.tenant, OrgId(input.org_id))
        .await
        .map_err(|_| FieldError::new("field.meeting_org", "error.required"))?;
    u.grants
        .ensure(Permission::ManageMeetings, &org.org_path())?;
    let mut errs = FieldErrors::default();
    let kind = MeetingKind::from_code(input.kind.trim());
    match (kind, org.org_kind()) {
        (None, _) => errs.push(FieldError::new("field.meeting_kind", "error.required")),
        (Some(k), Some(o)) => {
            errs.take(check_holder(k, o));
        }
        (Some(_), None) => errs.push(FieldError::new(
            "field.meeting_kind",
            "meetings.error.kind_org",
        )),
    }
    let title = errs.take(parse_line("field.meeting_title", &input.title));
    let day = redbranch_domain::dates::parse_date(&input.date);
    if day.is_none() {
        errs.push(FieldError::new("field.meeting_date", "meetings.error.date"));
    }
    let starts = errs.take(at("field.meeting_start", day, &input.start));
    let ends = errs.take(at("field.meeting_ends_at", day, &input.end));
    if let (Some(s), Some(e)) = (starts, ends) {
        errs.take(check_times(s, e));
    }
    let place = errs.take(optional_line("field.meeting_place", &input.place));
    let link = errs.take(parse_link("field.meeting_link", &input.online_link));
    if let (Some(None), Some(None)) = (&place, &link) {
        errs.push(FieldError::new(
            "field.meeting_place",
            "meetings.error.place_or_link",
        ));
    }
    if input.agenda.chars().count() > MAX_BODY {
        errs.push(FieldError::new("field.meeting_agenda", "error.too_long").with("max", MAX_BODY));
    }
    // Invitees: members of the org's subtree in the meeting's tree; a list given must stay in it.
    let tree = kind.map_or(
        org.org_kind()
            .map_or(redbranch_domain::org::Tree::Party, |k| k.tree()),
        |k| k.tree(),
    );
    let subtree: Vec<i64> = redbranch_db::org::subtree(c, u.tenant, &org.org_path(), None)
        .await?
        .iter()
        .map(|o| o.id)
        .collect();
    let members: Vec<i64> = dbm::members_of(c, u.tenant, &subtree, tree)
        .await?
        .into_iter()
        .map(|(id, _, _)| id)
        .collect();
    let mut invitees = match &input.invitees {
        None => members.clone(),
        Some(list) => list.clone(),
    };
    invitees.sort_unstable();
    invitees.dedup();
    if invitees.iter().any(|p| !members.contains(p)) {
        errs.push(FieldError::new(
            "field.meeting_invitees",
            "meetings.error.invitee_outside",
        ));
    } else if invitees.is_empty() {
        errs.push(FieldError::new(
            "field.meeting_invitees",
            "meetings.error.no_invitees",
        ));
    }
    errs.into_result()?;
    let (Some(kind), Some(title), Some(starts), Some(ends), Some(place), Some(link), Some(day)) =
        (kind, title, starts, ends, place, link, day)
    else {
        return Err(FieldErrors::default().into());
    };
    let m = dbm::create(
        c,
        u.tenant,
        NewMeeting {
            org_id: org.id,
            kind: kind.code(),
            title,
            starts_at: starts,
            ends_at: ends,
            held_on: day,
            place,
            online_link: link,
            agenda: input.agenda.trim().to_string(),
            by: u.user_id,
            invitees: invitees.clone(),
        },
    )
    .await?;
    let when = format!("{} {}", day, input.start.trim());
    let notes: Vec<NewNotification> = dbm::accounts_of(c, u.tenant, &invitees)
        .await?
        .into_iter()
        .map(|(_, user_id)| NewNotification {
            user_id,
            kind: "meetings.notice.invited".into(),
            args: json!({"title": m.title, "when": when}),
            link: Some(format!("/meetings/{}", m.id)),
            dedupe: format!("meeting:{}:invited", m.id),
        })
        .collect();
    notify(c, u.tenant, &notes).await?;
    let l = Loaded {
        meeting: m.clone(),
        org,
        access: super::Access::default(),
    };
    let after = json!({"kind": m.kind, "title": m.title, "starts_at": m.starts_at, "ends_at": m.ends_at,
        "place": m.place, "online_link": m.online_link, "invited": invitees, "notified": notes.len()});
    audit(c, u, &l, "meeting_create", None, after).await?;
    Ok(m)
}

/// The caller asks for leave from a meeting they are invited to, before it begins.
pub async fn request_leave(
    st: &AppState,
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    l: &Loaded,
    reason: &str,
) -> AppResult<()> {
    let Some(inv) = &l.access.invitation else {
        return Err(AppError::Forbidden(redbranch_domain::authz::Forbidden(
            Permission::ManageMeetings,
        )));
    };
    let mut errs = FieldErrors::default();
    errs.take(may_request_leave(l.meeting.starts_at, st.clock.now()));
    let reason = errs.take(parse_reason("field.leave_reason", reason));
    if inv.status != Attendance::Invited.code() || inv.leave_status.as_deref() == Some("pending") {
        errs.push(FieldError::new(
            "field.leave_reason",
            "meetings.error.leave_not_needed",
        ));
    }
    errs.into_result()?;
    let reason = reason.unwrap_or_default();
    dbm::request_leave(c, u.tenant, l.meeting.id, inv.person_id, &reason).await?;
    let after =
        json!({"person_id": inv.person_id, "leave_reason": reason, "leave_status": "pending"});
    audit(c, u, l, "meeting_leave_request", None, after).await
}

/// Approves or rejects a pending leave request (`ManageMeetings`; not one's own).
pub async fn decide_leave(
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    l: &Loaded,
    person: i64,
    input: &LeaveDecision,
) -> AppResult<()> {
    l.access.ensure_manage()?;
    let approve = match input.decision.as_str() {
        "approve" => true,
        "reject" => false,
        _ => return Err(FieldError::new("field.leave_decision", "error.required").into()),
    };
    let inv = dbm::attendee(c, u.tenant, l.meeting.id, person)
        .await?
        .ok_or(AppError::NotFound)?;
    if u.person_id == Some(person) {
        return Err(AppError::Conflict("meetings_own_leave"));
    }
    if inv.leave_status.as_deref() != Some("pending") {
        return Err(AppError::Conflict("meetings_leave_decided"));
    }
    dbm::decide_leave(c, u.tenant, l.meeting.id, person, approve, u.user_id).await?;
    let after =
        json!({"person_id": person, "leave_status": if approve { "approved" } else { "rejected" }});
    audit(
        c,
        u,
        l,
        "meeting_leave_decision",
        Some(json!({"person_id": person, "leave_status": "pending"})),
        after,
    )
    .await
}

/// The organiser sets an invitee's attendance, with a reason (audited with before and after).
pub async fn correct_attendance(
    st: &AppState,
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    l: &Loaded,
    person: i64,
    input: &CorrectionInput,
) -> AppResult<()> {
    l.access.ensure_manage()?;
    let inv = dbm::attendee(c, u.tenant, l.meeting.id, person)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut errs = FieldErrors::default();
    let status = Attendance::from_code(input.status.trim()).filter(|a| *a != Attendance::Invited);
    if status.is_none() {
        errs.push(FieldError::new("field.attendance_status", "error.required"));
    }
    let reason = errs.take(parse_reason("field.correction_reason", &input.reason));
    errs.into_result()?;
    let (Some(status), Some(reason)) = (status, reason) else {
        return Err(FieldErrors::default().into());
    };
    let checked_at = if inv.checked_in_at.is_some() && status.attended() {
        inv.checked_in_at.unwrap_or_else(|| st.clock.now())
    } else {
        st.clock.now()
    };
    dbm::correct(
        c,
        u.tenant,
        l.meeting.id,
        person,
        status.code(),
        &reason,
        checked_at,
    )
    .await?;
    let before = json!({"person_id": person, "status": inv.status});
    let after = json!({"person_id": person, "status": status.code(), "reason": reason});
    audit(c, u, l, "meeting_attendance_correct", Some(before), after).await
}

/// Records the 会议记录 (once the meeting has begun) and marks the meeting held.
pub async fn record_minutes(
    st: &AppState,
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    l: &Loaded,
    input: &MinutesInput,
) -> AppResult<()> {
    l.access.ensure_manage()?;
    let mut errs = FieldErrors::default();
    if st.clock.now() < l.meeting.starts_at {
        errs.push(FieldError::new(
            "field.minutes",
            "meetings.error.minutes_before_start",
        ));
    }
    let minutes = errs.take(clean_minutes("field.minutes", &input.minutes));
    if input.resolutions.chars().count() > MAX_BODY {
        errs.push(FieldError::new("field.resolutions", "error.too_long").with("max", MAX_BODY));
    }
    let host = errs.take(optional_line("field.meeting_host", &input.host));
    let recorder = errs.take(optional_line("field.meeting_recorder", &input.recorder));
    errs.into_result()?;
    let (Some(minutes), Some(host), Some(recorder)) = (minutes, host, recorder) else {
        return Err(FieldErrors::default().into());
    };
    let resolutions = Some(input.resolutions.trim().to_string()).filter(|s| !s.is_empty());
    let before = l
        .meeting
        .minutes
        .as_ref()
        .map(|m| json!({"minutes": m, "resolutions": l.meeting.resolutions}));
    let after =
        json!({"minutes": minutes, "resolutions": resolutions, "host": host, "recorder": recorder});
    dbm::record_minutes(
        c,
        u.tenant,
        l.meeting.id,
        Minutes {
            minutes,
            resolutions,
            host,
            recorder,
            by: u.user_id,
        },
    )
    .await?;
    audit(c, u, l, "meeting_minutes", before, after).await
}
