//! `GET /meetings` (the meetings the viewer runs or is invited to), `GET /meetings/new` (the
//! planning form) and `GET /meetings/{id}` (one meeting: plan, the viewer's invitation,
//! attendance, leave, minutes, files). Refused forms re-render these pages with the messages
//! under their fields and what was typed kept (see `forms`).

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use redbranch_db::meetings::{self as dbm, AttendeeView, FileMeta, Meeting};
use redbranch_db::org::Org;
use redbranch_domain::authz::Permission;
use redbranch_domain::meetings::{Attendance, LeaveStatus, MeetingKind};
use serde::Deserialize;

use super::{Loaded, meeting_for};
use crate::error::AppResult;
use crate::fmt::beijing;
use crate::page::{Ctx, Page, render};
use crate::session::{CurrentUser, SignedIn};
use crate::state::AppState;

/// A form that was refused: which one (and which row), what was typed, the message per field.
pub(crate) use crate::dossier::Failed;

/// One meeting as a list row or a page heading.
pub struct MeetingLine {
    pub id: i64,
    pub title: String,
    pub kind_name: String,
    pub org_name: String,
    pub when: String,
    pub status: String,
    pub held: bool,
    pub attended: i64,
    pub invited: i64,
}

fn when(m: &Meeting) -> String {
    format!(
        "{}–{}",
        beijing(m.starts_at, "%Y-%m-%d %H:%M"),
        beijing(m.ends_at, "%H:%M")
    )
}

fn kind_name(ctx: &Ctx, code: &str) -> String {
    MeetingKind::from_code(code).map_or_else(|| code.to_string(), |k| ctx.t(&k.key()).to_string())
}

fn line(ctx: &Ctx, m: &Meeting, orgs: &HashMap<i64, String>) -> MeetingLine {
    MeetingLine {
        id: m.id,
        title: m.title.clone(),
        kind_name: kind_name(ctx, &m.kind),
        org_name: orgs.get(&m.org_id).cloned().unwrap_or_default(),
        when: when(m),
        status: ctx.t(&format!("meetings.status.{}", m.status)).to_string(),
        held: m.status == "held",
        attended: m.attended,
        invited: m.invited,
    }
}

/// The ids of every org in the caller's scope for `p`.
pub(super) async fn scope_orgs(
    st: &AppState,
    u: &CurrentUser,
    p: Permission,
) -> AppResult<Vec<Org>> {
    let mut out = Vec::new();
    for root in u.grants.scope(p).roots {
        out.extend(redbranch_db::org::subtree(&st.db.conn, u.tenant, &root, None).await?);
    }
    Ok(out)
}

#[derive(Template)]
#[template(path = "meetings/index.html")]
struct ListPage {
    page: Page,
    rows: Vec<MeetingLine>,
    may_plan: bool,
}

