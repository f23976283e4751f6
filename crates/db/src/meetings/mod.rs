//! Meetings: the plan, invitees and their attendance and leave, minutes, files; and the
//! grouped reads behind the compliance view. Every function takes the tenant, so a row of
//! another school is simply not found; callers pass the org ids of the caller's scope.

pub mod compliance;
pub mod entity;

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use redbranch_domain::org::Tree;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::DbError;
use crate::auth::UserId;
use crate::auth::entity::users;
use crate::people::entity::people;
use crate::tenants::TenantId;
use entity::{meeting_attendees as att, meeting_files as files, meetings};

pub use entity::meeting_attendees::Model as Attendee;
pub use entity::meetings::Model as Meeting;

/// Rows per multi-row insert (well under both backends' bound-parameter limits).
const CHUNK: usize = 500;

/// A meeting to plan, with the people invited.
pub struct NewMeeting {
    pub org_id: i64,
    pub kind: &'static str,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub held_on: NaiveDate,
    pub place: Option<String>,
    pub online_link: Option<String>,
    pub agenda: String,
    pub by: UserId,
    pub invitees: Vec<i64>,
}

pub async fn create(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    m: NewMeeting,
) -> Result<Meeting, DbError> {
    let invited = i64::try_from(m.invitees.len()).unwrap_or(i64::MAX);
    let row = meetings::ActiveModel {
        tenant_id: Set(tenant.0),
        org_id: Set(m.org_id),
        kind: Set(m.kind.to_string()),
        title: Set(m.title),
        starts_at: Set(m.starts_at),
        ends_at: Set(m.ends_at),
        held_on: Set(m.held_on),
        place: Set(m.place),
        online_link: Set(m.online_link),
        agenda: Set(m.agenda),
        status: Set("planned".into()),
        invited: Set(invited),
        attended: Set(0),
        created_by: Set(m.by.0),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(c)
    .await?;
    for chunk in m.invitees.chunks(CHUNK) {
        att::Entity::insert_many(chunk.iter().map(|p| att::ActiveModel {
            tenant_id: Set(tenant.0),
            meeting_id: Set(row.id),
            person_id: Set(*p),
            status: Set("invited".into()),
            ..Default::default()
        }))
        .exec(c)
        .await?;
    }
    Ok(row)
}

/// A meeting with its org and, if `person` is given and invited, that person's row — in one
/// statement (every meeting request, and each QR check-in of a burst, starts here).
pub async fn with_org(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: i64,
    person: Option<i64>,
) -> Result<(Meeting, crate::org::Org, Option<Attendee>), DbError> {
    use sea_orm::{Iterable, JoinType, QueryTrait};
    let to_org = meetings::Entity::belongs_to(crate::org::entity::orgs::Entity)
        .from(meetings::Column::OrgId)
        .to(crate::org::entity::orgs::Column::Id)
        .into();
    // (`belongs_to` only names the two columns of the join here.)
    let to_invitation = meetings::Entity::belongs_to(att::Entity)
        .from(meetings::Column::Id)
        .to(att::Column::MeetingId)
        .on_condition(move |_, invitation| {
            Expr::col((invitation, att::Column::PersonId))
                .eq(person)
                .into()
        })
        .into();
    let mut q = meetings::Entity::find_by_id(id)
        .filter(meetings::Column::TenantId.eq(tenant.0))
        .join(JoinType::InnerJoin, to_org)
        .filter(crate::org::entity::orgs::Column::TenantId.eq(tenant.0))
        .select_also(crate::org::entity::orgs::Entity)
        .join(JoinType::LeftJoin, to_invitation);
    for col in att::Column::iter() {
        q = q.column_as(
            Expr::col((att::Entity, col)),
            format!("C_{}", sea_orm::IdenStatic::as_str(&col)),
        );
    }
    let row = c
        .query_one_raw(q.build(c.get_database_backend()))
        .await?
        .ok_or(DbError::NotFound)?;
    Ok((
        Meeting::from_query_result(&row, "A_")?,
        crate::org::Org::from_query_result(&row, "B_")?,
        Attendee::from_query_result_optional(&row, "C_")?,
    ))
}

pub async fn get(c: &impl ConnectionTrait, tenant: TenantId, id: i64) -> Result<Meeting, DbError> {
    meetings::Entity::find_by_id(id)
        .filter(meetings::Column::TenantId.eq(tenant.0))
        .one(c)
        .await?
        .ok_or(DbError::NotFound)
}

/// Meetings of the orgs `org_ids` or to which `person` is invited, latest first.
pub async fn list(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    org_ids: &[i64],
    person: Option<i64>,
    limit: u64,
) -> Result<Vec<Meeting>, DbError> {
    let mut any = Condition::any();
    if !org_ids.is_empty() {
        any = any.add(meetings::Column::OrgId.is_in(org_ids.iter().copied()));
    }
    if let Some(p) = person {
        let mine: Vec<i64> = att::Entity::find()
            .select_only()
            .column(att::Column::MeetingId)
            .filter(att::Column::TenantId.eq(tenant.0))
            .filter(att::Column::PersonId.eq(p))
            .into_tuple()
            .all(c)
            .await?;
        if !mine.is_empty() {
            any = any.add(meetings::Column::Id.is_in(mine));
        }
    }
    if any.is_empty() {
        return Ok(Vec::new());
    }
    Ok(meetings::Entity::find()
        .filter(meetings::Column::TenantId.eq(tenant.0))
        .filter(any)
        .order_by_desc(meetings::Column::StartsAt)
        .limit(limit)
        .all(c)
        .await?)
}

/// One invitee with the person's name, for the attendance list.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AttendeeView {
    pub person_id: i64,
    pub name: String,
    pub student_no: String,
    pub status: String,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub via: Option<String>,
    pub leave_reason: Option<String>,
    pub leave_status: Option<String>,
    pub correction_reason: Option<String>,
}

/// The invitees of a meeting, by 学号.
pub async fn attendees(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    meeting: i64,
) -> Result<Vec<AttendeeView>, DbError> {
    let rows = att::Entity::find()
        .filter(att::Column::TenantId.eq(tenant.0))
        .filter(att::Column::MeetingId.eq(meeting))
        .all(c)
        .await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.person_id).collect();
    let names: HashMap<i64, (String, String)> = people::Entity::find()
        .select_only()
        .columns([
            people::Column::Id,
            people::Column::Name,
            people::Column::StudentNo,
        ])
        .filter(people::Column::Id.is_in(ids))
        .into_tuple::<(i64, String, String)>()
        .all(c)
        .await?
        .into_iter()
        .map(|(id, n, s)| (id, (n, s)))
        .collect();
    let mut out: Vec<AttendeeView> = rows
        .into_iter()
        .map(|r| {
            let (name, student_no) = names.get(&r.person_id).cloned().unwrap_or_default();
            AttendeeView {
                person_id: r.person_id,
                name,
                student_no,
                status: r.status,
                checked_in_at: r.checked_in_at,
                via: r.via,
                leave_reason: r.leave_reason,
                leave_status: r.leave_status,
                correction_reason: r.correction_reason,
            }
        })
        .collect();
    out.sort_by(|a, b| a.student_no.cmp(&b.student_no));
    Ok(out)
}

/// One person's invitation, if they are invited.
pub async fn attendee(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    meeting: i64,
    person: i64,
) -> Result<Option<Attendee>, DbError> {
    Ok(att::Entity::find()
        .filter(att::Column::TenantId.eq(tenant.0))
        .filter(att::Column::MeetingId.eq(meeting))
        .filter(att::Column::PersonId.eq(person))
        .one(c)
        .await?)
}

/// Statuses a check-in may replace: not yet there, marked absent, or on leave but came after all.
const NOT_THERE: [&str; 3] = ["invited", "absent", "leave"];

/// Records a check-in by QR unless the person is already checked in; true if it was recorded.
/// The meeting's `attended` count moves in the same statement sequence, on the caller's
/// transaction.
pub async fn check_in(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    meeting: i64,
    person: i64,
    status: &'static str,
    at: DateTime<Utc>,
) -> Result<bool, DbError> {
    let res = att::Entity::update_many()
        .col_expr(att::Column::Status, Expr::value(status))
        .col_expr(att::Column::CheckedInAt, Expr::value(at))
        .col_expr(att::Column::Via, Expr::value("qr"))
        .filter(att::Column::TenantId.eq(tenant.0))
        .filter(att::Column::MeetingId.eq(meeting))
        .filter(att::Column::PersonId.eq(person))
        .filter(att::Column::Status.is_in(NOT_THERE))
        .exec(c)
        .await?;
    if res.rows_affected == 0 {
        return Ok(false);
    }
    meetings::Entity::update_many()
        .col_expr(
            meetings::Column::Attended,
            Expr::col(meetings::Column::Attended).add(1),
        )
        .filter(meetings::Column::Id.eq(meeting))
        .exec(c)
        .await?;
    Ok(true)
}