/// `GET /meetings`.
pub async fn list_meetings(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
) -> AppResult<Response> {
    let mut orgs = scope_orgs(&st, &u, Permission::ManageMeetings).await?;
    orgs.extend(scope_orgs(&st, &u, Permission::ViewMembers).await?);
    let ids: Vec<i64> = orgs.iter().map(|o| o.id).collect();
    let meetings = dbm::list(&st.db.conn, u.tenant, &ids, u.person_id, 100).await?;
    let mut names: HashMap<i64, String> = orgs.into_iter().map(|o| (o.id, o.name)).collect();
    let missing: Vec<i64> = meetings
        .iter()
        .map(|m| m.org_id)
        .filter(|id| !names.contains_key(id))
        .collect();
    for o in redbranch_db::org::by_ids(&st.db.conn, u.tenant, &missing).await? {
        names.insert(o.id, o.name);
    }
    render(&ListPage {
        page: ctx.page("meetings.title"),
        rows: meetings.iter().map(|m| line(&ctx, m, &names)).collect(),
        may_plan: u.grants.anywhere(Permission::ManageMeetings),
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct NewQuery {
    #[serde(default)]
    pub org: Option<i64>,
}

#[derive(Template)]
#[template(path = "meetings/new.html")]
pub(super) struct NewPage {
    pub page: Page,
    /// (id, name) of the orgs the viewer may plan for.
    pub orgs: Vec<(i64, String)>,
    pub org_id: i64,
    /// (code, name) of the kinds the chosen org holds.
    pub kinds: Vec<(&'static str, String)>,
    /// (id, name, 学号) of the chosen org's members.
    pub members: Vec<(i64, String, String)>,
    pub failed: Failed,
    pub today: String,
}

impl NewPage {
    fn err(&self, field: &str) -> String {
        self.failed.errors.get(field).cloned().unwrap_or_default()
    }

    fn val(&self, name: &str, default: &str) -> String {
        if self.failed.form.is_empty() {
            default.to_string()
        } else {
            self.failed.values.get(name).cloned().unwrap_or_default()
        }
    }

    /// Whether the member box is ticked: all by default, what was sent after a refusal.
    fn invited(&self, id: &i64) -> bool {
        self.failed.form.is_empty()
            || self
                .failed
                .values
                .get("invitees")
                .is_some_and(|v| v.split(',').any(|x| x == id.to_string()))
    }
}

/// The planning form for `org` (or the first org the viewer may plan for).
pub(super) async fn new_page(
    st: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    org: Option<i64>,
    failed: Failed,
) -> AppResult<Response> {
    let orgs: Vec<Org> = scope_orgs(st, u, Permission::ManageMeetings)
        .await?
        .into_iter()
        .filter(|o| {
            o.org_kind()
                .is_some_and(|k| MeetingKind::ALL.iter().any(|m| m.may_be_held_by(k)))
        })
        .collect();
    let chosen = org
        .and_then(|id| orgs.iter().find(|o| o.id == id))
        .or_else(|| {
            orgs.iter()
                .find(|o| o.org_kind().is_some_and(|k| k.holds_members()))
        })
        .or(orgs.first());
    let (org_id, kinds, members) = match chosen {
        Some(o) => {
            let k = o.org_kind();
            let kinds = MeetingKind::ALL
                .into_iter()
                .filter(|m| k.is_some_and(|k| m.may_be_held_by(k)))
                .map(|m| (m.code(), ctx.t(&m.key()).to_string()))
                .collect();
            let ids: Vec<i64> = orgs
                .iter()
                .filter(|x| x.path.starts_with(&o.path))
                .map(|x| x.id)
                .collect();
            let tree = k.map_or(redbranch_domain::org::Tree::Party, |k| k.tree());
            (
                o.id,
                kinds,
                dbm::members_of(&st.db.conn, u.tenant, &ids, tree).await?,
            )
        }
        None => (0, Vec::new(), Vec::new()),
    };
    let refused = !failed.form.is_empty();
    let mut page = ctx.page("meetings.new_title");
    page.back = Some("/meetings".into());
    let mut res = render(&NewPage {
        page,
        orgs: orgs.iter().map(|o| (o.id, o.name.clone())).collect(),
        org_id,
        kinds,
        members,
        failed,
        today: st.clock.today().to_string(),
    })?;
    if refused {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

/// `GET /meetings/new?org=ID`.
pub async fn new_meeting(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Query(q): Query<NewQuery>,
) -> AppResult<Response> {
    u.grants
        .anywhere(Permission::ManageMeetings)
        .then_some(())
        .ok_or(crate::error::AppError::Forbidden(
            redbranch_domain::authz::Forbidden(Permission::ManageMeetings),
        ))?;
    new_page(&st, &ctx, &u, q.org, Failed::default()).await
}

/// One invitee row on the meeting page.
pub struct AttendeeLine {
    pub person_id: i64,
    pub name: String,
    pub student_no: String,
    pub status: String,
    pub status_name: String,
    pub checked_in_at: String,
    pub leave_reason: String,
    pub leave_status: String,
    pub leave_status_name: String,
    pub correction_reason: String,
}

fn attendee_line(ctx: &Ctx, a: AttendeeView) -> AttendeeLine {
    AttendeeLine {
        status_name: Attendance::from_code(&a.status)
            .map(|s| ctx.t(&s.key()).to_string())
            .unwrap_or_default(),
        leave_status_name: a
            .leave_status
            .as_deref()
            .and_then(LeaveStatus::from_code)
            .map(|s| ctx.t(&s.key()).to_string())
            .unwrap_or_default(),
        checked_in_at: a
            .checked_in_at
            .map(|t| beijing(t, "%H:%M:%S"))
            .unwrap_or_default(),
        person_id: a.person_id,
        name: a.name,
        student_no: a.student_no,
        status: a.status,
        leave_reason: a.leave_reason.unwrap_or_default(),
        leave_status: a.leave_status.unwrap_or_default(),
        correction_reason: a.correction_reason.unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "meetings/show.html")]
struct ShowPage {
    page: Page,
    m: Meeting,
    line: MeetingLine,
    manage: bool,
    /// The viewer's own row, if invited.
    mine: Option<AttendeeLine>,
    may_ask_leave: bool,
    attendees: Vec<AttendeeLine>,
    files: Vec<FileMeta>,
    /// (code, name) of the statuses an organiser may set.
    statuses: Vec<(&'static str, String)>,
    failed: Failed,
}

impl ShowPage {
    fn err(&self, form: &str, row: &i64, field: &str) -> String {
        if self.failed.form == form && self.failed.row == *row {
            self.failed.errors.get(field).cloned().unwrap_or_default()
        } else {
            String::new()
        }
    }

    fn val(&self, form: &str, row: &i64, name: &str, default: &str) -> String {
        if self.failed.form == form && self.failed.row == *row {
            self.failed.values.get(name).cloned().unwrap_or_default()
        } else {
            default.to_string()
        }
    }

    /// The stored minutes for the editor: the HTML as it was cleaned on save.
    fn minutes_html(&self) -> &str {
        self.m.minutes.as_deref().unwrap_or_default()
    }
}

/// The meeting page, with a refused form's messages if any.
pub(super) async fn show_page(
    st: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    l: Loaded,
    failed: Failed,
) -> AppResult<Response> {
    let rows = dbm::attendees(&st.db.conn, u.tenant, l.meeting.id).await?;
    let files = dbm::files_of(&st.db.conn, u.tenant, l.meeting.id).await?;
    let mine = l
        .access
        .invitation
        .as_ref()
        .and_then(|i| rows.iter().find(|r| r.person_id == i.person_id).cloned())
        .map(|a| attendee_line(ctx, a));
    let may_ask_leave = mine.as_ref().is_some_and(|m| {
        m.status == "invited" && m.leave_status != "pending" && st.clock.now() < l.meeting.starts_at
    });
    let names = HashMap::from([(l.org.id, l.org.name.clone())]);
    let line = line(ctx, &l.meeting, &names);
    let mut page = ctx.page_titled(l.meeting.title.clone());
    page.back = Some("/meetings".into());
    let refused = !failed.form.is_empty();
    let mut res = render(&ShowPage {
        page,
        line,
        manage: l.access.manage,
        mine,
        may_ask_leave,
        attendees: if l.access.manage || l.access.viewer {
            rows.into_iter().map(|a| attendee_line(ctx, a)).collect()
        } else {
            Vec::new()
        },
        files,
        statuses: [
            Attendance::Present,
            Attendance::Late,
            Attendance::Absent,
            Attendance::Leave,
        ]
        .into_iter()
        .map(|s| (s.code(), ctx.t(&s.key()).to_string()))
        .collect(),
        failed,
        m: l.meeting,
    })?;
    if refused {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

/// `GET /meetings/{id}`.
pub async fn show_meeting(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let l = meeting_for(&st, &u, &raw).await?;
    show_page(&st, &ctx, &u, l, Failed::default()).await
}