/// Sets one invitee's attendance by the organiser, with the reason, and recounts.
pub async fn correct(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    meeting: i64,
    person: i64,
    status: &'static str,
    reason: &str,
    at: DateTime<Utc>,
) -> Result<(), DbError> {
    let mut q = att::Entity::update_many()
        .col_expr(att::Column::Status, Expr::value(status))
        .col_expr(att::Column::Via, Expr::value("organiser"))
        .col_expr(att::Column::CorrectionReason, Expr::value(reason));
    if matches!(status, "present" | "late") {
        q = q.col_expr(att::Column::CheckedInAt, Expr::value(at));
    }
    let res = q
        .filter(att::Column::TenantId.eq(tenant.0))
        .filter(att::Column::MeetingId.eq(meeting))
        .filter(att::Column::PersonId.eq(person))
        .exec(c)
        .await?;
    if res.rows_affected == 0 {
        return Err(DbError::NotFound);
    }
    recount(c, meeting).await
}

/// Puts the meeting's `attended` count back in line with its attendees.
async fn recount(c: &impl ConnectionTrait, meeting: i64) -> Result<(), DbError> {
    let n = att::Entity::find()
        .filter(att::Column::MeetingId.eq(meeting))
        .filter(att::Column::Status.is_in(["present", "late"]))
        .count(c)
        .await?;
    meetings::Entity::update_many()
        .col_expr(
            meetings::Column::Attended,
            Expr::value(i64::try_from(n).unwrap_or(i64::MAX)),
        )
        .filter(meetings::Column::Id.eq(meeting))
        .exec(c)
        .await?;
    Ok(())
}

/// Records a leave request (pending).
pub async fn request_leave(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    meeting: i64,
    person: i64,
    reason: &str,
) -> Result<(), DbError> {
    att::Entity::update_many()
        .col_expr(att::Column::LeaveReason, Expr::value(reason))
        .col_expr(att::Column::LeaveStatus, Expr::value("pending"))
        .filter(att::Column::TenantId.eq(tenant.0))
        .filter(att::Column::MeetingId.eq(meeting))
        .filter(att::Column::PersonId.eq(person))
        .exec(c)
        .await?;
    Ok(())
}

/// Approves (status becomes `leave`) or rejects a pending leave request.
pub async fn decide_leave(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    meeting: i64,
    person: i64,
    approve: bool,
    by: UserId,
) -> Result<(), DbError> {
    let mut q = att::Entity::update_many()
        .col_expr(
            att::Column::LeaveStatus,
            Expr::value(if approve { "approved" } else { "rejected" }),
        )
        .col_expr(att::Column::LeaveDecidedBy, Expr::value(by.0));
    if approve {
        q = q.col_expr(att::Column::Status, Expr::value("leave"));
    }
    q.filter(att::Column::TenantId.eq(tenant.0))
        .filter(att::Column::MeetingId.eq(meeting))
        .filter(att::Column::PersonId.eq(person))
        .filter(att::Column::LeaveStatus.eq("pending"))
        .filter(att::Column::Status.eq("invited"))
        .exec(c)
        .await?;
    Ok(())
}

/// The 会议记录: minutes (sanitised HTML), resolutions, host and recorder.
pub struct Minutes {
    pub minutes: String,
    pub resolutions: Option<String>,
    pub host: Option<String>,
    pub recorder: Option<String>,
    pub by: UserId,
}

/// Stores the minutes and marks the meeting held.
pub async fn record_minutes(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    meeting: i64,
    m: Minutes,
) -> Result<(), DbError> {
    meetings::Entity::update_many()
        .col_expr(meetings::Column::Minutes, Expr::value(m.minutes))
        .col_expr(meetings::Column::Resolutions, Expr::value(m.resolutions))
        .col_expr(meetings::Column::Host, Expr::value(m.host))
        .col_expr(meetings::Column::Recorder, Expr::value(m.recorder))
        .col_expr(meetings::Column::MinutesBy, Expr::value(m.by.0))
        .col_expr(meetings::Column::MinutesAt, Expr::value(Utc::now()))
        .col_expr(meetings::Column::Status, Expr::value("held"))
        .filter(meetings::Column::TenantId.eq(tenant.0))
        .filter(meetings::Column::Id.eq(meeting))
        .exec(c)
        .await?;
    Ok(())
}

/// A photo or attachment without its bytes.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult, serde::Serialize)]
pub struct FileMeta {
    pub id: i64,
    pub kind: String,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_at: DateTime<Utc>,
}

/// A file to store (already sniffed and within the size limit).
pub struct NewFile {
    pub kind: &'static str,
    pub filename: String,
    pub content_type: &'static str,
    pub sha256: String,
    pub content: Vec<u8>,
    pub by: UserId,
}

pub async fn add_file(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    meeting: i64,
    f: NewFile,
) -> Result<FileMeta, DbError> {
    let row = files::ActiveModel {
        tenant_id: Set(tenant.0),
        meeting_id: Set(meeting),
        kind: Set(f.kind.into()),
        filename: Set(f.filename),
        content_type: Set(f.content_type.into()),
        size_bytes: Set(i64::try_from(f.content.len()).unwrap_or(i64::MAX)),
        sha256: Set(f.sha256),
        content: Set(f.content),
        uploaded_by: Set(f.by.0),
        uploaded_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(c)
    .await?;
    Ok(FileMeta {
        id: row.id,
        kind: row.kind,
        filename: row.filename,
        content_type: row.content_type,
        size_bytes: row.size_bytes,
        sha256: row.sha256,
        uploaded_at: row.uploaded_at,
    })
}

pub async fn files_of(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    meeting: i64,
) -> Result<Vec<FileMeta>, DbError> {
    use files::Column as F;
    Ok(files::Entity::find()
        .select_only()
        .columns([
            F::Id,
            F::Kind,
            F::Filename,
            F::ContentType,
            F::SizeBytes,
            F::Sha256,
            F::UploadedAt,
        ])
        .filter(F::TenantId.eq(tenant.0))
        .filter(F::MeetingId.eq(meeting))
        .order_by_asc(F::Id)
        .into_model::<FileMeta>()
        .all(c)
        .await?)
}

/// One file with its bytes; [`DbError::NotFound`] unless it belongs to `meeting`.
pub async fn file(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    meeting: i64,
    id: i64,
) -> Result<files::Model, DbError> {
    files::Entity::find_by_id(id)
        .filter(files::Column::TenantId.eq(tenant.0))
        .filter(files::Column::MeetingId.eq(meeting))
        .one(c)
        .await?
        .ok_or(DbError::NotFound)
}

/// The user accounts of these people: (person id, user id), for notices.
pub async fn accounts_of(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    people_ids: &[i64],
) -> Result<Vec<(i64, i64)>, DbError> {
    let mut out = Vec::new();
    for chunk in people_ids.chunks(CHUNK) {
        let rows: Vec<(Option<i64>, i64)> = users::Entity::find()
            .select_only()
            .columns([users::Column::PersonId, users::Column::Id])
            .filter(users::Column::TenantId.eq(tenant.0))
            .filter(users::Column::PersonId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(c)
            .await?;
        out.extend(rows.into_iter().filter_map(|(p, u)| Some((p?, u))));
    }
    Ok(out)
}

/// The people whose current membership in `tree` is the org `org` or one of `org_ids` (its
/// subtree): who is invited by default. (id, name, 学号), by 学号.
pub async fn members_of(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    org_ids: &[i64],
    tree: Tree,
) -> Result<Vec<(i64, String, String)>, DbError> {
    let col = match tree {
        Tree::Party => people::Column::PartyOrgId,
        Tree::League => people::Column::LeagueOrgId,
    };
    Ok(people::Entity::find()
        .select_only()
        .columns([
            people::Column::Id,
            people::Column::Name,
            people::Column::StudentNo,
        ])
        .filter(people::Column::TenantId.eq(tenant.0))
        .filter(col.is_in(org_ids.iter().copied()))
        .order_by_asc(people::Column::StudentNo)
        .into_tuple()
        .all(c)
        .await?)
}
